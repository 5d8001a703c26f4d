/**
 * Typed and pasted input for answers. Pasted text arrives in one piece, and a prompt that
 * takes a line at each Enter dropped the rest of it: `readLines` and `oneLinePastes` keep
 * every line.
 *
 * readLines reads the lines of a long answer (notes, a list) with one readline for the
 * whole answer. A prompt per line lost every line of a paste but the first: a pasted
 * text arrives at once, and a prompt that has its line closes with the rest unread. Here
 * every line typed or pasted is handed on, in order, even while the one before is being
 * saved.
 *
 * An empty line ends the answer when the agent types it; an empty line inside a pasted
 * text is a paragraph break. Pasted text is told apart by the terminal's bracketed paste
 * (most terminals mark a paste when asked to), and where that is not supported by timing:
 * a line that follows an empty one within PASTE_GAP_MS came with it, which no one types.
 */
import { createInterface } from 'node:readline';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** A line this soon after an empty one came with it (a paste): no one types that fast. */
export const PASTE_GAP_MS = 40;

const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

export interface ReadLinesOptions {
  input: Readable;
  output: Writable;
  /** Shown before each line, like "  │ ". */
  prompt: string;
  signal: AbortSignal;
  /** Read as a terminal (raw keys, line editing, bracketed paste): by default when the output is one. */
  terminal?: boolean;
  /**
   * Called for every line, one at a time and in order. `blank` is true for an empty line
   * the agent typed (not one inside a paste): return 'done' to end the answer there.
   */
  onLine: (line: string, blank: boolean) => Promise<'more' | 'done'>;
}

/** The same error names as the prompt library's, so an interruption is handled the same way. */
function promptError(name: 'ExitPromptError' | 'AbortPromptError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export function readLines(options: ReadLinesOptions): Promise<void> {
  const { input, output, signal } = options;
  const terminal = options.terminal ?? Boolean((output as Writable & { isTTY?: boolean }).isTTY);
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(promptError('AbortPromptError', 'Prompt was aborted'));
      return;
    }
    const rl = createInterface({ input, output, prompt: options.prompt, terminal });
    const pending: Array<{ line: string; pasted: boolean }> = [];
    let pasting = false;
    let working = false;
    let settled = false;

    const onKeypress = (_text: string | undefined, key: { name?: string } | undefined) => {
      if (key?.name === 'paste-start') pasting = true;
      else if (key?.name === 'paste-end') pasting = false;
    };
    const onAbort = () => finish(promptError('AbortPromptError', 'Prompt was aborted'));
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      input.off('keypress', onKeypress);
      signal.removeEventListener('abort', onAbort);
      if (terminal) output.write(BRACKETED_PASTE_OFF);
      rl.close();
      if (error) reject(error);
      else resolve();
    };

    const work = async () => {
      if (working) return;
      working = true;
      try {
        while (pending.length > 0 && !settled) {
          const { line, pasted } = pending.shift()!;
          let blank = line.trim() === '' && !pasted;
          if (blank && pending.length === 0) {
            // Typed, or the end of a burst? Wait a moment for what may follow it.
            await new Promise((wake) => setTimeout(wake, PASTE_GAP_MS));
            if (settled) return;
          }
          if (blank && pending.length > 0) blank = false; // more came with it: part of a paste
          if ((await options.onLine(line, blank)) === 'done') {
            finish();
            return;
          }
          if (settled) return;
          if (line.trim() === '' && !pasted && pending.length === 0) rl.prompt();
        }
      } catch (error) {
        finish(error as Error);
      } finally {
        working = false;
      }
    };

    rl.on('line', (line) => {
      // Only the terminal's paste marks are trusted here: a busy machine reads typed keys in
      // bursts too. An empty line with more lines behind it is found to be pasted in work,
      // by which time every line of the same piece of input is pending.
      pending.push({ line, pasted: pasting });
      // The next line's marker goes up at once, so pasted lines show under it as they come;
      // an empty line typed gets one only once it is known not to end the answer (see work).
      if (line.trim() !== '' || pasting) rl.prompt();
      void work();
    });
    rl.on('SIGINT', () => finish(promptError('ExitPromptError', 'User force closed the prompt with SIGINT')));
    rl.on('close', () => finish(promptError('ExitPromptError', 'The input was closed')));
    input.on('keypress', onKeypress);
    signal.addEventListener('abort', onAbort, { once: true });
    if (terminal) output.write(BRACKETED_PASTE_ON);
    rl.prompt();
  });
}

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

type TerminalInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * The terminal's input for a one-line answer, with the line breaks of a pasted text
 * turned into spaces: the prompt takes its answer at the first Enter, and a paste of
 * several lines (an address, a line copied from an email) lost all but its first line.
 * Only text the terminal marks as pasted (bracketed paste, turned on here) is changed;
 * typed keys pass as they are. `stop` hands the terminal back as it was.
 */
export function oneLinePastes(source: TerminalInput, output: Writable): { input: Readable; stop: () => void } {
  const through = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (mode: boolean) => PassThrough };
  // The prompt sets the terminal's mode through the stream it reads.
  through.isTTY = true;
  through.setRawMode = (mode: boolean) => {
    source.setRawMode?.(mode);
    return through;
  };
  const decoder = new StringDecoder('utf8');
  let pasting = false;
  const onData = (chunk: Buffer | string) => {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let out = '';
    // A mark cut in two by the terminal's writes is not seen: that paste is taken as typed.
    for (let at = text.indexOf(pasting ? PASTE_END : PASTE_START); at >= 0; at = text.indexOf(pasting ? PASTE_END : PASTE_START)) {
      out += pasting ? text.slice(0, at).replace(/\r\n|[\r\n]/g, ' ') : text.slice(0, at);
      text = text.slice(at + (pasting ? PASTE_END : PASTE_START).length);
      pasting = !pasting;
    }
    out += pasting ? text.replace(/\r\n|[\r\n]/g, ' ') : text;
    if (out) through.write(out);
  };
  source.on('data', onData);
  source.resume();
  output.write(BRACKETED_PASTE_ON);
  return {
    input: through,
    stop: () => {
      source.off('data', onData);
      source.pause();
      output.write(BRACKETED_PASTE_OFF);
      through.end();
    },
  };
}
