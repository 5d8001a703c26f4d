import { chmodSync, closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { configDir, SETTINGS, type SettingKey, type SettingSource, type SettingSpec, type SettingValue } from './settingsTable.js';

/**
 * The settings in effect: flag, else environment, else the config file, else the default
 * (src/settings/settingsTable.ts lists them). Each is read when first asked for, so a
 * wrong value stops only a command that needs it, with one line naming where it was set.
 */

type Env = Readonly<Record<string, string | undefined>>;

export const CONFIG_FILE_NAME = 'config.json';

export interface ConfigFile {
  path: string;
  /** Key → value as written (every value is text). */
  values: Record<string, string>;
  /** Why the file could not be read (it is then taken as empty by `config`, and refused by every other command). */
  problem?: string;
}

export function configFilePath(env: Env, platform: NodeJS.Platform = process.platform): string {
  return join(configDir(env, platform), CONFIG_FILE_NAME);
}

const BOM = '\uFEFF';

/**
 * Reads the config file (a JSON object of texts). A file readable by other users is made
 * private again (it may name a database), with one warning line.
 */
export function readConfigFile(path: string, warn: (message: string) => void = () => {}): ConfigFile {
  let text: string;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const mode = fstatSync(fd).mode;
    if ((mode & 0o077) !== 0 && process.platform !== 'win32') {
      try {
        chmodSync(path, 0o600);
        warn(`${path} was readable by other users: made private (0600)`);
      } catch {
        warn(`${path} is readable by other users and could not be made private: chmod 600 it`);
      }
    }
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, values: {} };
    return { path, values: {}, problem: `cannot be read (${code ?? (error as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (text.startsWith(BOM)) text = text.slice(1);
  if (text.trim() === '') return { path, values: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { path, values: {}, problem: `is not valid JSON (${(error as Error).message.slice(0, 100)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { path, values: {}, problem: 'must hold one JSON object, like {"agent": "sam"}' };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') values[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else return { path, values: {}, problem: `${key}: must be a text, not ${value === null ? 'null' : typeof value}` };
  }
  return { path, values };
}

export interface Explained<T> {
  key: SettingKey;
  value: T;
  source: SettingSource;
  /** The variable, flag or file it came from. */
  from: string;
  /** The value as it may be shown (no password). */
  shown: string;
}

export interface SettingsInput {
  env: Env;
  /** Values of the global flags given, by setting key. */
  flags?: Partial<Record<SettingKey, string>>;
  config: ConfigFile;
  platform?: NodeJS.Platform;
}

export class Settings {
  private readonly cache = new Map<SettingKey, Explained<unknown>>();
  constructor(private readonly input: SettingsInput) {}

  get configFile(): ConfigFile {
    return this.input.config;
  }

  /** The value in effect; a wrong one is refused in one line naming where it was set. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    return this.explain(key).value;
  }

  explain<K extends SettingKey>(key: K): Explained<SettingValue<K>> {
    const cached = this.cache.get(key);
    if (cached) return cached as Explained<SettingValue<K>>;
    const spec = SETTINGS[key] as unknown as SettingSpec<SettingValue<K>>;
    const explained = this.resolve(key, spec);
    this.cache.set(key, explained);
    return explained;
  }

  private resolve<K extends SettingKey>(key: K, spec: SettingSpec<SettingValue<K>>): Explained<SettingValue<K>> {
    const { env, flags = {}, config } = this.input;
    const show = (value: SettingValue<K>) => (spec.show ? spec.show(value) : String(value));
    const read = (text: string, source: SettingSource, from: string, label: string): Explained<SettingValue<K>> => {
      try {
        const value = spec.parse(text, source);
        return { key, value, source, from, shown: show(value) };
      } catch (error) {
        if (error instanceof UserError) throw new UserError(`${label} ${error.message}`, error.exitCode);
        throw error;
      }
    };
    const flag = flags[key];
    if (flag !== undefined && spec.flag) return read(flag, 'flag', spec.flag, spec.flag);
    for (const name of spec.env) {
      const text = env[name];
      if (text !== undefined && text.trim() !== '') return read(text, 'env', name, name);
    }
    if (config.problem) throw new UserError(`your config file ${config.path} ${config.problem}: fix it, or see csr-call config list`);
    const inFile = config.values[key];
    if (inFile !== undefined) return read(inFile, 'config', config.path, `${key} (in ${config.path})`);
    const value = spec.defaultValue(env, this.input.platform ?? process.platform);
    return { key, value, source: 'default', from: 'default', shown: show(value) };
  }
}

/** The settings of this run: the environment, the flags given, and the config file. */
export function loadSettings(env: Env, flags: Partial<Record<SettingKey, string>> = {}, warn?: (message: string) => void): Settings {
  return new Settings({ env, flags, config: readConfigFile(configFilePath(env), warn) });
}
