import { closeSync, fstatSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from './callRecord.js';
import type { CallSummary, DamagedFile } from './callSummaries.js';
import { callIdOfFileName, ensurePrivateDir, listMonthDirsSync } from './callFiles.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/**
 * A cache of call summaries, so the lists never read 100,000 call files. The call files
 * stay the only source of truth: the cache may be deleted at any time and is rebuilt
 * without being asked; a damaged, foreign or old-format cache file is ignored.
 *
 * Layout, under `<dataDir>/cache/summaries/`:
 * - `YYYY-MM.json`: one shard per month directory: the summary (or the problem, for a
 *   damaged file) of every call file in it, with each file's stamp (inode, size, mtime,
 *   ctime) and the directory's own stamp.
 * - `YYYY-MM.customers.json`: how many calls of that month carry each customer key.
 * - `index.json`: per month, the directory stamp, the calls with open follow-ups, the
 *   damaged files, and call counts for the customers who have open follow-ups. The
 *   morning list is built from this file alone.
 *
 * Freshness: call files are only ever replaced by rename, and a rename changes the
 * directory's mtime. So a month whose directory stamp is unchanged is unchanged, and only
 * changed months are listed again, their files stat'ed and the changed ones re-read.
 * Timestamps have a granularity (a few ms on ext4, 2 s on FAT): a change within the same
 * tick as our look would leave the stamp as it was. A stamp is therefore trusted only if
 * it was already `SETTLE_MS` old when it was observed; younger ones are checked again.
 *
 * Every entry carries the stamp it was derived from, so two processes writing the cache
 * at once (each file replaced whole by writeFileAtomic) can only make it less fresh,
 * never wrong. Files are written without fsync: a cache file lost or emptied by a power
 * cut fails to parse or to match its stamp, and is rebuilt.
 */

/** Bump when the layout of the cache files changes (the summary's shape is fingerprinted). */
const CACHE_VERSION = 1;
/** A stamp this old when observed cannot be shared with a later change (coarsest: FAT's 2 s). */
export const SETTLE_MS = 2_100;

/** `[inode, size, mtimeMs, ctimeMs]`: a rename gives a new inode and ctime; ctime cannot be set back. */
type Stamp = [number, number, number, number];

interface ShardEntry {
  /** File name in the month directory. */
  n: string;
  /** Absent when the file could not be read at all: it is then retried on every look. */
  s?: Stamp;
  summary?: CallSummary;
  problem?: string;
}

interface Shard {
  format: string;
  month: string;
  dir: Stamp;
  /** Date.now() taken before the directory was stat'ed and listed. */
  scannedAt: number;
  /** Sorted by name (= by call id = by start time). */
  entries: ShardEntry[];
}

interface CustomerCounts {
  format: string;
  month: string;
  dir: Stamp;
  scannedAt: number;
  counts: Record<string, number>;
}

interface IndexMonth {
  dir: Stamp;
  scannedAt: number;
  calls: number;
  /** Calls with at least one open follow-up, oldest first. */
  open: CallSummary[];
  /** `[file name, problem]`, oldest first. */
  damaged: Array<[string, string]>;
  /** Calls of this month per customer key, for the keys in `Index.interest` only. */
  customers: Record<string, number>;
}

interface Index {
  format: string;
  /** Customer keys of every call with an open follow-up, sorted. */
  interest: string[];
  months: Record<string, IndexMonth>;
}

/** What the cache needs from the summary code: passed in, so the two modules don't import each other. */
export interface SummarySpec {
  summarize: (record: CallRecord) => CallSummary;
  customerKeys: (customer: CallSummary['customer']) => string[];
}

interface MonthState {
  month: string;
  path: string;
  stamp: Stamp;
}

export function summaryCacheDir(dataDir: string): string {
  return join(dataDir, 'cache', 'summaries');
}

/** Removes the cache (after `forget`/`purge`, so no erased customer lingers in it). */
export function clearSummaryCache(dataDir: string): void {
  rmSync(summaryCacheDir(dataDir), { recursive: true, force: true });
}

