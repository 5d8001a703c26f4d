import { open, unlink } from '../asyncFs.js';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { openSync, writeSync, fsync, fstatSync, closeSync, renameSync, unlinkSync, lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, basename, join, resolve } from 'node:path';
import { BASE36 } from '../domain/ids.js';

/** Temporary files are named `.<target>.<random>.tmp`: never matched as a call (`*.json`). */
export const TEMP_SUFFIX = '.tmp';
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

/**
 * `.<target>.<8 random characters>.tmp` beside the target. The name needs to be unique,
 * not secret: it is created exclusively ('wx') in a private folder. So Math.random (V8
 * seeds it afresh in every process) rather than node:crypto, which takes ~4 ms to load,
 * a cost `followups` would pay just to save its cache.
 */
export function tempPathFor(target: string): string {
  let random = '';
  for (let i = 0; i < 8; i++) random += BASE36[Math.floor(Math.random() * 36)];
  return join(dirname(target), `.${basename(target)}.${random}${TEMP_SUFFIX}`);
}

/**
 * Writes a whole file or nothing: a uniquely named temporary file in the same directory
 * (created exclusively, mode 0600), flushed to disk, renamed over the target, then the
 * directory flushed so the rename itself survives a power cut. A reader sees either the
 * old or the new file, never a mix. On failure (disk full...) the old file is untouched
 * and the temporary file removed.
 *
 * `durable: false` skips both flushes, for files that may be lost in a power cut because
 * they can be rebuilt: still whole-or-nothing for every reader.
 *
 * Returns the written file's stats, taken from the file itself before it was put in place
 * (a rename keeps size, inode and modification time): what the index records it at.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  { durable = true }: { durable?: boolean } = {},
): Promise<Stats> {
  // Open, write, close and rename are quick system calls, made directly: each trip through
  // the thread pool costs ~0.1 ms, and an autosave would make eight. Only the flushes,
  // which wait on the disk, are awaited, so typing stays responsive while they run.
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'wx', 0o600);
  let stats: Stats;
  try {
    try {
      writeAllSync(fd, data);
      if (durable) await fsyncAsync(fd);
      stats = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    await renameReplacing(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw error;
  }
  if (durable) await syncDirectory(dirname(target));
  return stats;
}

const fsyncAsync = promisify(fsync);

/** Waits before each retry of a rename another program blocked: about 1.5 s in all. */
export const RENAME_RETRY_DELAYS_MS = [10, 20, 40, 80, 150, 300, 400, 500];

/**
 * Puts the temporary file in place. On Windows a rename over a file that another program
 * holds open without sharing delete (an antivirus scanner, a backup or sync tool, the
 * search indexer) fails with EPERM, EACCES or EBUSY for a moment: tried again briefly
 * (as npm's write-file-atomic and graceful-fs do) before the failure is reported. The
 * first try is a direct system call, as before; elsewhere those errors are real and
 * reported at once.
 */
export async function renameReplacing(temp: string, target: string, platform: NodeJS.Platform = process.platform, rename: (from: string, to: string) => void = renameSync): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rename(temp, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const busy = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (platform !== 'win32' || !busy || attempt >= RENAME_RETRY_DELAYS_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, RENAME_RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** write(2) may take less than it was given: keep going until all of it is written. */
function writeAllSync(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

async function syncDirectory(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncAsync(fd);
  } catch {
    // Windows and some network file systems refuse to fsync a directory; the rename is
    // still atomic there, only its durability across a power cut is weaker.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file being written in one piece (`createAtomicWriteStream`): commit it or abort it. */
export interface AtomicWriteStream {
  /** Write here (ending it is optional: `commit()` ends it). */
  stream: Writable;
  /** Flush, fsync, rename over the target, fsync the directory. */
  commit(): Promise<void>;
  /** Drop everything written: the temporary file is removed and the target left as it was. */
  abort(): Promise<void>;
}

/**
 * `writeFileAtomic` for output too big to hold in memory (an export of 100k calls): the
 * data streams into a temporary file (created exclusively, mode 0600) in the target's
 * directory, and only `commit()` puts it in place.
 */
export async function createAtomicWriteStream(given: string): Promise<AtomicWriteStream> {
  // Absolute now: the rename comes many awaits later, and a relative path (`--out
  // report.csv`) must not depend on the working directory then.
  const target = resolve(given);
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o600);
  return streamOnHandle(
    handle,
    async (stream) => {
      await handle.sync();
      stream.destroy(); // releases its hold on the handle, or close() would wait forever
      await handle.close();
      await renameReplacing(temp, target);
      await syncDirectory(dirname(target));
    },
    async () => {
      await unlink(temp).catch(() => {});
    },
  );
}

/**
 * A stream into `handle`, ended once: `commit()` waits for the last write, then runs
 * `finish`; `abort()`, or a failure of either, closes the handle and runs `discard`.
 */
function streamOnHandle(
  handle: Awaited<ReturnType<typeof open>>,
  finish: (stream: Writable) => Promise<void>,
  discard: () => Promise<void>,
): AtomicWriteStream {
  // autoClose off: the handle must stay open after the last write (for the fsync).
  const stream = handle.createWriteStream({ autoClose: false });
  let settled = false;
  const drop = async () => {
    stream.destroy();
    await handle.close().catch(() => {});
    await discard();
  };
  return {
    stream,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        if (!stream.writableEnded) stream.end();
        await finished(stream);
        await finish(stream);
      } catch (error) {
        await drop();
        throw error;
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await drop();
    },
  };
}

/**
 * The output file a user named (`export --out`), ready to be written. A new or regular file
 * is replaced atomically (`createAtomicWriteStream`). A symbolic link is followed, so the
 * file it points to is replaced and the link stays. A FIFO or a device (`/dev/stdout`, a
 * pipe made with mkfifo) is written to directly: renaming over it would put a file in its
 * place, and there is nothing to keep whole. A folder is refused (code EISDIR).
 */
export async function createOutputStream(given: string): Promise<AtomicWriteStream> {
  const target = followLinks(resolve(given));
  const stats = statSync(target, { throwIfNoEntry: false });
  if (stats?.isDirectory()) throw Object.assign(new Error(`${given} is a folder`), { code: 'EISDIR' });
  if (stats === undefined || stats.isFile()) return createAtomicWriteStream(target);
  // Nothing to keep whole: the end of the writing is the end.
  const handle = await open(target, 'w');
  return streamOnHandle(
    handle,
    async (stream) => {
      stream.destroy();
      await handle.close();
    },
    async () => {},
  );
}

/** The path a chain of symbolic links ends at, existing or not (the last link may point at a file to be made). */
function followLinks(path: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const stats = lstatSync(current, { throwIfNoEntry: false });
    if (!stats?.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error(`${path}: too many links`), { code: 'ELOOP' });
}
