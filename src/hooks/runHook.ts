import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { JSON_VERSION } from '../render/jsonOutput.js';
import { configDir } from '../settings/settingsTable.js';

/**
 * Hooks, as taskwarrior has them: an executable in the config folder's `hooks/` named for
 * an event (`on-call-end`), or for it and more (`on-call-end-ticket`, `on-call-end-sheet`:
 * each is run, in the order of their names), is run after the event, with what happened as
 * one JSON object on its standard input (versioned like --json). It runs once the change is saved, so nothing it does can lose anything. It
 * has `hook-timeout` seconds (10 by default), after which it is stopped with everything it
 * started; one that fails, is stopped or cannot be run is said in one warning line, and the
 * command goes on (its exit code is the command's own). What a hook prints goes to stderr,
 * so a command's own output (--json) stays clean.
 */
export const HOOKS = ['on-call-end', 'on-escalation', 'on-followup-change'] as const;
export type HookName = (typeof HOOKS)[number];

export type HookContext = Pick<Context, 'env' | 'settings' | 'warn' | 'stderr'>;

export function hooksDir(env: Context['env']): string {
  return join(configDir(env), 'hooks');
}

/** The hooks of an event, in the order they run (none: the usual case, one directory read). */
export function hooksFor(env: Context['env'], name: HookName): string[] {
  let names: string[];
  try {
    names = readdirSync(hooksDir(env));
  } catch {
    return [];
  }
  return names
    .filter((file) => (file === name || file.startsWith(`${name}-`)) && !file.endsWith('~'))
    .sort()
    .map((file) => join(hooksDir(env), file));
}

/**
 * Writable by everyone (Windows has no such bits: never). A group-writable file is left
 * alone: many systems give each user a group of their own and a umask of 002.
 */
function writableByOthers(stats: { mode: number }): boolean {
  return process.platform !== 'win32' && (stats.mode & 0o002) !== 0;
}

/** Runs every hook of the event, one after the other. */
export async function runHooks(ctx: HookContext, name: HookName, body: Record<string, unknown>): Promise<void> {
  for (const path of hooksFor(ctx.env, name)) await runHook(ctx, name, path, body);
}

/** After the hook exits, how long its output may take to arrive (a background child it left may hold the pipe open). */
const DRAIN_MS = 250;

async function runHook(ctx: HookContext, event: HookName, path: string, body: Record<string, unknown>): Promise<void> {
  const name = basename(path);
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return ctx.warn(`hook ${name} is not a file and was not run: ${path}`);
    // A hook is run as the agent with the call's data: one that any user could have changed
    // (the file or its folder writable by everyone) is not run, as ssh refuses such keys.
    const unsafe = writableByOthers(stats) ? path : writableByOthers(statSync(dirname(path))) ? dirname(path) : undefined;
    if (unsafe !== undefined) return ctx.warn(`hook ${name} was not run: ${unsafe} can be changed by other users; make it yours alone: chmod go-w ${unsafe}`);
  } catch {
    return; // gone meanwhile
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return ctx.warn(`hook ${name} is not executable and was not run: chmod +x ${path}`);
  }
  let seconds = 10;
  try {
    seconds = ctx.settings.get('hook-timeout');
  } catch (error) {
    ctx.warn(`${(error as Error).message}; the hook has 10 s`);
  }
  const input = `${JSON.stringify({ jsonVersion: JSON_VERSION, event, ...body })}\n`;
  const after = 'nothing else is affected';

  await new Promise<void>((resolve) => {
    let child: ChildProcess | undefined;
    let finished = false;
    let errorLine = '';
    const finish = (warning?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      process.off('SIGINT', stopOnCtrlC);
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      if (warning) ctx.warn(warning);
      resolve();
    };
    // Everything the hook started goes with it (its own process group): a `sleep` or a
    // `curl` left running would otherwise hold on past the limit.
    const stop = () => {
      try {
        if (child?.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const stopOnCtrlC = () => {
      stop();
      finish(`hook ${name} was stopped (Ctrl-C); ${after}`);
    };
    const limit = setTimeout(() => {
      stop();
      finish(`hook ${name} ran longer than ${seconds} s and was stopped; ${after}`);
    }, seconds * 1000);
    process.on('SIGINT', stopOnCtrlC);
    try {
      child = spawn(path, [], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        env: { ...ctx.env, CSR_CALL_HOOK: event },
      });
    } catch (error) {
      finish(`hook ${name} could not be run (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${after}`);
      return;
    }
    child.stdout!.on('data', (chunk: Buffer) => ctx.stderr.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      ctx.stderr.write(chunk);
      errorLine ||= String(chunk).trim().split('\n')[0]!.slice(0, 120);
    });
    child.stdin!.on('error', () => {}); // a hook that reads nothing
    child.on('error', (error: NodeJS.ErrnoException) => finish(`hook ${name} could not be run (${error.code ?? error.message}): ${path}; ${after}`));
    let outcome: string | undefined;
    child.on('exit', (code, signal) => {
      outcome = code === 0 ? '' : `hook ${name} failed (${code === null ? `signal ${signal}` : `exit ${code}`})`;
      setTimeout(() => finish(failure()), DRAIN_MS).unref();
    });
    child.on('close', () => finish(failure()));
    const failure = () => (outcome ? `${outcome}${errorLine ? `: ${errorLine}` : ''}; ${after}` : undefined);
    child.stdin!.end(input);
  });
}
