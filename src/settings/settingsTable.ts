import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseTeamUrl, TEAM_URL_FORMS } from '../team/teamSettings.js';
import { parseBusinessHours, DEFAULT_BUSINESS_HOURS, describeHours, type BusinessHours } from '../domain/businessHours.js';
import { dateOrderFromEnv, type DateOrder } from '../dates/dateOrder.js';

/**
 * Every setting, once: its config key, environment variable, global flag, how its text is
 * read (a wrong value is refused with what is accepted), its default and help. Flags beat
 * the environment, which beats the config file (src/settings/settings.ts resolves them);
 * `csr-call config` and the README's settings table are made from this table.
 *
 * Parsers are light on purpose: this module is on the path of every command.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Where a value came from, as `config list` says it. */
export type SettingSource = 'flag' | 'env' | 'config' | 'default';

export interface SettingSpec<T> {
  readonly key: string;
  /** The environment variables read, first set wins. */
  readonly env: readonly string[];
  readonly flag?: string;
  readonly help: string;
  /** What the default is, in words (for `config list` and the README). */
  readonly defaultText: string;
  /** Reads a value as typed; throws a UserError saying what is accepted (without naming the source: the caller does). */
  readonly parse: (text: string, source: SettingSource) => T;
  readonly defaultValue: (env: Env, platform: NodeJS.Platform) => T;
  /** Shown as set (a password must never be printed). */
  readonly show?: (value: T) => string;
}

const defineSetting = <T,>(spec: SettingSpec<T>) => spec;

const nonEmpty = (what: string) => (text: string) => {
  const trimmed = text.trim();
  if (trimmed === '') throw new UserError(`is empty: give ${what}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UserError('holds control characters');
  return trimmed;
};

/** The user's data folder for csr-call, by platform (XDG on Linux). */
export function defaultDataDir(env: Env, platform: NodeJS.Platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'csr-call');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'csr-call', 'Data');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'csr-call');
}

/** The user's config folder for csr-call: the config file, hooks/ and playbooks/ are in it. */
export function configDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.CSR_CALL_CONFIG_DIR) return resolve(env.CSR_CALL_CONFIG_DIR);
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'csr-call');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'csr-call');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'csr-call');
}

function loginName(env: Env): string {
  try {
    return userInfo().username || 'agent';
  } catch {
    return env.USER || env.USERNAME || 'agent';
  }
}

/**
 * A PostgreSQL URL. Its password belongs in ~/.pgpass (or PGPASSWORD), not in the config
 * file (a file people copy to colleagues and paste into chats): refused there.
 */
export function parseTeamDb(text: string, source: SettingSource): string {
  const url = text.trim();
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new UserError('must be a PostgreSQL connection URL, like postgresql://sam@db.example:5432/team');
  const parsed = parseTeamUrl(url);
  if (!parsed) throw new UserError(`does not parse as a URL: give it ${TEAM_URL_FORMS}`);
  const password = parsed.url.password;
  if ((password || /[?&]password=/i.test(url)) && source === 'config') {
    throw new UserError('holds a password: keep it out of the config file; put it in ~/.pgpass (host:port:database:user:password, mode 0600) and give the URL without it');
  }
  return url;
}

/** A URL shown without its password. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '****');
    return parsed.href;
  } catch {
    return url.replace(/:[^:@/]*@/, ':****@');
  }
}

function parseSeconds(text: string): number {
  const seconds = Number(text.trim().replace(/s$/, ''));
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) throw new UserError(`must be a number of seconds from 0.1 to 300, not ${JSON.stringify(text)}`);
  return seconds;
}

export const SETTINGS = {
  agent: defineSetting<string>({
    key: 'agent',
    env: ['CSR_CALL_AGENT'],
    flag: '--agent',
    help: 'your name as written on calls',
    defaultText: 'your login name',
    parse: nonEmpty('a name'),
    defaultValue: (env) => loginName(env),
  }),
  playbook: defineSetting<string>({
    key: 'playbook',
    env: ['CSR_CALL_PLAYBOOK'],
    help: 'the playbook `start` uses without --playbook',
    defaultText: 'standard',
    parse: nonEmpty('a playbook name or file'),
    defaultValue: () => 'standard',
  }),
  'data-dir': defineSetting<string>({
    key: 'data-dir',
    env: ['CSR_CALL_HOME'],
    flag: '--data-dir',
    help: 'where calls are kept',
    defaultText: '~/.local/share/csr-call (macOS: ~/Library/Application Support/csr-call)',
    parse: (text) => resolve(nonEmpty('a folder')(text)),
    defaultValue: defaultDataDir,
  }),
  'business-hours': defineSetting<BusinessHours>({
    key: 'business-hours',
    env: ['CSR_CALL_BUSINESS_HOURS'],
    help: 'weekdays, when repeating progress calls are booked (within 08:00–21:00)',
    defaultText: '09:00-17:00',
    parse: (text) => parseBusinessHours(text),
    defaultValue: () => DEFAULT_BUSINESS_HOURS,
    show: (hours) => describeHours(hours).replace('–', '-'),
  }),
  'date-order': defineSetting<DateOrder | undefined>({
    key: 'date-order',
    env: ['CSR_CALL_DATE_ORDER'],
    help: 'how slash dates are read: mdy (12/07 is 7 December) or dmy (12 July)',
    defaultText: 'mdy in a US time zone, else dmy',
    parse: (text) => {
      try {
        return dateOrderFromEnv(text);
      } catch {
        throw new UserError(`must be mdy (month/day: 12/07 is 7 December) or dmy (day/month: 12/07 is 12 July), not ${JSON.stringify(text)}`);
      }
    },
    defaultValue: () => undefined,
    show: (order) => order ?? '(by your time zone)',
  }),
  'team.db': defineSetting<string | undefined>({
    key: 'team.db',
    env: ['CSR_CALL_TEAM_DB'],
    help: "the team database's PostgreSQL URL, without a password (that goes in ~/.pgpass)",
    defaultText: 'none: no team database',
    parse: parseTeamDb,
    defaultValue: () => undefined,
    show: (url) => (url === undefined ? '(none)' : withoutPassword(url)),
  }),
  pager: defineSetting<string>({
    key: 'pager',
    env: ['CSR_CALL_PAGER', 'PAGER'],
    help: 'the program long output goes through on a terminal (never: no pager)',
    defaultText: 'less -FRX',
    parse: nonEmpty('a command, or never'),
    defaultValue: () => 'less -FRX',
  }),
  editor: defineSetting<string>({
    key: 'editor',
    env: ['VISUAL', 'EDITOR'],
    help: '`note ID` without text opens it',
    defaultText: 'vi (Windows: notepad)',
    parse: nonEmpty('a command'),
    defaultValue: (_env, platform) => (platform === 'win32' ? 'notepad' : 'vi'),
  }),
  'hook-timeout': defineSetting<number>({
    key: 'hook-timeout',
    env: ['CSR_CALL_HOOK_TIMEOUT'],
    help: 'seconds a hook may run before it is stopped',
    defaultText: '10',
    parse: parseSeconds,
    defaultValue: () => 10,
    show: String,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = ReturnType<(typeof SETTINGS)[K]['defaultValue']>;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
