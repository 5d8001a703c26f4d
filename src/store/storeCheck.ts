import { chmod, lstat, readdir, readFile, stat, unlink } from '../asyncFs.js';
import { hostname } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { DIR_MODE, FILE_MODE } from './callFiles.js';
import { callsRoot } from '../paths.js';
import { parseCallText } from './callStore.js';
import { callDirOf } from '../domain/ids.js';
import { isTempFileName } from './writeFileAtomic.js';
import { breakLock, isShortLockStale, LOCK_WRITE_GRACE_MS, processAlive, readLock, type LockSnapshot } from './fileLock.js';
import { SESSION_LOCK_SUFFIX } from './sessionLock.js';
import type { CallIndex } from './index/callIndex.js';
import type { CallRecord } from '../domain/callRecord.js';

/**
 * What `csr-call doctor` checks: every file under the data directory, judged without
 * changing anything. `fixStore` then repairs what is safe to repair by itself (stray
 * temporary files, stale locks, permissions) and never deletes or rewrites a call file:
 * those hold a customer's story, so only the agent decides.
 */

export type StoreProblemKind =
  | 'damaged' // a call file that does not parse or validate
  | 'newer-schema' // written by a newer csr-call: left alone
  | 'misplaced' // a valid call in the wrong folder, or named differently from its id
  | 'temp-file' // left by an interrupted write
  | 'stale-lock' // left by a process that died
  | 'held-lock' // a long-held resume lock from another computer: only its agent knows
  | 'permissions' // readable by others, or not writable by the owner
  | 'foreign' // a file the program did not write, where it keeps calls
  | 'unreadable'
  | 'index'; // the index of calls is damaged or out of step with the files: rebuilt from them

export interface StoreProblem {
  kind: StoreProblemKind;
  /** Absolute path of the file or directory concerned. */
  path: string;
  /** One line: what is wrong (for call files, `path.to.field: message`). */
  problem: string;
  /** One line: what to do about it. */
  fix: string;
  /** What `fixStore` does about it; absent when only a person can decide. */
  autoFix?: { action: 'remove' } | { action: 'chmod'; mode: number } | { action: 'rebuild-index' };
}

export interface StoreReport {
  dataDir: string;
  /** False when the data directory does not exist yet (nothing stored, nothing wrong). */
  exists: boolean;
  /** Call files that parsed and validated. */
  calls: number;
  problems: StoreProblem[];
}

export interface CheckOptions {
  /** Wall-clock time to judge file ages by (mtimes are real time, so tests pass real time too). */
  now?: number;
  /** Whether to check modes; off on Windows, where POSIX modes mean little. */
  checkModes?: boolean;
  /** Where the index says what it repaired by itself (modes made private). */
  warn?: (message: string) => void;
}

/** Temporary files younger than this may belong to a write in progress in another process. */
export const TEMP_FILE_GRACE_MS = 60_000;
/** A resume lock from another computer held longer than this is reported (not removed). */
export const HELD_LOCK_REPORT_MS = 24 * 60 * 60 * 1000;

const CALL_FILE = /^(\d{8}-\d{6}-[0-9a-z]{6})\.json$/;
const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

