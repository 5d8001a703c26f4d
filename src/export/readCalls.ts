import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from '../domain/callRecord.js';
import { callIdSecond } from '../domain/ids.js';
import { callsRoot } from '../paths.js';
import { sameStamp, stampOf, type CallIndex, type FileStamp } from '../store/index/callIndex.js';

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
export async function* readCallsForExport(index: CallIndex, range: IdRange = {}): AsyncGenerator<ScannedCall[]> {
  const root = callsRoot(index.dataDir);
  const { fromId, toId } = idBounds(range);
  const page = index.sql('SELECT id, dir, size, mtime, ino, problem FROM files WHERE id > ? AND id >= ? AND id < ? ORDER BY id LIMIT 1000');
  let parse: ParseCallText | undefined;
  let batch: ScannedCall[] = [];
  // Paged, not iterated: the connection must stay free between the batches this yields.
  let after = '';
  for (;;) {
    const rows = page.all(after, fromId, toId);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id as string;
    for (const row of rows) {
      const id = row.id as string;
      if (batch.length === READ_BATCH) {
        yield batch;
        batch = [];
      }
      const path = join(root, row.dir as string, `${id}.json`);
      const checked: FileStamp | undefined = row.problem === null ? { size: row.size as number, mtime: row.mtime as number, ino: row.ino as number } : undefined;
      let text: string;
      let stamp: FileStamp | undefined;
      try {
        ({ text, stamp } = readStamped(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        batch.push({ ok: false, id, path, problem: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const record = checked && stamp && sameStamp(stamp, checked) ? parseChecked(text) : undefined;
      if (record) {
        batch.push({ ok: true, id, path, record });
        continue;
      }
      parse ??= (await import('../store/callStore.js')).parseCallText;
      const result = parse(text);
      batch.push(result.ok ? { ok: true, id, path, record: result.record } : { ok: false, id, path, problem: result.problem });
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

/** Call files are a few KB: one buffer serves every read (the text is copied out of it). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's text and its stamp, both from one open file, the stamp taken after the read:
 * when it matches a checked stamp, the file was not replaced (the fd holds the inode) nor
 * changed in place (size and mtime would have moved) between the check and the end of
 * this read, so the text read is the text checked.
 */
function readStamped(path: string): { text: string; stamp: FileStamp | undefined } {
  const fd = openSync(path, 'r');
  try {
    let buffer = READ_BUFFER;
    let length = 0;
    for (;;) {
      length += readSync(fd, buffer, length, buffer.length - length, length);
      if (length < buffer.length) break; // a short read: the end of a regular file (checked below)
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const st = fstatSync(fd);
    // Changed while being read (not by csr-call, which replaces files whole): read it again, unstamped.
    if (st.size !== length) return { text: readFileSync(path, 'utf8'), stamp: undefined };
    return { text: buffer.toString('utf8', 0, length), stamp: stampOf(st) };
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