const stampOf = (st: Stats): Stamp => [st.ino, st.size, st.mtimeMs, st.ctimeMs];
const sameStamp = (a: Stamp, b: Stamp) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
/** Observed long enough after its last change that any later change gets other timestamps. */
const settled = (stamp: Stamp, observedAt: number) => Math.max(stamp[2], stamp[3]) <= observedAt - SETTLE_MS;
const fresh = (cached: { dir: Stamp; scannedAt: number }, now: Stamp) =>
  sameStamp(cached.dir, now) && settled(cached.dir, cached.scannedAt);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStamp = (x: unknown): x is Stamp => Array.isArray(x) && x.length === 4 && x.every((n) => typeof n === 'number');
const isSummary = (x: unknown): x is CallSummary =>
  isObject(x) && typeof x.id === 'string' && typeof x.startedAt === 'string' && isObject(x.customer) && Array.isArray(x.openFollowups);
const isCounts = (x: unknown): x is Record<string, number> => isObject(x) && Object.values(x).every((n) => typeof n === 'number');

function fingerprint(text: string): string {
  // FNV-1a: only needs to change when the summarising code changes.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // missing, unreadable, truncated: all mean "no cache"
  }
}

type ParseCallText = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

/**
 * One store's cache, for one load. Reads are synchronous: a handful of small files,
 * where promise round trips would cost more than the reads themselves.
 */
class SummaryCache {
  readonly format: string;
  private readonly dir: string;
  private parse: ParseCallText | undefined;
  private dirReady = false;

  constructor(
    readonly dataDir: string,
    private readonly spec: SummarySpec,
  ) {
    this.dir = summaryCacheDir(dataDir);
    this.format = `csr-call summaries ${CACHE_VERSION} ${fingerprint(`${spec.summarize}\n${spec.customerKeys}`)}`;
  }

