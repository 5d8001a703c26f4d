import { open, readFile, unlink, stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * A short-lived lock: an exclusively created file holding who took it and when. Used
 * around read-modify-write of one call so concurrent updates are never lost. A lock left
 * by a dead process on this host, or older than `staleMs`, is taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  who: string,
  work: () => Promise<T>,
  { timeoutMs = 10_000, staleMs = 30_000 } = {},
): Promise<T> {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ host: hostname(), pid: process.pid, who, at: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockPath, staleMs)) {
        await unlink(lockPath).catch(() => {});
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${lockPath} is held by another process; try again in a moment`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => {});
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = JSON.parse(await readFile(lockPath, 'utf8')) as { host?: string; pid?: number };
    if (info.host === hostname() && typeof info.pid === 'number' && !processAlive(info.pid)) return true;
  } catch {
    // Half-written or vanished: judge by age alone.
  }
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
