import { lstat, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import type { CallRecord } from './callRecord.js';
import { listWeekDirs, listMonthDirs, readdirOrEmpty } from './callFiles.js';
import { parseCallText } from './callStore.js';
import { withFileLock } from './fileLock.js';
import { readSessionLock, sessionLockIsLive, sessionLockPath, type SessionLockHolder } from './sessionLock.js';
import { isTempFileName } from './writeFileAtomic.js';

/**
 * Erasing calls for `forget` (one customer) and `purge` (retention). Planned first, so the
 * agent sees exactly what goes before confirming; then each call file is unlinked under
 * its update lock (so a concurrent `note` cannot write it back), with the temporary
 * files of interrupted saves and the cache (derived data, rebuilt on the next read).
 *
 * Unlinking is what erasure means here: overwriting a file in place first does not reach
 * the old blocks on journaling or copy-on-write file systems and SSDs, so it is not done.
 * Full-disk encryption is what protects deleted blocks.
 */

export type Customer = CallRecord['customer'];

/** One call file as found on disk, readable or not. */
export interface CallCandidate {
  id: string;
  path: string;
  /** From the record, or from the id's time stamp when the file is damaged. */
  startedAt: Date;
  /** The customer block, read leniently (also from files that fail validation). */
  customer: Customer | undefined;
  record: CallRecord | undefined;
  /** Why the file does not validate, when it does not. */
  damaged: string | undefined;
  text: string;
}

export interface ErasureTarget {
  id: string;
  path: string;
  startedAt: Date;
  customer: Customer | undefined;
  followups: number;
  openFollowups: number;
  damaged: string | undefined;
}

export interface ErasurePlan {
  dataDir: string;
  calls: ErasureTarget[];
  /** Temporary files of these calls, or holding the searched text. */
  tempFiles: string[];
  /** `<dataDir>/cache`, when there is one. */
  cacheDir: string | undefined;
  /** Calls open in a live session (another window or computer): erasing them now would be undone. */
  busy: { id: string; holder: SessionLockHolder }[];
}

export interface PlanOptions {
  /** Which calls to erase. */
  select: (candidate: CallCandidate) => boolean;
  /** Temporary files are also erased when their content matches (forget: the customer's data). */
  tempMatches?: (text: string) => boolean;
}

/** The call a temp file (`.<id>.json.<random>.tmp`) was saving, if its name says. */
const tempTargetId = (name: string) => /^\.(\d{8}-\d{6}-[0-9a-z]{6})\./.exec(name)?.[1];

export async function planErasure(dataDir: string, options: PlanOptions): Promise<ErasurePlan> {
  const calls: ErasureTarget[] = [];
  const temps: { path: string; targetId: string | undefined }[] = [];
  for (const month of await listMonthDirs(dataDir)) {
    // Temp files left in the month directory itself (by a csr-call from before week directories).
    for (const name of await readdirOrEmpty(month.path)) if (isTempFileName(name)) temps.push({ path: join(month.path, name), targetId: tempTargetId(name) });
    for (const week of listWeekDirs(month.path)) {
      for (const name of (await readdirOrEmpty(join(month.path, week))).sort()) {
        const path = join(month.path, week, name);
        if (isTempFileName(name)) {
          temps.push({ path, targetId: tempTargetId(name) });
          continue;
        }
        const match = /^(\d{8}-\d{6}-[0-9a-z]{6})\.json$/.exec(name);
        if (!match) continue;
        const candidate = await readCandidate(match[1]!, path);
        if (candidate && options.select(candidate)) calls.push(targetOf(candidate));
      }
    }
  }
  const ids = new Set(calls.map((c) => c.id));
  const tempFiles: string[] = [];
  for (const temp of temps) {
    if (temp.targetId && ids.has(temp.targetId)) tempFiles.push(temp.path);
    else if (options.tempMatches && options.tempMatches(await readText(temp.path))) tempFiles.push(temp.path);
  }
  const busy: ErasurePlan['busy'] = [];
  for (const call of calls) {
    const holder = await readSessionLock(dataDir, call.id);
    if (holder && sessionLockIsLive(holder, hostname())) busy.push({ id: call.id, holder });
  }
  const cache = join(dataDir, 'cache');
  return { dataDir, calls, tempFiles, cacheDir: (await isDirectory(cache)) ? cache : undefined, busy };
}

async function readCandidate(id: string, path: string): Promise<CallCandidate | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // removed meanwhile, or unreadable: doctor reports it
  }
  const parsed = parseCallText(text);
  if (parsed.ok) {
    const record = parsed.record;
    return { id, path, startedAt: new Date(record.startedAt), customer: record.customer, record, damaged: undefined, text };
  }
  return { id, path, startedAt: startOfId(id), customer: lenientCustomer(text), record: undefined, damaged: parsed.problem, text };
}

