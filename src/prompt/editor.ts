import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { withoutBom } from './textSources.js';

/**
 * Writing a longer text in the agent's own editor ($VISUAL, else $EDITOR, else the
 * `editor` setting, else vi), as git commit does. The text is written in a private
 * temporary file (0600 in a 0700 folder: it is about a customer), read back when the
 * editor exits, and the file removed; the caller keeps it when saving fails, so what was
 * typed is never lost.
 */
export interface EditedText {
  text: string;
  /** The file the text is in, until `discard()`. */
  path: string;
  discard(): void;
}

export async function editText(ctx: Pick<Context, 'settings' | 'stdin'>, { name }: { name: string }): Promise<EditedText> {
  if (!ctx.stdin.isTTY) throw new UserError('no text given, and the input is not a terminal to open an editor in: give the text, or - to read it from standard input');
  const editor = ctx.settings.get('editor');
  const dir = mkdtempSync(join(tmpdir(), 'csr-call-edit-'));
  const path = join(dir, name);
  const discard = () => rmSync(dir, { recursive: true, force: true });
  writeFileSync(path, '', { mode: 0o600 });
  // Ctrl-C belongs to the editor while it runs (vi and nano take it themselves); this process waits.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  let status: number | null;
  try {
    status = await new Promise<number | null>((resolve, reject) => {
      // Through the shell, as git does: the setting may hold arguments (`code --wait`), and
      // the file comes as "$1", never spliced into the command line. (Node's `shell: true`
      // would append the arguments to the command, and the editor would get two files.)
      const child =
        process.platform === 'win32'
          ? spawn(`${editor} "${path}"`, { shell: true, stdio: 'inherit' })
          : spawn('/bin/sh', ['-c', `${editor} "$@"`, editor, path], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
  } catch (error) {
    discard();
    throw new UserError(`cannot start the editor "${editor}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): set VISUAL or EDITOR, or csr-call config set editor nano`, 1);
  } finally {
    process.off('SIGINT', ignore);
  }
  if (status === 127) {
    discard();
    throw new UserError(`the editor "${editor}" was not found: set VISUAL or EDITOR, or csr-call config set editor nano`, 1);
  }
  const text = withoutBom(readFileSync(path, 'utf8'));
  if (status !== 0) {
    // An editor quit with an error (vim's :cq) means "abandon": nothing is saved.
    discard();
    throw new UserError(`the editor exited with status ${status}: nothing was saved`, 1);
  }
  return { text, path, discard };
}
