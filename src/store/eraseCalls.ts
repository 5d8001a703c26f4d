import { lstat, readdir, readFile, unlink } from '../asyncFs.js';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import type { CallRecord } from '../domain/callRecord.js';
import type { CallSummary } from '../domain/callSummary.js';
import { startOfCallId } from '../domain/ids.js';
import { callsRoot } from '../paths.js';
import { eraseCall } from './callStore.js';
import { readSessionLock, sessionLockIsLive, sessionLockPath, type SessionLockHolder } from './sessionLock.js';
import { isTempFileName } from './writeFileAtomic.js';
import type { CallIndex } from './index/callIndex.js';

/**
 * Erasing calls for `forget` (one customer), `purge` (retention) and `discard` (a call
 * started by mistake). Planned first from the index of calls (and the damaged files it
 * lists, read leniently), so the agent sees exactly what goes before confirming; then each
 * call file is removed under its update lock (so a concurrent `note` cannot write it back)
 * with its rows in the index, and the temporary files of interrupted saves.
 *
 * The index overwrites what it deletes (SQLite's secure_delete, FTS5's secure-delete) and
 * its write-ahead log is then truncated, so the customer's details are not left in its
 * files either; `findMentions` proves it afterwards. Unlinking is what erasure means for
 * the call files: overwriting a file in place first does not reach the old blocks on
 * journaling or copy-on-write file systems and SSDs. Full-disk encryption is what protects
 * deleted blocks.
 */

export type Customer = CallRecord['customer'];

export interface ErasureTarget {
  id: string;
  path: string;
  startedAt: Date;
  customer: Customer | undefined;
  followups: number;
  openFollowups: number;
  /** Why the file does not validate, when it does not. */
  damaged: string | undefined;
}

export interface ErasurePlan {
  dataDir: string;
  calls: ErasureTarget[];
  /** Temporary files of these calls, or holding the searched text. */
  tempFiles: string[];
  /** Calls open in a live session (another window or computer): erasing them now would be undone. */
  busy: { id: string; holder: SessionLockHolder }[];
}

/** Which calls to erase: the index's rows of good calls, and the damaged files with what could be read of them. */
export interface ErasureSelection {
  /** SQL over the `calls` table (`phone_key = ?`), with its parameters. */
  where: string;
  params: Array<string | number>;
  /** The same test for a damaged file, on its id and what could be read of its customer. */
  damaged: (id: string, customer: Customer | undefined) => boolean;
  /** Temporary files are also erased when their content matches (forget: the customer's data). */
  tempMatches?: (text: string) => boolean;
}

/** The call a temp file (`.<id>.json.<random>.tmp`) was saving, if its name says. */
const tempTargetId = (name: string) => /^\.(\d{8}-\d{6}-[0-9a-z]{6})\./.exec(name)?.[1];

export async function planErasure(index: CallIndex, selection: ErasureSelection): Promise<ErasurePlan> {
  const dataDir = index.dataDir;
  const root = callsRoot(dataDir);
  const calls: ErasureTarget[] = [];
  const rows = index.sql(`SELECT c.id, c.summary, f.dir, (SELECT count(*) FROM json_each(c.summary, '$.openFollowups')) AS open FROM calls AS c JOIN files AS f ON f.id = c.id WHERE ${selection.where} ORDER BY c.started`).all(...selection.params);
  for (const row of rows) {
    const summary = JSON.parse(row.summary as string) as CallSummary;
    const path = join(root, row.dir as string, `${summary.id}.json`);
    calls.push({
      id: summary.id,
      path,
      startedAt: new Date(summary.startedAt),
      customer: summary.customer,
      followups: await followUpCount(path),
      openFollowups: row.open as number,
      damaged: undefined,
    });
  }
  for (const row of index.sql('SELECT id, dir, problem FROM files WHERE problem IS NOT NULL ORDER BY id').all()) {
    const id = row.id as string;
    const path = join(root, row.dir as string, `${id}.json`);
    const customer = lenientCustomer(await readText(path));
    if (selection.damaged(id, customer)) {
      calls.push({ id, path, startedAt: startOfCallId(id), customer, followups: 0, openFollowups: 0, damaged: row.problem as string });
    }
  }

  const ids = new Set(calls.map((c) => c.id));
  const tempFiles: string[] = [];
  for (const temp of await tempFilesIn(root)) {
    const target = tempTargetId(temp.split(/[\\/]/).pop()!);
    if (target && ids.has(target)) tempFiles.push(temp);
    else if (selection.tempMatches?.(await readText(temp))) tempFiles.push(temp);
  }
  const busy: ErasurePlan['busy'] = [];
  for (const call of calls) {
    const holder = await readSessionLock(dataDir, call.id);
    if (holder && sessionLockIsLive(holder, hostname())) busy.push({ id: call.id, holder });
  }
  return { dataDir, calls, tempFiles, busy };
}

