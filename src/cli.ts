import { Command, Option, CommanderError } from 'commander';
import type { Context } from './context.js';
import { UserError } from './errors.js';
import { OUTCOMES, PROBLEM_CATEGORIES } from './playbook/types.js';
import { sanitizeForTerminal } from './render/terminalText.js';
import { closestMatch } from './text/closestMatch.js';
import {
  defineCommand,
  FROM_OPTION,
  JSON_OPTION,
  STRICT_OPTION,
  TO_OPTION,
  YES_OPTION,
  type ArgSpec,
  type CommandSpec,
  type GroupSpec,
  type OptionSpec,
} from './commandSpec.js';

/**
 * The one registry of commands: each declared once as data (src/commandSpec.ts), run by a
 * function that lazily imports its command module, so that `--help` or `followups` never
 * pays for prompts, zod schemas or CSV code they don't use. Commands return normally or
 * throw; only `main.ts` decides the exit code.
 *
 * Adding an option: add it to the command's options below; the command's function gets it
 * typed (its options type is `OptionsOf<typeof xxxOptions>`), the shell completions and
 * `--help` list it.
 */
export type ContextFactory = (globals: GlobalOptions, spec: CommandSpec) => Context;

export const globalOptions = {
  dataDir: { flags: '--data-dir <dir>', help: 'where calls are kept (see csr-call config list)', complete: 'file' },
  agent: { flags: '--agent <name>', help: 'your name as written on calls (see csr-call config list)', complete: 'agent' },
  color: { flags: '--no-color', help: 'plain text output' },
  pager: { flags: '--no-pager', help: 'never send long output through the pager' },
} as const satisfies Record<string, OptionSpec>;

export interface GlobalOptions {
  dataDir?: string;
  agent?: string;
  color?: boolean;
  pager?: boolean;
}

const OUTCOME_VALUES = OUTCOMES.map((o) => o.value);

// ---------------------------------------------------------------------------------------
// Options, one object per command: the command's module takes its type from it.

export const startOptions = {
  playbook: { flags: '-p, --playbook <name|file>', help: 'built-in or own playbook name, or a .ts file (default: standard, or config playbook)', complete: 'playbook' },
  customer: { flags: '--customer <name>', help: "customer's name (flags land in shell history: prefer the prompts)" },
  phone: { flags: '--phone <number>', help: "customer's phone" },
  account: { flags: '--account <id>', help: "customer's account" },
  ticket: { flags: '--ticket <id>', help: 'the ticket number this call belongs to (shown in the summary, list and export)' },
  answers: { flags: '--answers <file.json>', help: 'take every answer from a JSON file by step id (no prompts; - reads standard input)', complete: 'file' },
  copy: { flags: '--copy', help: "copy the summary at the end (for the ticket)" },
  json: { flags: '--json', help: "print the saved call's id and summary as JSON at the end (the screen goes to stderr)" },
} as const satisfies Record<string, OptionSpec>;

export const resumeOptions = {
  answers: { flags: '--answers <file.json>', help: 'take the remaining answers from a JSON file (- reads standard input)', complete: 'file' },
  copy: { flags: '--copy', help: 'copy the summary at the end (for the ticket)' },
  json: startOptions.json,
} as const satisfies Record<string, OptionSpec>;

export const playbooksListOptions = { json: JSON_OPTION } as const;
export const playbooksShowOptions = { json: { flags: '--json', help: 'machine-readable: every step with its full id, type, choices, required' } } as const;
export const playbooksValidateOptions = { json: JSON_OPTION } as const;

export const followupsListOptions = {
  days: { flags: '--days <n>', help: 'how far ahead "upcoming" looks (default 7)' },
  on: { flags: '--on <date>', help: 'the list as it will stand on another day' },
  agent: { flags: '--agent <name>', help: "another agent's follow-ups", complete: 'agent' },
  all: { flags: '--all', help: 'every agent sharing this data directory' },
  json: JSON_OPTION,
  strict: STRICT_OPTION,
  team: { flags: '--team', help: "every open follow-up of the team (the team database): the team's first, then by due time" },
  limit: { flags: '--limit <n>', help: 'with --team: how many to show (default 200)' },
} as const satisfies Record<string, OptionSpec>;

