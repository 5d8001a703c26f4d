import { open, readFile, unlink, stat } from '../asyncFs.js';
import { hostname } from 'node:os';
import { OperationError } from '../errors.js';
import { randomToken } from '../domain/ids.js';

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
 * A lock file is written in the same breath as it is created (a few microseconds); one
 * still empty or unreadable after this long was left by a process that died in between.
 */
export const LOCK_WRITE_GRACE_MS = 2_000;

/**
 * Creates a lock file with its content, or nothing: created exclusively ('wx', so two
 * takers never both succeed, on network shares too, which refuse hard links), and removed
 * again if writing its content fails (a full disk), so no empty lock is left to block the
 * call. Returns false when the lock is already there.
 */
export async function createLockFile(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  return true;
}

/**
 * A short-lived lock: an exclusively created file holding who took it and when. Used
 * around read-modify-write of one call so concurrent updates are never lost. A lock left
 * by a dead process on this host, or older than `staleMs`, is taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  who: string,
  work: () => Promise<T>,
  { timeoutMs = 10_000, staleMs = SHORT_LOCK_STALE_MS }: { timeoutMs?: number; staleMs?: number } = {},
): Promise<T> {
  const started = Date.now();
  const token = randomToken();
  let delay = 2;
  for (;;) {
    const info: LockInfo = { host: hostname(), pid: process.pid, who, at: new Date().toISOString(), token };
    if (!(await createLockFile(lockPath, JSON.stringify(info)))) {
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
      continue;
    }
    break;
  }
  try {
    return await work();
  } finally {
    await releaseLock(lockPath, token);
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

/**
 * A short lock is stale when its holder on this host is dead, when it is older than
 * `staleMs`, or when it is still empty or unreadable well after it was created.
 */
export function isShortLockStale(lock: LockSnapshot, staleMs = SHORT_LOCK_STALE_MS, now = Date.now()): boolean {
  const { info } = lock;
  if (info && info.host === hostname() && typeof info.pid === 'number' && !processAlive(info.pid)) return true;
  if (!info && now - lock.mtimeMs > LOCK_WRITE_GRACE_MS) return true;
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
