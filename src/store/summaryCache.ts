import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { isAscii } from 'node:buffer';
import { basename, dirname, join, sep } from 'node:path';
import type { CallRecord } from './callRecord.js';
import type { CallSummary, DamagedFile } from './callSummaries.js';
import { callIdOfFileName, callPath, ensurePrivateDir, listMonthDirsSync, listWeekDirs } from './callFiles.js';
import { WEEK_FOLDERS, weekFolderOfDay } from './ids.js';
import { isTempFileName, writeFileAtomic } from './writeFileAtomic.js';
import { cacheReadAFile } from './rebuildNotice.js';
import { statNamesIn } from './statNamesIn.js';

/**
 * A cache of call summaries, so the lists never read 100,000 call files. The call files
 * stay the only source of truth: the cache may be deleted at any time and is rebuilt
 * without being asked; a damaged, foreign or old-format cache file is ignored.
 *
 * Under `<dataDir>/cache/summaries/`:
 * - `index.json`: per month, the calls with open follow-ups, the damaged files and the
 *   number of calls; for each customer with an open follow-up, the ids of all their
 *   calls. The morning list is built from this file alone when nothing changed.
 * - `YYYY-MM.json`: the month's shard: a head line (with the stamps of the month's
 *   directories), then one line per call file in its week directories: its path in the
 *   month (`15-21/<id>.json`), stamp, and summary (or problem). `list`, `stats` read these;
 *   a summary is parsed only when it is used.
 * - `YYYY-MM.stamps`: the shard's directory and file stamps as numbers, for a scan that
 *   only needs to know which files changed.
 * - `YYYY-MM.keys`: the month's customer keys as sorted (hash, call id) pairs of numbers:
 *   finds a customer's calls without reading the shards.
 * - `YYYY-MM.log`: the change journal. csr-call appends one line per call file it writes
 *   or removes (the month's and the week's directory stamps before and after, and the new
 *   summary), and per lock it takes or gives back there.
 *
 * Freshness. Call files are only ever replaced by rename, so any change to a week changes
 * its directory's stamp (inode, size, mtime, ctime), and a week directory made or removed
 * changes the month's: unchanged stamps mean an unchanged month. When one moved, the
 * journal is read from where the cache left it: if its records chain from the cached
 * stamps to the current ones (each record's "before" is the previous one's "after", for
 * the month and for its week) and the directories hold the number of files they add up
 * to, the records say everything that changed, and are applied without touching the
 * call files. Otherwise (a file written by another program, a journal line lost) the
 * month is scanned: the files of each week whose directory changed are stat'ed, changed
 * ones re-read and validated; the index entry then takes just those changes (see
 * entryFromChanges), the shard is brought up to date the same way when a list needs it.
 *
 * Timestamps have a granularity (a few ms on ext4, 2 s on FAT): a change in the same
 * tick as our look leaves the stamp as it was. A stamp seen by a scan is trusted only if
 * it was `SETTLE_MS` old at the time, otherwise the month is looked at again. A journal
 * only narrows this for files written by other programs: one replaced (not added or
 * removed: the file count is checked) within a csr-call write to the same week may wait
 * for that week's next scan, or for `rm -r <dataDir>/cache`.
 *
 * Every cached piece carries the stamp and journal position it was derived from, so
 * processes writing the cache at once (each file replaced whole, by writeFileAtomic) can
 * only make it less fresh, never wrong. Cache files are not fsync'd: one lost or emptied
 * by a power cut fails to parse or to match its stamp, and is rebuilt.
 */

/** Bump when the layout of the cache files changes (the summary's shape is fingerprinted). */
const CACHE_VERSION = 7;
/**
 * The layout of a stamps file, its first number: rows of ROW numbers (see FileRows). The
 * layout before (7: rows without the id's month) is still read, every file taken for one
 * of the month's own, so an upgrade does not rebuild the cache from every call file.
 */
const STAMPS_LAYOUT = 9;
const OLD_STAMPS_LAYOUT = 7;
/** A stamp this old when observed cannot be shared with a later change (coarsest: FAT's 2 s). */
export const SETTLE_MS = 2_100;
/** A journal this long, once applied, is removed (writers start a new one). */
const LOG_ROTATE_BYTES = 1 << 20;
/** Calls journalled into a month's index entry before its keys file is rewritten. */
const MAX_JOURNALLED = 200;

/** `[inode, size, mtimeMs, ctimeMs]`: a rename gives a new inode and ctime; ctime cannot be set back. */
type Stamp = [number, number, number, number];
/**
 * A month's directories as seen: the month directory's own stamp (it changes when a week
 * directory comes or goes), and each week directory's (`15-21`, sorted), which changes
 * when a call file in it is added, replaced or removed.
 */
interface MonthDirs {
  m: Stamp;
  weeks: Array<[string, Stamp]>;
}
/** Where a journal was read up to: its inode and byte offset; null when there was none. */
type LogPos = [number, number] | null;

/** What a shard knows of one call file: its summary, or why it is not a good call. */
interface EntryBody {
  summary?: CallSummary;
  problem?: string;
}

/**
 * One call file in a shard. The name and stamp are read with the shard; the summary is
 * parsed from `line` only when asked for (`bodyOf`): a scan that finds ten changed files
 * in a month of 3,000 parses ten summaries, not 3,000, and writes the others back as
 * they were read.
 */
interface ShardEntry extends KnownFile {
  /** The entry as one line of the shard file (JSON: `{"n":…,"s":[…],"summary":{…}}` or `…"problem":…}`). */
  line: string;
  body?: EntryBody;
}

/** A call file as a shard knows it. */
interface KnownFile {
  /** The file's path in the month directory: `<week>/<id>.json` (see entryId). */
  n: string;
  /** Absent when the file could not be read at all: it is then retried on every scan. */
  s?: Stamp;
  /** Whether it is a good call (has a summary) rather than a damaged file. */
  good: boolean;
}

/**
 * A month's call files as numbers, ROW doubles each, sorted as their paths are (week, then
 * name): the week's number (weekNumber), the month in the id as YYYYMM (the month's own,
 * unless a file was put in another month's folder by hand), the id as a number
 * (callIdNumber), the stamp, and 1 for a good call, 0 for a damaged one, -1 for one that
 * could not be read (no stamp). The body of a stamps file, and what a scan walks: a month
 * of 3,000 calls is one array, not 3,000 objects with a path and a stamp each.
 */
type FileRows = Float64Array;
const ROW = 8;
const NO_ROWS: FileRows = new Float64Array(0);

/** A month's call files as of a scan: what an index entry needs of a shard. */
interface MonthRows {
  month: string;
  dirs: MonthDirs;
  scannedAt: number;
  log: LogPos;
  rows: FileRows;
}

interface ShardHead {
  format: string;
  month: string;
  dirs: MonthDirs;
  /** Date.now() before the stamp was taken by the last scan; 0 when it came from the journal. */
  scannedAt: number;
  log: LogPos;
  /** Changes with every write of the shard: an index entry says which shard it was built on. */
  tag: number;
}

interface Shard extends ShardHead {
  /** Sorted by path (week, then name). */
  entries: ShardEntry[];
}

function makeEntry(n: string, s: Stamp | undefined, body: EntryBody): ShardEntry {
  const line = asciiJson(s ? { n, s, ...body } : { n, ...body });
  const good = body.summary !== undefined;
  return s ? { n, s, line, good, body } : { n, line, good, body };
}
/**
 * A shard whose line does not parse to what was written there (edited or damaged on
 * disk: a cut-short file is caught by readShard): the whole cache is rebuilt.
 */
class DamagedCacheError extends Error {}

/**
 * The text of an entry's body: the value after `"summary":` or `"problem":` in its line
 * (both keys are as long). The path and stamp in front were read with the line; parsing
 * them again would only make garbage (a list parses thousands of lines).
 */
const BODY_KEY_LENGTH = ',"summary":'.length;
function bodyText(entry: ShardEntry): string {
  const at = entry.line.indexOf(entry.good ? ',"summary":' : ',"problem":');
  if (at < 0 || !entry.line.endsWith('}')) throw new DamagedCacheError();
  return entry.line.slice(at + BODY_KEY_LENGTH, -1);
}
function bodyFrom(entry: ShardEntry, value: unknown): EntryBody {
  if (entry.good ? !isSummary(value) : typeof value !== 'string') throw new DamagedCacheError();
  return entry.good ? { summary: value as CallSummary } : { problem: value as string };
}

/**
 * `bodyOf` for many entries in one JSON.parse: a few thousand small parses of pieces of
 * the shard's text cost twice what one parse of them joined does.
 */
function parseBodies(entries: ShardEntry[]): void {
  const unparsed = entries.filter((entry) => !entry.body);
  if (unparsed.length === 0) return;
  let data: unknown;
  try {
    data = JSON.parse(`[${unparsed.map(bodyText).join(',')}]`);
  } catch {
    throw new DamagedCacheError();
  }
  if (!Array.isArray(data) || data.length !== unparsed.length) throw new DamagedCacheError();
  data.forEach((value: unknown, i) => {
    const entry = unparsed[i]!;
    entry.body = bodyFrom(entry, value);
  });
}

function bodyOf(entry: ShardEntry): EntryBody {
  if (entry.body) return entry.body;
  let value: unknown;
  try {
    value = JSON.parse(bodyText(entry));
  } catch {
    throw new DamagedCacheError();
  }
  return (entry.body = bodyFrom(entry, value));
}
const summaryOf = (entry: ShardEntry): CallSummary | undefined => bodyOf(entry).summary;
const newTag = () => Math.floor(Math.random() * 2 ** 32);

