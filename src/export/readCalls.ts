import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from '../domain/callRecord.js';
import { callIdSecond } from '../domain/ids.js';
import { callsRoot } from '../paths.js';
import { sameStamp, stampOf, type CallIndex, type FileStamp } from '../store/index/callIndex.js';
import { misnamedCall } from '../store/callFiles.js';
import { compactJson } from './compactJson.js';

// Nothing here may import zod, directly or not: loading it costs more than a tenth of a
// second, a visible share of an export. The validator is loaded only when a file needs it.

/**
 * The schema versions of the records `export` may take from a checked file without
 * validating it again: the current one, and the older ones whose shape is the current
 * one but for the number (their migration only moves the version on; the record is given
 * the current number). Must equal `CURRENT_SCHEMA_VERSION` and `SHAPE_UNCHANGED_SINCE`
 * (`domain/callRecord.ts` and `domain/migrations.ts`, which load zod, so they are not
 * imported here); tests/export.fastRead.test.ts checks that they do. A file of any other
 * version goes through `parseCallText`, which migrates or refuses it.
 */
export const FAST_READ_SCHEMA_VERSION = 2;
export const FAST_READ_OLDEST_VERSION = 1;

type ParseCallText = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

export type ScannedCall =
  | { ok: true; id: string; path: string; record: CallRecord }
  | { ok: false; id: string; path: string; problem: string };

/**
 * With `asJson`, a checked file in the store's own layout comes as its record's compact
 * JSON (`JSON.stringify(record)`, see compactJson.ts) and its start, not parsed. The
 * bytes are a view of a buffer the next batch is written into: valid until the next
 * batch is asked for (no buffer per call: less memory about at the peak).
 */
export type ScannedJson = ScannedCall | { ok: true; id: string; path: string; json: Buffer; startedAt: string };

/** Calls started in [from, to): a call id is its start to the second (UTC), so the ids bound them. */
export interface IdRange {
  from?: Date;
  to?: Date;
}

function idBounds(range: IdRange): { fromId: string; toId: string } {
  return {
    fromId: range.from ? callIdSecond(range.from) : '',
    // Calls started before `to` have ids before its second, rounded up.
    toId: range.to ? callIdSecond(new Date(Math.ceil(range.to.getTime() / 1000) * 1000)) : '~',
  };
}

/** How many call files an export of `range` reads (the progress bar's 100%). */
export function countCallFiles(index: CallIndex, range: IdRange): number {
  const { fromId, toId } = idBounds(range);
  return index.sql('SELECT count(*) AS n FROM files WHERE id >= ? AND id < ?').get(fromId, toId)?.n as number;
}

/**
 * Every call file of calls started in `range` (by id; callers compare `startedAt` for the
 * exact bounds), oldest first, in small batches (`READ_BATCH`: memory stays flat), damaged
 * files reported rather than thrown. The index says which files there are (it was brought
 * up to date when opened) and at which stamp each was last found a good call.
 *
 * What makes it fast on a large store:
 * - Files are read synchronously: call files are small, and a promise round trip per
 *   open/stat/read/close costs more than the read itself.
 * - Full validation is skipped for a file whose stamp (inode, size, mtime), taken from the
 *   same open file its text is read from, matches the one at which the index took it for
 *   a good call: those bytes have already passed `parseCallText` (or were written by
 *   csr-call itself), so `JSON.parse` is all they need. Every other file (changed since,
 *   damaged, of another schema version) gets the full check, so damaged files are still
 *   reported and foreign edits still caught.
 */
