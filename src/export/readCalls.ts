import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { sep } from 'node:path';
import type { CallRecord } from '../store/callRecord.js';
import type { ScanOptions, ScannedCall } from '../store/callStore.js';
import { callIdOfFileName, listWeekDirs, listMonthDirsSync, monthInRange } from '../store/callFiles.js';
import { isTempFileName } from '../store/writeFileAtomic.js';
import { callFileStamp, checkedCallStamps, sameCallFileStamp, type CallFileStamp } from '../store/summaryCache.js';

// Nothing here may import zod, directly or not: loading it costs more than a tenth of a
// second, a visible share of an export. The validator is loaded only when a file needs it.

/**
 * The schema version of the records `export` may take from a checked file without
 * validating it again (no migration needed). Must equal `CURRENT_SCHEMA_VERSION`
 * (`store/callRecord.ts`, which loads zod, so it is not imported here);
 * tests/export.fastRead.test.ts checks that it does. A file of any other version goes
 * through `parseCallText`, which migrates or refuses it.
 */
export const FAST_READ_SCHEMA_VERSION = 1;

type ParseCallText = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

/**
 * `scanCalls` for `export --format csv`: every call file of the months `from`/`to` may
 * hold, oldest first, in small batches (`READ_BATCH`: memory stays flat), damaged files
 * reported rather than thrown; the same items, in the same order, as
 * `scanCalls(dataDir, options)`.
 *
 * Two things make it several times faster on a large store:
 * - Files are read synchronously: call files are small, and a promise round trip per
 *   open/stat/read/close costs more than the read itself.
 * - Full validation is skipped for a file whose stamp (inode, size, mtime, ctime), taken
 *   from the same open file its text is read from, matches the one at which the summary
 *   cache last took it for a good call (`checkedCallStamps`): those bytes have already
 *   passed `parseCallText` (or were written by csr-call itself), so `JSON.parse` is all
 *   they need. Every other file — not in the cache, changed since (by csr-call or by any
 *   other program), damaged, of another schema version, or with no cache at all — gets
 *   the full check, so damaged files are still reported and foreign edits still caught.
 *   Records taken this way are the file's JSON as it is (unknown keys kept): fine for the
 *   CSV columns; `--format json`/`ndjson`, which write whole records, use `scanCalls`.
 */
export async function* readCallsForExport(dataDir: string, options: Pick<ScanOptions, 'from' | 'to'> = {}): AsyncGenerator<ScannedCall[]> {
  // Listed synchronously too: a promise per directory costs more than reading it.
  const months = listMonthDirsSync(dataDir).filter((m) => monthInRange(m.month, options));
  let parse: ParseCallText | undefined;
  let batch: ScannedCall[] = [];
  for (const month of months) {
    const names = callFileNamesIn(month.path);
    if (names.length === 0) continue;
    const checked = checkedCallStamps(dataDir, month.month);
    for (const relative of names) {
      if (batch.length === READ_BATCH) {
        yield batch;
        batch = [];
      }
      const id = relative.slice(relative.indexOf('/') + 1, -JSON_SUFFIX);
      // Joined by hand: path.join would normalise again what listMonthDirsSync already did.
      const path = `${month.path}${sep}${relative}`;
      const checkedStamp = checked.get(id);
      let text: string;
      let stamp: CallFileStamp | undefined;
      try {
        if (checkedStamp !== undefined) ({ text, stamp } = readStamped(path));
        else text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        batch.push({ ok: false, id, path, problem: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const trusted = stamp !== undefined && checkedStamp !== undefined && sameCallFileStamp(stamp, checkedStamp);
      const record = trusted ? parseChecked(text) : undefined;
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

/**
 * `listCallFilesIn`, synchronous and lighter (paths only: a month's list lives as long as
 * the month is read): the call files of a month directory as `<week>/<id>.json`, sorted.
 */
function callFileNamesIn(monthDir: string): string[] {
  const paths: string[] = [];
  for (const week of listWeekDirs(monthDir)) {
    let names: string[];
    try {
      names = readdirSync(`${monthDir}${sep}${week}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
      throw error;
    }
    for (const name of names.sort()) if (!isTempFileName(name) && callIdOfFileName(name) !== undefined) paths.push(`${week}/${name}`);
  }
  return paths;
}

/** Call files are a few KB: one buffer serves every read (the text is copied out of it). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's text and its stamp, both from one open file, the stamp taken after the read:
 * when it matches a checked stamp, the file was not replaced (the fd holds the inode) nor
 * changed in place (size, mtime and ctime would have moved) between the check and the
 * end of this read, so the text read is the text checked.
 */
function readStamped(path: string): { text: string; stamp: CallFileStamp | undefined } {
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
    return { text: buffer.toString('utf8', 0, length), stamp: callFileStamp(st) };
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
  if ((data as { schemaVersion?: unknown }).schemaVersion !== FAST_READ_SCHEMA_VERSION) return undefined;
  return data as CallRecord;
}

const JSON_SUFFIX = '.json'.length;