interface IndexMonth {
  dirs: MonthDirs;
  scannedAt: number;
  log: LogPos;
  calls: number;
  /** Calls with at least one open follow-up, by id. */
  open: CallSummary[];
  /** Calls still in progress (`resume`, start's "you have unfinished calls"), by id. */
  unfinished: CallSummary[];
  /** `[file name, problem]`, by name. */
  damaged: Array<[string, string]>;
  /** Ties the month's keys file to this entry. */
  keysTag: number;
  /**
   * The tag of the stamps this entry was built from: its shard's, or those written by the
   * last scan for another program's change (journal records may have been applied since).
   */
  base: number;
  /**
   * Calls journalled since the keys file was written, with their customer keys now (none
   * when removed): the keys file is not to be believed about them.
   */
  journalled: Record<string, string[]>;
}

interface Index {
  format: string;
  /** For every customer key of a call with an open follow-up: the ids of all calls carrying it. */
  interest: Record<string, string[]>;
  months: Record<string, IndexMonth>;
}

/** One line of a month's journal. */
interface LogRecord {
  /** The file's path in the month directory (`<week>/<name>`). */
  n: string;
  /** The stamps of the month directory and of the file's week directory before the change (null: not there yet). */
  b: [Stamp | null, Stamp | null];
  /** ... and after it. */
  d: [Stamp, Stamp];
  /** Whether the file existed before. */
  x: boolean;
  /** The file's stamp and summary after a write; both absent for a removal. */
  f?: Stamp;
  s?: CallSummary;
  /** 1: `n` is not a call file (a lock): the directory changed, no call did. */
  o?: 1;
}

/** A call file re-read (with what it holds now) or gone (no body). */
interface EntryChange {
  n: string;
  body?: EntryBody;
}

/** What a scan found: the month's files now, and what changed since the rows it started from. */
interface Scan {
  files: MonthRows;
  /** For each row of `files`: the row of the previous rows it was kept from, or -1 when the file was read (see `read`). */
  from: Int32Array;
  /** The files read, in row order. */
  read: ShardEntry[];
  changes: EntryChange[];
}

/** What the cache needs from the summary code: passed in, so the two modules don't import each other. */
export interface SummarySpec {
  summarize: (record: CallRecord) => CallSummary;
  customerKeys: (customer: CallSummary['customer']) => string[];
  /** Other functions whose code shapes the cached data: a change to them rebuilds the cache too. */
  dependsOn?: ReadonlyArray<(...args: never[]) => unknown>;
}

interface MonthState {
  month: string;
  path: string;
  dirs: MonthDirs;
}

export function summaryCacheDir(dataDir: string): string {
  return join(dataDir, 'cache', 'summaries');
}

/** Removes the cache (after `forget`/`purge`, so no erased customer lingers in it). */
export function clearSummaryCache(dataDir: string): void {
  rmSync(summaryCacheDir(dataDir), { recursive: true, force: true });
}

const stampOf = (st: Stats): Stamp => [st.ino, st.size, st.mtimeMs, st.ctimeMs];
const sameStamp = (a: Stamp | null, b: Stamp | null) =>
  a !== null && b !== null && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
/** Observed long enough after its last change that any later change gets other timestamps. */
const settled = (stamp: Stamp, observedAt: number) => Math.max(stamp[2], stamp[3]) <= observedAt - SETTLE_MS;
function sameDirs(a: MonthDirs, b: MonthDirs): boolean {
  if (!sameStamp(a.m, b.m) || a.weeks.length !== b.weeks.length) return false;
  for (let i = 0; i < a.weeks.length; i++) if (a.weeks[i]![0] !== b.weeks[i]![0] || !sameStamp(a.weeks[i]![1], b.weeks[i]![1])) return false;
  return true;
}
const dirsSettled = (dirs: MonthDirs, observedAt: number) => settled(dirs.m, observedAt) && dirs.weeks.every(([, stamp]) => settled(stamp, observedAt));
/**
 * Whether a cached view of a month can be trusted as far as its stamps go: taken from the
 * journal, or seen when every directory's stamp was settled. Only then may the journal
 * carry it forward (a stamp too young could hide another program's change).
 */
const exactOrSettled = (cached: { dirs: MonthDirs; scannedAt: number }) => cached.scannedAt === 0 || dirsSettled(cached.dirs, cached.scannedAt);
/** Whether a cached view of a month still holds: same directories, and trustworthy. */
const stillHolds = (cached: { dirs: MonthDirs; scannedAt: number }, month: MonthState) => sameDirs(cached.dirs, month.dirs) && exactOrSettled(cached);
const WEEKS: ReadonlySet<string> = new Set(WEEK_FOLDERS);
/** `15-21/`: an entry's path is its week directory (5 characters) and its file name. */
const WEEK_PREFIX = 6;
/** The call id of an entry's path (`<week>/<id>.json`), or undefined when it is not one. */
const entryId = (n: string): string | undefined => (n[5] === '/' && WEEKS.has(n.slice(0, 5)) ? callIdOfFileName(n.slice(WEEK_PREFIX)) : undefined);
/** The week directory of a call id, by the day in it. */
const weekOfId = (id: string) => weekFolderOfDay(Number(id.slice(6, 8)));
/** Where csr-call files a call: the week directory of its id (`<week>/<id>.json`). */
const entryPathOf = (id: string) => `${weekOfId(id)}/${id}.json`;
/** A week directory as a number in a stamps file: its first day (1, 8, 15, 22 or 29). */
const weekNumber = (week: string) => Number(week.slice(0, 2));
const isWeekNumber = (n: number) => n === 1 || n === 8 || n === 15 || n === 22 || n === 29;
const byId = (a: CallSummary, b: CallSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const monthOfId = (id: string) => `${id.slice(0, 4)}-${id.slice(4, 6)}`;
/** `YYYYMM`, how the ids of a month (`YYYY-MM`) begin. */
const idPrefixOf = (month: string) => `${month.slice(0, 4)}${month.slice(5, 7)}`;
const RANDOM_PARTS = 36 ** 6;
/** Above any call id of a month as a number (31 days of seconds). */
const MAX_ID_NUMBER = 31 * 86_400 * RANDOM_PARTS;
const twoDigitsAt = (text: string, i: number) => (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
/**
 * A call id as one exact number (< 2^53), given its month: seconds into the month times
 * 36^6, plus the random part read in base 36. For the keys files.
 */
function callIdNumber(id: string, from = 0): number {
  // By character code, not slices and Number(): `export` takes this for every call file.
  const seconds = ((twoDigitsAt(id, from + 6) - 1) * 24 + twoDigitsAt(id, from + 9)) * 3600 + twoDigitsAt(id, from + 11) * 60 + twoDigitsAt(id, from + 13);
  let random = 0;
  for (let i = from + 16; i < from + 22; i++) {
    const code = id.charCodeAt(i);
    random = random * 36 + (code >= 97 ? code - 87 : code - 48); // a-z, 0-9 (ids are lower case)
  }
  return seconds * RANDOM_PARTS + random;
}
function callIdOfNumber(idPrefix: string, n: number): string {
  const random = n % RANDOM_PARTS;
  let seconds = (n - random) / RANDOM_PARTS;
  const second = seconds % 60;
  seconds = (seconds - second) / 60;
  const minute = seconds % 60;
  seconds = (seconds - minute) / 60;
  const hour = seconds % 24;
  const day = (seconds - hour) / 24 + 1;
  const randomPart = random.toString(36);
  return `${idPrefix}${TWO_DIGITS[day]}-${TWO_DIGITS[hour]}${TWO_DIGITS[minute]}${TWO_DIGITS[second]}-${'000000'.slice(randomPart.length)}${randomPart}`;
}
/** '00' to '99': ids are rebuilt from numbers a month of files at a time. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
/** The month a call id (at `from` in `text`) begins with, as a number: 202611. */
const idMonthNumber = (text: string, from = 0) => twoDigitsAt(text, from) * 10_000 + twoDigitsAt(text, from + 2) * 100 + twoDigitsAt(text, from + 4);
/** The week directory (as weekNumber) csr-call files a call in, from its id as a number (whole divisions: exact). */
const weekNumberOfIdNumber = (n: number) => 1 + 7 * Math.min(4, Math.floor((n - (n % RANDOM_PARTS)) / RANDOM_PARTS / 86_400 / 7));

/** Row `i` against a file's month and id, as paths compare (within one week: weeks are compared first). */
const compareRow = (rows: FileRows, i: number, month: number, id: number) => rows[i * ROW + 1]! - month || rows[i * ROW + 2]! - id;
/** The path (`<week>/<id>.json`) of row `i`. */
function rowPath(rows: FileRows, i: number): string {
  const at = i * ROW;
  return `${weekFolderOfDay(rows[at]!)}/${callIdOfNumber(String(rows[at + 1]), rows[at + 2]!)}.json`;
}
/** Sets row `i` to a file's path (`<week>/<id>.json`, see entryId) and what is known of it. */
function setRow(rows: FileRows, i: number, file: KnownFile): void {
  const at = i * ROW;
  const { n, s } = file;
  rows[at] = twoDigitsAt(n, 0);
  rows[at + 1] = idMonthNumber(n, WEEK_PREFIX);
  rows[at + 2] = callIdNumber(n, WEEK_PREFIX);
  if (s) rows.set(s, at + 3);
  rows[at + 7] = s ? (file.good ? 1 : 0) : -1;
}
/** The rows of files sorted by path. */
function rowsOf(files: KnownFile[]): FileRows {
  const rows = new Float64Array(ROW * files.length);
  files.forEach((file, i) => setRow(rows, i, file));
  return rows;
}
/** Where the path `n` (`<week>/<id>.json`) is in `rows`, or would go: by halving. */
function rowIndex(rows: FileRows, n: string): { at: number; found: boolean } {
  const week = twoDigitsAt(n, 0);
  const month = idMonthNumber(n, WEEK_PREFIX);
  const id = callIdNumber(n, WEEK_PREFIX);
  const count = rows.length / ROW;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid * ROW]! - week || compareRow(rows, mid, month, id)) < 0) lo = mid + 1;
    else hi = mid;
  }
  return { at: lo, found: lo < count && rows[lo * ROW] === week && compareRow(rows, lo, month, id) === 0 };
}
const hasRow = (rows: FileRows, n: string) => rowIndex(rows, n).found;
/**
 * Whether `rows` hold the call `id` somewhere csr-call would not file it (put there by
 * hand: another week's directory, or this month's folder for a call of another month).
 * Asked only of the few paths an index entry names that are not where their id says.
 */