  /** Month directories with their current stamps, oldest first. */
  months(): MonthState[] {
    const months: MonthState[] = [];
    for (const { month, path } of listMonthDirsSync(this.dataDir)) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st?.isDirectory()) months.push({ month, path, stamp: stampOf(st) });
    }
    return months;
  }

  /** The month's shard, re-listing the directory only if it changed since the shard was made. */
  async shard(month: MonthState): Promise<Shard> {
    const cached = this.readShard(month.month);
    if (cached && fresh(cached, month.stamp)) return cached;
    const shard = await this.scan(month, cached);
    await this.write(`${month.month}.json`, shard);
    await this.write(`${month.month}.customers.json`, this.countsFile(shard, this.countCustomers(shard)));
    return shard;
  }

  /** Calls per customer key in one month, from its small counts file when that is fresh. */
  async customerCounts(month: MonthState): Promise<Record<string, number>> {
    const data = readJson(join(this.dir, `${month.month}.customers.json`));
    if (
      isObject(data) &&
      data.format === this.format &&
      data.month === month.month &&
      isStamp(data.dir) &&
      typeof data.scannedAt === 'number' &&
      isCounts(data.counts) &&
      fresh({ dir: data.dir, scannedAt: data.scannedAt }, month.stamp)
    ) {
      return data.counts;
    }
    const shard = await this.shard(month);
    const counts = this.countCustomers(shard);
    await this.write(`${month.month}.customers.json`, this.countsFile(shard, counts));
    return counts;
  }

  countCustomers(shard: Shard): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of shard.entries) {
      if (!entry.summary) continue;
      for (const key of this.spec.customerKeys(entry.summary.customer)) counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  readIndex(): Index | undefined {
    const data = readJson(join(this.dir, 'index.json'));
    if (!isObject(data) || data.format !== this.format || !Array.isArray(data.interest) || !isObject(data.months)) return undefined;
    if (!data.interest.every((k) => typeof k === 'string')) return undefined;
    for (const entry of Object.values(data.months)) {
      if (
        !isObject(entry) ||
        !isStamp(entry.dir) ||
        typeof entry.scannedAt !== 'number' ||
        typeof entry.calls !== 'number' ||
        !Array.isArray(entry.open) ||
        !entry.open.every(isSummary) ||
        !Array.isArray(entry.damaged) ||
        !entry.damaged.every((d) => Array.isArray(d) && typeof d[0] === 'string' && typeof d[1] === 'string') ||
        !isCounts(entry.customers)
      ) {
        return undefined;
      }
    }
    return data as unknown as Index;
  }

  async writeIndex(index: Index, previous: Index | undefined): Promise<void> {
    await this.write('index.json', index);
    // Shards of months that no longer exist (purged) are removed with them.
    const gone = previous ? Object.keys(previous.months).some((m) => !(m in index.months)) : true;
    if (!gone) return;
    try {
      for (const name of readdirSync(this.dir)) {
        const match = /^(\d{4}-\d{2})(?:\.customers)?\.json$/.exec(name);
        if (match && !(match[1]! in index.months)) unlinkSync(join(this.dir, name));
      }
    } catch {
      /* best effort: a stray shard is never trusted without its directory anyway */
    }
  }

  private readShard(month: string): Shard | undefined {
    const data = readJson(join(this.dir, `${month}.json`));
    if (
      !isObject(data) ||
      data.format !== this.format ||
      data.month !== month ||
      !isStamp(data.dir) ||
      typeof data.scannedAt !== 'number' ||
      !Array.isArray(data.entries)
    ) {
      return undefined;
    }
    for (const entry of data.entries as unknown[]) {
      if (!isObject(entry) || typeof entry.n !== 'string' || (entry.s !== undefined && !isStamp(entry.s))) return undefined;
      if (entry.summary !== undefined ? !isSummary(entry.summary) : typeof entry.problem !== 'string') return undefined;
    }
    return data as unknown as Shard;
  }

  /**
   * Lists the month directory and re-reads only the files whose stamp moved, or whose
   * stamp was too young to be trusted when it was read.
   */
  private async scan(month: MonthState, previous: Shard | undefined): Promise<Shard> {
    const scannedAt = Date.now();
    // The directory is stat'ed before it is listed: a change in between makes the stamp
    // stale, and the month is simply listed again next time.
    const dirStat = statSync(month.path, { throwIfNoEntry: false });
    const names = dirStat ? readdirOrEmpty(month.path).sort() : [];
    const known = new Map(previous?.entries.map((entry) => [entry.n, entry]));
    const entries: ShardEntry[] = [];
    for (const name of names) {
      if (callIdOfFileName(name) === undefined) continue;
      const path = join(month.path, name);
      const before = known.get(name);
      if (before?.s && previous) {
        const st = statSync(path, { throwIfNoEntry: false });
        if (!st) continue; // removed meanwhile
        if (sameStamp(before.s, stampOf(st)) && settled(before.s, previous.scannedAt)) {
          entries.push(before);
          continue;
        }
      }
      const entry = await this.readEntry(name, path);
      if (entry) entries.push(entry);
    }
    return { format: this.format, month: month.month, dir: dirStat ? stampOf(dirStat) : [0, 0, 0, 0], scannedAt, entries };
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
      return { n: name, problem: `cannot read: ${(error as Error).message}` };
    }
    // The validator (zod) is loaded only when a file actually has to be read.
    this.parse ??= (await import('./callStore.js')).parseCallText;
    const result = this.parse(text);
    return result.ok ? { n: name, s: stamp, summary: this.spec.summarize(result.record) } : { n: name, s: stamp, problem: result.problem };
  }

  private countsFile(shard: Shard, counts: Record<string, number>): CustomerCounts {
    return { format: this.format, month: shard.month, dir: shard.dir, scannedAt: shard.scannedAt, counts };
  }

  /** A cache that cannot be written (read-only share, full disk) is simply not there next time. */
  private async write(name: string, value: unknown): Promise<void> {
    try {
      if (!this.dirReady) {
        await ensurePrivateDir(this.dir);
        this.dirReady = true;
      }
      await writeFileAtomic(join(this.dir, name), JSON.stringify(value), { durable: false });
    } catch {
      /* see above */
    }
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

export interface CachedSummaries {
  summaries: CallSummary[];
  damaged: DamagedFile[];
}

/** Summaries of the calls in the months `wanted` accepts, newest first. */
export async function cachedSummaries(
  dataDir: string,
  spec: SummarySpec,
  wanted: (month: string) => boolean,
): Promise<CachedSummaries> {
  const cache = new SummaryCache(dataDir, spec);
  const summaries: CallSummary[] = [];
  const damaged: DamagedFile[] = [];
  for (const month of cache.months().filter((m) => wanted(m.month)).reverse()) {
    const shard = await cache.shard(month);
    for (let i = shard.entries.length - 1; i >= 0; i--) {
      const entry = shard.entries[i]!;
      if (entry.summary) summaries.push(entry.summary);
      else damaged.push({ path: join(month.path, entry.n), problem: entry.problem ?? 'unknown problem' });
    }
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
 * The calls with open follow-ups, from the index alone when no month changed: the morning
 * list costs the same with 1,000 calls or 100,000.
 */
export async function cachedOpenFollowUps(dataDir: string, spec: SummarySpec): Promise<CachedOpenFollowUps> {
  const cache = new SummaryCache(dataDir, spec);
  const months = cache.months();
  if (months.length === 0) return { calls: [], callsPerCustomer: new Map(), damaged: [], callCount: 0 };

  const previous = cache.readIndex();
  let changed = !previous || Object.keys(previous.months).length !== months.length;
  const entries = new Map<string, IndexMonth>();
  const fullCounts = new Map<string, Record<string, number>>();
  for (const month of months) {
    const cached = previous?.months[month.month];
    if (cached && fresh(cached, month.stamp)) {
      entries.set(month.month, cached);
      continue;
    }
    const shard = await cache.shard(month);
    const counts = cache.countCustomers(shard);
    fullCounts.set(month.month, counts);
    entries.set(month.month, {
      dir: shard.dir,
      scannedAt: shard.scannedAt,
      calls: shard.entries.filter((e) => e.summary).length,
      open: shard.entries.flatMap((e) => (e.summary && e.summary.openFollowups.length > 0 ? [e.summary] : [])),
      damaged: shard.entries.flatMap((e) => (e.summary ? [] : [[e.n, e.problem ?? 'unknown problem'] as [string, string]])),
      customers: counts,
    });
    changed = true;
  }

  // Customers with open follow-ups: their calls are counted over the whole store.
  const interestSet = new Set<string>();
  for (const entry of entries.values()) for (const call of entry.open) for (const key of spec.customerKeys(call.customer)) interestSet.add(key);
  const interest = [...interestSet].sort();
  const known = new Set(previous?.interest);
  if (interest.some((key) => !known.has(key))) {
    // A customer new to the list: count their calls in the unchanged months too.
    for (const month of months) if (!fullCounts.has(month.month)) fullCounts.set(month.month, await cache.customerCounts(month));
  }
  if (!previous || interest.length !== previous.interest.length || interest.some((key, i) => key !== previous.interest[i])) changed = true;

  const callsPerCustomer = new Map<string, number>(interest.map((key) => [key, 0]));
  const index: Index = { format: cache.format, interest, months: {} };
  for (const month of months) {
    const entry = entries.get(month.month)!;
    const source = fullCounts.get(month.month) ?? entry.customers;
    const customers: Record<string, number> = {};
    for (const key of interest) {
      const count = source[key];
      if (count) {
        customers[key] = count;
        callsPerCustomer.set(key, callsPerCustomer.get(key)! + count);
      }
    }
    index.months[month.month] = { ...entry, customers };
  }
  if (changed) await cache.writeIndex(index, previous);

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
  return { calls, callsPerCustomer, damaged, callCount };
}
