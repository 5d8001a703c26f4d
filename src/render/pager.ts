import type { Writable } from 'node:stream';
import { displayWidth } from './terminalText.js';
import { requireBuiltin } from '../requireBuiltin.js';

/**
 * Long output on a terminal goes through a pager (`$PAGER`, by default `less -FRX`: it
 * quits at once when the text fits the screen, keeps colours, and leaves the text on the
 * screen), as git and gh do. The command writes to this stream as to stdout; the text is
 * held and, at the end, shown directly when it fits the screen, or through the pager.
 * `--no-pager`, or the pager setting `never`, turn it off; piped output never pages.
 */
export interface PagedOutput extends Writable {
  readonly isTTY: true;
  readonly columns: number | undefined;
  readonly rows: number | undefined;
  /** Shows what was written (through the pager when it is longer than the screen) and waits for the pager to quit. */
  finish(): Promise<void>;
}

/** Marks the streams pagedOutput makes (node:stream is loaded only to make one: it is not on every command's way). */
const PAGED = Symbol('csr-call paged output');

export function isPagedOutput(stream: unknown): stream is PagedOutput {
  return typeof stream === 'object' && stream !== null && PAGED in stream;
}

/** Lines the text takes on a screen `columns` wide (long lines wrap). */
export function screenLines(text: string, columns: number): number {
  let count = 0;
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  const lines = plain.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) count += Math.max(1, Math.ceil(displayWidth(line) / Math.max(1, columns)));
  return count;
}

export function pagedOutput(stdout: NodeJS.WriteStream, pagerCommand: () => string, warn: (message: string) => void): PagedOutput {
  const { Writable } = requireBuiltin<typeof import('node:stream')>('node:stream');
  const chunks: string[] = [];
  let finished = false;
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      if (finished) stdout.write(chunk, callback);
      else {
        chunks.push(String(chunk));
        callback();
      }
    },
  }) as Writable & { isTTY: true; columns: number | undefined; rows: number | undefined; finish: () => Promise<void> };
  Object.defineProperty(stream, PAGED, { value: true });
  stream.isTTY = true;
  stream.columns = stdout.columns;
  stream.rows = stdout.rows;
  stream.finish = async () => {
    if (finished) return;
    finished = true;
    const text = chunks.join('');
    chunks.length = 0;
    if (text === '') return;
    const fits = screenLines(text, stdout.columns || 80) < (stdout.rows || 24);
    let command: string;
    try {
      command = pagerCommand().trim();
    } catch (error) {
      warn(`${(error as Error).message}; showing the output without a pager`);
      command = 'never';
    }
    if (fits || command === '' || command === 'never' || command === 'cat') {
      await writeAll(stdout, text);
      return;
    }
    await runPager(command, text, stdout, warn);
  };
  return stream;
}

function writeAll(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', () => resolve());
  });
}

/**
 * The pager reads the text on its standard input and owns the terminal until it quits.
 * Ctrl-C goes to the whole foreground group: the pager handles it (less stops a search),
 * and this process, which has nothing to lose, ignores it meanwhile, as git does.
 */
async function runPager(command: string, text: string, stdout: NodeJS.WriteStream, warn: (message: string) => void): Promise<void> {
  // Loaded when a pager is run: child_process (with net and dgram) is ~3 ms of every start.
  const { spawn } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    await new Promise<void>((resolve) => {
      // LESS as git sets it when unset: quit if it fits, keep colours, leave the screen as is.
      const env = { ...process.env, LESS: process.env.LESS ?? 'FRX', LV: process.env.LV ?? '-c' };
      const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
      let failed = false;
      child.on('error', (error: NodeJS.ErrnoException) => {
        failed = true;
        warn(`the pager "${command}" could not be started (${error.code ?? error.message}); set another with csr-call config set pager, or --no-pager`);
        void writeAll(stdout, text).then(resolve);
      });
      // The reader may quit before reading everything (q in less): the rest is not wanted.
      child.stdin.on('error', () => {});
      child.stdin.end(text);
      child.on('close', (code) => {
        if (failed) return;
        // A shell that cannot find the pager exits 127 without having shown anything.
        if (code === 127) {
          warn(`the pager "${command}" was not found; set another with csr-call config set pager, or --no-pager`);
          void writeAll(stdout, text).then(resolve);
          return;
        }
        resolve();
      });
    });
  } finally {
    process.off('SIGINT', ignore);
  }
}
