/**
 * The connection to the team database (Postgres.js, the `postgres` package: loaded only
 * here, only when a team database is set) and the one line each way of failing becomes. Every statement has a
 * time limit: a database that accepts a connection and never answers costs the agent the
 * limit, not the afternoon.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { OperationError } from '../errors.js';
import { requireBuiltin } from '../requireBuiltin.js';
import { BUNDLE_DIR, packageRoot, runningBuilt } from '../installPaths.js';
import type { PgpassLookUp } from './teamClient.js';
import { importOutside } from '../importOutside.js';
import { describeTeamDb, parseTeamUrl, type TeamSettings } from './teamSettings.js';

export interface TeamDb {
  /** role@host:port/database, never the password. */
  target: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
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
  if (code === 'CONNECT_TIMEOUT') return down('no answer in time');
  if (code === 'CONNECTION_CLOSED' || code === 'CONNECTION_DESTROYED' || code === 'CONNECTION_ENDED') return down('the connection was lost');
  if (code === '28P01' || code === '28000') {
    return new TeamDbError(`the team database ${target} refused the login (${message.replace(/"[^"]*"/g, (m) => m).slice(0, 120)}): check the role's password in ~/.pgpass or PGPASSWORD`, false);
  }
  if (code === '3D000') return new TeamDbError(`the team database ${target} does not exist: check CSR_CALL_TEAM_DB`, false);
  if (code === '42P01' || code === '3F000') {
    return new TeamDbError(`the team database ${target} has no csr-call tables yet: the team's owner runs csr-call team migrate`, false);
  }
  // undefined_column: tables made by an older csr-call's `team migrate` (this one's step is not applied yet).
  if (code === '42703') {
    return new TeamDbError(`the team database ${target} has tables older than this csr-call: the team's owner runs csr-call team migrate; your calls are kept and will be sent then`, false);
  }
  if (code === '42501') return new TeamDbError(`the team database ${target} did not allow it: ${message.slice(0, 160)}`, false);
  if (/password must be a string|SASL|client password|no password|empty password/i.test(message) || code === '08P01') {
    return new TeamDbError(`no password for ${target}: put it in ~/.pgpass (host:port:database:role:password, mode 0600) or PGPASSWORD`, false);
  }
  return new TeamDbError(`the team database ${target} failed: ${message.split('\n')[0]!.slice(0, 200)}${code ? ` (${code})` : ''}`, false);
}

/**
 * The client libraries (postgres, pgpass), never part of the program's bundle: the built
 * program requires its script of them (teamClient.ts); from source they are imported
 * from node_modules.
 */
async function clientLibraries(): Promise<Pick<typeof import('./teamClient.js'), 'postgres' | 'pgpass'>> {
  if (runningBuilt()) return createRequire(import.meta.url)(join(packageRoot(), BUNDLE_DIR, 'teamClient.cjs')) as typeof import('./teamClient.js');
  const [{ default: postgres }, { default: lookUp }] = await Promise.all([
    importOutside<{ default: typeof import('postgres') }>('postgres'),
    importOutside<{ default: PgpassLookUp }>('pgpass'),
  ]);
  return { postgres, pgpass: () => lookUp };
}

/**
 * Connects as the agent's role. `timeoutMs` bounds the connection and every statement
 * (server side too, so a statement left running is cancelled there). `probe: false`: the
 * caller's first statement makes the connection, and reports a database that cannot be
 * reached (a round trip less, for a caller that sends one at once).
 */
