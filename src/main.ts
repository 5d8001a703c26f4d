import { buildProgram, CommanderError, type GlobalOptions } from './cli.js';
import type { Context } from './context.js';
import type { TeamConnection } from './team/teamSession.js';
import { systemTimeZone, unknownTz } from './dates/zone.js';
import type { CommandSpec } from './commandSpec.js';
import { loadSettings, type Settings } from './settings/settings.js';
import { terminalPrompts } from './prompt/terminalPrompts.js';
import { isPagedOutput, pagedOutput } from './render/pager.js';
import { noColorTerminal } from './render/dumbTerminal.js';
import { packageVersion } from './installPaths.js';
import { UserError, InterruptedError, SIGNAL_EXIT_CODES, writeFailure } from './errors.js';
import { sanitizeForTerminal } from './render/terminalText.js';
import { configureIndex, type RebuildEvent } from './store/index/indexSettings.js';
import { ProgressBar } from './render/progressBar.js';
import { teamSettingsFrom, type TeamSettings } from './team/teamSettings.js';
import { listenToStore } from './store/storeEvents.js';
import { grouped } from './text/plural.js';
import { isClosedSocketWrite } from './team/postgresQuirks.js';

/**
 * The entry point: builds the real context, runs the command, and is the only place that
 * turns an outcome into an exit code. 0 ok, 1 operation failed, 2 bad input,
 * 70 internal error (a bug), 129/130/143 hang-up/Ctrl-C/terminated.
 */

const warn = (message: string) => process.stderr.write(`csr-call: warning: ${sanitizeForTerminal(message, { keepNewlines: false })}\n`);

/** The settings of this run (flags are known once commander has read them). */
function settingsFor(globals: GlobalOptions = {}): Settings {
  const flags = {
    ...(globals.dataDir !== undefined ? { 'data-dir': globals.dataDir } : {}),
    ...(globals.agent !== undefined ? { agent: globals.agent } : {}),
  };
  return loadSettings(process.env, flags, warn);
}

function makeContext(globals: GlobalOptions, spec: CommandSpec): Context {
  if (globals.color === false || noColorTerminal(process.env)) process.env.NO_COLOR = '1';
  const current = settingsFor(globals);
  // Resolved on first use: on a machine whose zone is not a link to the zone database,
  // only Intl knows it, at ~25 ms of start-up a command that shows no date need not pay.
  let timeZone: string | undefined;
  let prompts: Context['prompts'] | undefined;
  // Said before anything else (not in the middle of a call's prompts); cheap unless TZ is set.
  const unknown = unknownTz();
  if (unknown !== undefined) warn(`TZ=${unknown} is not a time zone this machine knows; times are in UTC (set TZ to a name like Europe/London)`);
  // Long output through the pager, on a terminal only (src/render/pager.ts).
  const stdout = spec.pager && globals.pager !== false && process.stdout.isTTY ? pagedOutput(process.stdout, () => current.get('pager'), warn) : process.stdout;
  return {
    get dataDir() {
      return current.get('data-dir');
    },
    get agent() {
      return current.get('agent');
    },
    now: () => new Date(),
    get timeZone() {
      return (timeZone ??= systemTimeZone());
    },
    // Checked when a date is read: a wrong value is refused then, in one line.
    get dateOrder() {
      return current.get('date-order');
    },
    stdout,
    stderr: process.stderr,
    // Made on first use: creating process.stdin costs ~2 ms, and most commands read none.
    get stdin() {
      return process.stdin;
    },
    // The team code reads its database from here: the setting, wherever it was set.
    env: teamEnv(current),
    warn,
    settings: current,
    // Questions go to stderr: stdout is the command's output (a --json report, a list).
    get prompts() {
      return (prompts ??= terminalPrompts(process.stdin, process.stderr));
    },
  };
}

/** The environment, with CSR_CALL_TEAM_DB as the settings have it (also from the config file). */
function teamEnv(current: Settings): NodeJS.ProcessEnv {
  if (process.env.CSR_CALL_TEAM_DB !== undefined) return process.env;
  try {
    const url = current.get('team.db');
    return url === undefined ? process.env : { ...process.env, CSR_CALL_TEAM_DB: url };
  } catch {
    return process.env; // said when the team code asks for it
  }
}

async function main(argv: string[]): Promise<number> {
  configureIndex({ onRebuild: reportRebuild(), warn });
  const team = await joinTeam(argv);
  let ctx: Context | undefined;
  let teamAhead: Promise<TeamConnection | undefined> | undefined;
  const program = buildProgram((globals, spec) => {
    ctx = makeContext(globals, spec);
    if (team && spec.teamAhead) teamAhead = connectTeamAhead(ctx, team, spec.teamAhead);
    return ctx;
  }, packageVersion());
  let exitCode: number;
  try {
    await program.parseAsync(argv);
    // Output held for the pager is shown now (and the pager waited for).
    if (ctx && isPagedOutput(ctx.stdout)) await ctx.stdout.finish();
    exitCode = process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (ctx && isPagedOutput(ctx.stdout)) await ctx.stdout.finish();
    exitCode = handleError(error);
    if (error instanceof InterruptedError) return exitCode;
  }
  // Said now: whatever the end below does, the process never ends 0 after a failure.
  process.exitCode = exitCode;
  // Files first: the command's work is in the call files; the team database hears of it now.
  if (team && ctx) {
    const { endOfCommand } = await import('./team/teamSession.js');
    await endOfCommand(ctx, team, teamAhead);
  }
  return exitCode;
}