export const followupsDoneOptions = {
  note: { flags: '--note <text>', help: 'what happened (- reads standard input)', stdin: true },
  last: { flags: '--last', help: 'close a repeating follow-up for good (no next occurrence)' },
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

export const followupsSnoozeOptions = {
  until: { flags: '--until <when>', help: 'new due time: tomorrow, +2d, fri 10:00, 2026-12-01 ...', required: true },
  note: { flags: '--note <text>', help: 'why (- reads standard input)', stdin: true },
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

/** `followups claim` and `release`. */
export const followupsOwnerOptions = {
  note: { flags: '--note <text>', help: 'why (- reads standard input)', stdin: true },
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;
export const followupsAssignOptions = {
  to: { flags: '--to <name|team>', help: "an agent's name, or team", required: true },
  ...followupsOwnerOptions,
} as const satisfies Record<string, OptionSpec>;

export const listOptions = {
  from: FROM_OPTION,
  to: TO_OPTION,
  customer: { flags: '--customer <text>', help: 'name contains' },
  phone: { flags: '--phone <p>', help: 'phone number (digits compared)' },
  ticket: { flags: '--ticket <id>', help: 'the calls of one ticket' },
  status: { flags: '--status <s>', help: 'in-progress or completed', choices: ['in-progress', 'completed'] },
  outcome: { flags: '--outcome <o>', help: `disposition code (${OUTCOME_VALUES.join(', ')}, or a playbook's own)`, known: OUTCOME_VALUES },
  category: { flags: '--category <c>', help: 'problem category', known: PROBLEM_CATEGORIES.map((c) => c.value) },
  agent: { flags: '--agent <name>', help: "only this agent's calls", complete: 'agent' },
  limit: { flags: '-n, --limit <n>', help: 'show only the newest N calls' },
  json: JSON_OPTION,
  strict: STRICT_OPTION,
  team: { flags: '--team', help: "the team database's calls (a lead sees every agent's; newest 500 unless --limit)" },
} as const satisfies Record<string, OptionSpec>;

export const showOptions = {
  summary: { flags: '--summary', help: 'only the summary, to paste into the ticket' },
  format: { flags: '--format <format>', help: 'with --summary: text (default) or md (Markdown)', choices: ['text', 'md'] },
  copy: { flags: '--copy', help: 'copy the summary (implies --summary)' },
  json: { flags: '--json', help: 'the call record as stored (see the README, --json)' },
} as const satisfies Record<string, OptionSpec>;

export const noteOptions = { json: JSON_OPTION } as const;

export const exportOptions = {
  format: { flags: '--format <format>', help: 'csv (default), json or ndjson', choices: ['csv', 'json', 'ndjson'] },
  from: FROM_OPTION,
  to: TO_OPTION,
  followups: { flags: '--followups', help: 'one row per follow-up instead of per call' },
  out: { flags: '--out <file>', help: 'write to a file (atomically, private) instead of stdout (- is stdout)', complete: 'file' },
  bom: { flags: '--bom', help: 'start the CSV with a byte-order mark (for Excel)' },
  strict: STRICT_OPTION,
  json: { flags: '--json', help: 'the same as --format json' },
} as const satisfies Record<string, OptionSpec>;

export const statsOptions = {
  from: FROM_OPTION,
  to: TO_OPTION,
  agent: { flags: '--agent <name>', help: "one agent's calls (default: yours)", complete: 'agent' },
  all: { flags: '--all', help: 'every agent sharing this data directory' },
  json: JSON_OPTION,
  strict: STRICT_OPTION,
  team: { flags: '--team', help: "from the team database (a lead sees every agent's calls)" },
  by: { flags: '--by <agent>', help: 'with --team: one row per agent (--by agent)' },
  causes: { flags: '--causes', help: 'the recorded root causes, grouped, with their categories, repeat calls and escalations: what to fix first' },
} as const satisfies Record<string, OptionSpec>;

export const solutionsOptions = {
  category: { flags: '--category <c>', help: 'only those that fit this problem category, ranked on its calls', known: PROBLEM_CATEGORIES.map((c) => c.value) },
  playbook: { flags: '-p, --playbook <name|file>', help: "the playbook whose solutions (with the team's) to list (default: standard, or config playbook)", complete: 'playbook' },
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

export const searchOptions = {
  from: FROM_OPTION,
  to: TO_OPTION,
  agent: { flags: '--agent <name>', help: "another agent's calls (default: yours)", complete: 'agent' },
  all: { flags: '--all', help: 'every agent sharing this data directory' },
  limit: { flags: '-n, --limit <n>', help: 'how many calls to show, best first (default 20)' },
  json: JSON_OPTION,
  team: { flags: '--team', help: "search the team database (a lead: every agent's calls)" },
} as const satisfies Record<string, OptionSpec>;

export const doctorOptions = {
  fix: { flags: '--fix', help: 'remove stray temporary files and stale locks, repair permissions (never deletes a call)' },
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

export const forgetOptions = {
  phone: { flags: '--phone <p>', help: 'by phone number' },
  account: { flags: '--account <id>', help: 'by account' },
  customer: { flags: '--customer <name>', help: 'by exact name' },
  yes: YES_OPTION,
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

export const discardOptions = { yes: YES_OPTION, json: JSON_OPTION } as const;

export const purgeOptions = {
  olderThan: { flags: '--older-than <age>', help: 'like 2y, 18m, 90d', required: true },
  yes: YES_OPTION,
  json: JSON_OPTION,
} as const satisfies Record<string, OptionSpec>;

export const configOptions = { json: JSON_OPTION } as const;
export const teamOptions = { json: JSON_OPTION } as const;

// ---------------------------------------------------------------------------------------
// The commands, in the order `--help` lists them.

export const GROUPS: readonly GroupSpec[] = [
  { name: 'followups', summary: 'whom to call back: overdue, today, upcoming' },
  { name: 'playbooks', summary: 'list, show and check playbooks' },
  { name: 'team', summary: 'the team database (PostgreSQL): status, sync, migrate' },
  { name: 'config', summary: 'your settings: agent, default playbook, data directory, hours, date order, team database' },
];

const followupId = [{ name: 'id', required: true, complete: 'followup' }] as const satisfies readonly ArgSpec[];

export const COMMANDS: readonly CommandSpec<any, any>[] = [
  defineCommand({
    name: 'start',
    summary: 'start a call: walks the playbook step by step, saving every answer at once',
    options: startOptions,
    examples: [
      'csr-call start  take a call with your default playbook',
      'csr-call start -p irate --ticket T-4411  the irate-caller playbook, for ticket T-4411',
      'csr-call start --answers call.json  a scripted call (no prompts)',
      'csr-call start --copy  copy the summary for the ticket at the end',
    ],
    run: async (_args, opts, ctx) => (await import('./commands/start.js')).startCommand(opts, ctx),
  }),
  defineCommand({
    name: 'resume',
    summary: 'continue an unfinished call (no id: your latest one)',
    args: [{ name: 'id', complete: 'unfinished-call' }],
    options: resumeOptions,
    examples: ['csr-call resume  your latest unfinished call', 'csr-call resume g45ks4  a given one'],
    run: async ({ id }, opts, ctx) => (await import('./commands/start.js')).resumeCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'followups list',
    summary: 'the morning list (default)',
    isDefault: true,
    teamAhead: 'maybe',
    pager: true,
    options: followupsListOptions,
    examples: ['csr-call followups  your overdue, today and upcoming call-backs', 'csr-call followups --on mon --days 14', 'csr-call followups --all --json'],
    run: async (_args, opts, ctx) => {
      if (opts.team) return (await import('./commands/teamFollowups.js')).followupsTeamListCommand(opts, ctx);
      return (await import('./commands/followups.js')).followupsListCommand(opts, ctx);
    },
  }),
  defineCommand({
    name: 'followups done',
    summary: 'mark a follow-up done (a repeating one schedules its next occurrence)',
    args: followupId,
    teamAhead: 'acts',
    options: followupsDoneOptions,
    examples: [
      'csr-call followups done g45ks4.f1 --note "refund arrived"',
      'csr-call followups done g45ks4  the call\'s one open follow-up',
      'csr-call followups done g45ks4.f1 --last  close a repeating one for good',
    ],
    run: async ({ id }, opts, ctx) => (await import('./commands/followups.js')).followupsDoneCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'followups snooze',
    summary: 'move a follow-up to a later time',
    args: followupId,
    teamAhead: 'acts',
    options: followupsSnoozeOptions,
    examples: ['csr-call followups snooze g45ks4.f1 --until "fri 10:00"', 'csr-call followups snooze g45ks4.f1 --until +2d --note "customer away"'],
    run: async ({ id }, opts, ctx) => (await import('./commands/followups.js')).followupsSnoozeCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'followups claim',
    summary: "take a follow-up of the team's (or an agent's, overdue past the team's grace) as yours",
    args: followupId,
    options: followupsOwnerOptions,
    examples: ['csr-call followups claim g45ks4.f1'],
    run: async ({ id }, opts, ctx) => (await import('./commands/teamFollowups.js')).followupsClaimCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'followups release',
    summary: 'give a follow-up you hold back to the team (anyone may claim it)',
    args: followupId,
    options: followupsOwnerOptions,
    examples: ['csr-call followups release g45ks4.f1 --note "off sick tomorrow"'],
    run: async ({ id }, opts, ctx) => (await import('./commands/teamFollowups.js')).followupsReleaseCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'followups assign',
    summary: 'give a follow-up to an agent, or to the team',
    args: followupId,
    options: followupsAssignOptions,
    examples: ['csr-call followups assign g45ks4.f1 --to ana', 'csr-call followups assign g45ks4.f1 --to team'],
    run: async ({ id }, opts, ctx) => (await import('./commands/teamFollowups.js')).followupsAssignCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'list',
    summary: 'one line per call, newest first',
    pager: true,
    teamAhead: 'maybe',
    options: listOptions,
    examples: ['csr-call list --from mon  this week', 'csr-call list -n 20  the newest 20', 'csr-call list --phone "555 0100"', 'csr-call list --outcome escalated --json'],
    run: async (_args, opts, ctx) => (await import('./commands/list.js')).listCommand(opts, ctx),
  }),
  defineCommand({
    name: 'show',
    summary: 'the whole call: summary, every answer, follow-up history',
    args: [{ name: 'id', required: true, complete: 'call' }],
    pager: true,
    teamAhead: 'maybe',
    options: showOptions,
    examples: ['csr-call show g45ks4', 'csr-call show g45ks4 --summary --format md --copy  the summary, for a ticket that takes Markdown'],
    run: async ({ id }, opts, ctx) => (await import('./commands/show.js')).showCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'note',
    summary: 'add a timestamped note to an earlier call (no text: opens your editor)',
    args: [
      { name: 'id', required: true, complete: 'call' },
      { name: 'text', variadic: true, complete: 'none' },
    ],
    dashText: true,
    teamAhead: 'changes',
    options: noteOptions,
    examples: ['csr-call note g45ks4 "refund arrived"', 'csr-call note g45ks4  write it in $VISUAL / $EDITOR', 'pbpaste | csr-call note g45ks4 -  from standard input'],
    run: async ({ id, text }, opts, ctx) => (await import('./commands/note.js')).noteCommand(id, text, opts, ctx),
  }),
  defineCommand({
    name: 'search',
    summary: 'find calls by what was said and done: every word, "a phrase", or refun* (accents and case ignored)',
    args: [{ name: 'words', required: true, variadic: true, complete: 'none' }],
    pager: true,
    teamAhead: 'maybe',
    options: searchOptions,
    examples: ['csr-call search refund arrived', 'csr-call search "double charge" --all --from -30d'],
    run: async ({ words }, opts, ctx) => (await import('./commands/search.js')).searchCommand(words, opts, ctx),
  }),
  defineCommand({
    name: 'export',
    summary: 'calls (or follow-ups) as CSV, JSON or NDJSON, to stdout or a file',
    options: exportOptions,
    examples: ['csr-call export --from 2026-11-01 --out november.csv', 'csr-call export --followups --format ndjson'],
    run: async (_args, opts, ctx) => (await import('./commands/export.js')).exportCommand(opts, ctx),
  }),
  defineCommand({
    name: 'stats',
    summary: 'outcomes, first-call resolution, handle time, follow-through, moods, categories',
    pager: true,
    options: statsOptions,
    examples: ['csr-call stats --from -30d', 'csr-call stats --all --json'],
    run: async (_args, opts, ctx) => (await import('./commands/stats.js')).statsCommand(opts, ctx),
  }),
  defineCommand({
    name: 'solutions',
    summary: 'the prepared solutions a call offers, with how often each was offered, chosen and resolved the call',
    options: solutionsOptions,
    examples: ['csr-call solutions --category billing', 'csr-call solutions --json'],
    run: async (_args, opts, ctx) => (await import('./commands/solutions.js')).solutionsCommand(opts, ctx),
  }),
  defineCommand({
    name: 'playbooks list',
    summary: 'list built-in and your own playbooks, with where each comes from',
    isDefault: true,
    options: playbooksListOptions,
    examples: ['csr-call playbooks'],
    run: async (_args, opts, ctx) => (await import('./commands/playbooks.js')).playbooksListCommand(opts, ctx),
  }),
  defineCommand({
    name: 'playbooks show',
    summary: "print a playbook's stages and steps",
    args: [{ name: 'name', required: true, complete: 'playbook' }],
    pager: true,
    options: playbooksShowOptions,
    examples: ['csr-call playbooks show standard', 'csr-call playbooks show standard --json  the step ids an --answers file uses'],
    run: async ({ name }, opts, ctx) => (await import('./commands/playbooks.js')).playbooksShowCommand(name, opts, ctx),
  }),
  defineCommand({
    name: 'playbooks validate',
    summary: 'check one playbook file (- reads it from standard input)',
    args: [{ name: 'file', required: true, complete: 'file' }],
    options: playbooksValidateOptions,
    examples: ['csr-call playbooks validate ./returns.ts'],
    run: async ({ file }, opts, ctx) => (await import('./commands/playbooks.js')).playbooksValidateCommand(file, opts, ctx),
  }),
  defineCommand({
    name: 'team status',
    summary: 'is the team database reachable, what waits to be sent, its schema version, your role',
    isDefault: true,
    options: teamOptions,
    examples: ['csr-call team status'],
    run: async (_args, opts, ctx) => (await import('./commands/team.js')).teamStatusCommand(opts, ctx),
  }),
  defineCommand({
    name: 'team sync',
    summary: "send every call the team database lacks or has older, and take in teammates' actions",
    options: teamOptions,
    examples: ['csr-call team sync'],
    run: async (_args, opts, ctx) => (await import('./commands/team.js')).teamSyncCommand(opts, ctx),
  }),
  defineCommand({
    name: 'team grace',
    summary: "how long after its due time an agent's follow-up may be claimed by the team; a lead sets it",
    args: [{ name: 'age', required: false }],
    options: teamOptions,
    examples: ['csr-call team grace', 'csr-call team grace 4h'],
    run: async ({ age }, opts, ctx) => (await import('./commands/team.js')).teamGraceCommand(age, opts, ctx),
  }),
  defineCommand({
    name: 'team migrate',
    summary: "set up or update the team database's tables (the database owner's role only)",
    options: teamOptions,
    examples: ['csr-call team migrate'],
    run: async (_args, opts, ctx) => (await import('./commands/team.js')).teamMigrateCommand(opts, ctx),
  }),
  defineCommand({
    name: 'doctor',
    summary: 'check the whole store: damaged files, stray temporary files, stale locks, permissions',
    options: doctorOptions,
    examples: ['csr-call doctor', 'csr-call doctor --fix'],
    run: async (_args, opts, ctx) => (await import('./commands/doctor.js')).doctorCommand(opts, ctx),
  }),
  defineCommand({
    name: 'forget',
    summary: 'erase everything kept about one customer',
    options: forgetOptions,
    examples: ['csr-call forget --phone "+1 555 0100"', 'csr-call forget --customer "Ana Lima" --yes'],
    run: async (_args, opts, ctx) => (await import('./commands/forget.js')).forgetCommand(opts, ctx),
  }),
  defineCommand({
    name: 'discard',
    summary: 'throw away an unfinished call started by mistake (no id: your latest one)',
    args: [{ name: 'id', complete: 'unfinished-call' }],
    options: discardOptions,
    examples: ['csr-call discard', 'csr-call discard g45ks4 --yes'],
    run: async ({ id }, opts, ctx) => (await import('./commands/forget.js')).discardCommand(id, opts, ctx),
  }),
  defineCommand({
    name: 'purge',
    summary: 'erase calls older than a retention period',
    options: purgeOptions,
    examples: ['csr-call purge --older-than 2y'],
    run: async (_args, opts, ctx) => (await import('./commands/forget.js')).purgeCommand(opts, ctx),
  }),
  defineCommand({
    name: 'config list',
    summary: 'every setting, its value and where it comes from (flag, environment, config file, default)',
    isDefault: true,
    options: configOptions,
    examples: ['csr-call config', 'csr-call config list --json'],
    run: async (_args, opts, ctx) => (await import('./commands/config.js')).configListCommand(opts, ctx),
  }),
  defineCommand({
    name: 'config get',
    summary: "one setting's value as in effect now",
    args: [{ name: 'key', required: true, complete: 'config-key' }],
    options: configOptions,
    examples: ['csr-call config get agent'],
    run: async ({ key }, opts, ctx) => (await import('./commands/config.js')).configGetCommand(key, opts, ctx),
  }),
  defineCommand({
    name: 'config set',
    summary: 'keep a setting in your config file',
    args: [
      { name: 'key', required: true, complete: 'config-key' },
      { name: 'value', required: true, complete: 'none' },
    ],
    options: configOptions,
    examples: ['csr-call config set agent sam', 'csr-call config set business-hours 08:30-18:00', 'csr-call config set playbook irate'],
    run: async ({ key, value }, opts, ctx) => (await import('./commands/config.js')).configSetCommand(key, value, opts, ctx),
  }),
  defineCommand({
    name: 'config unset',
    summary: 'remove a setting from your config file (its default applies again)',
    args: [{ name: 'key', required: true, complete: 'config-key' }],
    options: configOptions,
    examples: ['csr-call config unset date-order'],
    run: async ({ key }, opts, ctx) => (await import('./commands/config.js')).configUnsetCommand(key, opts, ctx),
  }),
  defineCommand({
    name: 'completion',
    summary: 'the shell completion script for bash, zsh or fish (see the README, Completions)',
    args: [{ name: 'shell', required: true, choices: ['bash', 'zsh', 'fish'], complete: 'shell' }],
    options: { json: { flags: '--json', help: 'the script as a JSON string ({"shell", "script"})' } },
    examples: ['csr-call completion bash > ~/.local/share/bash-completion/completions/csr-call', 'csr-call completion zsh > "${fpath[1]}/_csr-call"', 'csr-call completion fish > ~/.config/fish/completions/csr-call.fish'],
    run: async ({ shell }, opts, ctx) => (await import('./completion/completionScripts.js')).completionCommand(shell, opts, ctx),
  }),
  defineCommand({
    name: 'help',
    summary: 'help on a command, or a topic: dates, writing-playbooks, answers',
    args: [{ name: 'topic', variadic: true, complete: 'help-topic' }],
    pager: true,
    options: { json: { flags: '--json', help: "the commands (or one command) as data: arguments, options, examples; a topic's text" } },
    examples: ['csr-call help dates  every way to type a date', 'csr-call help list', 'csr-call help --json  every command, its options and examples, for tools'],
    run: async () => {
      // Answered in buildProgram, which knows the commands' help.
    },
  }),
];

/** The hidden command the completion scripts call: `csr-call __complete WORDS...`. */
export const COMPLETE_COMMAND = '__complete';

// ---------------------------------------------------------------------------------------
// commander, built from the registry.

/** One line, prefixed like every other error: `csr-call: unknown option '--fro' (did you mean --from?); see csr-call list --help`. */
export function usageLine(text: string, commandPath: string): string {
  const flat = sanitizeForTerminal(text, { keepNewlines: false })
    .replace(/^error:\s*/, '')
    .replace(/\s*\u23ce\s*\(Did you mean (.*?)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\u23ce\s*/g, ' ')
    .replace(/\. Expected .*$/, '')
    .trim();
  return `csr-call: ${flat}; see csr-call ${commandPath ? `${commandPath} ` : ''}--help\n`;
}

/** Checks an option's value against its accepted values; a near miss is refused with the nearest one. */
export function checkValue(flag: string, value: string, spec: Pick<OptionSpec, 'choices' | 'known'>): string {
  const trimmed = value.trim();
  const list = spec.choices ?? spec.known ?? [];
  const exact = list.find((choice) => choice.toLowerCase() === trimmed.toLowerCase());
  if (exact !== undefined) return exact;
  // A typo, or the start of one value only ('esc'): named, not taken as a value of its own.
  const starting = trimmed.length >= 2 ? list.filter((choice) => choice.toLowerCase().startsWith(trimmed.toLowerCase())) : [];
  const near = closestMatch(trimmed, list) ?? (starting.length === 1 ? starting[0] : undefined);
  if (spec.choices || near !== undefined) {
    const shown = sanitizeForTerminal(trimmed, { keepNewlines: false }).slice(0, 40);
    throw new UserError(`${flag}: "${shown}" is not one of ${list.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`);
  }
  return trimmed;
}

function longFlag(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

function addOption(command: Command, key: string, spec: OptionSpec): void {
  const option = new Option(spec.flags, spec.help);
  if (option.attributeName() !== key) throw new Error(`option ${spec.flags} of ${command.name()} is keyed "${key}", not "${option.attributeName()}"`);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.required) option.makeOptionMandatory(true);
  if (spec.choices || spec.known) option.argParser((value: string) => checkValue(longFlag(spec.flags), value, spec));
  command.addOption(option);
}

function exampleText(spec: Pick<CommandSpec, 'examples'>): string {
  if (spec.examples.length === 0) return '';
  const lines = spec.examples.map((example) => {
    const [line, what] = example.split(/ {2}(.*)/s);
    return what ? `  ${line}\n      ${what}` : `  ${line}`;
  });
  return `\nExamples:\n${lines.join('\n')}\n`;
}

export function buildProgram(makeContext: ContextFactory, version: string): Command {
  const program = new Command('csr-call');
  program
    .description('Coaches you through a customer call, step by step, and keeps your notes: one JSON file per call.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride();
  for (const [key, spec] of Object.entries(globalOptions)) addOption(program, key, spec);
  program.addHelpText('after', `\nHelp topics: csr-call help dates | writing-playbooks | answers\nEvery command: csr-call COMMAND --help (with examples)\n`);
  configureErrors(program, '');

  // A group is listed where its first command is.
  const groups = new Map<string, Command>();
  const groupOf = (name: string) => {
    let command = groups.get(name);
    if (!command) {
      command = program.command(name).description(GROUPS.find((g) => g.name === name)!.summary).helpCommand(false);
      configureErrors(command, name);
      groups.set(name, command);
    }
    return command;
  };

  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    const parent = words.length > 1 ? groupOf(words[0]!) : program;
    const name = words.at(-1)!;
    const command = parent.command(name, spec.isDefault ? { isDefault: true } : {}).description(spec.summary);
    for (const arg of (spec.args ?? []) as readonly ArgSpec[]) {
      const shown = `${arg.name}${arg.variadic ? '...' : ''}`;
      command.argument(arg.required ? `<${shown}>` : `[${shown}]`);
    }
    for (const [key, option] of Object.entries(spec.options as Record<string, OptionSpec>)) addOption(command, key, option);
    if (spec.dashText) command.allowUnknownOption();
    // A group's default command takes no words: a word there is a mistyped subcommand (`followups dne`).
    if (spec.isDefault) command.allowExcessArguments(true);
    // Made when help is shown, not on every start.
    command.addHelpText('after', () => exampleText(spec));
    configureErrors(command, spec.name);
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const values = received.slice(0, -2);
      if (spec.isDefault && self.args.length > 0) throw unknownSubcommand(parent, self.args[0]!);
      const args: Record<string, unknown> = {};
      ((spec.args ?? []) as readonly ArgSpec[]).forEach((arg, i) => {
        const value = values[i];
        if (arg.choices && typeof value === 'string') args[arg.name] = checkValue(arg.name, value, { choices: arg.choices });
        else args[arg.name] = value;
      });
      const all = self.optsWithGlobals() as Record<string, unknown>;
      const own = self.opts() as Record<string, unknown>;
      // An option both global and the command's own (`--agent`): whichever was given.
      const opts: Record<string, unknown> = {};
      for (const key of Object.keys(spec.options as object)) if ((own[key] ?? all[key]) !== undefined) opts[key] = own[key] ?? all[key];
      const ctx = makeContext(all as GlobalOptions, spec);
      await readStdinOptions(spec, opts, ctx);
      if (spec.name === 'help') {
        await runHelp(program, (args.topic as string[] | undefined) ?? [], opts.json === true, ctx);
        return;
      }
      await spec.run(args as never, opts as never, ctx);
    });
  }

  // The completion scripts ask the program for candidates: never listed in help.
  program
    .command(COMPLETE_COMMAND, { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (_words: string[], _opts: unknown, self: Command) => {
      const { completeCommand } = await import('./completion/complete.js');
      // The words as the shell gave them: parsed, the program's own options (--agent,
      // --data-dir) would be taken out of the line being completed.
      const words = process.argv.slice(process.argv.indexOf(COMPLETE_COMMAND) + 1);
      await completeCommand(words, makeContext(self.optsWithGlobals() as GlobalOptions, COMMANDS[0]!));
    });
  return program;
}

/** Options whose `-` means standard input get its text (one of them at most: there is one standard input). */
async function readStdinOptions(spec: CommandSpec, opts: Record<string, unknown>, ctx: Context): Promise<void> {
  const fromStdin = Object.entries(spec.options).filter(([key, option]) => option.stdin && opts[key] === '-');
  if (fromStdin.length === 0) return;
  if (fromStdin.length > 1) throw new UserError(`only one option can read standard input (-): ${fromStdin.map(([, o]) => longFlag(o.flags)).join(', ')}`);
  const [key, option] = fromStdin[0]!;
  const { readStandardInput } = await import('./prompt/textSources.js');
  const text = (await readStandardInput(ctx, longFlag(option.flags))).trimEnd();
  if (text.trim() === '') throw new UserError(`${longFlag(option.flags)} -: nothing came on standard input`);
  opts[key] = text;
}

function configureErrors(command: Command, path: string): void {
  // commander echoes the unknown command or option as typed: never an escape sequence raw.
  command.configureOutput({ outputError: (text, write) => write(usageLine(text, path)) });
}

function unknownSubcommand(group: Command, word: string): UserError {
  const names = group.commands.map((c) => c.name());
  const near = closestMatch(word, names);
  const shown = sanitizeForTerminal(word, { keepNewlines: false }).slice(0, 40);
  return new UserError(`unknown command '${group.name()} ${shown}'${near ? ` (did you mean ${near}?)` : ''}; see csr-call ${group.name()} --help`);
}

async function runHelp(program: Command, words: string[], json: boolean, ctx: Context): Promise<void> {
  if (json) return helpJson(words, ctx);
  if (words.length === 0) {
    ctx.stdout.write(program.helpInformation() + exampleText({ examples: [] }) + '\nHelp topics: csr-call help dates | writing-playbooks | answers\n');
    return;
  }
  // A command: its help, as `csr-call COMMAND --help` shows it.
  let command: Command | undefined = program;
  for (const word of words) command = command?.commands.find((c) => c.name() === word);
  if (command && command !== program) {
    ctx.stdout.write(command.helpInformation());
    const spec = COMMANDS.find((s) => s.name === words.join(' '));
    if (spec) ctx.stdout.write(`${exampleText(spec)}\n`);
    return;
  }
  const { HELP_TOPICS, helpTopicText } = await import('./help/helpTopics.js');
  const text = words.length === 1 ? helpTopicText(words[0]!) : undefined;
  if (text !== undefined) {
    ctx.stdout.write(text);
    return;
  }
  const topics = HELP_TOPICS.map((t) => t.name);
  const near = closestMatch(words.join(' '), [...topics, ...program.commands.map((c) => c.name()).filter((n) => n !== COMPLETE_COMMAND)]);
  throw new UserError(
    `no help on "${sanitizeForTerminal(words.join(' '), { keepNewlines: false }).slice(0, 40)}"${near ? ` (did you mean ${near}?)` : ''}: topics are ${topics.join(', ')}, or a command's name`,
  );
}

/** `help --json`: every command (or those named: a command, or a group's), or a topic's text. */
async function helpJson(words: string[], ctx: Context): Promise<void> {
  const [{ commandJson }, { HELP_TOPICS, helpTopicText }, { writeJson }] = await Promise.all([
    import('./help/helpJson.js'),
    import('./help/helpTopics.js'),
    import('./render/jsonOutput.js'),
  ]);
  const name = words.join(' ');
  const named = COMMANDS.filter((spec) => name === '' || spec.name === name || spec.name.startsWith(`${name} `));
  if (named.length > 0) {
    const topics = name === '' ? HELP_TOPICS.map(({ name: topic, summary }) => ({ name: topic, summary })) : [];
    const globals = name === '' ? commandJson({ name: '', summary: '', options: globalOptions, examples: [], run: async () => {} }).options : [];
    writeJson(ctx, { commands: named.map(commandJson), globalOptions: globals, topics });
    return;
  }
  const text = words.length === 1 ? helpTopicText(words[0]!) : undefined;
  if (text === undefined) {
    throw new UserError(`no help on "${sanitizeForTerminal(name, { keepNewlines: false }).slice(0, 40)}": topics are ${HELP_TOPICS.map((t) => t.name).join(', ')}, or a command's name`);
  }
  writeJson(ctx, { topic: words[0], text });
}

export { CommanderError };
