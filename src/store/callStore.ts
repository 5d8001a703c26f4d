import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { CallRecord, CURRENT_SCHEMA_VERSION } from './callRecord.js';
import { callPath, ensurePrivateDir, listMonthDirs, listCallFilesIn, readTextOrUndefined } from './callFiles.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { formatIssuePath, OperationError, UserError } from '../errors.js';
import { withFileLock } from './fileLock.js';

/** Why a call file could not be used; `problem` is one line (`path.to.field: message`). */
export class CallFileError extends OperationError {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'CallFileError';
    this.path = path;
    this.problem = problem;
  }
}

export type ParseResult = { ok: true; record: CallRecord } | { ok: false; problem: string };

/**
 * Turns a call file's text into a validated record, or says in one line what is wrong
 * with it. Older schema versions are migrated; newer ones are refused, never guessed at.
 */
export function parseCallText(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : `not valid JSON (${(error as Error).message})`;
    return { ok: false, problem: reason };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problem: 'not a call record (expected a JSON object)' };
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      problem: `written by a newer csr-call (schema version ${version}; this one reads up to ${CURRENT_SCHEMA_VERSION}): update csr-call`,
    };
  }
  const parsed = CallRecord.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${formatIssuePath(issue.path)}: ${issue.message}` };
  }
  return { ok: true, record: parsed.data };
}

export function serializeCall(record: CallRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Reads one call by full id; a missing call is a user error, a damaged one says what is wrong. */
export async function readCall(dataDir: string, id: string): Promise<CallRecord> {
  const path = callPath(dataDir, id);
  const text = await readTextOrUndefined(path);
  if (text === undefined) throw new UserError(`no call ${id} in ${dataDir}`, 1);
  const result = parseCallText(text);
  if (!result.ok) throw new CallFileError(path, result.problem);
  return result.record;
}

/**
 * Writes a call atomically with its revision moved on by one and returns what was
 * written. Refuses to overwrite a file written by a newer csr-call.
 */
export async function saveCall(dataDir: string, record: CallRecord): Promise<CallRecord> {
  const path = callPath(dataDir, record.id);
  await ensurePrivateDir(dirname(path));
  const next: CallRecord = { ...record, revision: record.revision + 1 };
  await writeFileAtomic(path, serializeCall(next));
  return next;
}

/**
 * Read-modify-write of an existing call that never loses another process's update: the
 * change is made under a short lock on the call, on the freshly read file.
 */
export async function updateCall(
  dataDir: string,
  id: string,
  change: (record: CallRecord) => CallRecord,
  who: string = `${hostname()}:${process.pid}`,
): Promise<CallRecord> {
  const path = callPath(dataDir, id);
  return withFileLock(`${path}.lock`, who, async () => {
    const current = await readCall(dataDir, id);
    const changed = change(current);
    if (changed === current) return current;
    return saveCall(dataDir, { ...changed, revision: current.revision });
  });
}

export type ScannedCall =
  | { ok: true; id: string; path: string; record: CallRecord }
  | { ok: false; id: string; path: string; problem: string };

export interface ScanOptions {
  /** Only months that may hold calls started at or after this time. */
  from?: Date;
  /** Only months that may hold calls started before this time. */
  to?: Date;
  newestFirst?: boolean;
}

const monthKey = (date: Date) =>
  `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * Every call file in the store, one at a time (so memory stays flat), damaged files
 * reported rather than thrown. Months outside `from`/`to` are not even listed.
 */
export async function* scanCalls(dataDir: string, options: ScanOptions = {}): AsyncGenerator<ScannedCall> {
  let months = await listMonthDirs(dataDir);
  if (options.from) {
    const first = monthKey(options.from);
    months = months.filter((m) => m.month >= first);
  }
  if (options.to) {
    const last = monthKey(options.to);
    months = months.filter((m) => m.month <= last);
  }
  if (options.newestFirst) months.reverse();
  for (const month of months) {
    const files = await listCallFilesIn(month.path);
    if (options.newestFirst) files.reverse();
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file.path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        yield { ok: false, id: file.id, path: file.path, problem: `cannot read: ${(error as Error).message}` };
        continue;
      }
      const result = parseCallText(text);
      if (result.ok) yield { ok: true, id: file.id, path: file.path, record: result.record };
      else yield { ok: false, id: file.id, path: file.path, problem: result.problem };
    }
  }
}

/** Turns a short id (the six-letter tail) into the full id, or says it is unknown/ambiguous. */
export async function resolveCallId(dataDir: string, arg: { full?: string; short?: string }): Promise<string> {
  if (arg.full) return arg.full;
  const short = arg.short!;
  const matches: string[] = [];
  for (const month of await listMonthDirs(dataDir)) {
    for (const file of await listCallFilesIn(month.path)) if (file.id.endsWith(`-${short}`)) matches.push(file.id);
  }
  if (matches.length === 0) throw new UserError(`no call ${short} in ${dataDir}`, 1);
  if (matches.length > 1) throw new UserError(`${short} matches several calls (${matches.join(', ')}): give the full id`);
  return matches[0]!;
}
