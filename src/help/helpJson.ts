import type { ArgSpec, CommandSpec, OptionSpec } from '../commandSpec.js';

/**
 * `csr-call help [COMMAND] --json`: the registry as data, for tools that build on csr-call
 * (a wrapper's own completion, a form in the team's tools). The same specs as `--help`
 * and the shell completions read, so the three never disagree.
 */
export interface CommandJson {
  name: string;
  summary: string;
  args: { name: string; required: boolean; variadic: boolean; choices: readonly string[] | null }[];
  options: { flag: string; flags: string; help: string; required: boolean; choices: readonly string[] | null }[];
  examples: { command: string; what: string | null }[];
}

export function commandJson(spec: CommandSpec<any, any>): CommandJson {
  return {
    name: spec.name,
    summary: spec.summary,
    args: ((spec.args ?? []) as readonly ArgSpec[]).map((a) => ({ name: a.name, required: a.required === true, variadic: a.variadic === true, choices: a.choices ?? null })),
    options: Object.values(spec.options as Record<string, OptionSpec>).map((o) => ({
      flag: /--[\w-]+/.exec(o.flags)?.[0] ?? o.flags,
      flags: o.flags,
      help: o.help,
      required: o.required === true,
      choices: o.choices ?? null,
    })),
    examples: spec.examples.map((example) => {
      const [command, what] = example.split(/ {2}(.*)/s);
      return { command: command!, what: what ?? null };
    }),
  };
}