/** teamSession.connectAhead, its module loaded beside the command's work, not before it. */
function connectTeamAhead(ctx: Context, team: TeamSettings, kind: NonNullable<CommandSpec['teamAhead']>): Promise<TeamConnection | undefined> {
  return import('./team/teamSession.js').then(({ connectAhead }) => connectAhead(ctx, team, kind));
}

/**
 * With a team database set, every change to a call is noted for sending before it is
 * made; the team's own commands (`csr-call team …`) do their sending themselves. A
 * setting that makes no sense leaves the agent's own commands working, with one line.
 */
async function joinTeam(argv: string[]): Promise<TeamSettings | undefined> {
  if (commandOf(argv.slice(2)) === 'team') return undefined;
  let team: TeamSettings | undefined;
  try {
    team = teamSettingsFrom(teamEnv(settingsFor()));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    warn(`${error.message}; working without the team database`);
    return undefined;
  }
  if (!team) return undefined;
  const { outboxListener } = await import('./team/outbox.js');
  listenToStore(outboxListener(warn));
  return team;
}

/** The command's name: the first word that is neither an option nor a global option's value (as bin/csr-call.cjs reads it). */
function commandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--data-dir' || arg === '--agent') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * A rebuild of the index from thousands of call files takes a while: one line says why,
 * and on a terminal a progress bar shows how far it is, so a pause with a caller waiting
 * is not taken for a hang.
 */
function reportRebuild(): (event: RebuildEvent) => void {
  let bar: ProgressBar | undefined;
  return (event) => {
    if (event.kind === 'start') {
      const what = event.fresh ? `${event.reason}: building it from ${grouped(event.total)} call files` : `reading ${grouped(event.total)} changed call files`;
      process.stderr.write(`csr-call: ${what} (your files are not changed; this takes a moment)\n`);
      if (process.stderr.isTTY) {
        bar = new ProgressBar(process.stderr, event.total, 'index');
      }
    } else if (event.kind === 'progress') bar?.set(event.done, event.total);
    else if (event.kind === 'end') bar?.clear();
    else process.stderr.write(`csr-call: waiting for another csr-call (${event.holder}) to finish building the index of calls\n`);
  };
}

function handleError(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version come through here too, with exit code 0.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return 0;
    return 2; // commander has already printed its one-line message and suggestion
  }
  if (error instanceof InterruptedError) {
    return SIGNAL_EXIT_CODES[error.signal];
  }
  if (error instanceof UserError) {
    // One line whatever the message quotes (a value from an answers file may hold newlines).
    process.stderr.write(`csr-call: ${sanitizeForTerminal(error.message, { keepNewlines: false })}\n`);
    return error.exitCode;
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') {
    process.stderr.write('csr-call: the disk is full: nothing was changed; free some space and try again\n');
    return 1;
  }
  // Reads fail too (a listing of the store), not only writes: say what is wrong with the path.
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') {
    const path = (error as NodeJS.ErrnoException).path;
    const why = code === 'ENOTDIR' ? 'part of the path is a file, not a directory' : code === 'EROFS' ? 'the file system is read-only' : 'no permission';
    process.stderr.write(
      `csr-call: cannot use ${sanitizeForTerminal(path ?? 'the data directory', { keepNewlines: false })}: ${why} (${code}); check --data-dir / CSR_CALL_HOME and its permissions\n`,
    );
    return 1;
  }
  process.stderr.write(
    `csr-call: internal error, please report it with the lines below\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return 70;
}

// An error thrown outside any command's promise is a bug like any other (exit 70, said so),
// except the team database client's throw after a lost connection (team/postgresQuirks.ts).
process.on('uncaughtException', (error) => {
  if (isClosedSocketWrite(error)) return;
  process.exit(handleError(error));
});

// A reader that stops early (`csr-call list | head`) closes the pipe: the rest of the
// output is not wanted, which is no error, and certainly no stack trace. Any other failure
// to write the output is said in one line.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(outputFailed(error, Number(process.exitCode ?? 0))));
// Warnings and hooks' output on a stderr whose reader went away (`2>&1 | head -1`): there is
// nowhere left to say anything, and the command's own outcome stands.
process.stderr.on('error', () => {});

/** The exit code once the output could not be written (said in one line, unless the reader left). */
function outputFailed(error: NodeJS.ErrnoException, exitCode: number): number {
  if (error.code === 'EPIPE') return exitCode;
  process.stderr.write(`csr-call: cannot write the output: ${writeFailure(error) ?? error.code ?? error.message}\n`);
  return 1;
}

// stdout carries the program's own output only (a summary to paste, --json to parse): what a
// playbook's code prints with console.log goes to stderr, with the warnings.
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

// Not a top-level await: the built program is one CommonJS script (see src/build/bundle.ts).
void main(process.argv).then((exitCode) => {
  // A write to a file that failed (stdout sent to a full disk) is known by now, but its
  // 'error' event would come after the exit below.
  const failed = process.stdout.errored as NodeJS.ErrnoException | null;
  if (failed) process.exit(outputFailed(failed, exitCode));
  process.exitCode = exitCode;
  // Nothing is left to do once the output is written (no command leaves work running in the
  // background): exiting now skips the idle-time garbage collection V8 would otherwise finish
  // first, ~10-15 ms of a long `list`. Output still being written (a pipe on macOS is
  // asynchronous) is let drain: the process then ends on its own.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(exitCode);
});
