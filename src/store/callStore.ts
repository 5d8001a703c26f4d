/**
 * The call store: one JSON file per call, and the one way anything writes one.
 *
 * Every change (a new call, the live call's autosave, a note, a follow-up done or
 * snoozed, an erasure) goes through `commitCall`: under the call's lock, read the file as
 * it is now, decide the new record from it, write it whole (atomically) with its revision
 * moved on by one, and update the index of calls. A writer holding an older copy (the live
 * call, which keeps its record between answers) merges its changes into what it finds
 * (domain/mergeCall), so nothing another process wrote meanwhile is lost.
 */
import { readFile, unlink } from '../asyncFs.js';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { buildCompiledCallRecordSchema, callRecordSchema, CURRENT_SCHEMA_VERSION, type CallRecord, type CallRecordSchema } from '../domain/callRecord.js';
import { callDirOf, shortId } from '../domain/ids.js';
import { isNewerSchema, migrateCall } from '../domain/migrations.js';
import { clashNotes, mergeCall, type Clash } from '../domain/mergeCall.js';
import { MAX_CALL_FILE_BYTES } from '../domain/limits.js';
import { callPath, ensurePrivateDir, readTextOrUndefined } from './callFiles.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { formatIssuePath, OperationError, UserError, writeFailure } from '../errors.js';
import { withFileLock } from './fileLock.js';
import { sameStamp, stampOf, type FileStamp } from './index/callIndex.js';
import { callIndexOf, openedIndex } from './index/indexAccess.js';
import { idsEndingIn } from './index/indexQueries.js';
import { storeListener } from './storeEvents.js';
import { grouped } from '../text/plural.js';
import { importOutside } from '../importOutside.js';

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
export function parseCallText(text: string, schema: CallRecordSchema = callRecordSchema()): ParseResult {
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
  const parsed = schema.safeParse(migrateCall(data));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: oneLineProblem(`${formatIssuePath(issue.path)}: ${issue.message}`) };
  }
  return { ok: true, record: parsed.data };
}

/**
 * `parseCallText` for reads of thousands of files (an index build): with the schema whose
 * checks zod compiles, from its full build, loaded only here, from node_modules rather than
 * the bundle (a bundled module costs every command's start its exports, ~1,000 for zod).
 */
export async function bulkCallParser(): Promise<(text: string) => ParseResult> {
  const schema = buildCompiledCallRecordSchema(await importOutside<typeof import('zod')>('zod'));
  return (text) => parseCallText(text, schema);
}

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

/** A call as this process last wrote it, and the stamp of that file: read again only if it changed. */
export interface WrittenCall {
  record: CallRecord;
  stamp: FileStamp;
}

interface Decision {
  /** The record to write; undefined to leave the file as it is. */
  next: CallRecord | undefined;
}

const lockHolder = () => `${hostname()}:${process.pid}`;

/**
 * The one write path. Under the call's lock: the file as it is now (`undefined` when
 * there is none; a damaged or newer-schema file stops here and is never overwritten),
 * `decide` makes the record to write from it, which is written whole with the revision
 * after the current one, and the index (when this process has it open) takes the change.
 */
