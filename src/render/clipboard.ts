import { spawn } from 'node:child_process';
import type { Context } from '../context.js';
import { OperationError } from '../errors.js';

/**
 * `--copy`: the text onto the clipboard, for pasting into a ticket. Where the terminal
 * takes it (OSC 52: iTerm2, kitty, WezTerm, Windows Terminal, foot, Alacritty, tmux, and
 * any terminal over ssh, where no local tool can reach the agent's clipboard), through the
 * terminal; else the system's tool: pbcopy (macOS), clip.exe (Windows, WSL), wl-copy
 * (Wayland), xclip (X11). Nothing of this is loaded unless a copy is asked for.
 */
type Env = Readonly<Record<string, string | undefined>>;

export function terminalTakesOsc52(env: Env): boolean {
  if (env.TMUX || env.SSH_TTY || env.SSH_CONNECTION || env.WT_SESSION) return true;
  if (['iTerm.app', 'WezTerm', 'vscode', 'Tabby'].includes(env.TERM_PROGRAM ?? '')) return true;
  return /kitty|alacritty|foot|wezterm|contour/.test(env.TERM ?? '');
}

/** The system tool that copies, by platform and session (undefined: none known). */
export function clipboardTool(env: Env, platform: NodeJS.Platform): [string, string[]] | undefined {
  if (platform === 'darwin') return ['pbcopy', []];
  if (platform === 'win32' || env.WSL_DISTRO_NAME) return ['clip.exe', []];
  if (env.WAYLAND_DISPLAY) return ['wl-copy', []];
  if (env.DISPLAY) return ['xclip', ['-selection', 'clipboard']];
  return undefined;
}

/** The OSC 52 sequence that sets the clipboard to `text`. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Copies `text`; returns how, for the one line that says so. */
export async function copyText(text: string, ctx: Pick<Context, 'env' | 'stderr'>, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (ctx.stderr.isTTY && terminalTakesOsc52(ctx.env)) {
    ctx.stderr.write(osc52(text));
    return 'through the terminal';
  }
  const tool = clipboardTool(ctx.env, platform);
  if (!tool) throw new OperationError('nothing here can copy to the clipboard (no terminal that takes OSC 52, no pbcopy, clip.exe, wl-copy or xclip): select the text above instead');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(tool[0], tool[1], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new OperationError(`cannot copy: ${tool[0]} ${error.code === 'ENOENT' ? 'is not installed' : `failed (${error.code ?? error.message})`}; select the text above instead`)),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new OperationError(`cannot copy: ${tool[0]} exited with ${code}; select the text above instead`))));
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
  return `with ${tool[0]}`;
}
