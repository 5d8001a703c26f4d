/**
 * The index of calls: a SQLite database on this machine, one per data directory, kept
 * in step with the call files (the only truth) and answering every question the lists,
 * `stats` and `search` ask, so no command reads every call file.
 *
 * Kept in step how: csr-call's own writes update it as they write a file (store/callStore),
 * and every command first compares the stamps of the data directory's folders with those
 * the index last saw (a few hundred `stat` calls); only in a folder whose stamp moved are
 * the files' stamps compared, and only changed files read. That is how changes made by
 * other agents sharing the folder, and by any other program, are found (as notmuch finds
 * new mail by directory times).
 *
 * Missing, damaged, of another version or for another data directory: it is rebuilt from
 * the files, with a notice and a progress report (`IndexOptions.onRebuild`).
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { CallRecord } from '../../domain/callRecord.js';
import { callIdOfFileName, callIdsIn, DIR_MODE, FILE_MODE, listWeekDirs } from '../callFiles.js';
import { callsRoot, resolveIndexDir } from '../../paths.js';
import { processAlive } from '../fileLock.js';
import { CALL_INDEXES, CREATE_TABLES, DROP_CALL_INDEXES, INDEX_SCHEMA_VERSION } from './indexSchema.js';
import { COUNTS_ON_REPEAT, rebuildRollups, ROLLUP_COLUMNS, RollupChanges } from './rollups.js';
import { dayNumbering, indexCall, shownChecksum, TEXT_COLUMNS, type CallText, type IndexedCall } from './indexRows.js';
import { readCallFile, type FileStamp, type FileToRead, type ParseCall, type ReadOutcome } from './readCallFile.js';
import { readInBatches } from './bulkReader.js';
import { CustomerLinks, groupCustomers, REPEAT_CONTACT } from './customerLinks.js';
import { OperationError } from '../../errors.js';
import { openSqlite, sqliteCode, type SqlDatabase, type SqlRow, type SqlStatement, type SqlValue } from './sqlite.js';
import { FIRST_CALL_WINDOW_MS } from '../../domain/callFacts.js';
import type { RebuildEvent } from './indexSettings.js';
import { grouped } from '../../text/plural.js';

export type { FileStamp, ParseCall };

export interface IndexOptions {
  /** The agent's zone: the index numbers days in it (stats' days). */
  timeZone: string;
  /** Reads and checks a call file's text (for many at once: `bulk`); loaded by the caller so this module needs no zod. */
  parse: (bulk: boolean) => ParseCall | Promise<ParseCall>;
  /** Told when many files must be read (a rebuild): `total` files, then `done` as they go. */
  onRebuild?: (event: RebuildEvent) => void;
  /** Where indexes are kept (tests); default: the user's cache folder. */
  indexDir?: string;
  /**
   * The days must be `timeZone`'s (stats): an index numbering them in another zone (the
   * machine's zone changed) is rebuilt.
   */
  sameZone?: boolean;
  /** Why the index is being made anew, when the caller knows better than the database (it was damaged). */
  rebuildReason?: string;
  /** One line for the agent (permissions tightened). */
  warn?: (message: string) => void;
}

export type { RebuildEvent };