async function commitCall(
  dataDir: string,
  id: string,
  decide: (current: CallRecord | undefined) => Decision,
  options: { create?: boolean; known?: WrittenCall; index?: boolean } = {},
): Promise<WrittenCall | undefined> {
  const path = callPath(dataDir, id);
  try {
    if (options.create) await ensurePrivateDir(dirname(path));
    return await withFileLock(`${path}.lock`, lockHolder(), async () => {
      const current = await currentRecord(path, options.known);
      const { next } = decide(current);
      if (next === undefined) return current ? { record: current, stamp: stampOf(statSync(path)) } : undefined;
      const written: CallRecord = { ...next, revision: (current?.revision ?? 0) + 1 };
      const text = serializeCall(written);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_CALL_FILE_BYTES) {
        throw new OperationError(
          `call ${shortId(id)} would be ${grouped(bytes)} bytes, over the ${grouped(MAX_CALL_FILE_BYTES)} a call may hold: nothing was changed`,
        );
      }
      storeListener()?.changing(dataDir, id);
      const stamp = stampOf(await writeFileAtomic(path, text));
      if (options.index !== false) await indexWrite(dataDir, (index) => index.putCall(written, stamp, callDirOf(id).slice('calls/'.length)));
      return { record: written, stamp };
    });
  } catch (error) {
    // No week folder means no such call (the lock file could not even be created).
    if (!options.create && (error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no call ${id} in ${dataDir}`, 1);
    throw storeWriteError(error, options.create ? `cannot save call ${id}` : `cannot update call ${id}`);
  }
}

/** The record in the file now: what this process wrote last, if the file has not changed since. */
async function currentRecord(path: string, known: WrittenCall | undefined): Promise<CallRecord | undefined> {
  if (known) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats && sameStamp(stampOf(stats), known.stamp)) return known.record;
  }
  const text = await readTextOrUndefined(path);
  if (text === undefined) return undefined;
  const result = parseCallText(text);
  if (!result.ok) throw new CallFileError(path, `${result.problem}; not overwritten`);
  return result.record;
}

/**
 * The index takes each change as it is written. Only when this process has it open: a
 * change it does not see here is found by the next command's look at the folders. A
 * failure here (the cache folder full) loses nothing: the file is written.
 */
async function indexWrite(dataDir: string, change: (index: import('./index/callIndex.js').CallIndex) => void): Promise<void> {
  const pending = openedIndex(dataDir);
  if (!pending) return;
  try {
    const index = await pending;
    index.write(() => change(index));
  } catch {
    /* caught up by the next refresh */
  }
}

/** Writes a new call (the first save of `start`). */
export async function createCall(dataDir: string, record: CallRecord): Promise<WrittenCall> {
  const written = await commitCall(
    dataDir,
    record.id,
    (current) => {
      if (current) throw new OperationError(`call ${record.id} already exists; not overwritten`);
      return { next: record };
    },
    { create: true },
  );
  return written!;
}

/**
 * Read-modify-write of an existing call (`note`, `followups done`/`snooze`): `change`
 * gets the record as it is in the file now; returning it unchanged writes nothing.
 */
export async function updateCall(dataDir: string, id: string, change: (record: CallRecord) => CallRecord): Promise<CallRecord> {
  const written = await commitCall(dataDir, id, (current) => {
    if (!current) throw new UserError(`no call ${id} in ${dataDir}`, 1);
    const next = change(current);
    return { next: next === current ? undefined : next };
  });
  return written!.record;
}

export interface SessionSave extends WrittenCall {
  /** Fields both the call and another process changed; the other value is kept in a note. */
  clashes: Clash[];
}

/**
 * The live call's autosave. `base` is what the call last wrote or read, `ours` the record
 * with the newest answers. When the file is still `base`, `ours` is written; when another
 * process changed it meanwhile (a note, a follow-up done, a teammate), the two are merged
 * and the merge written: the call continues from the record returned.
 *
 * The index takes the call when it ends, not at every answer: replacing a call's words in
 * the full-text index (erased for good, not just marked) costs ~5-10 ms, which every Enter
 * would pay. Meanwhile the file is newer than its row, so any other command's look at the
 * folders reads it again (as for a change by another program): nothing is missed.
 */
export async function saveSession(dataDir: string, base: WrittenCall, ours: CallRecord, at: Date, by: string): Promise<SessionSave> {
  let clashes: Clash[] = [];
  const written = await commitCall(
    dataDir,
    ours.id,
    (current) => {
      // Gone (deleted by hand): what the agent typed is written again, never dropped.
      if (!current || current.revision === base.record.revision) return { next: ours };
      const merged = mergeCall(base.record, ours, current);
      clashes = merged.clashes;
      const notes = clashNotes(clashes, at, by);
      return { next: notes.length ? { ...merged.record, notes: [...merged.record.notes, ...notes] } : merged.record };
    },
    { create: true, known: base, index: ours.status === 'completed' },
  );
  return { ...written!, clashes };
}

/**
 * Removes one call file (`forget`, `purge`, `discard`) under its lock, so an update waiting
 * for it then finds no call instead of writing it back, and its rows from the index
 * (which must be open: an erasure is not left for later). True if there was a file.
 */
export async function eraseCall(dataDir: string, id: string): Promise<boolean> {
  const path = callPath(dataDir, id);
  const index = await callIndexOf(dataDir);
  let removed = false;
  try {
    await withFileLock(`${path}.lock`, lockHolder(), async () => {
      storeListener()?.changing(dataDir, id);
      try {
        await unlink(path);
        removed = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      index.write(() => index.removeCallRows(id));
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // No week folder: no file; the index may still hold rows of an erasure cut short.
    index.write(() => index.removeCallRows(id));
  }
  return removed;
}

/** What a known file-system failure of a store write was ('the disk is full (ENOSPC)'); undefined for anything else. */
export const storeWriteFailure = writeFailure;

/** A known file-system failure becomes one line (what, where, and that nothing changed); anything else passes through. */
function storeWriteError(error: unknown, what: string): unknown {
  if (error instanceof UserError) return error;
  const errno = error as NodeJS.ErrnoException;
  const reason = writeFailure(error, errno?.path);
  if (!reason) return error;
  const wrapped = new OperationError(
    `${what}: ${reason}; the file on disk is unchanged. ` +
      'Check --data-dir / CSR_CALL_HOME, free space and permissions, then try again',
  );
  Object.assign(wrapped, { code: errno.code, path: errno.path, cause: error });
  return wrapped;
}

/** Turns a short id (the six-letter tail) into the full id, or says it is unknown/ambiguous. */
export async function resolveCallId(dataDir: string, arg: { full?: string; short?: string }): Promise<string> {
  if (arg.full) return arg.full;
  const short = arg.short!;
  const matches = idsEndingIn(await callIndexOf(dataDir), short);
  if (matches.length === 0) throw new UserError(`no call ${short} in ${dataDir}`, 1);
  if (matches.length > 1) throw new UserError(`${short} matches several calls (${matches.join(', ')}): give the full id`);
  return matches[0]!;
}

/** Reads a call file's text; undefined when it does not exist. */
export async function readCallText(dataDir: string, id: string): Promise<string | undefined> {
  try {
    return await readFile(callPath(dataDir, id), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