export async function checkStore(dataDir: string, options: CheckOptions = {}): Promise<StoreReport> {
  const now = options.now ?? Date.now();
  const checkModes = options.checkModes ?? process.platform !== 'win32';
  const report: StoreReport = { dataDir, exists: true, calls: 0, problems: [] };
  // Call files by id as found, for the comparison with the index.
  // And each good call's row as its file makes it (checksum), to find a file changed in place.
  const onDisk = { good: new Set<string>(), bad: new Set<string>(), rows: new Map<string, number>() };
  let rowOf: ((record: CallRecord) => number) | undefined;
  const add = (problem: StoreProblem) => report.problems.push(problem);
  const rel = (path: string) => relative(dataDir, path) || '.';

  let top;
  try {
    // Followed if it is a link: a data directory on another disk, linked into place.
    top = await stat(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...report, exists: false };
    throw error;
  }
  if (!top.isDirectory()) {
    add({ kind: 'foreign', path: dataDir, problem: 'the data directory is not a directory', fix: 'point --data-dir / CSR_CALL_HOME at a directory' });
    return report;
  }

  const checkMode = (path: string, mode: number, want: number) => {
    if (!checkModes || (mode & 0o777) === want) return;
    const others = (mode & 0o077) !== 0;
    add({
      kind: 'permissions',
      path,
      problem: `mode ${octal(mode)}, should be ${octal(want)}${others ? ': other users can read customers\u2019 personal data' : ''}`,
      fix: `chmod ${octal(want).slice(1)} ${path}`,
      autoFix: { action: 'chmod', mode: want },
    });
  };

  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (error) {
      add({ kind: 'unreadable', path: dir, problem: `cannot list: ${(error as Error).message}`, fix: `check the owner and permissions of ${dir}` });
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let info;
      try {
        info = await lstat(path);
      } catch {
        continue; // removed meanwhile
      }
      if (info.isSymbolicLink()) {
        add({ kind: 'foreign', path, problem: 'a symbolic link: not followed', fix: `replace it with the file itself, or remove it from ${rel(dir)}` });
        continue;
      }
      if (info.isDirectory()) {
        checkMode(path, info.mode, DIR_MODE);
        await walk(path);
        continue;
      }
      if (!info.isFile()) {
        add({ kind: 'foreign', path, problem: 'not a regular file', fix: 'remove it from the data directory' });
        continue;
      }
      checkMode(path, info.mode, FILE_MODE);
      await checkFile(path, name, info.mtimeMs);
    }
  };

  const checkFile = async (path: string, name: string, mtimeMs: number): Promise<void> => {
    if (IGNORED.has(name)) return;
    if (isTempFileName(name)) {
      const old = now - mtimeMs > TEMP_FILE_GRACE_MS;
      add({
        kind: 'temp-file',
        path,
        problem: 'temporary file left by an interrupted save (never read as a call)',
        fix: old
          ? 'csr-call doctor --fix removes it'
          : 'may be a save in progress: if it is still there in a minute, csr-call doctor --fix removes it',
        ...(old ? { autoFix: { action: 'remove' as const } } : {}),
      });
      return;
    }
    if (name.endsWith('.lock') || name.endsWith('.lock.break')) {
      await checkLock(path, name, now, add);
      return;
    }
    const inCalls = path.startsWith(callsRoot(dataDir) + sep);
    if (!inCalls) return; // cache and other derived files: modes only
    const match = CALL_FILE.exec(name);
    if (!match) {
      add({
        kind: 'foreign',
        path,
        problem: 'not a call file (calls are calls/YYYY/MM/<week>/<id>.json): ignored by every command',
        fix: 'move it out of the data directory',
      });
      return;
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      add({ kind: 'unreadable', path, problem: `cannot read: ${(error as Error).message}`, fix: `check the owner and permissions of ${path}` });
      return;
    }
    const result = parseCallText(text);
    const id = match[1]!;
    if (!result.ok) {
      onDisk.bad.add(id);
      const newer = result.problem.startsWith('written by a newer csr-call');
      add({
        kind: newer ? 'newer-schema' : 'damaged',
        path,
        problem: result.problem,
        fix: newer
          ? 'update csr-call to read it; it is left untouched'
          : `correct it by hand (csr-call show ${id} explains) or move it out of the data directory; doctor never deletes a call`,
      });
      return;
    }
    report.calls += 1;
    const record = result.record;
    // A file holding another call than its name says is of no use to any command (the index too).
    (record.id === id ? onDisk.good : onDisk.bad).add(id);
    if (record.id === id && rowOf) onDisk.rows.set(id, rowOf(record));
    const expected = join(dataDir, callDirOf(record.id), `${record.id}.json`);
    if (record.id !== id || expected !== path) {
      add({
        kind: 'misplaced',
        path,
        problem:
          record.id !== id
            ? `holds call ${record.id} under the name ${id}.json: commands looking for either id will not find it`
            : `call filed in the wrong folder (its id says ${callDirOf(record.id)})`,
        fix: `mv ${path} ${expected}  (if nothing is there already)`,
      });
    }
  };

  // The index first, as every command opens it: what it repairs by itself (modes made
  // private again, with a warning) is then not reported as a problem.
  const index = await openIndex(dataDir, options.warn);
  if ('sql' in index) {
    const { dayNumbering, indexCall } = await import('./index/indexRows.js');
    const dayOf = dayNumbering(index.timeZone);
    rowOf = (record) => indexCall(record, index.timeZone, dayOf).row.crc;
  }
  checkMode(dataDir, (await stat(dataDir)).mode, DIR_MODE);
  await walk(dataDir);
  const indexProblem = await checkIndex(index, onDisk);
  if (indexProblem) add(indexProblem);
  return report;
}

