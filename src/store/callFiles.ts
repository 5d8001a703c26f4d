import { mkdir, chmod, readFile, readdir, stat } from '../asyncFs.js';
import { chmodSync, linkSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { callsRoot } from '../paths.js';
import { callDirOf, WEEK_FOLDERS, weekFolderOfDay } from '../domain/ids.js';

/**
 * The layout of the store on disk. Calls live in `calls/YYYY/MM/<week>/<id>.json`, the
 * week being days 01-07, 08-14, 15-21, 22-28 or 29-31 of the month (UTC, of the call's
 * start); everything the program writes is private to the user: directories 0700 and
 * files 0600 whatever the umask, since they hold customers' personal data.
 *
 * Why weeks: a change made by another program shows only as a changed directory, and
 * finding which file changed means a look at every file of that directory (a busy month
 * holds tens of thousands), while every command checks every directory's stamp to see
 * whether anything changed at all (a folder per day is a thousand directories after three
 * years). A week folder keeps both costs small.
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function callPath(dataDir: string, id: string): string {
  return join(dataDir, callDirOf(id), `${id}.json`);
}

/** mkdir -p with 0700 on every directory it creates, whatever the umask. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return; // already there: leave the user's choice alone
  // mkdir's mode is filtered by the umask; set it exactly on each directory created.
  let current = dir;
  const created: string[] = [];
  while (current.length >= first.length) {
    created.push(current);
    const parent = join(current, '..');
    if (parent === current) break;
    current = parent;
  }
  for (const path of created) await chmod(path, DIR_MODE);
}

const MONTH_DIR = /^\d{2}$/;
const WEEK_DIRS: ReadonlySet<string> = new Set(WEEK_FOLDERS);
const YEAR_DIR = /^\d{4}$/;
const CALL_FILE = /^\d{8}-\d{6}-[0-9a-z]{6}\.json$/;

export interface MonthDir {
  /** `YYYY-MM` */
  month: string;
  path: string;
}

/** The month directories of the store, oldest first. A missing store has none. */
export async function listMonthDirs(dataDir: string): Promise<MonthDir[]> {
  const root = callsRoot(dataDir);
  const years = (await readdirOrEmpty(root)).filter((y) => YEAR_DIR.test(y)).sort();
  const months: MonthDir[] = [];
  for (const year of years) {
    const inYear = (await readdirOrEmpty(join(root, year))).filter((m) => MONTH_DIR.test(m)).sort();
    for (const month of inYear) months.push({ month: `${year}-${month}`, path: join(root, year, month) });
  }
  return months;
}

/** The call id a file name in a week directory stands for, or undefined (temp files, strays). */
/** A call file holds the call it is named for: the problem when it holds another (a copy under a new name). */
export function misnamedCall(heldId: string, fileId: string): string | undefined {
  return heldId === fileId ? undefined : `holds call ${heldId}, not ${fileId}`;
}

export function callIdOfFileName(name: string): string | undefined {
  // test() and a slice, not exec(): called for every file of a month the cache scans.
  return CALL_FILE.test(name) ? name.slice(0, -'.json'.length) : undefined;
}

/** The call ids among a week folder's file names (temporary files and strays left out). */
export function callIdsIn(names: readonly string[]): string[] {
  const ids: string[] = [];
  for (const name of names) {
    const id = callIdOfFileName(name);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

function readdirOrEmptySync(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface CallFileEntry {
  id: string;
  path: string;
}

/** Call files in one month directory's week directories, sorted by week, then id (= by start time). Temp files are never listed. */
export async function listCallFilesIn(monthDir: string): Promise<CallFileEntry[]> {
  const entries: CallFileEntry[] = [];
  for (const week of listWeekDirs(monthDir)) {
    const weekDir = join(monthDir, week);
    for (const id of callIdsIn(await readdirOrEmpty(weekDir)).sort()) entries.push({ id, path: join(weekDir, `${id}.json`) });
  }
  return entries;
}

/**
 * The week directories (`01-07` ...) of a month directory, sorted. Call files found in the
 * month directory itself (the layout of csr-call before week directories, or a file put
 * back there by hand or by a restore) are first moved into their week's directory, so that
 * no reader ever has to look in two places. A move gives the file its new name before it
 * loses the old one (a hard link, then an unlink): it is never without a name, whatever
 * happens meanwhile, and a move cut short is finished next time. One that cannot be made
 * (a copy already there, no permission) leaves the file where it is, for `doctor` to report.
 */
export function listWeekDirs(monthDir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(monthDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const weeks: string[] = [];
  let moved = false;
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (WEEK_DIRS.has(entry.name)) weeks.push(entry.name);
      // A folder per day (`23`): how a development version of csr-call filed calls for a while.
      else if (DAY_DIR.test(entry.name)) moved = moveDayDirIntoWeeks(monthDir, entry.name) || moved;
    } else if (callIdOfFileName(entry.name) !== undefined) {
      moved = moveIntoWeekDir(monthDir, monthDir, entry.name) || moved;
    }
  }
  if (moved) return listWeekDirs(monthDir);
  return weeks.sort();
}
const DAY_DIR = /^(?:0[1-9]|[12]\d|3[01])$/;

function moveDayDirIntoWeeks(monthDir: string, day: string): boolean {
  const dayDir = `${monthDir}${sep}${day}`;
  let moved = false;
  for (const name of readdirOrEmptySync(dayDir)) if (callIdOfFileName(name) !== undefined) moved = moveIntoWeekDir(monthDir, dayDir, name) || moved;
  try {
    rmdirSync(dayDir); // only once empty: anything left is for doctor to report
  } catch {
    /* not empty */
  }
  return moved;
}

/** Moves the call file `name` from `fromDir` into its week's directory of `monthDir`. */
function moveIntoWeekDir(monthDir: string, fromDir: string, name: string): boolean {
  const day = Number(name.slice(6, 8));
  if (day < 1 || day > 31) return false; // not a date: doctor reports it
  const weekDir = `${monthDir}${sep}${weekFolderOfDay(day)}`;
  const source = `${fromDir}${sep}${name}`;
  const target = `${weekDir}${sep}${name}`;
  try {
    ensurePrivateDirSync(weekDir);
    // A link, then the old name removed: never over a file already there (a newer save of
    // the call, or another copy: doctor reports the one left behind).
    try {
      linkSync(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        // The same file under both names: a move cut short (by a crash, or by another csr-call).
        if (statSync(source).ino !== statSync(target).ino) return false;
      } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        // A file system without hard links (FAT, some network shares).
        if (statSync(target, { throwIfNoEntry: false }) !== undefined) return false;
        renameSync(source, target);
        return true;
      } else {
        throw error;
      }
    }
    unlinkSync(source);
    return true;
  } catch {
    return false; // moved meanwhile by another csr-call, or no permission: left as it is
  }
}

/** ensurePrivateDir for one directory whose parent exists (a week directory). */
function ensurePrivateDirSync(dir: string): void {
  try {
    mkdirSync(dir, { mode: DIR_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  chmodSync(dir, DIR_MODE); // mkdir's mode is filtered by the umask
}

export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
