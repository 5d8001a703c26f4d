import { mkdir, chmod, readFile, readdir, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { callDirOf } from './ids.js';
import { isTempFileName } from './writeFileAtomic.js';

/**
 * The layout of the store on disk. Calls live in `calls/YYYY/MM/<id>.json` (UTC month of
 * the call's start); everything the program writes is private to the user: directories
 * 0700 and files 0600 whatever the umask, since they hold customers' personal data.
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function callsRoot(dataDir: string): string {
  return join(dataDir, 'calls');
}

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
const YEAR_DIR = /^\d{4}$/;
const CALL_FILE = /^\d{8}-\d{6}-[0-9a-z]{6}\.json$/;

/** `YYYY-MM`: the month directory that calls started at `date` are filed in (ids are UTC). */
export function monthKeyOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Whether a month (`YYYY-MM`) may hold calls started between `from` and `to` (either open). */
export function monthInRange(month: string, range: { from?: Date | undefined; to?: Date | undefined }): boolean {
  return (range.from === undefined || month >= monthKeyOf(range.from)) && (range.to === undefined || month <= monthKeyOf(range.to));
}

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

/** The call id a file name in a month directory stands for, or undefined (temp files, strays). */
export function callIdOfFileName(name: string): string | undefined {
  // test() and a slice, not exec(): called for every file of a month the cache scans.
  return CALL_FILE.test(name) ? name.slice(0, -'.json'.length) : undefined;
}

/**
 * `listMonthDirs` without the promise round trips: the summary cache stats every month
 * directory on each `followups`, where a few milliseconds are a visible share.
 */
export function listMonthDirsSync(dataDir: string): MonthDir[] {
  const root = callsRoot(dataDir);
  const years = readdirOrEmptySync(root).filter((y) => YEAR_DIR.test(y)).sort();
  const months: MonthDir[] = [];
  for (const year of years) {
    const inYear = readdirOrEmptySync(join(root, year)).filter((m) => MONTH_DIR.test(m)).sort();
    for (const month of inYear) months.push({ month: `${year}-${month}`, path: join(root, year, month) });
  }
  return months;
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

/** Call files in one month directory, sorted by id (= by start time). Temp files are never listed. */
export async function listCallFilesIn(monthDir: string): Promise<CallFileEntry[]> {
  const entries: CallFileEntry[] = [];
  for (const name of await readdirOrEmpty(monthDir)) {
    if (isTempFileName(name)) continue;
    const id = callIdOfFileName(name);
    if (id) entries.push({ id, path: join(monthDir, name) });
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