/** The index of calls, brought up to date; or why it cannot be opened. */
async function openIndex(dataDir: string, warn: ((message: string) => void) | undefined): Promise<CallIndex | StoreProblem> {
  const [{ callIndexOf }, { IndexDamagedError, indexPathFor }] = await Promise.all([import('./index/indexAccess.js'), import('./index/callIndex.js')]);
  try {
    return await callIndexOf(dataDir, warn ? { warn } : {});
  } catch (error) {
    if (!(error instanceof IndexDamagedError)) throw error;
    return indexProblemAt(indexPathFor(dataDir), error.message);
  }
}

/** The index checked against the files just walked. */
async function checkIndex(index: CallIndex | StoreProblem, onDisk: { good: Set<string>; bad: Set<string>; rows: Map<string, number> }): Promise<StoreProblem | undefined> {
  if (!('sql' in index)) return index;
  const { verifyIndex } = await import('./index/indexCheck.js');
  let problem: string | undefined;
  try {
    problem = verifyIndex(index, onDisk);
  } catch (error) {
    problem = (error as Error).message;
  }
  return problem === undefined ? undefined : indexProblemAt(index.path, problem);
}

function indexProblemAt(path: string, problem: string): StoreProblem {
  return {
    kind: 'index',
    path,
    problem: `the index of calls: ${problem}`,
    fix: 'csr-call doctor --fix rebuilds it from the call files (nothing in them is changed)',
    autoFix: { action: 'rebuild-index' },
  };
}

async function checkLock(path: string, name: string, now: number, add: (p: StoreProblem) => void): Promise<void> {
  let lock: LockSnapshot | undefined;
  try {
    lock = await readLock(path);
  } catch {
    return;
  }
  const problem = lock && judgeLock(path, name, lock, now);
  if (problem) add(problem);
}

/** A lock file's verdict: nothing (in use, fine), stale (safe to remove) or held too long (a person decides). */
function judgeLock(path: string, name: string, lock: LockSnapshot, now: number): StoreProblem | undefined {
  const remove = { autoFix: { action: 'remove' as const } };
  const age = now - lock.mtimeMs;
  if (name.endsWith('.lock.break')) {
    return age > 60_000
      ? { kind: 'stale-lock', path, problem: 'leftover from breaking a stale lock', fix: 'csr-call doctor --fix removes it', ...remove }
      : undefined;
  }
  if (!name.endsWith(SESSION_LOCK_SUFFIX)) {
    return isShortLockStale(lock, undefined, now)
      ? { kind: 'stale-lock', path, problem: `update lock left by ${holder(lock)}`, fix: 'csr-call doctor --fix removes it (the next update would also take it over)', ...remove }
      : undefined;
  }
  const info = lock.info;
  if (!info || typeof info.host !== 'string' || typeof info.pid !== 'number') {
    return age > LOCK_WRITE_GRACE_MS
      ? { kind: 'stale-lock', path, problem: 'unreadable resume lock', fix: 'csr-call doctor --fix removes it', ...remove }
      : undefined;
  }
  if (info.host === hostname()) {
    return processAlive(info.pid)
      ? undefined
      : { kind: 'stale-lock', path, problem: `resume lock left by ${holder(lock)}, which has ended`, fix: 'csr-call doctor --fix removes it', ...remove };
  }
  if (age <= HELD_LOCK_REPORT_MS) return undefined;
  return {
    kind: 'held-lock',
    path,
    problem: `call open for editing by ${holder(lock)} for more than a day`,
    fix: `if nobody on ${info.host} is still editing it, delete ${path} (resume asks before taking it over)`,
  };
}

