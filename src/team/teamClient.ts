/**
 * The team database's client libraries, built into a script of their own
 * (dist/app/teamClient.cjs, src/build/bundle.ts) that the program requires when a team
 * database is set: one file, where importing the packages' ES modules from node_modules
 * cost every team command ~23 ms. Only the built program loads this module; from source,
 * teamDb.ts imports the packages themselves.
 */
import postgres from 'postgres';

export { postgres };

/** The password ~/.pgpass holds for `info` (pgpass is loaded on first use: most URLs carry none). */
export type PgpassLookUp = (info: { host: string; port: string; database: string; user: string }, done: (password: string | undefined) => void) => void;

declare const require: (id: string) => unknown;

export function pgpass(): PgpassLookUp {
  return require('pgpass') as PgpassLookUp;
}