function filedElsewhere(rows: FileRows, id: string, ownMonth: number): boolean {
  const ownWeek = weekOfId(id);
  const ownPlace = idMonthNumber(id) === ownMonth;
  for (const week of WEEK_FOLDERS) if ((week !== ownWeek || !ownPlace) && hasRow(rows, `${week}/${id}.json`)) return true;
  return false;
}

/** `rows` with some files' rows set (a KnownFile) or taken out (null), by path. */
function patchRows(rows: FileRows, files: Map<string, KnownFile | null>): FileRows {
  const out = new RowWriter(rows.length / ROW + files.size);
  let next = 0;
  for (const n of [...files.keys()].sort()) {
    const { at, found } = rowIndex(rows, n);
    out.copy(rows, next, at);
    next = found ? at + 1 : at;
    const file = files.get(n);
    if (file) out.add(file);
  }
  out.copy(rows, next, rows.length / ROW);
  return out.done().rows;
}

/**
 * Rows written one after another (a scan's result), with where each came from: the row of
 * the previous rows it was copied from, or -1 for a file read now.
 */
class RowWriter {
  private rows: Float64Array;
  private from: Int32Array;
  private count = 0;
  constructor(expected: number) {
    this.rows = new Float64Array(ROW * expected);
    this.from = new Int32Array(expected);
  }
  private room(more: number): void {
    if (this.count + more <= this.from.length) return;
    const size = Math.max(this.count + more, 2 * this.from.length);
    const rows = new Float64Array(ROW * size);
    rows.set(this.rows);
    this.rows = rows;
    const from = new Int32Array(size);
    from.set(this.from);
    this.from = from;
  }
  /** Copies rows `start` to `end` (excluded) of `source`. */
  copy(source: FileRows, start: number, end: number): void {
    this.room(end - start);
    // A scan copies an unchanged file's row one at a time: no subarray object for each.
    if (end - start === 1) for (let k = 0, to = this.count * ROW, at = start * ROW; k < ROW; k++) this.rows[to + k] = source[at + k]!;
    else this.rows.set(source.subarray(start * ROW, end * ROW), this.count * ROW);
    for (let i = start; i < end; i++) this.from[this.count++] = i;
  }
  add(file: KnownFile): void {
    this.room(1);
    setRow(this.rows, this.count, file);
    this.from[this.count++] = -1;
  }
  done(): { rows: FileRows; from: Int32Array } {
    return { rows: this.rows.subarray(0, ROW * this.count), from: this.from.subarray(0, this.count) };
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStamp = (x: unknown): x is Stamp => Array.isArray(x) && x.length === 4 && x.every((n) => typeof n === 'number');
const isMonthDirs = (x: unknown): x is MonthDirs =>
  isObject(x) &&
  isStamp(x.m) &&
  Array.isArray(x.weeks) &&
  x.weeks.every((week, i, weeks) => Array.isArray(week) && week.length === 2 && WEEKS.has(week[0]) && isStamp(week[1]) && (i === 0 || weeks[i - 1][0] < week[0]));
const isLogPos = (x: unknown): x is LogPos =>
  x === null || (Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number');
const isSummary = (x: unknown): x is CallSummary =>
  isObject(x) && typeof x.id === 'string' && typeof x.startedAt === 'string' && isObject(x.customer) && Array.isArray(x.openFollowups);
const isStampOrNull = (x: unknown) => x === null || isStamp(x);
const isLogRecord = (x: unknown): x is LogRecord =>
  isObject(x) &&
  typeof x.n === 'string' &&
  x.n[5] === '/' &&
  WEEKS.has(x.n.slice(0, 5)) &&
  Array.isArray(x.b) &&
  x.b.length === 2 &&
  isStampOrNull(x.b[0]) &&
  isStampOrNull(x.b[1]) &&
  Array.isArray(x.d) &&
  x.d.length === 2 &&
  isStamp(x.d[0]) &&
  isStamp(x.d[1]) &&
  (x.f === undefined || isStamp(x.f)) &&
  (x.s === undefined || isSummary(x.s));
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
/** 52 bits: exact in a double, and collisions among a million keys are negligible. */
const keyHash = (key: string) => fnv1a(key, 0x811c9dc5) * 0x100000 + (fnv1a(key, 0x050c5d1f) >>> 12);

/**
 * JSON with every character past ASCII written as a `\uXXXX` escape. The cache's text
 * files are written so and read back as Latin-1 (see readAsciiFile): decoding UTF-8, and
 * holding the text at two bytes a character (one accented name in a shard makes it so),
 * took a third as long as parsing the month's summaries.
 */
function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  // One byte a character in UTF-8 is ASCII through and through: nothing to escape (the usual case).
  if (Buffer.byteLength(json) === json.length) return json;
  return json.replace(NOT_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
const NOT_ASCII = /[\u0080-\uffff]/g;

/** A cache text file, or undefined when missing, unreadable, or not ASCII (not as the cache writes it). */
function readAsciiFile(path: string): string | undefined {
  try {
    const bytes = readFileSync(path);
    return isAscii(bytes) ? bytes.toString('latin1') : undefined;
  } catch {
    return undefined;
  }
}

function readJson(path: string): unknown {
  const text = readAsciiFile(path);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined; // truncated or damaged: "no cache"
  }
}

type ParseCallText = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

/** The fingerprint of the cache format: changes whenever the summarising code does. */
function formatOf(spec: SummarySpec): string {
  const code = [spec.summarize, spec.customerKeys, ...(spec.dependsOn ?? [])].map(String).join('\n');
  return `csr-call summaries ${CACHE_VERSION} ${fnv1a(code, 0x811c9dc5).toString(36)}`;
}

/** The stamps of a week directory's month directory and of the week directory itself (null: not there). */
function dirStampsOf(weekDir: string): [Stamp | null, Stamp | null] {
  const month = statSync(dirname(weekDir), { throwIfNoEntry: false });
  const week = month && statSync(weekDir, { throwIfNoEntry: false });
  return [month ? stampOf(month) : null, week ? stampOf(week) : null];
}
function dirStampsAfter(weekDir: string): [Stamp, Stamp] {
  return [stampOf(statSync(dirname(weekDir))), stampOf(statSync(weekDir))];
}

/**
 * Called by csr-call around every write or removal of a call file: records the change in
 * the month's journal, so readers need not stat the whole month to find it. Best effort:
 * a missing cache is not created, and a record that cannot be written only means the
 * month is scanned next time.
 */
export async function journalCallChange(
  dataDir: string,
  path: string,
  summary: CallSummary | undefined,
  change: () => Promise<void>,
): Promise<void> {
  const cacheDir = summaryCacheDir(dataDir);
  const weekDir = dirname(path);
  let before: [Stamp | null, Stamp | null] = [null, null];
  let existed = false;
  const journaling = existsSync(cacheDir);
  if (journaling) {
    before = dirStampsOf(weekDir);
    existed = statSync(path, { throwIfNoEntry: false }) !== undefined;
  }
  await change();
  if (!journaling) return;
  try {
    const record: LogRecord = { n: `${basename(weekDir)}/${basename(path)}`, b: before, d: dirStampsAfter(weekDir), x: existed };
    if (summary) {
      record.f = stampOf(statSync(path));
      record.s = summary;
    }
    const id = entryId(record.n);
    if (!id) return;
    appendFileSync(join(cacheDir, `${monthOfId(id)}.log`), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  } catch {
    /* the chain breaks and the month is scanned: never worse than no journal */
  }
}

/**
 * Around a change csr-call makes to a week directory that is not a call file (a lock
 * taken or given back): a journal record saying that no call changed, so csr-call's own
 * locks do not break the chain of the directory's stamps (see journalSince) and make the
 * next reader scan the month. `change` may be synchronous or return a promise.
 */
export function journalLockChange<T>(dataDir: string, callId: string, name: string, change: () => T): T {
  const cacheDir = summaryCacheDir(dataDir);
  if (!existsSync(cacheDir)) return change();
  const weekDir = dirname(callPath(dataDir, callId));
  const before = dirStampsOf(weekDir);
  const record = () => {
    try {
      const after = dirStampsAfter(weekDir);
      if (sameStamp(before[0], after[0]) && sameStamp(before[1], after[1])) return; // nothing changed (the lock was held by another)
      const entry: LogRecord = { n: `${basename(weekDir)}/${name}`, b: before, d: after, x: false, o: 1 };
      appendFileSync(join(cacheDir, `${monthOfId(callId)}.log`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch {
      /* the chain breaks and the month is scanned: never worse than no journal */
    }
  };
  let result: T;
  try {
    result = change();
  } catch (error) {
    record();
    throw error;
  }
  if (result instanceof Promise) return result.finally(record) as T;
  record();
  return result;
}

/**
 * One store's cache, for one load. Reads are synchronous: a handful of small files,
 * where promise round trips would cost more than the reads themselves.
 */
/**
 * A month's directory stamps followed through journal records: each record says what the
 * month's and its week's stamps were before the change and after it, so a chain of records
 * that starts from a known view and matches at every step accounts for every change made.
 */
class DirsChain {
  private month: Stamp;
  private readonly weeks: Map<string, Stamp>;
  constructor(from: MonthDirs) {
    this.month = from.m;
    this.weeks = new Map(from.weeks);
  }
  /** Takes the record's change if it starts from the stamps as they stand; false otherwise. */
  take(record: LogRecord): boolean {
    const week = record.n.slice(0, 5);
    const weekAt = this.weeks.get(week) ?? null;
    if (!sameStamp(record.b[0], this.month) || !(record.b[1] === null ? weekAt === null : sameStamp(record.b[1], weekAt))) return false;
    this.month = record.d[0];
    this.weeks.set(week, record.d[1]);
    return true;
  }
  /** Whether the chain ends at the directories as they are now. */
  reaches(now: MonthDirs): boolean {
    return sameStamp(this.month, now.m) && this.weeks.size === now.weeks.length && now.weeks.every(([week, stamp]) => sameStamp(this.weeks.get(week) ?? null, stamp));
  }
  /** The stamps reached, as a view of the month's directories. */
  dirs(): MonthDirs {
    return { m: this.month, weeks: [...this.weeks].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
  }
}

class SummaryCache {
  readonly format: string;
  readonly dir: string;
  private parse: ParseCallText | undefined;
  private dirReady = false;
  /** Months whose journal was applied and may be rotated once the index is written. */
  readonly consumedLogs = new Set<string>();

  constructor(
    readonly dataDir: string,
    private readonly spec: SummarySpec,
  ) {
    this.dir = summaryCacheDir(dataDir);
    this.format = formatOf(spec);
  }

  keysOf(summary: CallSummary): string[] {
    return this.spec.customerKeys(summary.customer);
  }

  /**
   * Month directories with their current stamps and their week directories', oldest first.
   * Each directory is stat'ed before it is listed: a change in between makes the stamp
   * stale, and the month is simply looked at again next time.
   */
  months(known?: Index): MonthState[] {
    const months: MonthState[] = [];
    for (const { month, path } of listMonthDirsSync(this.dataDir)) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st?.isDirectory()) continue;
      const m = stampOf(st);
      // A month directory unchanged since the index saw it settled holds the same week directories.
      const cached = known?.months[month];
      const weekNames =
        cached && sameStamp(cached.dirs.m, m) && (cached.scannedAt === 0 || settled(m, cached.scannedAt)) ? cached.dirs.weeks.map(([week]) => week) : listWeekDirs(path);
      const weeks: Array<[string, Stamp]> = [];
      for (const week of weekNames) {
        const weekStat = statSync(`${path}${sep}${week}`, { throwIfNoEntry: false });
        if (weekStat?.isDirectory()) weeks.push([week, stampOf(weekStat)]);
      }
      months.push({ month, path, dirs: { m, weeks } });
    }
    return months;
  }

  /**
   * The journal's complete records from `from` up to `to` (its end when not given), and
   * where they end; undefined when the journal was rotated meanwhile or a line does not
   * parse (the month is then scanned instead).
   */
  readJournal(month: string, from: LogPos, to?: LogPos): { records: LogRecord[]; end: LogPos } | undefined {
    const path = join(this.dir, `${month}.log`);
    let text = '';
    let end: LogPos = null;
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const st = fstatSync(fd);
      if (from && from[0] !== st.ino) return undefined; // rotated: what was between is lost
      if (to && to[0] !== st.ino) return undefined;
      const start = from ? from[1] : 0;
      const stop = to ? Math.min(to[1], st.size) : st.size;
      const buffer = Buffer.alloc(Math.max(0, stop - start));
      const read = buffer.length ? readSync(fd, buffer, 0, buffer.length, start) : 0;
      text = buffer.toString('utf8', 0, read);
      // A line being appended right now is left for next time.
      const complete = text.lastIndexOf('\n') + 1;
      text = text.slice(0, complete);
      end = [st.ino, start + Buffer.byteLength(text)];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || from !== null) return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const records: LogRecord[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        return undefined;
      }
      if (!isLogRecord(record)) return undefined;
      records.push(record);
    }
    return { records, end };
  }

  /**
   * The journal's records since `from`, if they account for every change between the
   * cached stamp and the current one; undefined when the month must be scanned instead.
   */
  journalSince(month: MonthState, cachedDirs: MonthDirs, from: LogPos): { records: LogRecord[]; end: LogPos } | undefined {
    const journal = this.readJournal(month.month, from);
    if (!journal) return undefined;
    // The directories' stamps as the records take them from the cached ones, one change at a time.
    const chain = new DirsChain(cachedDirs);
    for (const record of journal.records) if (!chain.take(record)) return undefined; // a change nobody journalled came in between
    return chain.reaches(month.dirs) ? journal : undefined;
  }

  /** The month's shard, brought up to date from the journal or by scanning the directory. */
  async shard(month: MonthState): Promise<Shard> {
    const cached = this.readShard(month.month);
    if (cached && stillHolds(cached, month)) return cached;
    if (cached) {
      const journal = exactOrSettled(cached) ? this.journalSince(month, cached.dirs, cached.log) : undefined;
      if (journal && (journal.records.length > 0 || cached.scannedAt === 0)) {
        const byName = new Map(cached.entries.map((entry) => [entry.n, entry]));
        for (const record of journal.records) {
          if (record.o) continue; // a lock: no call changed
          if (record.s && record.f) byName.set(record.n, makeEntry(record.n, record.f, { summary: record.s }));
          else byName.delete(record.n);
        }
        if (byName.size === countCallFiles(month)) {
          const entries = [...byName.values()].sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
          const shard: Shard = { format: this.format, month: month.month, dirs: month.dirs, scannedAt: 0, log: journal.end, tag: newTag(), entries };
          if (this.rotateLog(month.month, shard.log)) shard.log = null;
          await this.writeShard(shard);
          return shard;
        }
      }
    }
    const { files, from, read } = await this.scan(month, cached && { scannedAt: cached.scannedAt, dirs: cached.dirs, rows: rowsOf(cached.entries) });
    let nextRead = 0;
    const entries = Array.from(from, (i) => (i >= 0 ? cached!.entries[i]! : read[nextRead++]!));
    const { dirs, scannedAt, log } = files;
    const shard: Shard = { format: this.format, month: month.month, dirs, scannedAt, log, tag: newTag(), entries };
    await this.writeShard(shard, files.rows);
    return shard;
  }

  /** The index entry of a month, from a shard (exact), with the month's keys file rewritten to match. */
  async entryFromShard(shard: Shard): Promise<IndexMonth> {
    const pairs: Array<[number, number]> = [];
    const summaries: CallSummary[] = [];
    const damaged: Array<[string, string]> = [];
    for (const entry of shard.entries) {
      const { summary, problem } = bodyOf(entry);
      if (!summary) {
        damaged.push([entry.n, problem ?? 'unknown problem']);
        continue;
      }
      summaries.push(summary);
      const idNumber = callIdNumber(summary.id);
      for (const key of this.keysOf(summary)) pairs.push([keyHash(key), idNumber]);
    }
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const keysTag = newTag();
    const keys = new Float64Array(2 + 2 * pairs.length);
    keys[0] = keysTag;
    keys[1] = pairs.length;
    pairs.forEach(([hash, id], i) => {
      keys[2 + 2 * i] = hash;
      keys[3 + 2 * i] = id;
    });
    await this.write(`${shard.month}.keys`, new Uint8Array(keys.buffer));
    return {
      dirs: shard.dirs,
      scannedAt: shard.scannedAt,
      log: shard.log,
      calls: summaries.length,
      open: summaries.filter((summary) => summary.openFollowups.length > 0),
      unfinished: summaries.filter((summary) => summary.status === 'in-progress'),
      damaged,
      keysTag,
      base: shard.tag,
      journalled: {},
    };
  }

  /** The ids of the month's calls carrying `key`, from its keys file; undefined when that file is missing. */
  callsWithKey(month: string, entry: IndexMonth, key: string): string[] | undefined {
    const keys = this.readKeys(month, entry.keysTag);
    if (!keys) return undefined;
    const hash = keyHash(key);
    let lo = 0;
    let hi = keys[1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[2 + 2 * mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    const ids: string[] = [];
    for (let i = lo; i < keys[1]! && keys[2 + 2 * i] === hash; i++) {
      const id = callIdOfNumber(idPrefixOf(month), keys[3 + 2 * i]!);
      if (!(id in entry.journalled)) ids.push(id);
    }
    for (const [id, keysNow] of Object.entries(entry.journalled)) if (keysNow.includes(key)) ids.push(id);
    return ids;
  }

  /**
   * The last keys file read: callers ask for all their keys in one month before the next,
   * and a month's file is ~130 KB at 100k calls, so every month is read into the same
   * buffer rather than each kept (a new customer is looked up in all of them).
   */
  private keysRead: { month: string; keys: Float64Array | undefined } | undefined;
  private keysBuffer: Float64Array | undefined;
  private readKeys(month: string, tag: number): Float64Array | undefined {
    if (this.keysRead?.month !== month) {
      let keys: Float64Array | undefined;
      try {
        keys = readFloat64File(join(this.dir, `${month}.keys`), this.keysBuffer);
        this.keysBuffer = new Float64Array(keys.buffer); // the same buffer, or the larger one just made
        if (keys.length < 2 || keys[0] !== tag || keys.length !== 2 + 2 * keys[1]!) keys = undefined;
      } catch {
        keys = undefined;
      }
      this.keysRead = { month, keys };
    }
    return this.keysRead.keys;
  }

  readIndex(): Index | undefined {
    const data = readJson(join(this.dir, 'index.json'));
    if (!isObject(data) || data.format !== this.format || !isObject(data.interest) || !isObject(data.months)) return undefined;
    if (!Object.values(data.interest).every(isStringArray)) return undefined;
    for (const entry of Object.values(data.months)) {
      if (
        !isObject(entry) ||
        !isMonthDirs(entry.dirs) ||
        typeof entry.scannedAt !== 'number' ||
        !isLogPos(entry.log) ||
        typeof entry.calls !== 'number' ||
        !Array.isArray(entry.open) ||
        !entry.open.every(isSummary) ||
        !Array.isArray(entry.unfinished) ||
        !entry.unfinished.every(isSummary) ||
        !Array.isArray(entry.damaged) ||
        !entry.damaged.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string') ||
        typeof entry.keysTag !== 'number' ||
        typeof entry.base !== 'number' ||
        !isObject(entry.journalled) ||
        !Object.values(entry.journalled).every(isStringArray)
      ) {
        return undefined;
      }
    }
    return data as unknown as Index;
  }

  async writeIndex(index: Index, previous: Index | undefined): Promise<void> {
    await this.write('index.json', index);
    let rotated = false;
    for (const month of this.consumedLogs) {
      const entry = index.months[month];
      if (entry && this.rotateLog(month, entry.log)) {
        entry.log = null;
        rotated = true;
      }
    }
    if (rotated) await this.write('index.json', index);
    // The files of months that no longer exist (purged) go with them; so do, on a rebuild
    // (no usable index before), the files an older csr-call's cache had and this one has not.
    const gone = previous ? Object.keys(previous.months).some((m) => !(m in index.months)) : true;
    if (!gone) return;
    try {
      for (const name of readdirSync(this.dir)) {
        if (name === 'index.json' || isTempFileName(name)) continue; // a temp file: another writer's, about to be renamed
        const match = /^(\d{4}-\d{2})\.(?:json|keys|log|stamps)$/.exec(name);
        if (!match || !(match[1]! in index.months)) unlinkSync(join(this.dir, name));
      }
    } catch {
      /* best effort: a stray file is never trusted without its directory anyway */
    }
  }

  /**
   * A long journal, once applied up to its end, is removed: writers start a new one. A
   * reader still holding a position in it sees it gone and scans that month once.
   */
  private rotateLog(month: string, consumed: LogPos): boolean {
    if (!consumed || consumed[1] <= LOG_ROTATE_BYTES) return false;
    const path = join(this.dir, `${month}.log`);
    try {
      const st = statSync(path);
      if (st.ino !== consumed[0] || st.size !== consumed[1]) return false;
      unlinkSync(path);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A shard file is a head line (JSON: the ShardHead, with the entries' count and length)
   * and one line per call file, sorted by path. Each line's path and stamp are read now,
   * the rest is parsed when used (see bodyOf). Anything else means no shard.
   */
  private readShard(month: string): Shard | undefined {
    const text = readAsciiFile(join(this.dir, `${month}.json`));
    if (text === undefined) return undefined;
    const headEnd = text.indexOf('\n');
    if (headEnd < 0) return undefined;
    let head: unknown;
    try {
      head = JSON.parse(text.slice(0, headEnd));
    } catch {
      return undefined;
    }
    if (
      !isObject(head) ||
      head.format !== this.format ||
      head.month !== month ||
      !isMonthDirs(head.dirs) ||
      typeof head.scannedAt !== 'number' ||
      !isLogPos(head.log) ||
      typeof head.tag !== 'number' ||
      typeof head.count !== 'number' ||
      head.length !== text.length - headEnd - 1
    ) {
      return undefined;
    }
    const entries: ShardEntry[] = [];
    let at = headEnd + 1;
    while (at < text.length) {
      const lineEnd = text.indexOf('\n', at);
      if (lineEnd < 0) return undefined;
      const entry = shardLine(text.slice(at, lineEnd));
      // Out of order is not a shard as written (a scan walks it side by side with the listing).
      if (!entry || (entries.length > 0 && entries[entries.length - 1]!.n >= entry.n)) return undefined;
      entries.push(entry);
      at = lineEnd + 1;
    }
    if (entries.length !== head.count) return undefined;
    const { format, dirs, scannedAt, log, tag } = head as unknown as ShardHead;
    return { format, month, dirs, scannedAt, log, tag, entries };
  }

  /** A cut-short file (a power cut: cache files are not flushed) fails the head's count and length. */
  private async writeShard(shard: Shard, rows = rowsOf(shard.entries)): Promise<void> {
    let body = '';
    for (const entry of shard.entries) body += `${entry.line}\n`;
    const { format, month, dirs, scannedAt, log, tag } = shard;
    const head = { format, month, dirs, scannedAt, log, tag, count: shard.entries.length, length: body.length };
    await this.write(`${month}.json`, `${asciiJson(head)}\n${body}`);
    await this.writeStamps({ ...shard, rows });
  }

  /**
   * Lists the month's week directories and re-reads only the files whose stamp moved, or
   * whose stamp was too young to be trusted when it was read. `previous` is what the cache
   * knew of the month; the files the scan finds unchanged are kept from it, and a week
   * directory whose stamp has not moved since `previous` saw it is not even listed: a
   * change made by another program costs the files of its week. Walks rows of numbers
   * (see FileRows), so a month's unchanged files cost no objects.
   */
  private async scan(
    month: MonthState,
    previous: { scannedAt: number; dirs: MonthDirs; rows: FileRows; exactWeeks?: ReadonlySet<string> } | undefined,
  ): Promise<Scan> {
    // month.dirs were taken before anything is listed (see months()).
    const scannedAt = Date.now();
    // Journal records never carry a young-stamp risk of their own; scanned entries do.
    const trustedUntil = previous ? (previous.scannedAt === 0 ? Infinity : previous.scannedAt) : -Infinity;
    const weeksBefore = new Map(previous?.dirs.weeks);
    const old = previous?.rows ?? NO_ROWS;
    const oldCount = old.length / ROW;
    const out = new RowWriter(oldCount + 16);
    const read: ShardEntry[] = [];
    const changes: EntryChange[] = [];
    const gone = (i: number) => changes.push({ n: rowPath(old, i) });
    // Week by week, the listing and the previous rows (both sorted by path) walked side by side.
    let next = 0;
    for (const [week, stamp] of month.dirs.weeks) {
      const weekNo = weekNumber(week);
      while (next < oldCount && old[next * ROW]! < weekNo) gone(next++); // its week is gone
      let end = next;
      while (end < oldCount && old[end * ROW] === weekNo) end += 1;
      const weekBefore = weeksBefore.get(week);
      // A week's stamp taken from the journal is exact, like a journalled shard's.
      if (weekBefore && sameStamp(weekBefore, stamp) && (trustedUntil === Infinity || previous!.exactWeeks?.has(week) || settled(weekBefore, trustedUntil))) {
        out.copy(old, next, end);
        next = end;
        continue;
      }
      const weekPath = `${month.path}${sep}${week}`;
      const names = readdirOrEmpty(weekPath).filter((name) => callIdOfFileName(name) !== undefined).sort();
      // A week the cache knew: its files are compared by their stats, taken in one go.
      const stats = end > next ? statNamesIn(weekPath, names) : undefined;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const idMonth = idMonthNumber(name);
        const id = callIdNumber(name);
        while (next < end && compareRow(old, next, idMonth, id) < 0) gone(next++);
        const before = next < end && compareRow(old, next, idMonth, id) === 0 ? next++ : -1;
        if (before >= 0 && old[before * ROW + 7] !== -1) {
          const st = stats![i];
          if (!st) {
            changes.push({ n: `${week}/${name}` }); // removed meanwhile
            continue;
          }
          const at = before * ROW + 3;
          const mtime = old[at + 2]!;
          const ctime = old[at + 3]!;
          if (old[at] === st.ino && old[at + 1] === st.size && mtime === st.mtimeMs && ctime === st.ctimeMs && Math.max(mtime, ctime) <= trustedUntil - SETTLE_MS) {
            out.copy(old, before, before + 1);
            continue;
          }
        }
        const n = `${week}/${name}`;
        const entry = await this.readEntry(n, `${weekPath}${sep}${name}`);
        if (entry) {
          out.add(entry);
          read.push(entry);
          changes.push({ n, body: bodyOf(entry) });
        } else if (before >= 0) {
          changes.push({ n });
        }
      }
      while (next < end) gone(next++);
    }
    while (next < oldCount) gone(next++);
    const log = this.logPosition(month.month);
    const { rows, from } = out.done();
    return { files: { month: month.month, dirs: month.dirs, scannedAt, log, rows }, from, read, changes };
  }

  /**
   * The month scanned against its stamps file (written with each shard) rather than the
   * shard: 64 bytes a call instead of the summaries' text. For the index, which needs
   * only what changed; undefined when the stamps file is not that of the shard `tag`.
   */
  async scanFromStamps(month: MonthState, tag: number, consumed: LogPos): Promise<Scan | undefined> {
    const known = readStampsFile(join(this.dir, `${month.month}.stamps`), month.month);
    return known && known.tag === tag ? this.scan(month, this.caughtUp(month.month, known, consumed)) : undefined;
  }

  /**
   * The stamps brought forward by the journal records written since they were taken, up
   * to `consumed` (what the index entry has already taken of the journal): the weeks that
   * csr-call itself changed meanwhile then need no look, only those another program did.
   * Taken only while the records follow on from one another (a change nobody journalled
   * breaks the chain: what follows is left to the scan), and only from a view that could
   * take the journal at all (see exactOrSettled).
   */
  private caughtUp(month: string, known: StampsView, consumed: LogPos): StampsView & { exactWeeks?: ReadonlySet<string> } {
    // No journal when they were taken: every record of the one there now came after them.
    const from = known.log;
    if (from === undefined || !consumed || (from && (from[0] !== consumed[0] || consumed[1] <= from[1])) || !exactOrSettled(known)) return known;
    const journal = this.readJournal(month, from, consumed);
    if (!journal) return known;
    const chain = new DirsChain(known.dirs);
    const files = new Map<string, KnownFile | null>();
    const exactWeeks = new Set<string>();
    for (const record of journal.records) {
      if ((!record.o && entryId(record.n) === undefined) || !chain.take(record)) break;
      exactWeeks.add(record.n.slice(0, 5));
      if (record.o) continue; // a lock: no call changed
      files.set(record.n, record.s && record.f ? { n: record.n, s: record.f, good: true } : null);
    }
    if (exactWeeks.size === 0) return known;
    return { ...known, dirs: chain.dirs(), rows: patchRows(known.rows, files), exactWeeks };
  }

  /** See readStampsFile. */
  async writeStamps(files: MonthRows & { tag: number }): Promise<void> {
    const { weeks } = files.dirs;
    const filesAt = STAMPS_HEAD + 5 * weeks.length;
    const data = new Float64Array(filesAt + files.rows.length);
    const [logInode, logOffset] = files.log ?? [-1, -1];
    data.set([STAMPS_LAYOUT, files.tag, files.rows.length / ROW, files.scannedAt, weeks.length, ...files.dirs.m, logInode, logOffset]);
    weeks.forEach(([week, stamp], i) => data.set([weekNumber(week), ...stamp], STAMPS_HEAD + 5 * i));
    data.set(files.rows, filesAt);
    await this.write(`${files.month}.stamps`, new Uint8Array(data.buffer));
  }

  /** Where the month's journal ends now (read after a scan: see journalSince for why that is safe). */
  private logPosition(month: string): LogPos {
    const st = statSync(join(this.dir, `${month}.log`), { throwIfNoEntry: false });
    return st ? [st.ino, st.size] : null;
  }

  /** Reads one call file; its stamp comes from the same open file, so stamp and text always match. */
  private async readEntry(name: string, path: string): Promise<ShardEntry | undefined> {
    let text: string;
    let stamp: Stamp;
    try {
      const fd = openSync(path, 'r');
      try {
        stamp = stampOf(fstatSync(fd));
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // removed meanwhile
      return makeEntry(name, undefined, { problem: `cannot read: ${(error as Error).message}` });
    }
    cacheReadAFile();
    // The validator (zod) is loaded only when a file actually has to be read.
    this.parse ??= (await import('./callStore.js')).parseCallText;
    const result = this.parse(text);
    return makeEntry(name, stamp, result.ok ? { summary: this.spec.summarize(result.record) } : { problem: result.problem });
  }

  /** A cache that cannot be written (read-only share, full disk) is simply not there next time. */
  async write(name: string, value: unknown): Promise<void> {
    try {
      if (!this.dirReady) {
        await ensurePrivateDir(this.dir);
        this.dirReady = true;
      }
      await writeFileAtomic(join(this.dir, name), value instanceof Uint8Array || typeof value === 'string' ? value : asciiJson(value), { durable: false });
    } catch {
      /* see above */
    }
  }
}

/**
 * `YYYY-MM.stamps`, written with each shard: its directories and files as numbers
 * (Float64Array). Head: STAMPS_LAYOUT, the shard's tag, the file count, scannedAt, the
 * week count, the month directory's stamp, the journal position; per week directory its
 * number (weekNumber) and stamp; then the files' rows (FileRows). Undefined when missing, cut short, of another
 * layout, or not in the order the scan walks them.
 */
function readStampsFile(path: string, month: string): StampsView | undefined {
  let data: Float64Array;
  try {
    data = readFloat64File(path);
  } catch {
    return undefined;
  }
  const layout = data[0];
  if (layout !== STAMPS_LAYOUT && layout !== OLD_STAMPS_LAYOUT) return undefined;
  const [width, head] = layout === STAMPS_LAYOUT ? [ROW, STAMPS_HEAD] : [ROW - 1, OLD_STAMPS_HEAD];
  if (data.length < head) return undefined;
  const count = data[2]!;
  const weekCount = data[4]!;
  const filesAt = head + 5 * weekCount;
  if (!Number.isInteger(count) || !Number.isInteger(weekCount) || weekCount > WEEK_FOLDERS.length || data.length !== filesAt + width * count) return undefined;
  // Where the month's journal stood when these stamps were taken (the older layout does not say).
  const log: LogPos | undefined = layout !== STAMPS_LAYOUT ? undefined : data[9]! >= 0 ? [data[9]!, data[10]!] : null;
  const weeks: Array<[string, Stamp]> = [];
  for (let at = head; at < filesAt; at += 5) {
    const week = data[at]!;
    if (!isWeekNumber(week) || (at > head && data[at - 5]! >= week)) return undefined;
    weeks.push([weekFolderOfDay(week), [data[at + 1]!, data[at + 2]!, data[at + 3]!, data[at + 4]!]]);
  }
  let rows = data.subarray(filesAt);
  if (width !== ROW) {
    const own = Number(idPrefixOf(month));
    const old = rows;
    rows = new Float64Array(ROW * count);
    for (let i = 0; i < count; i++) {
      rows[i * ROW] = old[i * width]!;
      rows[i * ROW + 1] = own;
      rows.set(old.subarray(i * width + 1, (i + 1) * width), i * ROW + 2);
    }
  }
  for (let i = 0; i < count; i++) {
    const at = i * ROW;
    const idMonth = rows[at + 1]!;
    const id = rows[at + 2]!;
    const kind = rows[at + 7]!;
    if (!isWeekNumber(rows[at]!) || !Number.isInteger(idMonth) || idMonth < 100_001 || idMonth % 100 > 12 || idMonth % 100 === 0 || idMonth > 999_912) return undefined;
    if (!Number.isInteger(id) || id < 0 || id >= MAX_ID_NUMBER || (kind !== 1 && kind !== 0 && kind !== -1)) return undefined;
    if (i > 0 && (rows[at - ROW]! - rows[at]! || compareRow(rows, i - 1, idMonth, id)) >= 0) return undefined;
  }
  return { tag: data[1]!, scannedAt: data[3]!, dirs: { m: [data[5]!, data[6]!, data[7]!, data[8]!], weeks }, rows, log };
}

/** A month's files as a stamps file has them. */
interface StampsView {
  tag: number;
  scannedAt: number;
  dirs: MonthDirs;
  rows: FileRows;
  /** The month's journal position when they were taken: null when there was none, undefined when not known. */
  log: LogPos | undefined;
}
/** STAMPS_LAYOUT, tag, count, scannedAt, week count, the month directory's stamp, and the journal position (inode, offset; -1 for none). */
const STAMPS_HEAD = 11;
/** The same without the journal position, in OLD_STAMPS_LAYOUT. */
const OLD_STAMPS_HEAD = 9;

/**
 * A file of doubles, read straight into an 8-byte-aligned buffer (a trailing part of one is
 * dropped): into `reuse` when it is large enough (the result is then a view of it).
 */
function readFloat64File(path: string, reuse?: Float64Array): Float64Array {
  const fd = openSync(path, 'r');
  try {
    const length = Math.floor(fstatSync(fd).size / 8);
    const data = reuse && reuse.length >= length ? reuse.subarray(0, length) : new Float64Array(length);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return data.subarray(0, Math.floor(read / 8)); // cut short meanwhile
      read += n;
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function countCallFiles(month: MonthState): number {
  let count = 0;
  for (const [week] of month.dirs.weeks) for (const name of readdirOrEmpty(`${month.path}${sep}${week}`)) if (callIdOfFileName(name) !== undefined) count += 1;
  return count;
}

export interface CachedSummaries {
  summaries: CallSummary[];
  damaged: DamagedFile[];
}

/**
 * Runs a read of the cache again on a cache removed whole, when a shard turned out to be
 * damaged in a way only parsing its lines shows (see bodyOf).
 */
async function rebuildingIfDamaged<T>(dataDir: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof DamagedCacheError)) throw error;
    clearSummaryCache(dataDir);
    return read();
  }
}

/**
 * Which calls `cachedSummaries` gives: the months `month` accepts, and in them the calls
 * whose id (`YYYYMMDD-HHMMSS-…`, the UTC start) is at or after `fromId` and before `toId`
 * (prefixes of ids), if given. Calls outside are not even parsed.
 */
export interface SummaryRange {
  month: (month: string) => boolean;
  fromId?: string;
  toId?: string;
}

/** Summaries of the calls in `range`, newest first; the damaged files of its months. */
export async function cachedSummaries(dataDir: string, spec: SummarySpec, range: SummaryRange): Promise<CachedSummaries> {
  return rebuildingIfDamaged(dataDir, () => summariesOnce(dataDir, spec, range));
}

async function summariesOnce(dataDir: string, spec: SummarySpec, range: SummaryRange): Promise<CachedSummaries> {
  const cache = new SummaryCache(dataDir, spec);
  const summaries: CallSummary[] = [];
  const damaged: DamagedFile[] = [];
  const { fromId, toId } = range;
  for (const month of cache.months().filter((m) => range.month(m.month)).reverse()) {
    const shard = await cache.shard(month);
    const wanted: ShardEntry[] = [];
    for (let i = shard.entries.length - 1; i >= 0; i--) {
      const entry = shard.entries[i]!;
      if (entry.good) {
        const name = entry.n.slice(WEEK_PREFIX); // `<id>.json`
        if ((toId !== undefined && name >= toId) || (fromId !== undefined && name < fromId)) continue;
        wanted.push(entry);
      } else {
        damaged.push({ path: join(month.path, entry.n), problem: bodyOf(entry).problem ?? 'unknown problem' });
      }
    }
    parseBodies(wanted);
    for (const entry of wanted) summaries.push(entry.body!.summary!);
  }
  return { summaries, damaged };
}

export interface CachedOpenFollowUps {
  calls: CallSummary[];
  callsPerCustomer: Map<string, number>;
  damaged: DamagedFile[];
  callCount: number;
}

/**
 * Applies a month's journal records to its index entry, keeping the interest lists in
 * step; undefined when the directory's file count says something else changed too.
 */
function applyJournal(cache: SummaryCache, month: MonthState, entry: IndexMonth, allRecords: LogRecord[], interest: Record<string, string[]>): IndexMonth | undefined {
  const records = allRecords.filter((record) => !record.o); // locks: no call changed
  if (records.some((record) => entryId(record.n) === undefined)) return undefined;
  let calls = entry.calls;
  const damagedBefore = new Set(entry.damaged.map(([name]) => name));
  for (const record of records) {
    if (record.x && !damagedBefore.delete(record.n)) calls -= 1;
    if (record.s) calls += 1;
  }
  const changes = records.map((record): EntryChange => (record.s ? { n: record.n, body: { summary: record.s } } : { n: record.n }));
  const updated = applyChanges(cache, entry, changes, interest);
  if (calls + updated.damaged.length !== countCallFiles(month)) return undefined;
  return { ...updated, dirs: month.dirs, scannedAt: 0, calls };
}

/**
 * The index entry with `changes` made: each changed call's summary replaces what the
 * entry had of it, and its ids in the interest lists follow. Applying a change twice
 * gives what applying it once does, so changes found by a scan may include ones the
 * entry had already taken from the journal. The call count is left to the caller.
 */
function applyChanges(cache: SummaryCache, entry: IndexMonth, changes: EntryChange[], interest: Record<string, string[]>): IndexMonth {
  const open = new Map(entry.open.map((s) => [s.id, s]));
  const unfinished = new Map(entry.unfinished.map((s) => [s.id, s]));
  const damaged = new Map(entry.damaged);
  const journalled = { ...entry.journalled };
  const changedIds = new Set<string>();
  for (const { n, body } of changes) {
    const id = entryId(n)!;
    changedIds.add(id);
    const summary = body?.summary;
    journalled[id] = summary ? cache.keysOf(summary) : [];
    damaged.delete(n);
    open.delete(id);
    unfinished.delete(id);
    if (summary) {
      if (summary.openFollowups.length > 0) open.set(id, summary);
      if (summary.status === 'in-progress') unfinished.set(id, summary);
    } else if (body) {
      damaged.set(n, body.problem ?? 'unknown problem');
    }
  }
  for (const ids of Object.values(interest)) {
    for (let i = ids.length - 1; i >= 0; i--) if (changedIds.has(ids[i]!)) ids.splice(i, 1);
  }
  for (const { body } of changes) {
    const summary = body?.summary;
    if (summary) for (const key of cache.keysOf(summary)) interest[key]?.push(summary.id);
  }
  return {
    ...entry,
    open: [...open.values()].sort(byId),
    unfinished: [...unfinished.values()].sort(byId),
    damaged: [...damaged].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    journalled,
  };
}

/**
 * The entry of a month scanned against the stamps this entry was built on (`base`): the
 * changes applied to the entry, instead of a summary parsed for every call of the month
 * and its keys file rewritten. The entry may have taken journal records since: each of
 * them touched a file the scan saw changed or gone, and applying a change again is
 * harmless. A call added by the journal and removed since is in neither, so every call
 * the entry names that the scan did not find is taken as removed. Undefined when the
 * entry would drift too far from its keys file (see MAX_JOURNALLED).
 */
function entryFromChanges(cache: SummaryCache, entry: IndexMonth, files: MonthRows, changes: EntryChange[], interest: Record<string, string[]>): IndexMonth | undefined {
  const { rows } = files;
  const count = rows.length / ROW;
  const ownMonth = Number(idPrefixOf(files.month));
  // A tight loop: it runs before the code is optimised, over every file of the month.
  let calls = 0;
  for (let at = 7; at < rows.length; at += ROW) if (rows[at] === 1) calls += 1;
  const named = new Set<string>();
  for (const call of entry.open) named.add(entryPathOf(call.id));
  for (const call of entry.unfinished) named.add(entryPathOf(call.id));
  for (const [path] of entry.damaged) named.add(path);
  for (const id of Object.keys(entry.journalled)) named.add(entryPathOf(id));
  const idPrefix = idPrefixOf(files.month);
  for (const ids of Object.values(interest)) for (const id of ids) if (id.startsWith(idPrefix)) named.add(entryPathOf(id));
  const gone: EntryChange[] = [];
  for (const n of named) if (!hasRow(rows, n) && !filedElsewhere(rows, entryId(n)!, ownMonth)) gone.push({ n });
  const updated = applyChanges(cache, entry, [...changes, ...gone], interest);
  if (Object.keys(updated.journalled).length > MAX_JOURNALLED) return undefined;
  if (calls + updated.damaged.length !== count) return undefined; // cannot be: rebuild rather than trust it
  return { ...updated, dirs: files.dirs, scannedAt: files.scannedAt, log: files.log, calls };
}

/**
 * The calls with open follow-ups, from the index alone when no month changed: the morning
 * list costs the same with 1,000 calls or 100,000.
 */
export async function cachedOpenFollowUps(dataDir: string, spec: SummarySpec): Promise<CachedOpenFollowUps> {
  const { months, index } = await rebuildingIfDamaged(dataDir, () => freshIndex(dataDir, spec));
  const calls: CallSummary[] = [];
  const damaged: DamagedFile[] = [];
  let callCount = 0;
  for (const month of [...months].reverse()) {
    const entry = index.months[month.month]!;
    callCount += entry.calls;
    for (let i = entry.open.length - 1; i >= 0; i--) calls.push(entry.open[i]!);
    for (let i = entry.damaged.length - 1; i >= 0; i--) {
      const [name, problem] = entry.damaged[i]!;
      damaged.push({ path: join(month.path, name), problem });
    }
  }
  const callsPerCustomer = new Map(Object.entries(index.interest).map(([key, ids]) => [key, ids.length]));
  return { calls, callsPerCustomer, damaged, callCount };
}

/** Calls still in progress, newest first, from the index. */
export async function cachedUnfinishedCalls(dataDir: string, spec: SummarySpec): Promise<CallSummary[]> {
  const { months, index } = await rebuildingIfDamaged(dataDir, () => freshIndex(dataDir, spec));
  const calls: CallSummary[] = [];
  for (const month of [...months].reverse()) {
    const { unfinished } = index.months[month.month]!;
    for (let i = unfinished.length - 1; i >= 0; i--) calls.push(unfinished[i]!);
  }
  return calls;
}

/**
 * Every call carrying one of `keys` (customer keys), newest first: found through the
 * months' keys files, so only the shards of months where the customer called are read.
 */
export async function cachedCallsWithKeys(dataDir: string, spec: SummarySpec, keys: string[]): Promise<CallSummary[]> {
  if (keys.length === 0) return [];
  return rebuildingIfDamaged(dataDir, () => callsWithKeysOnce(dataDir, spec, keys));
}

async function callsWithKeysOnce(dataDir: string, spec: SummarySpec, keys: string[]): Promise<CallSummary[]> {
  const { cache, months, index } = await freshIndex(dataDir, spec);
  const found: CallSummary[] = [];
  for (const month of [...months].reverse()) {
    const entry = index.months[month.month]!;
    let ids: Set<string> | undefined = new Set();
    for (const key of keys) {
      const withKey = cache.callsWithKey(month.month, entry, key);
      if (!withKey) {
        ids = undefined; // no keys file: look through the shard
        break;
      }
      for (const id of withKey) ids.add(id);
    }
    if (ids && ids.size === 0) continue;
    const shard = await cache.shard(month);
    for (let i = shard.entries.length - 1; i >= 0; i--) {
      const summary = summaryOf(shard.entries[i]!);
      if (!summary) continue;
      if (ids ? ids.has(summary.id) : cache.keysOf(summary).some((key) => keys.includes(key))) found.push(summary);
    }
  }
  return found;
}

/** The index brought up to date: from the journal where it can, from shards where it must. */
async function freshIndex(dataDir: string, spec: SummarySpec): Promise<{ cache: SummaryCache; months: MonthState[]; index: Index }> {
  const cache = new SummaryCache(dataDir, spec);
  const previous = cache.readIndex();
  const months = cache.months(previous);
  if (months.length === 0) return { cache, months, index: { format: cache.format, interest: {}, months: {} } };

  let changed = !previous || Object.keys(previous.months).length !== months.length;
  // Interest lists are updated in place: copy them.
  const interest: Record<string, string[]> = {};
  for (const [key, ids] of Object.entries(previous?.interest ?? {})) interest[key] = [...ids];
  const entries = new Map<string, IndexMonth>();
  /** Months whose entry was rebuilt from a shard: their interest ids are taken from it. */
  const shards = new Map<string, Shard>();
  for (const month of months) {
    const cached = previous?.months[month.month];
    if (cached && stillHolds(cached, month)) {
      entries.set(month.month, cached);
      continue;
    }
    changed = true;
    if (cached) {
      const journal = exactOrSettled(cached) ? cache.journalSince(month, cached.dirs, cached.log) : undefined;
      if (journal && (journal.records.length > 0 || cached.scannedAt === 0)) {
        const updated = applyJournal(cache, month, cached, journal.records, interest);
        // Calls journalled since the keys file was written are listed in the index; when they
        // pile up (a busy month) the entry is rebuilt from the shard instead.
        if (updated && Object.keys(updated.journalled).length <= MAX_JOURNALLED) {
          updated.log = journal.end;
          entries.set(month.month, updated);
          cache.consumedLogs.add(month.month);
          continue;
        }
      }
    }
    // A change the journal does not account for (another program's): the month is scanned
    // against the stamps the entry was built on (`base`: its shard's, or the last such
    // scan's), and the entry takes what changed. The shard is left as it is: whoever next
    // brings it up to date (`list`) finds those changes again.
    if (cached) {
      const scanned = await cache.scanFromStamps(month, cached.base, cached.log);
      const updated = scanned && entryFromChanges(cache, cached, scanned.files, scanned.changes, interest);
      if (updated) {
        // What the scan saw becomes the stamps the next scan starts from (under a tag of
        // its own, which the entry now names): changes by another program do not pile up
        // into longer and longer scans until a list rewrites the shard.
        if (scanned.changes.length > 0) {
          updated.base = newTag();
          await cache.writeStamps({ ...scanned.files, tag: updated.base });
        }
        entries.set(month.month, updated);
        continue;
      }
    }
    const shard = await cache.shard(month);
    shards.set(month.month, shard);
    entries.set(month.month, await cache.entryFromShard(shard));
  }

  // Customers with open follow-ups: the ids of all their calls, over the whole store.
  const wanted = new Set<string>();
  for (const entry of entries.values()) for (const call of entry.open) for (const key of cache.keysOf(call)) wanted.add(key);
  for (const key of Object.keys(interest)) if (!wanted.has(key)) delete interest[key];
  // Months rebuilt from a shard: replace their ids in the lists that were kept.
  for (const [month, shard] of shards) {
    const idPrefix = idPrefixOf(month);
    for (const ids of Object.values(interest)) for (let i = ids.length - 1; i >= 0; i--) if (ids[i]!.startsWith(idPrefix)) ids.splice(i, 1);
    for (const entry of shard.entries) {
      const summary = summaryOf(entry);
      if (!summary) continue;
      for (const key of cache.keysOf(summary)) interest[key]?.push(summary.id);
    }
  }
  // Customers new to the list: look for their calls in every month that may hold them.
  const fresh = [...wanted].filter((key) => !(key in interest));
  if (fresh.length > 0) {
    changed = true;
    for (const key of fresh) interest[key] = [];
    for (const month of months) {
      const entry = entries.get(month.month)!;
      const unknown: string[] = [];
      for (const key of fresh) {
        const ids = shards.has(month.month) ? undefined : cache.callsWithKey(month.month, entry, key);
        if (ids) interest[key]!.push(...ids);
        else unknown.push(key);
      }
      if (unknown.length === 0) continue;
      const shard = shards.get(month.month) ?? (await cache.shard(month));
      for (const item of shard.entries) {
        const summary = summaryOf(item);
        if (!summary) continue;
        for (const key of cache.keysOf(summary)) if (unknown.includes(key)) interest[key]!.push(summary.id);
      }
    }
  }
  const sortedInterest: Record<string, string[]> = {};
  for (const key of [...wanted].sort()) sortedInterest[key] = [...new Set(interest[key])].sort();

  const index: Index = { format: cache.format, interest: sortedInterest, months: Object.fromEntries(months.map((m) => [m.month, entries.get(m.month)!])) };
  if (changed) await cache.writeIndex(index, previous);
  return { cache, months, index };
}

/** A call file's stamp as the cache keeps it: `[inode, size, mtimeMs, ctimeMs]`. */
export type CallFileStamp = Readonly<Stamp>;

/** The stamp of an open call file, in the cache's form (from the same fd the text is read from). */
export const callFileStamp = (st: Stats): CallFileStamp => stampOf(st);

export const sameCallFileStamp = (a: CallFileStamp, b: CallFileStamp): boolean =>
  a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];

/**
 * For a reader that goes through every call file anyway (`export`): for each call file of
 * `month` (by file name), the stamp at which this cache last took it for a good call,
 * that is, read and passed by `parseCallText` in a scan, or written by csr-call itself
 * and journalled (the same trust `list` and `followups` place in the cache). Files the
 * cache has as damaged, and stamps a scan saw too young to be told apart from a later
 * change (see SETTLE_MS), are left out.
 *
 * A file whose stamp still matches holds exactly the bytes that were checked then: call
 * files are only replaced by rename (new inode, new ctime), and a change made in place by
 * another program moves its size, mtime or ctime. Anything not listed here must be read
 * and checked in full. Reads the month's stamps file (written with its shard; the
 * summaries are not needed, so one of another summary fingerprint still serves), never
 * writes or refreshes the cache; an empty map when there is no usable stamps file.
 */
export function checkedCallStamps(dataDir: string, month: string): CheckedStamps {
  const known = readStampsFile(join(summaryCacheDir(dataDir), `${month}.stamps`), month);
  if (!known) return emptyCheckedStamps;
  const { rows, scannedAt } = known;
  const ownMonth = Number(idPrefixOf(month));
  // Kept as numbers only (call id as a number, then the stamp), five to an entry.
  const table = new Float64Array((5 / ROW) * rows.length);
  let count = 0;
  for (let at = 0; at < rows.length; at += ROW) {
    if (rows[at + 7] !== 1) continue; // damaged or unread
    const id = rows[at + 2]!;
    // Only files in their id's directory (one put elsewhere by hand is read in full).
    if (rows[at + 1] !== ownMonth || rows[at] !== weekNumberOfIdNumber(id)) continue;
    const stamp: Stamp = [rows[at + 3]!, rows[at + 4]!, rows[at + 5]!, rows[at + 6]!];
    // A journalled shard (scannedAt 0) is trusted whole, as by `shard()`; a scanned one only where settled.
    if (scannedAt !== 0 && !settled(stamp, scannedAt)) continue;
    // By week, then id: ascending ids across the weeks of one month, as the search needs.
    if (count > 0 && table[5 * (count - 1)]! >= id) return emptyCheckedStamps;
    table.set([id, ...stamp], 5 * count);
    count += 1;
  }
  const idPrefix = idPrefixOf(month);
  return {
    size: count,
    get: (callId) => {
      if (!CALL_ID.test(callId) || !callId.startsWith(idPrefix)) return undefined;
      // Sorted by id: a binary search.
      const key = callIdNumber(callId);
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (table[5 * mid]! < key) lo = mid + 1;
        else hi = mid;
      }
      if (lo === count || table[5 * lo] !== key) return undefined;
      const at = 5 * lo;
      return [table[at + 1]!, table[at + 2]!, table[at + 3]!, table[at + 4]!];
    },
  };
}

/** What `checkedCallStamps` gives: the checked stamp of a call file of the month, by call id. */
export interface CheckedStamps {
  readonly size: number;
  get(callId: string): CallFileStamp | undefined;
}

const CALL_ID = /^\d{8}-\d{6}-[0-9a-z]{6}$/;
const emptyCheckedStamps: CheckedStamps = { size: 0, get: () => undefined };


/**
 * A shard line's path, stamp (absent for a file that could not be read) and kind, read as
 * text: `{"n":"<week>/<name>","s":[<4 numbers>],"summary":…` or `…,"problem":…`. The rest of the
 * line is parsed when used (bodyOf). Undefined when the line has another shape.
 */
function shardLine(line: string): ShardEntry | undefined {
  if (!line.startsWith('{"n":"')) return undefined;
  const nameEnd = line.indexOf('"', 6);
  if (nameEnd < 0) return undefined;
  const n = line.slice(6, nameEnd);
  if (entryId(n) === undefined) return undefined;
  let at = nameEnd + 1;
  let s: Stamp | undefined;
  if (line.startsWith(',"s":[', at)) {
    const c1 = line.indexOf(',', at + 6);
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    const end = line.indexOf(']', c3 + 1);
    if (c1 < 0 || c2 < 0 || c3 < 0 || end < 0) return undefined;
    s = [Number(line.slice(at + 6, c1)), Number(line.slice(c1 + 1, c2)), Number(line.slice(c2 + 1, c3)), Number(line.slice(c3 + 1, end))];
    if (!(Number.isFinite(s[0]) && Number.isFinite(s[1]) && Number.isFinite(s[2]) && Number.isFinite(s[3]))) return undefined;
    at = end + 1;
  }
  const good = line.startsWith(',"summary":{', at);
  if (!good && !line.startsWith(',"problem":"', at)) return undefined;
  return s ? { n, s, line, good } : { n, line, good };
}