/** Follow-ups of a call, all of them (the index keeps only the open ones). */
async function followUpCount(path: string): Promise<number> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as { followups?: unknown[] };
    return Array.isArray(record.followups) ? record.followups.length : 0;
  } catch {
    return 0;
  }
}

/** Temporary files anywhere under the calls folder (left by interrupted saves). */
async function tempFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && isTempFileName(entry.name)) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
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
}

/** Erases what the plan lists (the caller has refused busy calls), then clears the index's leftovers. */
export async function eraseCalls(index: CallIndex, plan: ErasurePlan): Promise<ErasureResult> {
  let calls = 0;
  for (const call of plan.calls) {
    if (await eraseCall(plan.dataDir, call.id)) calls += 1;
    await unlinkIfThere(sessionLockPath(plan.dataDir, call.id)); // only a dead holder's can be left: plan checked
  }
  let tempFiles = 0;
  for (const temp of plan.tempFiles) if (await unlinkIfThere(temp)) tempFiles += 1;
  clearIndexLeftovers(index);
  return { calls, tempFiles };
}

/**
 * After an erasure: the write-ahead log, which still holds the pages as they were before
 * the deletes, is copied into the database and truncated to nothing.
 */
export function clearIndexLeftovers(index: CallIndex): void {
  index.sql('PRAGMA wal_checkpoint(TRUNCATE)').get();
}

/**
 * The last resort when the index's files still hold a customer's details after an erasure
 * (pages freed before secure deletion was on, by an older csr-call): the database is
 * rewritten whole, then the log truncated.
 */
export function rewriteIndex(index: CallIndex): void {
  index.db.exec('VACUUM');
  clearIndexLeftovers(index);
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
 * Every file under the data directory, and every file of the index, whose bytes contain
 * what `matches` looks for: used before erasing (to show what else mentions the customer)
 * and after (to prove the data is gone). Paths are absolute.
 */
export async function findMentions(dataDir: string, matches: (text: string) => boolean, indexPath?: string): Promise<string[]> {
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
  if (indexPath) for (const path of [indexPath, `${indexPath}-wal`, `${indexPath}-shm`]) if (binaryMentions(path, matches)) found.push(path);
  return found;
}

/** A database file read in pieces as Latin-1 (its text is UTF-8: ASCII digits and names match as they are). */
function binaryMentions(path: string, matches: (text: string) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = statSync(path).size;
    const piece = 4 << 20;
    const overlap = 4096;
    const buffer = Buffer.allocUnsafe(piece + overlap);
    for (let offset = 0; offset < size; offset += piece) {
      const n = readSync(fd, buffer, 0, Math.min(piece + overlap, size - offset), offset);
      const bytes = buffer.subarray(0, n);
      // Both readings: UTF-8 for accented names, Latin-1 so no byte sequence is lost.
      if (matches(bytes.toString('latin1')) || matches(bytes.toString('utf8'))) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Builds a case-insensitive matcher for text as typed, as JSON escapes it, and without accents. */
export function textMatcher(values: string[]): (text: string) => boolean {
  const needles = new Set<string>();
  for (const value of values) {
    const v = value.trim().toLowerCase();
    if (v === '') continue;
    needles.add(v);
    needles.add(JSON.stringify(v).slice(1, -1));
    const plain = v.normalize('NFD').replace(/\p{M}/gu, '');
    needles.add(plain);
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
  const number = `${prefix}${digits.slice(keep).split('').join(sep)}(?!\\d)`;
  // Not preceded by other digits ("+2 555 010 0100" is another number than "+1 555 010 0100").
  const pattern = new RegExp(`(?<!\\d${sep})${number}`);
  // Typed without a country code, the number stored with one ("+1 555 0139" for "555-0139")
  // may well be the same customer's: a mention to show, so none is missed.
  const withCountryCode = /^\s*(\+|00)/.test(typed) ? undefined : new RegExp(`(?<![\\d+])(?:\\+|00)${sep}\\d{1,3}${sep}${number}`);
  return (text) => literal(text) || pattern.test(text) || (withCountryCode?.test(text) ?? false);
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