function targetOf(candidate: CallCandidate): ErasureTarget {
  const followups = candidate.record?.followups ?? [];
  return {
    id: candidate.id,
    path: candidate.path,
    startedAt: candidate.startedAt,
    customer: candidate.customer,
    followups: followups.length,
    openFollowups: followups.filter((f) => f.status === 'open').length,
    damaged: candidate.damaged,
  };
}

/** The id's own time stamp (UTC): a damaged file still says when its call started. */
export function startOfId(id: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id)!;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** The customer block of a file that is JSON but fails validation (hand-edited, older...). */
function lenientCustomer(text: string): Customer | undefined {
  try {
    const data = JSON.parse(text) as { customer?: unknown };
    const c = data?.customer;
    if (!c || typeof c !== 'object') return undefined;
    const pick = (key: string) => {
      const value = (c as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    };
    const out: Customer = {};
    const name = pick('name');
    const phone = pick('phone');
    const account = pick('account');
    if (name !== undefined) out.name = name;
    if (phone !== undefined) out.phone = phone;
    if (account !== undefined) out.account = account;
    return out;
  } catch {
    return undefined;
  }
}

export interface ErasureResult {
  calls: number;
  tempFiles: number;
  cacheRemoved: boolean;
}

/** Erases what the plan lists. Refuses while any of the calls is open in a live session. */
export async function eraseCalls(plan: ErasurePlan, who: string): Promise<ErasureResult> {
  let calls = 0;
  for (const call of plan.calls) {
    // Under the update lock: an update waiting for it then finds no call instead of writing it back.
    await withFileLock(`${call.path}.lock`, who, async () => {
      if (await unlinkIfThere(call.path)) calls += 1;
    });
    await unlinkIfThere(sessionLockPath(plan.dataDir, call.id)); // only a dead holder's can be left: plan checked
  }
  let tempFiles = 0;
  for (const temp of plan.tempFiles) if (await unlinkIfThere(temp)) tempFiles += 1;
  let cacheRemoved = false;
  if (plan.cacheDir) {
    await rm(plan.cacheDir, { recursive: true, force: true });
    cacheRemoved = true;
  }
  return { calls, tempFiles, cacheRemoved };
}

async function unlinkIfThere(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Every file under the data directory whose bytes contain what `matches` looks for:
 * used before erasing (to show what else mentions the customer) and after (to prove the
 * data is gone). Paths are absolute.
 */
export async function findMentions(dataDir: string, matches: (text: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = join(dir, name);
      let info;
      try {
        info = await lstat(path);
      } catch {
        continue;
      }
      if (info.isDirectory()) await walk(path);
      else if (info.isFile() && matches(await readText(path))) found.push(path);
    }
  };
  await walk(dataDir);
  return found;
}

/** Builds a case-insensitive matcher for text as typed and as JSON escapes it. */
export function textMatcher(values: string[]): (text: string) => boolean {
  const needles = new Set<string>();
  for (const value of values) {
    const v = value.trim().toLowerCase();
    if (v === '') continue;
    needles.add(v);
    needles.add(JSON.stringify(v).slice(1, -1));
  }
  return (text) => {
    const lower = text.toLowerCase();
    for (const needle of needles) if (lower.includes(needle)) return true;
    return false;
  };
}

/**
 * Finds a phone number however it was written: its digits with any spaces, dots, dashes,
 * slashes or brackets between them ("+1 (555) 010-0100", "555.010.0100"), with or without
 * the leading digits (country code, trunk 0) down to the last seven, as `samePhone`
 * compares them, but not inside or after other digits. Numbers of fewer than seven digits
 * are matched as typed.
 */
export function phoneMatcher(typed: string, stored: string[] = []): (text: string) => boolean {
  const digits = typed.replace(/\D/g, '');
  const literal = textMatcher([typed, ...stored]);
  if (digits.length < 7) return literal;
  const sep = '[\\s().\\-/]*';
  const keep = digits.length - 7;
  let prefix = '';
  for (let i = 0; i < keep; i++) prefix = `(?:${prefix}${digits[i]}${sep})?`;
  // Not preceded by other digits ("+2 555 010 0100" is another number than "+1 555 010 0100").
  const pattern = new RegExp(`(?<!\\d${sep})${prefix}${digits.slice(keep).split('').join(sep)}(?!\\d)`);
  return (text) => literal(text) || pattern.test(text);
}

export function relativeToData(dataDir: string, path: string): string {
  return relative(dataDir, path) || path;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
