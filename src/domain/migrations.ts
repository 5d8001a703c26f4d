import { CURRENT_SCHEMA_VERSION } from './callRecord.js';

/**
 * Older call files are brought up to the current shape on read, one version at a time;
 * newer ones are refused (by `parseCallText`) and never rewritten.
 *
 * `MIGRATIONS[n]` turns a version-n object into a version-(n+1) object. When the shape
 * changes, bump `CURRENT_SCHEMA_VERSION` and add the step here, with a test on a real old
 * file.
 *
 * - 1 → 2 (issue 16): the call keeps coaching nudges, time off the line, the check before
 *   the summary, the prepared solutions offered and chosen, the option chosen and whether
 *   the facts showed our fault; an answer may name the solutions of its items. All new
 *   fields are optional, so a version-1 call is a version-2 call as it is. The version
 *   moves on all the same: a csr-call that knows only version 1 would drop the new fields
 *   when it rewrote a call (a note, a follow-up done), and it refuses a newer file instead.
 */
export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  1: (data) => ({ ...data, schemaVersion: 2 }),
};

/**
 * Versions whose files are already in the current shape but for their number (each step
 * from them only moves the version on): a reader that skips validation may take them as
 * they are. See export/readCalls.ts.
 */
export const SHAPE_UNCHANGED_SINCE = 1;

export function schemaVersionOf(data: unknown): unknown {
  return data !== null && typeof data === 'object' ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
}

export function isNewerSchema(data: unknown, current = CURRENT_SCHEMA_VERSION): data is { schemaVersion: number } {
  const version = schemaVersionOf(data);
  return typeof version === 'number' && version > current;
}

/**
 * Runs the migration steps from the file's version up to `current`. Anything it cannot
 * place (no version, not an integer, a missing step, a newer version) is returned
 * unchanged so the schema check reports it as it is.
 */
export function migrateCall(
  data: unknown,
  { current = CURRENT_SCHEMA_VERSION, steps = MIGRATIONS }: { current?: number; steps?: Readonly<Record<number, Migration>> } = {},
): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  let out = data as Record<string, unknown>;
  let version = out.schemaVersion;
  while (typeof version === 'number' && Number.isInteger(version) && version < current) {
    const step = steps[version];
    if (!step) return out;
    out = step(out);
    const next = out.schemaVersion;
    // A step must move the version on by exactly one, or the chain could loop or skip.
    if (next !== version + 1) throw new Error(`migration from schema version ${version} produced version ${String(next)}`);
    version = next;
  }
  return out;
}
