import { readFile, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { hostname } from 'node:os';
import { callRecordSchema, CURRENT_SCHEMA_VERSION, type CallRecord } from './callRecord.js';
import { callPath, ensurePrivateDir, listMonthDirs, listCallFilesIn, monthInRange, readTextOrUndefined } from './callFiles.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { formatIssuePath, OperationError, UserError } from '../errors.js';
import { withFileLock } from './fileLock.js';
import { journalCallFile } from './callSummaries.js';
import { journalLockChange } from './summaryCache.js';
import { isNewerSchema, migrateCall } from './migrations.js';
import { compileValidators } from '../zod.js';

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
  // A read of many call files (export, a cache rebuild) is worth zod's compiled checks.
  if (++callTextsParsed === COMPILE_AFTER_PARSES) compileValidators();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : `not valid JSON (${(error as Error).message})`;
    return { ok: false, problem: oneLineProblem(reason) };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problem: 'not a call record (expected a JSON object)' };
  }
  if (isNewerSchema(data)) return { ok: false, problem: newerSchemaProblem(data.schemaVersion) };
  const parsed = callRecordSchema().safeParse(migrateCall(data));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: oneLineProblem(`${formatIssuePath(issue.path)}: ${issue.message}`) };
  }
  return { ok: true, record: parsed.data };
}

let callTextsParsed = 0;
/** Where compiling (~10 ms) is won back: measured over a month of call files. */
const COMPILE_AFTER_PARSES = 200;

export function newerSchemaProblem(version: number): string {
  return `written by a newer csr-call (schema version ${version}; this one reads up to ${CURRENT_SCHEMA_VERSION}): update csr-call`;
}

/**
 * Problems are shown one per line next to a file name, so they must be one line: a key or
 * a JSON error message can carry newlines or control characters from the file itself.
 */
function oneLineProblem(text: string, max = 240): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) =>
    ch === '\n' ? '\\n' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
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
 * written. Refuses to overwrite a file written by a newer csr-call. A failed write (disk
 * full, no permission) leaves the file as it was and says so in one line.
 */
export async function saveCall(dataDir: string, record: CallRecord): Promise<CallRecord> {
  const path = callPath(dataDir, record.id);
  const next: CallRecord = { ...record, revision: record.revision + 1 };
  try {
    await refuseNewerFile(path);
    // The week's directory is made inside the journalled change: a new one changes the month directory.
    await journalCallFile(dataDir, path, next, async () => {
      await ensurePrivateDir(dirname(path));
      await writeFileAtomic(path, serializeCall(next));
    });
  } catch (error) {
    throw storeWriteError(error, `cannot save call ${record.id}`);
  }
  return next;
}

/**
 * Removes one call file (`forget`, `purge`), through the summary cache's journal so the
 * lists drop it without scanning the month. A call already gone is not an error.
 */
export async function removeCall(dataDir: string, id: string): Promise<void> {
  const path = callPath(dataDir, id);
  await journalCallFile(dataDir, path, undefined, () =>
    unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    }),
  );
}

async function refuseNewerFile(path: string): Promise<void> {
  const existing = await readTextOrUndefined(path);
  if (existing === undefined) return;
  let data: unknown;
  try {
    data = JSON.parse(existing);
  } catch {
    return; // damaged: the record in hand is the better copy
  }
  if (isNewerSchema(data)) throw new CallFileError(path, `${newerSchemaProblem(data.schemaVersion)}; not overwritten`);
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'no permission to write',
  EPERM: 'no permission to write',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'part of the path is not a directory',
  EEXIST: 'part of the path is a file, not a directory',
  EISDIR: 'the call file is a directory',
  EIO: 'the disk reported an input/output error',
};

/** A known file-system failure becomes one line (what, where, and that nothing changed); anything else passes through. */
function storeWriteError(error: unknown, what: string): unknown {
  if (error instanceof UserError) return error;
  const errno = error as NodeJS.ErrnoException;
  const reason = errno?.code ? WRITE_FAILURES[errno.code] : undefined;
  if (!reason) return error;
  const wrapped = new OperationError(
    `${what}: ${reason} (${errno.code}${errno.path ? ` at ${errno.path}` : ''}); the file on disk is unchanged. ` +
      'Check --data-dir / CSR_CALL_HOME, free space and permissions, then try again',
  );
  Object.assign(wrapped, { code: errno.code, path: errno.path, cause: error });
  return wrapped;
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
  try {
    return await withFileLock(
      `${path}.lock`,
      who,
      async () => {
        // Read under the lock: a newer-schema or damaged file throws here and is never written.
        const current = await readCall(dataDir, id);
        const changed = change(current);
        if (changed === current) return current;
        return saveCall(dataDir, { ...changed, revision: current.revision });
      },
      { around: (lockChange) => journalLockChange(dataDir, id, `${basename(path)}.lock`, lockChange) },
    );
  } catch (error) {
    // No month directory means no such call (the lock file could not even be created).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no call ${id} in ${dataDir}`, 1);
    throw storeWriteError(error, `cannot update call ${id}`);
  }
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

/**
 * Every call file in the store, one at a time (so memory stays flat), damaged files
 * reported rather than thrown. Months outside `from`/`to` are not even listed.
 */
export async function* scanCalls(dataDir: string, options: ScanOptions = {}): AsyncGenerator<ScannedCall> {
  const months = (await listMonthDirs(dataDir)).filter((m) => monthInRange(m.month, options));
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