export function readCallsForExport(index: CallIndex, range?: IdRange): AsyncGenerator<ScannedCall[]>;
export function readCallsForExport(index: CallIndex, range: IdRange, options: { asJson?: true }): AsyncGenerator<ScannedJson[]>;
export async function* readCallsForExport(index: CallIndex, range: IdRange = {}, options: { asJson?: true } = {}): AsyncGenerator<ScannedJson[]> {
  const root = callsRoot(index.dataDir);
  const { fromId, toId } = idBounds(range);
  const page = index.sql('SELECT id, dir, size, mtime, ino, problem FROM files WHERE id > ? AND id >= ? AND id < ? ORDER BY id LIMIT 1000');
  let parse: ParseCallText | undefined;
  let batch: ScannedJson[] = [];
  const arena: CompactArena = { buffer: Buffer.allocUnsafe(options.asJson ? READ_BATCH * 16 * 1024 : 0), used: 0 };
  // Paged, not iterated: the connection must stay free between the batches this yields.
  let after = '';
  for (;;) {
    const rows = page.all(after, fromId, toId);
    if (rows.length === 0) break;
    // A turn of the event loop: with stdout a file, every write is synchronous and the
    // whole export would run in one, where V8's and Node's deferred clean-ups never run.
    await new Promise((resolve) => setImmediate(resolve));
    after = rows[rows.length - 1]!.id as string;
    for (const row of rows) {
      const id = row.id as string;
      if (batch.length === READ_BATCH) {
        yield batch;
        batch = [];
        arena.used = 0;
      }
      const path = join(root, row.dir as string, `${id}.json`);
      const checked: FileStamp | undefined = row.problem === null ? { size: row.size as number, mtime: row.mtime as number, ino: row.ino as number } : undefined;
      let bytes: Buffer;
      let stamp: FileStamp | undefined;
      try {
        ({ bytes, stamp } = readStamped(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        batch.push({ ok: false, id, path, problem: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const trusted = checked !== undefined && stamp !== undefined && sameStamp(stamp, checked);
      const json = trusted && options.asJson ? compactIfOwnLayout(bytes, arena) : undefined;
      if (json) {
        batch.push({ ok: true, id, path, ...json });
        continue;
      }
      const text = bytes.toString('utf8');
      const record = trusted ? parseChecked(text) : undefined;
      if (record) {
        batch.push({ ok: true, id, path, record });
        continue;
      }
      parse ??= (await import('../store/callStore.js')).parseCallText;
      const result = parse(text);
      const problem = result.ok ? misnamedCall(result.record.id, id) : result.problem;
      batch.push(problem === undefined && result.ok ? { ok: true, id, path, record: result.record } : { ok: false, id, path, problem: problem! });
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Files read between two yields: a promise round trip per file was a visible share of a
 * large export. Not many more: a batch's records must die young, or the garbage collector
 * copies them out of the young generation (with 256 it spent twice as long; 32 already
 * raised the peak memory of a 10k export by up to 15 MB).
 */
const READ_BATCH = 16;

/** Call files are a few KB: one buffer serves every read (what is kept is copied out of it). */
let readBuffer = Buffer.allocUnsafe(64 * 1024);
/** Where compactIfOwnLayout writes a batch's calls, one after the other from `used`. */
interface CompactArena {
  buffer: Buffer;
  used: number;
}

/**
 * How every call file csr-call writes begins (callStore.ts, serializeCall: two spaces of
 * indentation, the schema version first, one digit); a file that begins otherwise was
 * written by another program, and is parsed.
 */
const VERSION_KEY = Buffer.from('{\n  "schemaVersion": ');
const AFTER_VERSION = Buffer.from(',\n  "id": "');
const STARTED_AT = Buffer.from('\n  "startedAt": "');
/** Where the version's digit is in the compact JSON: `{"schemaVersion":2,`. */
const COMPACT_VERSION_AT = '{"schemaVersion":'.length;
const DIGIT_0 = 0x30;

/**
 * The compact JSON of a checked file in the store's own layout, of a version `export` may
 * take as it is (given the current number, as parseChecked does), and its start (read
 * where the layout puts it); undefined for any other file, which is parsed instead.
 */
function compactIfOwnLayout(bytes: Buffer, arena: CompactArena): { json: Buffer; startedAt: string } | undefined {
  const digitAt = VERSION_KEY.length;
  if (bytes.length < digitAt + 1 + AFTER_VERSION.length || VERSION_KEY.compare(bytes, 0, digitAt) !== 0) return undefined;
  const version = bytes[digitAt]! - DIGIT_0;
  if (version < FAST_READ_OLDEST_VERSION || version > FAST_READ_SCHEMA_VERSION) return undefined;
  if (AFTER_VERSION.compare(bytes, digitAt + 1, digitAt + 1 + AFTER_VERSION.length) !== 0) return undefined;
  // Passed on undecoded: checked as text, it must be UTF-8 to be passed on as bytes.
  if (!isUtf8(bytes)) return undefined;
  const at = bytes.indexOf(STARTED_AT);
  if (at < 0) return undefined;
  const from = at + STARTED_AT.length;
  const to = bytes.indexOf(0x22, from);
  if (to < 0) return undefined;
  // Full: a new buffer, the batch's earlier calls keep the one they are in.
  if (arena.used + bytes.length > arena.buffer.length) {
    arena.buffer = Buffer.allocUnsafe(Math.max(arena.buffer.length, bytes.length));
    arena.used = 0;
  }
  const json = arena.buffer.subarray(arena.used, arena.used + compactJson(bytes, bytes.length, arena.buffer.subarray(arena.used)));
  arena.used += json.length;
  json[COMPACT_VERSION_AT] = DIGIT_0 + FAST_READ_SCHEMA_VERSION;
  return { json, startedAt: bytes.toString('latin1', from, to) };
}

/**
 * A file's text and its stamp, both from one open file, the stamp taken after the read:
 * when it matches a checked stamp, the file was not replaced (the fd holds the inode) nor
 * changed in place (size and mtime would have moved) between the check and the end of
 * this read, so the text read is the text checked.
 */
function readStamped(path: string): { bytes: Buffer; stamp: FileStamp | undefined } {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      length += readSync(fd, readBuffer, length, readBuffer.length - length, length);
      if (length < readBuffer.length) break; // a short read: the end of a regular file (checked below)
      // Kept for the files to come: a store's largest file is read into it once.
      const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
      readBuffer.copy(bigger, 0, 0, length);
      readBuffer = bigger;
    }
    const st = fstatSync(fd);
    // Changed while being read (not by csr-call, which replaces files whole): read it again, unstamped.
    if (st.size !== length) return { bytes: readFileSync(path), stamp: undefined };
    // A view of the shared buffer: used up before the next read.
    return { bytes: readBuffer.subarray(0, length), stamp: stampOf(st) };
  } finally {
    closeSync(fd);
  }
}

/** The record in a checked file's text; undefined when it needs the full check after all. */
function parseChecked(text: string): CallRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < FAST_READ_OLDEST_VERSION || version > FAST_READ_SCHEMA_VERSION) return undefined;
  (data as { schemaVersion: number }).schemaVersion = FAST_READ_SCHEMA_VERSION;
  return data as CallRecord;
}
