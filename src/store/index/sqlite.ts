/**
 * The one module that knows which SQLite driver the index runs on: better-sqlite3 (12.x,
 * the line that supports Node 20). The rest of the index sees only `SqlDatabase`, which
 * is the shape of Node's built-in `node:sqlite` (`DatabaseSync`, stable from Node 22.13):
 * `exec`, `prepare` with `run`/`get`/`all`/`iterate`, `function`, `close`. When Node 20
 * support ends, this file can open a `DatabaseSync` instead and nothing else changes, and
 * no native module has to be compiled at install any more.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { packageRoot } from '../../installPaths.js';

export type SqlValue = number | string | null | bigint | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
  iterate(...params: SqlValue[]): IterableIterator<SqlRow>;
}

export interface SqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** A deterministic scalar function of the connection (used in SQL as `name(...)`). */
  function(name: string, fn: (...args: SqlValue[]) => SqlValue): void;
  close(): void;
}

/** SQLite's own error, with its result code (`SQLITE_CORRUPT`, `SQLITE_BUSY`...). */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

// The driver's JavaScript is part of the program's bundle; its compiled part is found
// beside the installed package, so no search through the file system (its `bindings`
// helper walks the stack and tries a dozen paths) is made on every start. First where npm
// puts it for csr-call (one stat; resolving the package costs ~4 ms of every command),
// else where Node's resolution finds it (a dependency hoisted above csr-call).
let nativeBinding: string | undefined;
function nativeBindingPath(): string {
  if (nativeBinding === undefined) {
    const beside = join(packageRoot(), 'node_modules', 'better-sqlite3');
    const packageDir = existsSync(join(beside, 'package.json')) ? beside : dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    nativeBinding = join(packageDir, 'build', 'Release', 'better_sqlite3.node');
  }
  return nativeBinding;
}

export interface OpenOptions {
  /** How long a statement waits for another process's write to finish. */
  busyTimeoutMs: number;
  /** Fail instead of creating the file. */
  mustExist?: boolean;
}

export function openSqlite(path: string, options: OpenOptions): SqlDatabase {
  const db = new BetterSqlite3(path, {
    timeout: options.busyTimeoutMs,
    fileMustExist: options.mustExist ?? false,
    nativeBinding: nativeBindingPath(),
  });
  return {
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql) as unknown as SqlStatement,
    function: (name, fn) => void db.function(name, { deterministic: true }, fn as (...args: unknown[]) => unknown),
    close: () => db.close(),
  };
}
