import { CURRENT_SCHEMA_VERSION } from './callRecord.js';

/**
 * Older call files are brought up to the current shape on read, one version at a time;
 * newer ones are refused (by `parseCallText`) and never rewritten.
 *
 * `MIGRATIONS[n]` turns a version-n object into a version-(n+1) object. Version 1 is the
 * first published format, so there is nothing to migrate yet: when the shape changes,
 * bump `CURRENT_SCHEMA_VERSION` and add the step here, with a test on a real old file.
 */
export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

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
