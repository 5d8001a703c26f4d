/**
 * Whether this agent works with a team database, and how to reach it: pure, from the
 * environment (a config file will carry the same settings when the program has one).
 *
 * - CSR_CALL_TEAM_DB: a PostgreSQL connection URL (`postgresql://sam@db.example/team`).
 *   What it leaves out comes from the standard PG* variables (PGHOST, PGUSER, PGPASSWORD,
 *   PGSSLMODE…) and the password from ~/.pgpass; unset, there is no team.
 * - CSR_CALL_TEAM_TIMEOUT: how long the end of a command may spend sending (default 1.5 s).
 * - CSR_CALL_TEAM_CHECK: a command with nothing to send looks for teammates' actions on
 *   your follow-ups when the last look is older than this many seconds (default 60; 0:
 *   every command). Connecting costs a command ~20–40 ms; a list looked at twice a minute
 *   need not pay it each time.
 */
import { UserError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface TeamSettings {
  /** The connection URL as given (it may hold a password: never printed, logged or written). */
  url: string;
  /** ms the end of a command may spend on the team database before leaving it for later. */
  sendTimeoutMs: number;
  /** ms a team command waits to connect. */
  connectTimeoutMs: number;
  /** ms between looks for teammates' actions by commands with nothing to send. */
  checkEveryMs: number;
}

/** How a team database's URL is written, for the messages that refuse one. */
export const TEAM_URL_FORMS = 'like postgresql://sam@db.example:5432/team (several hosts: db1:5432,db2:5432; a Unix socket: postgresql:///team with the socket folder in PGHOST)';

export const DEFAULT_SEND_TIMEOUT_MS = 1_500;
export const DEFAULT_CHECK_EVERY_MS = 60_000;

export function teamSettingsFrom(env: Env): TeamSettings | undefined {
  const url = env.CSR_CALL_TEAM_DB?.trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new UserError('CSR_CALL_TEAM_DB must be a PostgreSQL connection URL, like postgresql://sam@db.example:5432/team (the password from ~/.pgpass or PGPASSWORD)');
  }
  if (!parseTeamUrl(url)) throw new UserError(`CSR_CALL_TEAM_DB does not parse as a URL: give it ${TEAM_URL_FORMS}`);
  const timeout = env.CSR_CALL_TEAM_TIMEOUT?.trim();
  let sendTimeoutMs = DEFAULT_SEND_TIMEOUT_MS;
  if (timeout) {
    const seconds = Number(timeout.replace(/s$/, ''));
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) {
      throw new UserError(`CSR_CALL_TEAM_TIMEOUT must be a number of seconds from 0.1 to 60 (got "${timeout.slice(0, 20)}")`);
    }
    sendTimeoutMs = Math.round(seconds * 1000);
  }
  const check = env.CSR_CALL_TEAM_CHECK?.trim();
  let checkEveryMs = DEFAULT_CHECK_EVERY_MS;
  if (check) {
    const seconds = Number(check.replace(/s$/, ''));
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
      throw new UserError(`CSR_CALL_TEAM_CHECK must be a number of seconds from 0 to 86400 (got "${check.slice(0, 20)}")`);
    }
    checkEveryMs = Math.round(seconds * 1000);
  }
  return { url, sendTimeoutMs, connectTimeoutMs: Math.max(sendTimeoutMs, 5_000), checkEveryMs };
}

/**
 * The database as the agent may see it named: role@host:port/database, never the password
 * (which the URL may hold), whatever PG* variables fill in.
 */
export function describeTeamDb(url: string, env: Env): string {
  const read = parseTeamUrl(url);
  if (!read) return '(a URL csr-call cannot read)';
  const parsed = read.url;
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const query = parsed.searchParams;
  const user = decode(parsed.username) || query.get('user') || env.PGUSER || env.USER || '';
  const host = decode(parsed.hostname) || query.get('host') || env.PGHOST || 'localhost';
  const port = parsed.port || query.get('port') || env.PGPORT || '5432';
  const database = decode(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  // eslint-disable-next-line no-control-regex
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80);
  if (read.hosts) return `${clean(user)}@${clean(decode(read.hosts))}/${clean(database)}`;
  return `${clean(user)}@${clean(host)}${host.startsWith('/') ? '' : `:${clean(port)}`}/${clean(database)}`;
}

/**
 * A team database URL read as the client library reads it: several hosts
 * (`db1:5432,db2:5432`, tried in turn) are allowed where a URL parser refuses them; the URL
 * then names the first. `hosts`: the list, when there are several. Undefined: unreadable.
 */
export function parseTeamUrl(url: string): { url: URL; hosts?: string } | undefined {
  const start = url.indexOf('://');
  if (start < 0) return undefined;
  const authority = url.slice(start + 3).split(/[/?#]/)[0]!;
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  const first = hosts.split(',')[0]!;
  try {
    const parsed = new URL(`${url.slice(0, start + 3)}${authority.slice(0, authority.length - hosts.length)}${first}${url.slice(start + 3 + authority.length)}`);
    return { url: parsed, ...(hosts.includes(',') ? { hosts } : {}) };
  } catch {
    return undefined;
  }
}