export function stampOf(stats: Stats): FileStamp {
  return { size: stats.size, mtime: stats.mtimeMs, ino: stats.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtime === b.mtime && a.ino === b.ino;
}

/** The index could not be used as it is (corrupt pages, a row that fails its checksum). */
export class IndexDamagedError extends Error {
  constructor(
    message: string,
    /** When only some rows are bad: their calls, to be read again from their files. */
    readonly callIds?: string[],
  ) {
    super(message);
    this.name = 'IndexDamagedError';
  }
}

/** A folder stamp this close to now may hide a second change in the same clock tick: looked at again next time. */
const RACY_MS = 2_000;
/** More changed files than this are read in bulk: rollups and links recomputed once at the end. */
const BULK_FILES = 1_000;
/** More changed files than one in this many of the index's calls: the index is made anew rather than changed. */
const WIPE_SHARE = 50;
/** Changed calls' texts waiting for a search before they go into the full-text index all the same. */
const PENDING_TEXTS = 200;
/** Files read between commits of a bulk load (others see progress; the journal stays small). */
const BULK_BATCH = 5_000;
/** A builder that has not said anything for this long is taken for dead. */
const BUILDER_SILENT_MS = 30_000;
const MS_PER_MINUTE = 60_000;

/** FNV-1a of the data directory's real path, as hex: the index's file name. */
function nameOf(realDataDir: string): string {
  const hash = (seed: number) => {
    let h = seed;
    for (let i = 0; i < realDataDir.length; i++) {
      h ^= realDataDir.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(16).padStart(8, '0');
  };
  return `${hash(0x811c9dc5)}${hash(0x2f1e9a47)}`;
}

/** The data directory as the index names it: through symlinks, so two ways to one folder share one index. */
export function realDataDirOf(dataDir: string): string {
  try {
    return realpathSync.native(dataDir);
  } catch {
    return dataDir;
  }
}

export function indexPathFor(dataDir: string, indexDir = resolveIndexDir()): string {
  return join(indexDir, `${nameOf(realDataDirOf(dataDir))}.sqlite`);
}

const YEAR_DIR = /^\d{4}$/;
const MONTH_DIR = /^\d{2}$/;

/** A folder the index has no file of: all its call files are to be read. */
interface NewFolder {
  dir: string;
  /** How many call files it held when listed (the progress bar's share). */
  files: number;
}

/**
 * What changed in the files since the index last looked: files to read one by one, whole
 * folders new to the index (a first build: their files are listed again as they are read,
 * not held, a build having hundreds of thousands), and the calls whose files are gone.
 */
interface Changes {
  toRead: FileToRead[];
  newFolders: NewFolder[];
  removed: string[];
  /** Files to read, all told. */
  count: number;
}

interface DirWalk {
  /** Week folders whose stamp moved, with the stamp seen before listing them. */
  changedWeeks: Array<{ path: string; stamp: number }>;
  /** Every folder seen whose stamp is new, to be recorded once its files are in. */
  stamps: Map<string, number>;
  /** Folders the index knew that are gone, with everything in them. */
  gone: string[];
}

/**
 * Indexes this process wrote to and has not closed. Commands exit without closing the
 * index (process.exit); SQLite's log (WAL) stays behind, and the next process to open the
 * index, finding no other connection, reads all of it again to rebuild the log's index.
 * A log larger than LOG_LEFT_BYTES is emptied at exit.
 */
const written = new Set<CallIndex>();
/**
 * The size of log a command leaves as it is: SQLite copies the log into the database by
 * itself once it reaches 1,000 pages (4 MB). Reading a log of that size costs the next
 * command ~2 ms; copying it in costs ~20 ms, and a few changes' log (~1 MB) ~9 ms of the
 * command that made them. A larger log (a big catch-up) would be read by every command
 * until SQLite's next copy.
 */
const LOG_LEFT_BYTES = 4 * 1024 * 1024;
let emptiedAtExit = false;

function emptyLogsAtExit(): void {
  for (const index of written) index.emptyLog();
}

export class CallIndex {
  readonly path: string;
  readonly timeZone: string;
  private readonly dayOf: (ms: number) => number;
  private readonly statements = new Map<string, SqlStatement>();
  private parser: ParseCall | undefined;
  private bulkParser: ParseCall | undefined;
  /** While many files are read at once: what is worked out for all of them at the end. */
  private bulk: BulkState | undefined;
  /** The rollups' changes of the transaction under way, written before it commits. */
  private readonly rollups = new RollupChanges();
  /** Why this index was (re)made when it was opened: said when its build takes a while. */
  private madeBecause: string | undefined;

  private constructor(
    readonly db: SqlDatabase,
    readonly dataDir: string,
    path: string,
    timeZone: string,
    private readonly options: IndexOptions,
  ) {
    this.path = path;
    this.timeZone = timeZone;
    this.dayOf = dayNumbering(timeZone);
  }

  /**
   * Opens (creating or rebuilding as needed) the index of `dataDir` and brings it up to
   * date with the files. Throws `IndexDamagedError` when the database itself is damaged
   * (`withCallIndex` then rebuilds it).
   */
  static async open(dataDir: string, options: IndexOptions): Promise<CallIndex> {
    const indexDir = options.indexDir ?? resolveIndexDir();
    const realDataDir = realDataDirOf(dataDir);
    const path = join(indexDir, `${nameOf(realDataDir)}.sqlite`);
    mkdirSync(indexDir, { recursive: true, mode: 0o700 });
    removeOldCache(dataDir);
    // Made private before SQLite opens it: its journal files take the database's mode.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const db = guard(() => openSqlite(path, { busyTimeoutMs: 10_000 }));
    try {
      const prepared = guard(() => prepareDatabase(db, realDataDir, options.timeZone, options.sameZone ? options.timeZone : undefined));
      const index = new CallIndex(db, dataDir, path, prepared.zone, options);
      index.madeBecause = prepared.madeBecause && (options.rebuildReason ?? prepared.madeBecause);
      await index.waitForBuilder();
      await index.refresh();
      return index;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    written.delete(this);
    this.db.close();
  }

  /**
   * Copies the log into the database and empties it when it is larger than `leftBytes`,
   * unless another process is reading or writing (then it is left to the next writer: no
   * wait at exit).
   */
  emptyLog(leftBytes = LOG_LEFT_BYTES): void {
    written.delete(this);
    const size = statSync(`${this.path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= leftBytes) return;
    try {
      this.db.exec('PRAGMA busy_timeout = 0');
      this.sql('PRAGMA wal_checkpoint(TRUNCATE)').get();
    } catch {
      /* busy, or the index is unusable: nothing to keep */
    }
  }

  /** A statement prepared once per connection. */
  sql(text: string): SqlStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = guard(() => this.db.prepare(text));
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `work` in one write transaction (others wait; a crash leaves none of it). */
  write<T>(work: () => T): T {
    return guard(() => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = work();
        this.rollups.flush(this);
        this.db.exec('COMMIT');
        if (!emptiedAtExit) process.once('exit', emptyLogsAtExit);
        emptiedAtExit = true;
        written.add(this);
        return result;
      } catch (error) {
        this.rollups.clear();
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* the transaction may already be gone with the error */
        }
        throw error;
      }
    });
  }

  meta(key: string): string | undefined {
    return this.sql('SELECT value FROM meta WHERE key = ?').get(key)?.value as string | undefined;
  }

  private setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.sql('DELETE FROM meta WHERE key = ?').run(key);
    else this.sql('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---------------------------------------------------------------------------------
  // Bringing the index up to date with the files.

  /**
   * Compares the folders' stamps with those recorded and reads what changed. Read-only
   * (no lock taken) when nothing changed, which is what nearly every command finds.
   */
  async refresh({ forceBulk = false }: { forceBulk?: boolean } = {}): Promise<void> {
    const first = this.walkDirs(this.knownDirs());
    if (!forceBulk && first.changedWeeks.length === 0 && first.gone.length === 0 && first.stamps.size === 0) return;
    if (this.meta('builder') !== undefined) {
      await this.waitForBuilder();
      return;
    }
    const parse = await this.parse();
    // Looked at again under the lock: another csr-call may have done it meanwhile. A few
    // changes are read and written in this one transaction; many are read in batches.
    const plan = this.write(() => {
      let walk = this.walkDirs(this.knownDirs());
      let changes = this.changesIn(walk);
      const changed = changes.count + changes.removed.length;
      if (!forceBulk && changed <= BULK_FILES) {
        for (const id of changes.removed) this.removeCallRows(id);
        const context = { callsRoot: callsRoot(this.dataDir), parse, timeZone: this.timeZone, dayOf: this.dayOf };
        for (const file of this.filesToRead(changes)) this.putOutcome(readCallFile(file, context));
        this.recordStamps(walk);
        return undefined;
      }
      // Changing a row costs far more than adding one (its full text above all): when a
      // good part of the store changed (a restore, a sync), the index is made anew.
      const rows = this.sql('SELECT count(*) AS n FROM calls').get()!.n as number;
      // (An empty index, just made, keeps the reason it was made for.)
      if (rows > 0 && changed > Math.max(BULK_FILES, rows / WIPE_SHARE)) {
        this.wipe();
        this.madeBecause = `${grouped(changed)} call files changed`;
        walk = this.walkDirs(new Map());
        changes = this.changesIn(walk);
      }
      this.beginBulk(changes.count);
      for (const id of changes.removed) this.removeCallRows(id);
      return { walk, changes };
    });
    if (plan) await this.bulkLoad(plan.walk, this.filesToRead(plan.changes), plan.changes.count);
  }

  /**
   * Reads many files in batches (in worker threads when built: bulkReader), committing as
   * it goes, so the log stays small and a build cut short carries on from where it got.
   */
  private async bulkLoad(walk: DirWalk, toRead: Iterable<FileToRead>, total: number): Promise<void> {
    let done = 0;
    let sinceCommit = 0;
    let open = false;
    // Nothing of a build needs to survive a power cut (it is redone): no waiting on the disk.
    this.db.exec('PRAGMA synchronous = OFF');
    try {
      // On a first build the day sums are worked out by the threads reading the files.
      const rollups = this.bulk!.fresh ? this.bulk!.rollups : undefined;
      for await (const outcomes of readInBatches(toRead, total, { callsRoot: callsRoot(this.dataDir), timeZone: this.timeZone, parse: () => this.parse(true), rollups })) {
        if (!open) {
          this.db.exec('BEGIN IMMEDIATE');
          open = true;
        }
        guard(() => {
          for (const outcome of outcomes) this.putOutcome(outcome);
        });
        done += outcomes.length;
        sinceCommit += outcomes.length;
        if (sinceCommit >= BULK_BATCH) {
          this.setMeta('builder', builderText());
          // The day sums of the rows so far, written with them: held to the end, a build of
          // 300,000 calls with their craft held ~200 MB of them.
          rollups?.flush(this);
          this.db.exec('COMMIT');
          open = false;
          sinceCommit = 0;
          this.options.onRebuild?.({ kind: 'progress', done, total: Math.max(total, done) });
        }
      }
      if (open) {
        this.db.exec('COMMIT');
        open = false;
      }
    } catch (error) {
      if (open) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      if (!open) this.db.exec('PRAGMA synchronous = NORMAL');
    }
    this.write(() => {
      this.recordStamps(walk);
      this.endBulk(done);
    });
    // A build leaves a log as large as what it wrote: copied in and truncated at once.
    this.sql('PRAGMA wal_checkpoint(TRUNCATE)').get();
  }

  private async parse(bulk = false): Promise<ParseCall> {
    if (bulk) return (this.bulkParser ??= await this.options.parse(true));
    return (this.parser ??= await this.options.parse(false));
  }

  private knownDirs(): Map<string, number> {
    const known = new Map<string, number>();
    for (const row of this.sql('SELECT path, stamp FROM dirs').iterate()) known.set(row.path as string, row.stamp as number);
    return known;
  }

  /**
   * Walks the folders of the store, listing a folder only when its own stamp moved (else
   * its sub-folders are those recorded), and stats every week folder.
   */
  private walkDirs(known: Map<string, number>): DirWalk {
    // Paths joined by hand below: path.join normalises each, which costs more than its stat.
    const root = callsRoot(this.dataDir);
    const walk: DirWalk = { changedWeeks: [], stamps: new Map(), gone: [] };
    const children = new Map<string, string[]>();
    for (const path of known.keys()) {
      if (path === '') continue;
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(path.slice(path.lastIndexOf('/') + 1));
    }
    const seen = new Set<string>();
    const now = Date.now();
    const note = (path: string, stamp: number) => {
      seen.add(path);
      if (known.get(path) !== stamp) walk.stamps.set(path, now - stamp < RACY_MS ? -1 : stamp);
    };
    // A folder's change time too: a tool that puts a folder's time back after changing it
    // (rsync -a, a restore) cannot put back its ctime.
    const stampOfDir = (full: string) => {
      const stats = statSync(full, { throwIfNoEntry: false });
      if (stats && (stats.mode & 0o077) !== 0) this.tighten(full, DIR_MODE);
      return stats && Math.max(stats.mtimeMs, stats.ctimeMs);
    };
    // The data directory itself holds more than the calls (locks, the hooks' copies): private too.
    const top = statSync(this.dataDir, { throwIfNoEntry: false });
    if (top && (top.mode & 0o077) !== 0) this.tighten(this.dataDir, DIR_MODE);
    const rootStamp = stampOfDir(root);
    if (rootStamp !== undefined) {
      note('', rootStamp);
      const years = known.get('') === rootStamp ? (children.get('') ?? []) : listNames(root).filter((n) => YEAR_DIR.test(n));
      for (const year of years) {
        const yearStamp = stampOfDir(`${root}/${year}`);
        if (yearStamp === undefined) continue;
        note(year, yearStamp);
        const months = known.get(year) === yearStamp ? (children.get(year) ?? []) : listNames(`${root}/${year}`).filter((n) => MONTH_DIR.test(n));
        for (const month of months) {
          const monthPath = `${year}/${month}`;
          const monthFull = `${root}/${monthPath}`;
          const monthStamp = stampOfDir(monthFull);
          if (monthStamp === undefined) continue;
          // Listing a month also moves call files found loose in it into their week.
          const weeks = known.get(monthPath) === monthStamp ? (children.get(monthPath) ?? []) : listWeekDirs(monthFull);
          const monthStampAfter = known.get(monthPath) === monthStamp ? monthStamp : (stampOfDir(monthFull) ?? monthStamp);
          note(monthPath, monthStampAfter === monthStamp ? monthStamp : -1);
          for (const week of weeks) {
            const weekPath = `${monthPath}/${week}`;
            const weekStamp = stampOfDir(`${monthFull}/${week}`);
            if (weekStamp === undefined) continue;
            note(weekPath, weekStamp);
            if (known.get(weekPath) !== weekStamp) walk.changedWeeks.push({ path: weekPath, stamp: weekStamp });
          }
        }
      }
    }
    for (const path of known.keys()) if (!seen.has(path)) walk.gone.push(path);
    return walk;
  }

  /** The files of the walk's changed folders whose stamps differ from the index's, and those gone. */
  private changesIn(walk: DirWalk): Changes {
    const root = callsRoot(this.dataDir);
    const toRead: FileToRead[] = [];
    const newFolders: NewFolder[] = [];
    const removed: string[] = [];
    for (const path of walk.gone) {
      for (const row of this.sql('SELECT id FROM files WHERE dir = ?').all(path)) removed.push(row.id as string);
      this.sql('DELETE FROM dirs WHERE path = ?').run(path);
    }
    for (const week of walk.changedWeeks) {
      const full = `${root}/${week.path}`;
      // The stamps recorded, by call id; each taken out as its file is found (what is left
      // is gone). Thousands of files per changed folder: as little work as can be per file.
      const recorded = new Map<string, SqlRow>();
      for (const row of this.sql('SELECT id, size, mtime, ino FROM files WHERE dir = ?').all(week.path)) recorded.set(row.id as string, row);
      // A folder new to the index: every file is read (and its stamp and mode looked at
      // then), listed again as it is reached (filesToRead).
      if (recorded.size === 0) {
        newFolders.push({ dir: week.path, files: callIdsIn(listNames(full)).length });
        continue;
      }
      for (const name of listNames(full)) {
        const id = name.slice(0, -'.json'.length);
        const before = name.endsWith('.json') ? recorded.get(id) : undefined;
        if (before === undefined && callIdOfFileName(name) === undefined) continue;
        // Joined by hand, as in walkDirs.
        const path = `${full}/${name}`;
        const stats = statSync(path, { throwIfNoEntry: false });
        if (!stats?.isFile()) continue;
        if ((stats.mode & 0o077) !== 0) this.tighten(path, FILE_MODE);
        if (before === undefined) {
          toRead.push({ id, dir: week.path });
          continue;
        }
        recorded.delete(id);
        if (stats.size !== before.size || stats.mtimeMs !== before.mtime || stats.ino !== before.ino) toRead.push({ id, dir: week.path });
      }
      for (const id of recorded.keys()) removed.push(id);
    }
    return { toRead, newFolders, removed, count: toRead.length + newFolders.reduce((sum, folder) => sum + folder.files, 0) };
  }

  /** The files `changes` has to read: those listed, then every call file of the new folders, listed as they are reached. */
  private *filesToRead(changes: Changes): Generator<FileToRead> {
    yield* changes.toRead;
    const root = callsRoot(this.dataDir);
    for (const folder of changes.newFolders) for (const id of callIdsIn(listNames(`${root}/${folder.dir}`))) yield { id, dir: folder.dir };
  }

  /** The folder stamps the walk saw: the index is now up to date with them. */
  private recordStamps(walk: DirWalk): void {
    for (const [path, stamp] of walk.stamps) {
      this.sql('INSERT INTO dirs(path, stamp) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET stamp = excluded.stamp').run(path, stamp);
    }
    if (this.meta('built') === undefined) this.setMeta('built', new Date().toISOString());
  }

  /** What one file was found to hold, into the index. */
  private putOutcome(outcome: ReadOutcome): void {
    if ('gone' in outcome) {
      this.removeCallRows(outcome.id);
      return;
    }
    if (outcome.othersCanRead) this.tighten(`${callsRoot(this.dataDir)}/${outcome.dir}/${outcome.id}.json`, FILE_MODE);
    if ('problem' in outcome) this.putDamaged(outcome.id, outcome.dir, outcome.stamp, outcome.problem);
    else this.putIndexed(outcome.indexed, outcome.stamp, outcome.dir);
  }

  /**
   * Call files hold customers' personal data: a folder or file found readable by other
   * users (copied in, restored from a backup) is made private again as soon as it is seen.
   */
  private tighten(path: string, mode: number): void {
    try {
      chmodSync(path, mode);
      this.options.warn?.(`${path} was readable by other users: made private (mode 0${mode.toString(8)})`);
    } catch {
      this.options.warn?.(`${path} is readable by other users and could not be made private: csr-call doctor says more`);
    }
  }

  // ---------------------------------------------------------------------------------
  // Writing rows: from the refresh above, and from the store as it writes a call file.

  /** The index's rows for `record`, written from the file at `stamp` in week folder `dir`. */
  putCall(record: CallRecord, stamp: FileStamp, dir: string): void {
    this.putIndexed(indexCall(record, this.timeZone, this.dayOf), stamp, dir);
  }

  private putIndexed(indexed: IndexedCall, stamp: FileStamp, dir: string): void {
    const row = indexed.row;
    const fresh = this.bulk?.fresh;
    // A first build starts from an empty table: nothing to look up or replace.
    const before = fresh ? undefined : this.sql(`SELECT n, phone_key, account_key, started, customer, ${ROLLUP_COLUMNS} FROM calls WHERE id = ?`).get(row.id);
    let n: number;
    const values: SqlValue[] = [
      row.agent_key, row.started, row.day, row.completed, row.playbook, row.outcome, row.category_key, row.category,
      row.phone_key, row.account_key, row.name_key, row.duration, row.resolved, row.handed_off, row.upset, row.turned,
      row.fu_on_time, row.fu_late, row.fu_cancelled, row.fu_open, row.stages, row.summary, row.crc, row.shown_crc,
      row.craft, row.cause_key, row.cause, row.open_promises,
    ];
    if (before) {
      n = before.n as number;
      this.sql(
        `UPDATE calls SET agent_key = ?, started = ?, day = ?, completed = ?, playbook = ?, outcome = ?, category_key = ?, category = ?,
         phone_key = ?, account_key = ?, name_key = ?, duration = ?, resolved = ?, handed_off = ?, upset = ?, turned = ?,
         fu_on_time = ?, fu_late = ?, fu_cancelled = ?, fu_open = ?, stages = ?, summary = ?, crc = ?, shown_crc = ?,
         craft = ?, cause_key = ?, cause = ?, open_promises = ? WHERE n = ?`,
      ).run(...values, n);
      this.sql('DELETE FROM open_followups WHERE call = ?').run(n);
      this.sql('DELETE FROM promise_deadlines WHERE call = ?').run(n);
    } else {
      // On a first build the customer is known as the row goes in (else linked below).
      const customer = fresh ? (this.bulk!.customers!.link(row.phone_key, row.account_key) ?? null) : null;
      n = Number(
        this.sql(
          `INSERT INTO calls(id, agent_key, started, day, completed, playbook, outcome, category_key, category,
           phone_key, account_key, name_key, duration, resolved, handed_off, upset, turned,
           fu_on_time, fu_late, fu_cancelled, fu_open, stages, summary, crc, shown_crc, craft, cause_key, cause, open_promises, customer)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(row.id, ...values, customer).lastInsertRowid,
      );
    }
    this.putText(n, indexed.text, before !== undefined);
    for (const f of indexed.followups) {
      this.sql('INSERT OR REPLACE INTO open_followups(id, call, owner_key, due, deadline) VALUES (?, ?, ?, ?, ?)').run(f.id, n, f.owner_key, f.due, f.deadline);
    }
    for (const p of indexed.promises) {
      this.sql('INSERT INTO promise_deadlines(agent_key, solution, call, deadline, n, started) VALUES (?, ?, ?, ?, ?, ?)').run(row.agent_key, p.solution, n, p.deadline, p.n, row.started);
    }
    this.sql('INSERT OR REPLACE INTO files(id, dir, size, mtime, ino, problem) VALUES (?, ?, ?, ?, ?, NULL)').run(row.id, dir, stamp.size, stamp.mtime, stamp.ino);
    // A build works out the day sums (as the files are read) and the customers at its end.
    if (this.bulk) return;
    if (before) this.rollups.add(before, -1);
    this.rollups.add({ ...row, repeat_contact: before?.repeat_contact ?? 0 }, 1);
    const keysChanged = !before || before.phone_key !== row.phone_key || before.account_key !== row.account_key;
    if (keysChanged) {
      if (before?.customer != null) this.relinkCustomers(before.customer as number);
      this.linkCustomer(n, row.phone_key, row.account_key);
    }
    // The category or start may have changed too: the calls around it are looked at again.
    this.markRepeatContacts(
      [before?.phone_key as string | null, row.phone_key],
      [before?.account_key as string | null, row.account_key],
      [before?.started as number | undefined, row.started],
      n,
    );
  }

  /**
   * The full text of call `n`. Changing a document of the full-text index costs
   * milliseconds (its words are taken out of the index one by one, and overwritten): done
   * only when the text changed, which most saves of a live call do not, and then left in
   * `pending_text` for the next search (bringTextUpToDate), outside a bulk load. A new
   * document costs little: it goes in at once.
   */
  private putText(n: number, text: CallText, replacing: boolean): void {
    if (replacing) {
      const pending = this.sql(`SELECT ${TEXT_COLUMNS.join(', ')} FROM pending_text WHERE n = ?`).get(n);
      const current = pending ?? this.sql(`SELECT ${TEXT_COLUMNS.join(', ')} FROM call_text WHERE rowid = ?`).get(n);
      if (current && TEXT_COLUMNS.every((column) => current[column] === text[column])) return;
      if (current && !this.bulk) {
        this.sql(`INSERT OR REPLACE INTO pending_text(n, ${TEXT_COLUMNS.join(', ')}) VALUES (?, ${TEXT_COLUMNS.map(() => '?').join(', ')})`).run(
          n,
          ...TEXT_COLUMNS.map((column) => text[column]),
        );
        if (!pending && (this.sql('SELECT count(*) AS n FROM pending_text').get()!.n as number) > PENDING_TEXTS) this.movePendingText();
        return;
      }
      if (pending) this.sql('DELETE FROM pending_text WHERE n = ?').run(n);
      if (current) this.sql('DELETE FROM call_text WHERE rowid = ?').run(n);
    }
    this.sql(`INSERT INTO call_text(rowid, ${TEXT_COLUMNS.join(', ')}) VALUES (?, ${TEXT_COLUMNS.map(() => '?').join(', ')})`).run(
      n,
      ...TEXT_COLUMNS.map((column) => text[column]),
    );
  }

  /** Puts the text of the calls changed since into the full-text index: a search needs it there. */
  bringTextUpToDate(): void {
    if (this.sql('SELECT 1 FROM pending_text LIMIT 1').get() === undefined) return;
    this.write(() => this.movePendingText());
  }

  private movePendingText(): void {
    for (const row of this.sql(`SELECT n, ${TEXT_COLUMNS.join(', ')} FROM pending_text`).all()) {
      this.sql('DELETE FROM call_text WHERE rowid = ?').run(row.n!);
      this.sql(`INSERT INTO call_text(rowid, ${TEXT_COLUMNS.join(', ')}) VALUES (?, ${TEXT_COLUMNS.map(() => '?').join(', ')})`).run(
        row.n!,
        ...TEXT_COLUMNS.map((column) => row[column] ?? null),
      );
    }
    this.sql('DELETE FROM pending_text').run();
  }

  /** Records a call file that cannot be used (damaged, of a newer schema), so lists can say so. */
  putDamaged(id: string, dir: string, stamp: FileStamp, problem: string): void {
    this.removeCallRows(id);
    this.sql('INSERT OR REPLACE INTO files(id, dir, size, mtime, ino, problem) VALUES (?, ?, ?, ?, ?, ?)').run(id, dir, stamp.size, stamp.mtime, stamp.ino, problem);
  }

  /** Removes everything the index holds about call `id` (its file is gone). */
  removeCallRows(id: string): void {
    const before = this.sql(`SELECT n, phone_key, account_key, started, customer, ${ROLLUP_COLUMNS} FROM calls WHERE id = ?`).get(id);
    this.sql('DELETE FROM files WHERE id = ?').run(id);
    if (!before) return;
    const n = before.n as number;
    this.sql('DELETE FROM calls WHERE n = ?').run(n);
    this.sql('DELETE FROM call_text WHERE rowid = ?').run(n);
    this.sql('DELETE FROM pending_text WHERE n = ?').run(n);
    this.sql('DELETE FROM open_followups WHERE call = ?').run(n);
    this.sql('DELETE FROM promise_deadlines WHERE call = ?').run(n);
    if (this.bulk) return;
    this.rollups.add(before, -1);
    if (before.customer != null) this.relinkCustomers(before.customer as number);
    this.markRepeatContacts([before.phone_key as string | null], [before.account_key as string | null], [before.started as number]);
  }

  /**
   * Customers are the groups of calls linked by a shared phone or account key (one call
   * with both links two groups): `calls.customer` is the group's smallest row number.
   */
  private linkCustomer(n: number, phone: string | null, account: string | null): void {
    if (phone === null && account === null) {
      this.sql('UPDATE calls SET customer = NULL WHERE n = ?').run(n);
      return;
    }
    const groups = this.sql(
      `SELECT DISTINCT customer FROM calls WHERE n != ? AND customer IS NOT NULL AND (phone_key = ? OR account_key = ?)`,
    ).all(n, phone, account).map((r) => r.customer as number);
    const target = Math.min(n, ...groups);
    for (const group of groups) if (group !== target) this.sql('UPDATE calls SET customer = ? WHERE customer = ?').run(target, group);
    this.sql('UPDATE calls SET customer = ? WHERE n = ?').run(target, n);
  }

  /** A call left a group (removed, or its keys changed): the group may fall apart; its links are worked out again. */
  private relinkCustomers(group: number): void {
    const members = this.sql('SELECT n, phone_key, account_key FROM calls WHERE customer = ?').all(group);
    for (const [n, customer] of groupCustomers(members)) this.sql('UPDATE calls SET customer = ? WHERE n = ?').run(customer, n);
  }

  /**
   * First-contact resolution needs to know, per call, whether the same customer called
   * about the same problem in the week before. Worked out for the calls a change can
   * affect: those sharing a key with it, from its start to a week after, and the changed call
   * itself (`self`), which may have lost the keys that made it a repeat.
   */
  private markRepeatContacts(phones: Array<string | null | undefined>, accounts: Array<string | null | undefined>, starts: Array<number | undefined>, self?: number): void {
    const keysOf = (list: Array<string | null | undefined>) => [...new Set(list.filter((k): k is string => typeof k === 'string'))];
    const phoneKeys = keysOf(phones);
    const accountKeys = keysOf(accounts);
    if (phoneKeys.length === 0 && accountKeys.length === 0) return;
    const known = starts.filter((s): s is number => s !== undefined);
    const from = Math.min(...known);
    const to = Math.max(...known) + FIRST_CALL_WINDOW_MS;
    const placeholders = (list: string[]) => list.map(() => '?').join(', ') || 'NULL';
    const affected = `SELECT n FROM calls WHERE phone_key IN (${placeholders(phoneKeys)}) AND started BETWEEN ? AND ?
      UNION SELECT n FROM calls WHERE account_key IN (${placeholders(accountKeys)}) AND started BETWEEN ? AND ?
      UNION SELECT ?`;
    const rows = this.sql(`SELECT c.n, ${ROLLUP_COLUMNS.replace(/(\w+)/g, 'c.$1')}, ${REPEAT_CONTACT} AS now_repeat FROM calls AS c WHERE c.n IN (${affected})`).all(
      FIRST_CALL_WINDOW_MS, FIRST_CALL_WINDOW_MS, ...phoneKeys, from, to, ...accountKeys, from, to, self ?? null,
    );
    for (const row of rows) {
      if (row.now_repeat === row.repeat_contact) continue;
      this.rollups.add(row, -1);
      const repeat = row.now_repeat as number;
      this.rollups.add({ ...row, repeat_contact: repeat }, 1);
      this.sql('UPDATE calls SET repeat_contact = ? WHERE n = ?').run(repeat, row.n as number);
    }
  }

  /** Empties the index, within the caller's transaction (other connections see it whole, before or after). */
  private wipe(): void {
    this.statements.clear();
    createSchema(this.db, this.meta('dataDir')!, this.timeZone);
  }

  // ---------------------------------------------------------------------------------
  // Bulk loading: a rebuild, or a catch-up with many changed files.

  private beginBulk(total: number): void {
    // Fresh: never built through (new, made anew, or a build cut short).
    const fresh = this.meta('built') === undefined;
    const empty = this.sql('SELECT count(*) AS n FROM calls').get()!.n === 0;
    this.bulk = { fresh: empty, rollups: new RollupChanges(), ...(empty ? { customers: new CustomerLinks((text) => this.sql(text)) } : {}) };
    const reason = this.madeBecause ?? (fresh ? 'the index of calls was not finished' : 'many call files changed');
    this.options.onRebuild?.({ kind: 'start', reason, total, fresh });
    // A new index gets its indexes once its rows are in.
    if (empty) this.db.exec(DROP_CALL_INDEXES);
    this.setMeta('builder', builderText());
  }

  private endBulk(done: number): void {
    const bulk = this.bulk!;
    this.db.exec(CALL_INDEXES);
    // Customers: linked as the rows came in on a first build (groups merged later are
    // renamed now); else worked out again over the whole store.
    if (bulk.fresh) {
      const rename = this.sql('UPDATE calls SET customer = ? WHERE customer = ?');
      for (const [from, to] of bulk.customers!.merged()) rename.run(to, from);
      bulk.customers!.drop();
    } else {
      const setCustomer = this.sql('UPDATE calls SET customer = ? WHERE n = ? AND customer IS NOT ?');
      const links = groupCustomers(this.sql('SELECT n, phone_key, account_key FROM calls').all());
      for (const [n, customer] of links) setCustomer.run(customer, n, customer);
      this.sql('UPDATE calls SET customer = NULL WHERE phone_key IS NULL AND account_key IS NULL AND customer IS NOT NULL').run();
    }
    this.sql(`UPDATE calls SET repeat_contact = ${REPEAT_CONTACT.replaceAll('c.', 'calls.')}`).run(FIRST_CALL_WINDOW_MS, FIRST_CALL_WINDOW_MS);
    if (bulk.fresh) {
      // The rows' shares were added as if no call were a repeat contact: the repeats' taken back.
      const repeats = this.sql(`SELECT ${ROLLUP_COLUMNS} FROM calls WHERE repeat_contact = 1 AND (${COUNTS_ON_REPEAT})`);
      for (const row of repeats.iterate()) {
        bulk.rollups.add({ ...row, repeat_contact: 0 }, -1);
        bulk.rollups.add(row, 1);
      }
      bulk.rollups.flush(this);
      // The build left its full text in several segments: merged into one, a later erasure
      // (a call forgotten, or its file gone) looks for each of its words in one place, not
      // in each segment (about three times cheaper; docs/performance.md).
      this.sql("INSERT INTO call_text(call_text) VALUES ('optimize')").run();
    } else {
      rebuildRollups(this);
    }
    this.setMeta('builder', undefined);
    this.bulk = undefined;
    this.options.onRebuild?.({ kind: 'end', done });
  }

  /**
   * Another csr-call is building this index (a rebuild): wait for it rather than read a
   * half-built index, unless it has died, in which case this one carries on where it
   * stopped (what it committed is kept; the rest is found changed by the next walk).
   */
  private async waitForBuilder(): Promise<void> {
    let told = false;
    for (;;) {
      const builder = this.meta('builder');
      if (builder === undefined) return;
      const [host, pid, at] = builder.split(' ');
      const silent = Date.now() - Number(at) > BUILDER_SILENT_MS;
      const dead = host === hostname() && !processAlive(Number(pid));
      if (dead || silent) {
        await this.resumeBulk();
        return;
      }
      if (!told) {
        this.options.onRebuild?.({ kind: 'waiting', holder: host === hostname() ? `process ${pid}` : host! });
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * A build left half done by a process that died: every folder is looked at again (what
   * it committed matches its files' stamps and is not read twice), then the customers,
   * repeat contacts, rollups and indexes are worked out for the whole store.
   */
  private async resumeBulk(): Promise<void> {
    this.write(() => {
      this.db.exec('UPDATE dirs SET stamp = -1');
      this.setMeta('builder', undefined);
    });
    await this.refresh({ forceBulk: true });
  }

  // ---------------------------------------------------------------------------------
  // Checks.

  /** The summary of a row (selected with `SHOWN_ROW`), checked against its checksum. */
  checkedSummary(row: Record<string, unknown>): string {
    if (shownChecksum(row) !== row.shown_crc) throw new IndexDamagedError(`index row of call ${String(row.id)} is damaged`, [String(row.id)]);
    return row.summary as string;
  }

  /**
   * Reads these calls' files again (their rows failed a checksum). A damaged row's share of
   * the day sums cannot be taken off (its columns are not what was added), so the sums are
   * then added up again from the rows: a second or two at 100k calls, for a rare repair.
   */
  async reread(ids: readonly string[]): Promise<void> {
    this.write(() => {
      for (const id of ids) {
        const row = this.sql('SELECT dir FROM files WHERE id = ?').get(id);
        this.sql('UPDATE files SET mtime = -1 WHERE id = ?').run(id);
        if (row) this.sql('UPDATE dirs SET stamp = -1 WHERE path = ?').run(row.dir as string);
      }
    });
    await this.refresh();
    this.write(() => rebuildRollups(this));
  }
}

interface BulkState {
  /** The index had no calls when the build began. */
  fresh: boolean;
  rollups: RollupChanges;
  /** A first build's customers, linked as its rows go in. */
  customers?: CustomerLinks;
}

function builderText(): string {
  return `${hostname()} ${process.pid} ${Date.now()}`;
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Runs `work`, turning SQLite's "this database is damaged" errors into `IndexDamagedError`. */
export function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asIndexDamaged(error);
  }
}

/**
 * SQLite's "this database is damaged" errors as an `IndexDamagedError`; "busy" (another
 * csr-call held the index past the wait) as one line for the agent; any other error as it is.
 */
export function asIndexDamaged(error: unknown): unknown {
  const code = sqliteCode(error);
  if (code && /^SQLITE_(CORRUPT|NOTADB|FORMAT|SCHEMA)/.test(code)) return new IndexDamagedError(`the index is damaged (${code})`);
  if (code?.startsWith('SQLITE_BUSY')) return new OperationError(`the index of calls is busy: another csr-call kept it locked too long (${code}); your files are unchanged, try again`);
  if (error instanceof Error && /malformed|not a database|no such (table|column|index)/i.test(error.message) && code) {
    return new IndexDamagedError(`the index is damaged (${error.message})`);
  }
  return error;
}

/**
 * Sets up a connection and, on a new or unusable database, the tables. Returns the zone
 * the index numbers its days in (`timeZone` for a new one). An index of another schema
 * version, made for another data directory (a reused name), or, when `requiredZone` is
 * given, numbering days in another zone, is emptied and made anew.
 */
function prepareDatabase(
  db: SqlDatabase,
  realDataDir: string,
  timeZone: string,
  requiredZone: string | undefined,
): { zone: string; madeBecause?: string } {
  db.exec('PRAGMA synchronous = NORMAL');
  // Deleted rows (a customer forgotten) are overwritten, not just unlinked.
  db.exec('PRAGMA secure_delete = ON');
  db.exec('PRAGMA temp_store = MEMORY');
  db.exec('PRAGMA journal_size_limit = 8388608');
  let madeBecause: string | undefined;
  const usable = () => {
    const version = db.prepare('PRAGMA user_version').get()?.user_version;
    if (version !== INDEX_SCHEMA_VERSION) {
      madeBecause = version === 0 ? 'there was no index of calls yet' : 'the index of calls was made by another version of csr-call';
      return undefined;
    }
    const owner = db.prepare("SELECT value FROM meta WHERE key = 'dataDir'").get()?.value;
    const zone = db.prepare("SELECT value FROM meta WHERE key = 'timeZone'").get()?.value as string | undefined;
    if (owner !== realDataDir) madeBecause = 'the index of calls was made for another data directory';
    else if (requiredZone !== undefined && zone !== requiredZone) madeBecause = `your time zone is now ${requiredZone}`;
    else return zone;
    return undefined;
  };
  const zone = usable();
  if (zone !== undefined) return { zone };
  let created = false;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Looked at again under the lock: another process may have just made it.
    if (usable() === undefined) {
      createSchema(db, realDataDir, timeZone);
      created = true;
    }
    db.exec('COMMIT');
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      /* already rolled back */
    }
    throw error;
  }
  // Readers never wait for the writer, and a write is one append: kept in the file, set
  // once, by the process that made the tables. Two processes switching at once each wait
  // for the other's lock, and SQLite fails one at once ("database is locked").
  if (created) db.exec('PRAGMA journal_mode = WAL');
  const made = madeBecause;
  return { zone: usable() ?? timeZone, ...(made ? { madeBecause: made } : {}) };
}

/** Every table made anew, empty, for `realDataDir`, numbering days in `timeZone` (inside a transaction). */
function createSchema(db: SqlDatabase, realDataDir: string, timeZone: string): void {
  dropEverything(db);
  db.exec(CREATE_TABLES);
  db.exec(CALL_INDEXES);
  const put = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
  put.run('dataDir', realDataDir);
  put.run('timeZone', timeZone);
  db.exec(`PRAGMA user_version = ${INDEX_SCHEMA_VERSION}`);
}

function dropEverything(db: SqlDatabase): void {
  const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'trigger', 'view')").all();
  for (const { type, name } of objects) {
    // The full-text table's own shadow tables go with it.
    if (type === 'table' && /^call_text_/.test(name as string)) continue;
    db.exec(`DROP ${type === 'trigger' ? 'TRIGGER' : type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS "${String(name).replace(/"/g, '""')}"`);
  }
  db.exec('PRAGMA user_version = 0');
}

/**
 * Before the index, csr-call kept a cache of its own in the data directory (a shared
 * folder, where no database belongs): removed the first time the index is opened.
 */
function removeOldCache(dataDir: string): void {
  const old = join(dataDir, 'cache', 'summaries');
  if (statSync(old, { throwIfNoEntry: false })) rmSync(old, { recursive: true, force: true });
}

/** Removes an index's files (a damaged one, before it is made anew). */
export function deleteIndexFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

export { MS_PER_MINUTE };
