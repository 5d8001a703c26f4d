import { dirname } from 'node:path';
import { callPath, ensurePrivateDir } from './callFiles.js';
import { breakLock, createLockFile, LOCK_WRITE_GRACE_MS, processAlive, readLock, releaseLock, type LockSnapshot } from './fileLock.js';
import { randomToken } from '../domain/ids.js';

/**
 * The lock on a call being resumed or edited, held for as long as the agent works on it
 * (minutes, hours). It sits next to the call file as `<id>.session.lock` and names its
 * holder: computer, process, agent and since when.
 *
 * A lock left on this computer by a process that has ended is taken over silently. A
 * lock from another computer is never broken silently: its holder is returned so the
 * command can ask the agent, then call again with `takeOverFrom` set to that holder.
 */
export const SESSION_LOCK_SUFFIX = '.session.lock';

export interface SessionLockOwner {
  host: string;
  pid: number;
  agent: string;
}

export interface SessionLockHolder extends SessionLockOwner {
  /** ISO instant the lock was taken. */
  since: string;
  /** Tells two takings apart, so only the one the agent saw is ever broken. */
  token: string;
}

export type SessionLockResult =
  | {
      acquired: true;
      path: string;
      holder: SessionLockHolder;
      /** The dead or confirmed-abandoned holder whose lock was taken over, if any. */
      tookOverFrom?: SessionLockHolder;
      /** Removes the lock if it is still ours; safe to call twice. */
      release: () => Promise<void>;
    }
  | {
      acquired: false;
      path: string;
      /** Who has the call open. `sameHost`: another window on this computer, still running. */
      holder: SessionLockHolder;
      sameHost: boolean;
    };

export interface AcquireOptions {
  /** The holder the agent agreed to take over (from an earlier `acquired: false`); broken only if still the same. */
  takeOverFrom?: SessionLockHolder;
  now?: () => Date;
}

export function sessionLockPath(dataDir: string, callId: string): string {
  return callPath(dataDir, callId).replace(/\.json$/, SESSION_LOCK_SUFFIX);
}

export async function acquireSessionLock(
  dataDir: string,
  callId: string,
  owner: SessionLockOwner,
  options: AcquireOptions = {},
): Promise<SessionLockResult> {
  const path = sessionLockPath(dataDir, callId);
  let tookOverFrom: SessionLockHolder | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const holder: SessionLockHolder = {
      host: owner.host,
      pid: owner.pid,
      agent: owner.agent,
      since: (options.now?.() ?? new Date()).toISOString(),
      token: randomToken(),
    };
    await ensurePrivateDir(dirname(path));
    if (await createLockFile(path, `${JSON.stringify(holder)}\n`)) {
      const release = () => releaseLock(path, holder.token);
      const result: SessionLockResult = { acquired: true, path, holder, release };
      if (tookOverFrom) result.tookOverFrom = tookOverFrom;
      return result;
    }
    const snapshot = await readLock(path);
    if (!snapshot) continue; // released meanwhile
    const current = holderOf(snapshot);
    if (!current) {
      // Not a lock we can read: written in the breath it was created, so its writer is gone.
      if (Date.now() - snapshot.mtimeMs > LOCK_WRITE_GRACE_MS) await breakLock(path, (again) => again?.mtimeMs === snapshot.mtimeMs && !holderOf(again));
      else await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    const sameHost = current.host === owner.host;
    const dead = sameHost && !processAlive(current.pid);
    const agreed = options.takeOverFrom !== undefined && options.takeOverFrom.token === current.token;
    if (!dead && !agreed) return { acquired: false, path, holder: current, sameHost };
    if (await breakLock(path, (again) => holderOf(again)?.token === current.token)) tookOverFrom = current;
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

/** Who holds the call open, if anyone (a holder whose process ended still shows here). */
export async function readSessionLock(dataDir: string, callId: string): Promise<SessionLockHolder | undefined> {
  const snapshot = await readLock(sessionLockPath(dataDir, callId));
  return snapshot ? holderOf(snapshot) : undefined;
}

/** True when the holder is still working: another computer, or a live process on this one. */
export function sessionLockIsLive(holder: SessionLockHolder, thisHost: string): boolean {
  return holder.host !== thisHost || processAlive(holder.pid);
}

function holderOf(snapshot: LockSnapshot | undefined): SessionLockHolder | undefined {
  const info = snapshot?.info as Partial<SessionLockHolder> | undefined;
  if (!info || typeof info.host !== 'string' || typeof info.pid !== 'number' || typeof info.token !== 'string') return undefined;
  return {
    host: info.host,
    pid: info.pid,
    agent: typeof info.agent === 'string' ? info.agent : 'unknown agent',
    since: typeof info.since === 'string' ? info.since : 'unknown time',
    token: info.token,
  };
}
