import { plural } from '../text/plural.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { COMMANDS, GROUPS, globalOptions } from '../cli.js';
import type { ArgSpec, CommandSpec, Completion, OptionSpec } from '../commandSpec.js';
import { oneLine } from '../render/terminalText.js';

/**
 * What the shell completes (`csr-call __complete SHELL WORDS...`, called by the scripts of
 * `csr-call completion`): the words typed after `csr-call`, the last being the one under
 * the cursor (maybe empty), in; candidates out. Commands, subcommands and options come
 * from the registry (src/cli.ts); playbook names and live call and follow-up ids are
 * looked up only when that is what the cursor is on.
 */

export interface Candidate {
  value: string;
  description?: string;
}

/** Said instead of candidates when the shell should complete a file name itself. */
export const FILES = '__files__';

export type Lookup = (kind: Completion, ctx: Context) => Promise<Candidate[]>;

interface Position {
  /** The command reached (a spec), or a group when only its name was typed, or nothing yet. */
  spec?: CommandSpec;
  group?: string;
  /** Positional words given to the command so far (not counting the current one). */
  positional: number;
  /** The option whose value the cursor is on. */
  valueFor?: OptionSpec;
}

const GLOBAL_OPTIONS = Object.values(globalOptions) as OptionSpec[];
const flagNames = (spec: OptionSpec) => spec.flags.split(/[ ,|]+/).filter((word) => word.startsWith('-'));
const takesValue = (spec: OptionSpec) => /[<[]/.test(spec.flags);

function optionsOf(spec: CommandSpec | undefined): OptionSpec[] {
  return [...(spec ? (Object.values(spec.options) as OptionSpec[]) : []), ...GLOBAL_OPTIONS];
}

function findOption(word: string, spec: CommandSpec | undefined): OptionSpec | undefined {
  const name = word.split('=')[0]!;
  return optionsOf(spec).find((option) => flagNames(option).includes(name));
}

/** Where the words before the cursor leave us. */
export function positionOf(before: readonly string[]): Position {
  const position: Position = { positional: 0 };
  for (let i = 0; i < before.length; i++) {
    const word = before[i]!;
    if (word.startsWith('-') && word !== '-' && !(position.spec?.dashText && position.positional >= 1)) {
      const option = findOption(word, position.spec);
      if (option && takesValue(option) && !word.includes('=')) {
        if (i === before.length - 1) position.valueFor = option;
        i++;
      }
      continue;
    }
    if (!position.spec && !position.group) {
      if (GROUPS.some((g) => g.name === word)) position.group = word;
      else {
        const spec = COMMANDS.find((c) => c.name === word);
        if (spec) position.spec = spec;
        else return position; // an unknown word: nothing sensible to offer after it
      }
      continue;
    }
    if (position.group && !position.spec) {
      const spec = COMMANDS.find((c) => c.name === `${position.group} ${word}`);
      if (spec) {
        position.spec = spec;
        continue;
      }
      position.spec = COMMANDS.find((c) => c.isDefault && c.name.startsWith(`${position.group} `));
    }
    position.positional++;
  }
  return position;
}

export async function completeWords(words: readonly string[], ctx: Context, lookup: Lookup): Promise<Candidate[] | typeof FILES> {
  const current = words.at(-1) ?? '';
  const position = positionOf(words.slice(0, -1));
  const matching = (candidates: Candidate[]) => candidates.filter((c) => c.value.toLowerCase().startsWith(current.toLowerCase()));

  // A playbook is a name or a file: a path being typed is left to the shell.
  if (position.valueFor?.complete === 'playbook' && /^[.~/]/.test(current)) return FILES;
  if (position.valueFor) return valueCandidates(position.valueFor.choices ?? position.valueFor.known, position.valueFor.complete, ctx, lookup, matching);
  if (current.startsWith('-') && !(position.spec?.dashText && position.positional >= 1)) {
    const options = optionsOf(position.spec ?? (position.group ? COMMANDS.find((c) => c.isDefault && c.name.startsWith(`${position.group} `)) : undefined));
    return matching(options.flatMap((option) => flagNames(option).filter((f) => f.startsWith('--') || f.length === 2).map((f) => ({ value: f, description: option.help }))));
  }
  if (!position.spec && !position.group) {
    return matching([
      ...GROUPS.map((g) => ({ value: g.name, description: g.summary })),
      ...COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => ({ value: c.name, description: c.summary })),
    ]);
  }
  if (position.group && !position.spec) {
    const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${position.group} `)).map((c) => ({ value: c.name.split(' ')[1]!, description: c.summary }));
    return matching(subcommands);
  }
  const args = (position.spec!.args ?? []) as readonly ArgSpec[];
  const arg = args[position.positional] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (!arg) return [];
  return valueCandidates(arg.choices, arg.complete, ctx, lookup, matching);
}

async function valueCandidates(
  choices: readonly string[] | undefined,
  kind: Completion | undefined,
  ctx: Context,
  lookup: Lookup,
  matching: (c: Candidate[]) => Candidate[],
): Promise<Candidate[] | typeof FILES> {
  if (choices) return matching(choices.map((value) => ({ value })));
  if (kind === 'file') return FILES;
  if (kind === undefined || kind === 'none') return [];
  try {
    return matching(await lookup(kind, ctx));
  } catch (error) {
    if (process.env.CSR_CALL_DEBUG_COMPLETION) throw error;
    return []; // a store that cannot be read completes nothing, quietly: the command will say why
  }
}

/** The live values: playbooks, your recent calls, unfinished calls, open follow-ups, the agents with calls. */
export const liveLookup: Lookup = async (kind, ctx) => {
  const customer = (c: { customer: { name?: string; phone?: string } }) => oneLine(c.customer.name ?? c.customer.phone ?? 'no customer details', 40);
  switch (kind) {
    case 'playbook': {
      const { listPlaybooks } = await import('../playbook/loadPlaybook.js');
      const listed = await listPlaybooks({ ...ctx.env, CSR_CALL_HOME: ctx.dataDir });
      return listed.flatMap((entry) => (entry.ok ? [{ value: entry.playbook.id, description: oneLine(entry.playbook.title, 60) }] : []));
    }
    case 'config-key': {
      const { SETTINGS, SETTING_KEYS } = await import('../settings/settingsTable.js');
      return SETTING_KEYS.map((key) => ({ value: key, description: SETTINGS[key].help }));
    }
    case 'help-topic': {
      const { HELP_TOPICS } = await import('../help/helpTopics.js');
      return [
        ...HELP_TOPICS.map((t) => ({ value: t.name, description: t.summary })),
        ...GROUPS.map((g) => ({ value: g.name, description: g.summary })),
        ...COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => ({ value: c.name, description: c.summary })),
      ];
    }
    case 'shell':
      return ['bash', 'zsh', 'fish'].map((value) => ({ value }));
    default:
      break;
  }
  const { callsRoot } = await import('../paths.js');
  if (!existsSync(callsRoot(ctx.dataDir))) return [];
  const [{ withCallIndex }, queries, { shortId, shortFollowUpId }] = await Promise.all([
    import('../store/index/indexAccess.js'),
    import('../store/index/indexQueries.js'),
    import('../domain/ids.js'),
  ]);
  return withCallIndex(ctx.dataDir, { warn: () => {} }, (index) => {
    if (kind === 'agent') return queries.knownAgents(index).map((known) => ({ value: known.agent, description: plural(known.calls, 'call') }));
    if (kind === 'followup') {
      const { calls } = queries.openFollowUps(index, ctx.agent);
      return calls.flatMap((call) => call.openFollowups.map((f) => ({ value: shortFollowUpId(f.id), description: `${customer(call)}: ${oneLine(f.text, 50)}` })));
    }
    if (kind === 'unfinished-call') {
      return queries.unfinishedCalls(index, ctx.agent).map((call) => ({ value: shortId(call.id), description: customer(call) }));
    }
    // Your calls of the last two weeks, newest first.
    const from = new Date(ctx.now().getTime() - 14 * 86_400_000);
    return queries.listCalls(index, { agent: ctx.agent, from }).slice(0, 100).map((call) => ({ value: shortId(call.id), description: `${customer(call)} · ${call.startedAt.slice(0, 10)}` }));
  });
};

/** A candidate as the shell reads it: bash takes values only; zsh `value:description`; fish `value<TAB>description`. */
export function formatCandidates(shell: string, candidates: Candidate[] | typeof FILES): string {
  if (candidates === FILES) return `${FILES}\n`;
  // Descriptions are customer data too: one line, no escape sequences, no tabs or colons that would split them.
  const clean = (text: string) => oneLine(text, 80).replace(/\t/g, ' ');
  const lines = candidates.map(({ value, description }) => {
    if (shell === 'zsh') return description ? `${value.replace(/:/g, '\\:')}:${clean(description)}` : value.replace(/:/g, '\\:');
    if (shell === 'fish') return description ? `${value}\t${clean(description)}` : value;
    return value;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export async function completeCommand(words: string[], ctx: Context): Promise<void> {
  const [shell = 'bash', ...rest] = words;
  // The data directory and agent typed on the line are the ones to look in.
  const at = (flag: string) => {
    const i = rest.indexOf(flag);
    return i >= 0 && i < rest.length - 2 ? rest[i + 1] : undefined;
  };
  const dataDir = at('--data-dir');
  const agent = at('--agent');
  const scoped: Context = Object.create(ctx, {
    ...(dataDir ? { dataDir: { value: resolve(dataDir) } } : {}),
    ...(agent ? { agent: { value: agent } } : {}),
  });
  ctx.stdout.write(formatCandidates(shell, await completeWords(rest.length ? rest : [''], scoped, liveLookup)));
}
