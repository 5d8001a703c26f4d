import { open, readFile, unlink, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { OperationError } from '../errors.js';
import { randomToken } from './ids.js';

/** What a lock file holds: who took it, where, and a token that tells two takings apart. */
export interface LockInfo {
  host?: string;
  pid?: number;
  who?: string;
  at?: string;
  token?: string;
}

/** Short locks older than this are taken over even when their holder looks alive (pid reuse, clock-less NFS peers). */
export const SHORT_LOCK_STALE_MS = 30_000;

/**
 * A short-lived lock: an exclusively created file holding who took it and when. Used
 * around read-modify-write of one call so concurrent updates are never lost. A lock left
 * by a dead process on this host, or older than `staleMs`, is taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  who: string,
  work: () => Promise<T>,
  {
    timeoutMs = 10_000,
    staleMs = SHORT_LOCK_STALE_MS,
    around = (change: () => Promise<unknown>) => change(),
  }: {
    timeoutMs?: number;
    staleMs?: number;
    /** Wraps taking and giving back the lock (the store journals both: see journalLockChange). */
    around?: (change: () => Promise<unknown>) => Promise<unknown>;
  } = {},
): Promise<T> {
  const started = Date.now();
  const token = randomToken();
  let delay = 2;
  for (;;) {
    try {
      await around(async () => {
        const handle = await open(lockPath, 'wx', 0o600);
        try {
          const info: LockInfo = { host: hostname(), pid: process.pid, who, at: new Date().toISOString(), token };
          await handle.writeFile(JSON.stringify(info));
        } finally {
          await handle.close();
        }
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const seen = await readLock(lockPath);
      if (!seen) continue; // released meanwhile
      if (isShortLockStale(seen, staleMs)) {
        // Re-judged under the break guard: another waiter may have broken it and taken a fresh one meanwhile.
        if (await breakLock(lockPath, (now) => now !== undefined && isShortLockStale(now, staleMs))) continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new OperationError(`${lockPath} is held by another process (${holderText(seen.info)}); try again in a moment`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await work();
  } finally {
    await around(() => releaseLock(lockPath, token));
  }
}

export interface LockSnapshot {
  /** undefined while the holder is still writing it, or when it is not JSON. */
  info: LockInfo | undefined;
  mtimeMs: number;
}

/** The lock file's content and age, or undefined when there is no lock. */
export async function readLock(lockPath: string): Promise<LockSnapshot | undefined> {
  let mtimeMs: number;
  let text: string;
  try {
    mtimeMs = (await stat(lockPath)).mtimeMs;
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let info: LockInfo | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) info = parsed as LockInfo;
  } catch {
    // Half-written (the holder creates, then writes) or not ours: judged by age alone.
  }
  return { info, mtimeMs };
}

/** A short lock is stale when its holder on this host is dead, or when it is older than `staleMs`. */
export function isShortLockStale(lock: LockSnapshot, staleMs = SHORT_LOCK_STALE_MS, now = Date.now()): boolean {
  const { info } = lock;
  if (info && info.host === hostname() && typeof info.pid === 'number' && !processAlive(info.pid)) return true;
  return now - lock.mtimeMs > staleMs;
}

/**
 * Removes a lock judged stale, unless it changed in the meantime. Every breaker first
 * takes `<lock>.break` and judges again under it: without that, two waiters that both saw
 * the same dead lock could each delete it, the second deleting the fresh lock the first
 * had just taken, and both would then write the call (a lost update).
 */
export async function breakLock(
  lockPath: string,
  stillStale: (current: LockSnapshot | undefined) => boolean,
): Promise<boolean> {
  const guard = `${lockPath}.break`;
  try {
    const handle = await open(guard, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is breaking it. A guard left by a breaker that died (it is held for a
    // few milliseconds) is removed after a while so the lock does not stay stuck.
    try {
      if (Date.now() - (await stat(guard)).mtimeMs > 5_000) await unlink(guard);
    } catch {
      /* gone already */
    }
    return false;
  }
  try {
    if (!stillStale(await readLock(lockPath))) return false;
    await unlink(lockPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return true;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Removes our own lock only: if it was taken over meanwhile (we were too slow), the new holder keeps it. */
export async function releaseLock(lockPath: string, token: string): Promise<void> {
  try {
    const current = await readLock(lockPath);
    if (current?.info?.token !== token) return;
    await unlink(lockPath);
  } catch {
    /* already gone */
  }
}

function holderText(info: LockInfo | undefined): string {
  if (!info) return 'holder unknown';
  return `${info.who ?? 'someone'} on ${info.host ?? 'an unknown host'}${info.at ? ` since ${info.at}` : ''}`;
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
