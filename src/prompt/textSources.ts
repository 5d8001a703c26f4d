import { readFile } from '../asyncFs.js';
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';

/**
 * Text from where people keep it: `-` is standard input wherever a text or a file is
 * expected (`note ID -`, `--note -`, `--answers -`, `playbooks validate -`), and a UTF-8
 * byte-order mark at the start (Notepad, Excel) is dropped.
 */
export const STDIN = '-';
const BOM = '\uFEFF';

export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** All of standard input, as UTF-8; refused when it is a terminal (nothing was piped in). */
export async function readStandardInput(ctx: Pick<Context, 'stdin'>, what: string): Promise<string> {
  if (ctx.stdin.isTTY) throw new UserError(`${what}: - reads standard input, and nothing is piped in (like: pbpaste | csr-call ...)`);
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return withoutBom(Buffer.concat(chunks).toString('utf8'));
}

/** A text given on the command line, or standard input when it is `-`. */
export async function textArgument(value: string, ctx: Pick<Context, 'stdin'>, what: string): Promise<string> {
  return value === STDIN ? readStandardInput(ctx, what) : value;
}

/** A file's text (or standard input for `-`), BOM dropped; a missing file is one line. */
export async function readTextFile(path: string, ctx: Pick<Context, 'stdin'>, what: string): Promise<string> {
  if (path === STDIN) return readStandardInput(ctx, what);
  try {
    return withoutBom(await readFile(resolve(path), 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : ` (${code})`}`);
  }
}
