import type { Context } from './context.js';

/**
 * A command declared once, as data: its arguments and options (commander's flag syntax,
 * help text, accepted values, how to complete them), examples for its `--help`, and the
 * function that runs it. `src/cli.ts` builds commander's commands from these, the shell
 * completions read them, and a command module takes its options' type from them
 * (`CommandOptions<typeof list>`), so an option is declared in one place only.
 */

/** What a shell completes for a value: a fixed list, or something looked up when asked. */
export type Completion = 'playbook' | 'call' | 'unfinished-call' | 'followup' | 'agent' | 'file' | 'config-key' | 'help-topic' | 'shell' | 'none';

export interface OptionSpec {
  /** commander's syntax: '--json', '-n, --limit <n>', '--no-pager', '--note <text>'. */
  readonly flags: string;
  readonly help: string;
  /** The only values accepted; a typo is refused with the nearest one suggested. */
  readonly choices?: readonly string[];
  /** Values usually given: one close to a known value but not it is refused as a typo; others pass (a playbook may add its own). */
  readonly known?: readonly string[];
  readonly default?: string;
  readonly required?: boolean;
  readonly complete?: Completion;
  /** A text for which `-` means standard input (`--note -`): read before the command runs. */
  readonly stdin?: boolean;
}

export interface ArgSpec {
  readonly name: string;
  readonly required?: boolean;
  /** Takes the rest of the words. */
  readonly variadic?: boolean;
  readonly complete?: Completion;
  /** The only values accepted (`completion bash|zsh|fish`). */
  readonly choices?: readonly string[];
}

type ValueOf<S extends OptionSpec> = S['flags'] extends `${string}<${string}...>` | `${string}[${string}...]`
  ? string[]
  : S['flags'] extends `${string}<${string}>` | `${string}[${string}]`
    ? S extends { choices: readonly (infer C extends string)[] }
      ? C
      : string
    : boolean;

type Present<S extends OptionSpec> = S extends { required: true } ? true : S extends { default: string } ? true : S['flags'] extends `--no-${string}` ? true : false;

/** The options a command's function receives, typed from its spec. */
export type OptionsOf<O extends Readonly<Record<string, OptionSpec>>> = {
  -readonly [K in keyof O as Present<O[K]> extends true ? K : never]: ValueOf<O[K]>;
} & {
  -readonly [K in keyof O as Present<O[K]> extends true ? never : K]?: ValueOf<O[K]>;
};

type ArgValue<A extends ArgSpec> = A extends { variadic: true } ? string[] : A extends { required: true } ? string : string | undefined;

/** The arguments a command's function receives, by name. */
export type ArgsOf<A extends readonly ArgSpec[]> = { -readonly [E in A[number] as E['name']]: ArgValue<E> };

export interface CommandSpec<A extends readonly ArgSpec[] = readonly ArgSpec[], O extends Readonly<Record<string, OptionSpec>> = Readonly<Record<string, OptionSpec>>> {
  /** 'list', or a group's subcommand: 'followups done'. */
  readonly name: string;
  readonly summary: string;
  readonly args?: A;
  readonly options: O;
  /** Shown under `--help`: a command line, two spaces, what it does. */
  readonly examples: readonly string[];
  /** The group's command run when no subcommand is named (`followups` is `followups list`). */
  readonly isDefault?: boolean;
  /** Long output goes through the pager on a terminal. */
  readonly pager?: boolean;
  /** Words that look like options are text (`note ID -5 credit reversed`). */
  readonly dashText?: boolean;
  /**
   * With a team database set, the connection the command's end needs (teamSession.ts
   * endOfCommand) is opened as it starts, so that the server's side of it overlaps the
   * command's own work: `changes`, a short command that leaves changes to send; `maybe`, a
   * short one that sends only when something waits or a look for teammates' actions is due;
   * `acts`, as `changes`, for a command that may itself act on a team follow-up: the
   * teammates' actions are read at its end, after its own (the others read them ahead too).
   */
  readonly teamAhead?: 'changes' | 'maybe' | 'acts';
  readonly run: (args: ArgsOf<A>, opts: OptionsOf<O>, ctx: Context) => Promise<void>;
}

/** Types a command's spec from its own arguments and options (the function's parameters follow). */
export function defineCommand<const A extends readonly ArgSpec[], const O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<A, O>): CommandSpec<A, O> {
  return spec;
}

/** The options of a command, from its spec: `CommandOptions<typeof list>`. */
export type CommandOptions<C> = C extends CommandSpec<readonly ArgSpec[], infer O> ? OptionsOf<O> : never;

/** A group of subcommands (`followups`, `playbooks`, `config`). */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
}

// Options many commands share, written once.
export const JSON_OPTION = { flags: '--json', help: 'machine-readable output (see the README, --json)' } as const;
export const STRICT_OPTION = { flags: '--strict', help: 'exit 1 when a damaged call file was skipped' } as const;
export const FROM_OPTION = { flags: '--from <date>', help: "calls started on or after this day (or this period's first: last month, nov)" } as const;
export const TO_OPTION = { flags: '--to <date>', help: "calls started on or before this day (or this period's last)" } as const;
export const YES_OPTION = { flags: '--yes', help: 'do not ask for confirmation' } as const;
