/**
 * The connection to the team database (node-postgres, loaded only here, only when a team
 * database is set) and the one line each way of failing becomes. Every statement has a
 * time limit: a database that accepts a connection and never answers costs the agent the
 * limit, not the afternoon.
 */
import type { Client, QueryResultRow } from 'pg';
import { OperationError } from '../errors.js';
import { importOutside } from '../importOutside.js';
import { describeTeamDb, type TeamSettings } from './teamSettings.js';

export interface TeamDb {
  /** role@host:port/database, never the password. */
  target: string;
  query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction (rolled back if it throws). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Drops the connection at once (a time limit ran out). */
  destroy(): void;
}

/** The team database could not be used: unreachable, refused, not set up. Exit 1, one line. */
export class TeamDbError extends OperationError {
  readonly unreachable: boolean;
  constructor(message: string, unreachable: boolean) {
    super(message);
    this.name = 'TeamDbError';
    this.unreachable = unreachable;
  }
}

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ENOENT: 'no server socket there',
  // The server shutting down or starting: 57P01 admin_shutdown, 57P03 cannot_connect_now.
  '57P01': 'the server is shutting down',
  '57P02': 'the server is shutting down',
  '57P03': 'the server is starting up',
};

/** One line for anything the database or the network said, never a password. */
export function teamDbError(error: unknown, target: string): TeamDbError {
  if (error instanceof TeamDbError) return error;
  const e = error as { code?: string; message?: string };
  const message = String(e?.message ?? error);
  const code = e?.code;
  const down = (why: string) => new TeamDbError(`the team database ${target} is not reachable (${why}); your calls are kept and will be sent later`, true);
  if (code && UNREACHABLE_CODES[code]) return down(UNREACHABLE_CODES[code]!);
  if (/timeout|timed out/i.test(message)) return down('no answer in time');
  if (/Connection terminated|connection .*(closed|ended)|Client has encountered a connection error/i.test(message)) return down('the connection was lost');
  if (code === '28P01' || code === '28000') {
    return new TeamDbError(`the team database ${target} refused the login (${message.replace(/"[^"]*"/g, (m) => m).slice(0, 120)}): check the role's password in ~/.pgpass or PGPASSWORD`, false);
  }
  if (code === '3D000') return new TeamDbError(`the team database ${target} does not exist: check CSR_CALL_TEAM_DB`, false);
  if (code === '42P01' || code === '3F000') {
    return new TeamDbError(`the team database ${target} has no csr-call tables yet: the team's owner runs csr-call team migrate`, false);
  }
  if (code === '42501') return new TeamDbError(`the team database ${target} did not allow it: ${message.slice(0, 160)}`, false);
  if (/password must be a string|SASL|client password/i.test(message)) {
    return new TeamDbError(`no password for ${target}: put it in ~/.pgpass (host:port:database:role:password, mode 0600) or PGPASSWORD`, false);
  }
  return new TeamDbError(`the team database ${target} failed: ${message.split('\n')[0]!.slice(0, 200)}${code ? ` (${code})` : ''}`, false);
}

/**
 * Connects as the agent's role. `timeoutMs` bounds the connection and every statement
 * (server side too, so a statement left running is cancelled there).
 */
export async function connectTeamDb(settings: TeamSettings, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<TeamDb> {
  const target = describeTeamDb(settings.url, env);
  // Outside the bundle (see src/build/bundle.ts): loaded from node_modules, on first use.
  const { default: pg } = await importOutside<typeof import('pg')>('pg');
  const client: Client = new pg.Client({
    connectionString: settings.url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'csr-call',
  });
  // No password in the URL nor PGPASSWORD: ~/.pgpass (or PGPASSFILE), as libpq reads it.
  // node-postgres' own reading of it is deprecated and says so on stderr; and a password
  // function given with a connection string is overwritten by the string's (absent) one.
  if (!hasPassword(settings.url, env)) client.password = passwordFromPgpass() as unknown as string;
  // A connection lost between statements is reported by the next one; never an unhandled error.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    destroy(client);
    throw teamDbError(error, target);
  }
  let inTransaction = false;
  const db: TeamDb = {
    target,
    async query(sql, params) {
      try {
        return (await client.query(sql, params as unknown[])).rows;
      } catch (error) {
        throw teamDbError(error, target);
      }
    },
    async transaction(work) {
      if (inTransaction) return work();
      inTransaction = true;
      try {
        await db.query('BEGIN');
        const result = await work();
        await db.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
    destroy() {
      destroy(client);
    },
  };
  return db;
}

function hasPassword(url: string, env: Readonly<Record<string, string | undefined>>): boolean {
  try {
    if (new URL(url).password || new URL(url).searchParams.get('password')) return true;
  } catch {
    /* pg reports a URL it cannot read */
  }
  return Object.prototype.hasOwnProperty.call(env, 'PGPASSWORD');
}

/** The password .pgpass gives for the connection being made (undefined: none there). */
function passwordFromPgpass(): (params: unknown) => Promise<string | undefined> {
  return async (params) => {
    const { default: lookUp } = await importOutside<{ default: (info: unknown, done: (password: string | undefined) => void) => void }>('pgpass');
    return new Promise((resolve) => lookUp(params, resolve));
  };
}

function destroy(client: Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  stream?.destroy?.();
}

/** Runs `work` with a connection, closed afterwards whatever happens. */
export async function withTeamDb<T>(settings: TeamSettings, env: Readonly<Record<string, string | undefined>>, timeoutMs: number, work: (db: TeamDb) => Promise<T>): Promise<T> {
  const db = await connectTeamDb(settings, env, timeoutMs);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