function holder(lock: LockSnapshot): string {
  const info = lock.info as { who?: string; agent?: string; host?: string; pid?: number; at?: string; since?: string } | undefined;
  if (!info) return 'an unknown process';
  const who = info.agent ?? info.who ?? 'someone';
  const since = info.since ?? info.at;
  return `${who} (pid ${info.pid ?? '?'} on ${info.host ?? '?'}${since ? `, since ${since}` : ''})`;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

export interface FixResult {
  fixed: StoreProblem[];
  failed: { problem: StoreProblem; error: string }[];
  /** The store as it stands after the repairs. */
  after: StoreReport;
}

/**
 * Repairs what needs no judgement: removes temporary files older than a minute and stale
 * locks (judged again at the moment of removal), and sets modes to 0700/0600. Call files
 * are never deleted, moved or rewritten.
 */
export async function fixStore(dataDir: string, options: CheckOptions = {}): Promise<FixResult> {
  const before = await checkStore(dataDir, options);
  const fixed: StoreProblem[] = [];
  const failed: FixResult['failed'] = [];
  // Modes first (a 0500 directory would refuse the removals), parents before children.
  const ordered = [...before.problems].sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length);
  for (const problem of ordered) {
    const fix = problem.autoFix;
    if (!fix) continue;
    try {
      if (fix.action === 'chmod') {
        await chmod(problem.path, fix.mode);
        fixed.push(problem);
      } else if (fix.action === 'rebuild-index') {
        await rebuildIndex(dataDir);
        fixed.push(problem);
      } else if (problem.kind === 'temp-file') {
        await unlink(problem.path).catch(ignoreMissing);
        fixed.push(problem);
      } else if (problem.kind === 'stale-lock') {
        const name = basename(problem.path);
        if (name.endsWith('.lock.break')) {
          await unlink(problem.path).catch(ignoreMissing);
          fixed.push(problem);
          continue;
        }
        // Judged again under the break guard: it may have been taken over since the check.
        const removed = await breakLock(
          problem.path,
          (current) => current !== undefined && judgeLock(problem.path, name, current, options.now ?? Date.now())?.kind === 'stale-lock',
        );
        if (removed) fixed.push(problem);
      }
    } catch (error) {
      failed.push({ problem, error: (error as Error).message });
    }
  }
  const after = await checkStore(dataDir, options);
  return { fixed, failed, after };
}

/**
 * Permissions first; then the guards left by a process that died while breaking a lock,
 * since breaking the lock itself waits on its guard.
 */
function rank(problem: StoreProblem): number {
  if (problem.autoFix?.action === 'chmod') return 0;
  return problem.kind === 'stale-lock' && problem.path.endsWith('.lock.break') ? 1 : 2;
}

/** Deletes the index's files and builds it again from the call files. */
async function rebuildIndex(dataDir: string): Promise<void> {
  const [{ closeCallIndex, callIndexOf }, { deleteIndexFiles, indexPathFor }] = await Promise.all([
    import('./index/indexAccess.js'),
    import('./index/callIndex.js'),
  ]);
  await closeCallIndex(dataDir);
  deleteIndexFiles(indexPathFor(dataDir));
  await callIndexOf(dataDir);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
