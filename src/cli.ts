import { Command, Option, CommanderError } from 'commander';
import type { Context } from './context.js';
import { sanitizeForTerminal } from './render/terminalText.js';

/**
 * The one registry of commands. Each action lazily imports its command module so that
 * `--help` or `followups` never pays for prompts, zod schemas or CSV code they don't use.
 * Commands return normally or throw; only `main.ts` decides the exit code.
 */
export type ContextFactory = (globals: GlobalOptions) => Context;

export interface GlobalOptions {
  dataDir?: string;
  agent?: string;
  color?: boolean;
}

type Opts = Record<string, unknown>;

export function buildProgram(makeContext: ContextFactory, version: string): Command {
  const program = new Command('csr-call');
  program
    .description('Coaches you through a customer call, step by step, and keeps your notes: one JSON file per call.')
    .version(version, '-V, --version')
    .option('--data-dir <dir>', 'where calls are kept (default: $CSR_CALL_HOME or your user data folder)')
    .option('--agent <name>', 'your name as written on calls (default: $CSR_CALL_AGENT or your login)')
    .option('--no-color', 'plain text output')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run csr-call --help for the commands)')
    // commander echoes the unknown command or option as typed: never an escape sequence raw.
    .configureOutput({ outputError: (text, write) => write(sanitizeForTerminal(text)) })
    .exitOverride();

  const ctxOf = (command: Command) => makeContext(command.optsWithGlobals() as GlobalOptions);

  program
    .command('start')
    .description('start a call: walks the playbook step by step, saving every answer at once')
    .option('-p, --playbook <name|file>', 'built-in or own playbook name, or a .ts file', 'standard')
    .option('--customer <name>', "customer's name (flags land in shell history: prefer the prompts)")
    .option('--phone <number>', "customer's phone")
    .option('--account <id>', "customer's account")
    .option('--answers <file.json>', 'take every answer from a JSON file by step id (no prompts)')
    .action(async (opts: Opts, command: Command) => {
      const { startCommand } = await import('./commands/start.js');
      await startCommand(opts as never, ctxOf(command));
    });

  program
    .command('resume [id]')
    .description('continue an unfinished call (no id: your latest one)')
    .option('--answers <file.json>', 'take the remaining answers from a JSON file')
    .action(async (id: string | undefined, opts: Opts, command: Command) => {
      const { resumeCommand } = await import('./commands/start.js');
      await resumeCommand(id, opts as never, ctxOf(command));
    });

  const playbooks = program.command('playbooks').description('list, show and check playbooks');
  playbooks
    .command('list', { isDefault: true })
    .description('list built-in and your own playbooks, with where each comes from')
    .option('--json', 'machine-readable output')
    .action(async (opts: Opts, command: Command) => {
      const { playbooksListCommand } = await import('./commands/playbooks.js');
      await playbooksListCommand(opts as never, ctxOf(command));
    });
  playbooks
    .command('show <name>')
    .description("print a playbook's stages and steps")
    .option('--json', 'machine-readable: every step with its full id, type, choices, required')
    .action(async (name: string, opts: Opts, command: Command) => {
      const { playbooksShowCommand } = await import('./commands/playbooks.js');
      await playbooksShowCommand(name, opts as never, ctxOf(command));
    });
  playbooks
    .command('validate <file>')
    .description('check one playbook file')
    .action(async (file: string, opts: Opts, command: Command) => {
      const { playbooksValidateCommand } = await import('./commands/playbooks.js');
      await playbooksValidateCommand(file, opts as never, ctxOf(command));
    });

  const followups = program.command('followups').description('whom to call back: overdue, today, upcoming');
  followups
    .command('list', { isDefault: true })
    .description('the morning list (default)')
    .option('--days <n>', 'how far ahead "upcoming" looks', '7')
    .option('--on <date>', 'the list as it will stand on another day')
    .option('--agent <name>', "another agent's follow-ups")
    .option('--all', 'every agent sharing this data directory')
    .option('--json', 'machine-readable output')
    .option('--strict', 'exit 1 when a damaged call file was skipped')
    .option('--team', "every open follow-up of the team (the team database): the team's first, then by due time")
    .option('--limit <n>', 'with --team: how many to show', '200')
    .action(async (opts: Opts, command: Command) => {
      if (opts.team) {
        const { followupsTeamListCommand } = await import('./commands/teamFollowups.js');
        await followupsTeamListCommand(opts as never, ctxOf(command));
        return;
      }
      const { followupsListCommand } = await import('./commands/followups.js');
      // `--agent` is both global and this command's filter; commander gives it to the
      // global option, so read the merged options.
      await followupsListCommand({ ...opts, agent: command.optsWithGlobals().agent } as never, ctxOf(command));
    });
  followups
    .command('done <id>')
    .description('mark a follow-up done (a repeating one schedules its next occurrence)')
    .option('--note <text>', 'what happened')
    .option('--last', 'close a repeating follow-up for good (no next occurrence)')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { followupsDoneCommand } = await import('./commands/followups.js');
      await followupsDoneCommand(id, opts as never, ctxOf(command));
    });
  followups
    .command('snooze <id>')
    .description('move a follow-up to a later time')
    .requiredOption('--until <when>', 'new due time: tomorrow, +2d, fri 10:00, 2026-12-01 ...')
    .option('--note <text>', 'why')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { followupsSnoozeCommand } = await import('./commands/followups.js');
      await followupsSnoozeCommand(id, opts as never, ctxOf(command));
    });

  followups
    .command('claim <id>')
    .description("take a follow-up of the team's (or an agent's, overdue past the team's grace) as yours")
    .option('--note <text>', 'why')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { followupsClaimCommand } = await import('./commands/teamFollowups.js');
      await followupsClaimCommand(id, opts as never, ctxOf(command));
    });
  followups
    .command('release <id>')
    .description("give a follow-up you hold back to the team (anyone may claim it)")
    .option('--note <text>', 'why')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { followupsReleaseCommand } = await import('./commands/teamFollowups.js');
      await followupsReleaseCommand(id, opts as never, ctxOf(command));
    });
  followups
    .command('assign <id>')
    .description('give a follow-up to an agent, or to the team')
    .requiredOption('--to <name|team>', "an agent's name, or team")
    .option('--note <text>', 'why')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { followupsAssignCommand } = await import('./commands/teamFollowups.js');
      await followupsAssignCommand(id, opts as never, ctxOf(command));
    });

  const team = program.command('team').description('the team database (PostgreSQL): status, sync, migrate');
  team
    .command('status', { isDefault: true })
    .description('is the team database reachable, what waits to be sent, its schema version, your role')
    .action(async (opts: Opts, command: Command) => {
      const { teamStatusCommand } = await import('./commands/team.js');
      await teamStatusCommand(opts, ctxOf(command));
    });
  team
    .command('sync')
    .description("send every call the team database lacks or has older, and take in teammates' actions")
    .action(async (opts: Opts, command: Command) => {
      const { teamSyncCommand } = await import('./commands/team.js');
      await teamSyncCommand(opts, ctxOf(command));
    });
  team
    .command('migrate')
    .description("set up or update the team database's tables (the database owner's role only)")
    .action(async (opts: Opts, command: Command) => {
      const { teamMigrateCommand } = await import('./commands/team.js');
      await teamMigrateCommand(opts, ctxOf(command));
    });

  program
    .command('list')
    .description('one line per call, newest first')
    .option('--from <date>', 'calls started on or after this day')
    .option('--to <date>', 'calls started on or before this day')
    .option('--customer <text>', 'name contains')
    .option('--phone <p>', 'phone number (digits compared)')
    .option('--status <s>', 'in-progress or completed')
    .option('--outcome <o>', 'disposition code')
    .option('--category <c>', 'problem category')
    .option('--agent <name>', "only this agent's calls")
    .option('--json', 'machine-readable output')
    .option('--strict', 'exit 1 when a damaged call file was skipped')
    .option('--team', "the team database's calls (a lead sees every agent's)")
    .option('--limit <n>', 'with --team: how many calls (newest first)', '500')
    .action(async (opts: Opts, command: Command) => {
      const { listCommand } = await import('./commands/list.js');
      await listCommand({ ...opts, agent: command.optsWithGlobals().agent } as never, ctxOf(command));
    });

  program
    .command('show <id>')
    .description('the whole call: summary, every answer, follow-up history')
    .option('--json', 'the call record as stored')
    .action(async (id: string, opts: Opts, command: Command) => {
      const { showCommand } = await import('./commands/show.js');
      await showCommand(id, opts as never, ctxOf(command));
    });

  program
    .command('note <id> <text...>')
    .description('add a timestamped note to an earlier call')
    // A note may start with a dash ("-5 credit reversed"): such words are text, not options.
    .allowUnknownOption()
    .action(async (id: string, text: string[], opts: Opts, command: Command) => {
      const { noteCommand } = await import('./commands/note.js');
      await noteCommand(id, text.join(' '), opts as never, ctxOf(command));
    });

  program
    .command('export')
    .description('calls (or follow-ups) as CSV, JSON or NDJSON, to stdout or a file')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json', 'ndjson']).default('csv'))
    .option('--from <date>', 'calls started on or after this day')
    .option('--to <date>', 'calls started on or before this day')
    .option('--followups', 'one row per follow-up instead of per call')
    .option('--out <file>', 'write to a file (atomically, private) instead of stdout')
    .option('--bom', 'start the CSV with a byte-order mark (for Excel)')
    .option('--strict', 'exit 1 when a damaged call file was skipped')
    .action(async (opts: Opts, command: Command) => {
      const { exportCommand } = await import('./commands/export.js');
      await exportCommand(opts as never, ctxOf(command));
    });

  program
    .command('stats')
    .description('outcomes, first-call resolution, handle time, follow-through, moods, categories')
    .option('--from <date>', 'calls started on or after this day')
    .option('--to <date>', 'calls started on or before this day')
    .option('--agent <name>', "one agent's calls (default: yours)")
    .option('--all', 'every agent sharing this data directory')
    .option('--json', 'machine-readable output')
    .option('--strict', 'exit 1 when a damaged call file was skipped')
    .option('--team', "from the team database (a lead sees every agent's calls)")
    .option('--by <agent>', 'with --team: one row per agent (--by agent)')
    .action(async (opts: Opts, command: Command) => {
      const { statsCommand } = await import('./commands/stats.js');
      await statsCommand({ ...opts, agent: command.optsWithGlobals().agent } as never, ctxOf(command));
    });

  program
    .command('search <words...>')
    .description('find calls by what was said and done: every word, "a phrase", or refun* (accents and case ignored)')
    .option('--from <date>', 'calls started on or after this day')
    .option('--to <date>', 'calls started on or before this day')
    .option('--agent <name>', "another agent's calls (default: yours)")
    .option('--all', 'every agent sharing this data directory')
    .option('-n, --limit <n>', 'how many calls to show (best first)', '20')
    .option('--json', 'machine-readable output')
    .option('--team', "search the team database (a lead: every agent's calls)")
    .action(async (words: string[], opts: Opts, command: Command) => {
      const { searchCommand } = await import('./commands/search.js');
      await searchCommand(words, { ...opts, agent: command.optsWithGlobals().agent } as never, ctxOf(command));
    });

  program
    .command('doctor')
    .description('check the whole store: damaged files, stray temporary files, stale locks, permissions')
    .option('--fix', 'remove stray temporary files and stale locks, repair permissions (never deletes a call)')
    .action(async (opts: Opts, command: Command) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      await doctorCommand(opts as never, ctxOf(command));
    });

  program
    .command('forget')
    .description("erase everything kept about one customer")
    .option('--phone <p>', 'by phone number')
    .option('--account <id>', 'by account')
    .option('--customer <name>', 'by exact name')
    .option('--yes', 'do not ask for confirmation')
    .action(async (opts: Opts, command: Command) => {
      const { forgetCommand } = await import('./commands/forget.js');
      await forgetCommand(opts as never, ctxOf(command));
    });

  program
    .command('discard [id]')
    .description('throw away an unfinished call started by mistake (no id: your latest one)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (id: string | undefined, opts: Opts, command: Command) => {
      const { discardCommand } = await import('./commands/forget.js');
      await discardCommand(id, opts as never, ctxOf(command));
    });

  program
    .command('purge')
    .description('erase calls older than a retention period')
    .requiredOption('--older-than <age>', 'like 2y, 18m, 90d')
    .option('--yes', 'do not ask for confirmation')
    .action(async (opts: Opts, command: Command) => {
      const { purgeCommand } = await import('./commands/forget.js');
      await purgeCommand(opts as never, ctxOf(command));
    });

  return program;
}

export { CommanderError };
