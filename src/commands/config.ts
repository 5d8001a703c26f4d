import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import type { OptionsOf } from '../commandSpec.js';
import type { configOptions } from '../cli.js';
import { closestMatch } from '../text/closestMatch.js';
import { oneLine } from '../render/terminalText.js';
import { writeJson } from '../render/jsonOutput.js';
import { readConfigFile, Settings } from '../settings/settings.js';
import { SETTING_KEYS, SETTINGS, type SettingKey } from '../settings/settingsTable.js';
import { writeFileAtomic } from '../store/writeFileAtomic.js';

/**
 * `csr-call config list|get|set|unset`: the settings in effect and where each comes from;
 * `set` and `unset` change the config file (private: 0600, in a 0700 folder), after
 * checking the value the way every command will read it.
 */
export type ConfigOptions = OptionsOf<typeof configOptions>;

function settingKey(key: string): SettingKey {
  const trimmed = key.trim().toLowerCase();
  if ((SETTING_KEYS as string[]).includes(trimmed)) return trimmed as SettingKey;
  const near = closestMatch(trimmed, SETTING_KEYS);
  throw new UserError(`no setting "${oneLine(key, 40)}"${near ? ` (did you mean ${near}?)` : ''}: the settings are ${SETTING_KEYS.join(', ')}`);
}

const SOURCE_WORDS = { flag: 'flag', env: 'environment', config: 'config file', default: 'default' } as const;

export async function configListCommand(opts: ConfigOptions, ctx: Context): Promise<void> {
  const file = ctx.settings.configFile;
  const rows = SETTING_KEYS.map((key) => {
    try {
      const explained = ctx.settings.explain(key);
      return { key, value: explained.shown, source: explained.source, from: explained.from, problem: null as string | null };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { key, value: null, source: null, from: null, problem: error.message };
    }
  });
  const unknown = Object.keys(file.values).filter((key) => !(SETTING_KEYS as string[]).includes(key));
  if (opts.json) {
    writeJson(ctx, { configFile: file.path, configFileProblem: file.problem ?? null, settings: rows, unknownKeys: unknown });
    return;
  }
  const width = Math.max(...SETTING_KEYS.map((k) => k.length));
  let out = '';
  for (const row of rows) {
    // `(environment: CSR_CALL_AGENT)`, `(flag: --agent)`; the file is named once, below.
    const where = row.source === null ? '' : row.source === 'default' || row.source === 'config' ? `(${SOURCE_WORDS[row.source]})` : `(${SOURCE_WORDS[row.source]}: ${row.from})`;
    out += `${row.key.padEnd(width)}  ${row.problem !== null ? `✗ ${oneLine(row.problem)}` : `${oneLine(row.value ?? '')}  ${where}`}\n`;
  }
  out += `\nConfig file: ${oneLine(file.path)}${file.problem ? ` (${oneLine(file.problem)})` : ''}\n`;
  for (const key of unknown) out += `  ${oneLine(key, 40)} in the config file is no setting of csr-call and is not used\n`;
  out += 'Flags beat the environment, which beats the config file. Set one: csr-call config set KEY VALUE\n';
  ctx.stdout.write(out);
}

export async function configGetCommand(key: string, opts: ConfigOptions, ctx: Context): Promise<void> {
  const explained = ctx.settings.explain(settingKey(key));
  if (opts.json) writeJson(ctx, { key: explained.key, value: explained.shown, source: explained.source, from: explained.from });
  else ctx.stdout.write(`${oneLine(explained.shown)}\n`);
}

export async function configSetCommand(key: string, value: string, opts: ConfigOptions, ctx: Context): Promise<void> {
  const name = settingKey(key);
  const file = readConfigFile(ctx.settings.configFile.path);
  if (file.problem) throw new UserError(`your config file ${file.path} ${file.problem}: fix it by hand (or delete it) first`);
  // Checked as every command will read it: a wrong value is refused now, not on the next call.
  const values = { ...file.values, [name]: value.trim() };
  const check = new Settings({ env: {}, config: { path: file.path, values } });
  const explained = check.explain(name);
  if (name === 'playbook') {
    // The playbook must load as start would load it: a name that is none fails every call.
    const [{ findPlaybook }, { playbookEnv }] = await Promise.all([import('../playbook/loadPlaybook.js'), import('../call/callSession.js')]);
    await findPlaybook(value.trim(), playbookEnv(ctx));
  }
  await writeConfig(file.path, values);
  if (opts.json) writeJson(ctx, { key: name, value: explained.shown, configFile: file.path });
  else ctx.stdout.write(`${name} = ${oneLine(explained.shown)}  (in ${oneLine(file.path)})\n`);
  overridden(ctx, name);
}

export async function configUnsetCommand(key: string, opts: ConfigOptions, ctx: Context): Promise<void> {
  const name = settingKey(key);
  const file = readConfigFile(ctx.settings.configFile.path);
  if (file.problem) throw new UserError(`your config file ${file.path} ${file.problem}: fix it by hand (or delete it) first`);
  const had = Object.hasOwn(file.values, name);
  if (had) {
    const values = { ...file.values };
    delete values[name];
    await writeConfig(file.path, values);
  }
  if (opts.json) writeJson(ctx, { key: name, removed: had, configFile: file.path });
  else ctx.stdout.write(had ? `${name} removed from ${oneLine(file.path)}\n` : `${name} was not in ${oneLine(file.path)}: nothing changed\n`);
  if (had) overridden(ctx, name);
}

/** Says when the value just set is not the one in effect (a flag or the environment beats the file). */
function overridden(ctx: Context, key: SettingKey): void {
  try {
    const explained = ctx.settings.explain(key);
    if (explained.source === 'env' || explained.source === 'flag') ctx.warn(`${explained.from} is set, and beats the config file: ${key} stays ${explained.shown} while it is`);
  } catch {
    /* a wrong value elsewhere is said when it is used */
  }
}

async function writeConfig(path: string, values: Record<string, string>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${JSON.stringify(sorted, null, 2)}\n`);
  } catch (error) {
    throw new OperationError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Every setting as a README table row: key, variable, default, what it is. */
export function settingsTableMarkdown(): string {
  const rows = SETTING_KEYS.map((key) => {
    const spec = SETTINGS[key];
    const flag = 'flag' in spec && spec.flag ? `, \`${spec.flag}\`` : '';
    return `| \`${key}\` | ${spec.env.map((e) => `\`${e}\``).join(', ')}${flag} | ${spec.defaultText} | ${spec.help} |`;
  });
  return ['| key | environment, flag | default | what it is |', '|---|---|---|---|', ...rows].join('\n');
}