export async function connectTeamDb(
  settings: TeamSettings,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
  { probe = true }: { probe?: boolean } = {},
): Promise<TeamDb> {
  const target = describeTeamDb(settings.url, env);
  const { postgres } = await clientLibraries();
  const sockets = ownSockets();
  let sql: Sql;
  try {
    sql = postgres(settings.url, {
      socket: sockets.open,
      max: 1,
      connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
      idle_timeout: 0,
      max_lifetime: null,
      // Nothing but the built-in types is used: no round trip to look up others.
      fetch_types: false,
      prepare: false,
      onnotice: () => undefined,
      connection: { application_name: 'csr-call', statement_timeout: timeoutMs },
      // No password in the URL nor PGPASSWORD: ~/.pgpass (or PGPASSFILE), as libpq reads it.
      ...(hasPassword(settings.url, env) ? {} : { pass: passwordFromPgpass(settings.url, env) }),
    } as never);
  } catch (error) {
    throw teamDbError(error, target);
  }
  sockets.openNow((sql as unknown as { options: PostgresOptions }).options);
  let current: Sql | TransactionSql = sql;
  let connected = false;
  const run = async <R>(text: string, params: unknown[] | undefined): Promise<R[]> => {
    // The connection is made by the first statements (sent together): they have the connection's time limit too.
    let timer: NodeJS.Timeout | undefined;
    const limit = !connected
      ? new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('timeout expired'), { code: 'CONNECT_TIMEOUT' })), timeoutMs + 250);
        })
      : undefined;
    try {
      const query = current.unsafe(text, (params ?? []) as never[]);
      const rows = (await (limit ? Promise.race([query, limit]) : query)) as unknown as R[];
      connected = true;
      return Array.from(rows);
    } catch (error) {
      throw teamDbError(error, target);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
  const db: TeamDb = {
    target,
    query: (text, params) => run(text, params),
    async transaction(work) {
      if (current !== sql) return work();
      try {
        return (await sql.begin(async (tx) => {
          current = tx;
          try {
            return await work();
          } finally {
            current = sql;
          }
        })) as Awaited<ReturnType<typeof work>>;
      } catch (error) {
        throw teamDbError(error, target);
      }
    },
    async close() {
      // No time limit (its timer would hold the process): the server's side may take its time.
      const ending = sql.end().catch(() => undefined);
      await Promise.race([ending, sockets.released()]);
    },
    destroy() {
      void sockets.released();
      void sql.end({ timeout: 0 }).catch(() => undefined);
    },
  };
  // Connect now, so that a database that cannot be reached is reported here.
  if (probe) await db.query('SELECT 1');
  return db;
}

/**
 * The connection's socket, made here as Postgres.js makes its own (host by host of a
 * URL listing several, or the server's Unix socket), so that closing need not wait for
 * the server: once the goodbye message is written, the socket no longer holds the
 * process, which may exit while the server closes its side (a few ms, with a caller
 * waiting, at the end of every command that sent something).
 */
function ownSockets(): { open: (options: PostgresOptions) => Socket; openNow: (options: PostgresOptions) => void; released: () => Promise<void> } {
  const { Socket: NetSocket } = requireBuiltin<typeof import('node:net')>('node:net');
  let tries = 0;
  let current: Socket | undefined;
  let early: Socket | undefined;
  const connect = (options: PostgresOptions): Socket => {
    const socket = new NetSocket();
    const i = tries++ % options.host.length;
    if (options.path) socket.connect(options.path);
    else socket.connect(options.port[i]!, options.host[i]!);
    return socket;
  };
  return {
    open(options) {
      // (One that failed already is made again: its error is then Postgres.js's to see.)
      current = early && !early.destroyed ? early : connect(options);
      early = undefined;
      return current;
    },
    /**
     * Postgres.js connects a turn of the event loop after the first statement, which a busy
     * command may give it late: the server can accept the connection and start its side meanwhile.
     */
    openNow(options) {
      early = connect(options);
      // Until Postgres.js takes it, with its own error handler.
      early.once('error', () => undefined);
    },
    released() {
      // Opened early and not taken (no statement was sent): not wanted.
      early?.destroy();
      early = undefined;
      const socket = current;
      // A connection that failed or was dropped: Postgres.js may never say it ended, and
      // nothing of it is left to wait for.
      if (!socket || socket.destroyed) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.once('finish', () => {
          socket.unref();
          resolve();
        });
      });
    },
  };
}

type Socket = import('node:net').Socket;
type PostgresOptions = { host: string[]; port: number[]; path: string | false };
type Sql = import('postgres').Sql;
type TransactionSql = import('postgres').TransactionSql;

function hasPassword(url: string, env: Readonly<Record<string, string | undefined>>): boolean {
  // (A URL it cannot read is the client's to report.)
  const parsed = parseTeamUrl(url)?.url;
  if (parsed && (parsed.password || parsed.searchParams.get('password'))) return true;
  return Boolean(env.PGPASSWORD);
}

/** The password ~/.pgpass gives for this connection (an empty one when it has none: the server then says no). */
function passwordFromPgpass(url: string, env: Readonly<Record<string, string | undefined>>): () => Promise<string> {
  return async () => {
    const lookUp = (await clientLibraries()).pgpass();
    // (Asked as the client logs in: a URL it could read is readable here too; else no password.)
    const parsed = parseTeamUrl(url)?.url;
    if (!parsed) return '';
    const user = decodeURIComponent(parsed.username) || env.PGUSER || env.USER || '';
    const info = {
      host: decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || env.PGHOST || 'localhost',
      port: parsed.port || env.PGPORT || '5432',
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || user,
      user,
    };
    return new Promise((resolve) => lookUp(info, (password) => resolve(password ?? '')));
  };
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
