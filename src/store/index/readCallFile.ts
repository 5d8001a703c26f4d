/**
 * Reading one call file for the index: its stamp and text from one open file, checked,
 * and turned into the index's rows. Used in the command's own thread and, for a build of
 * thousands of files, in worker threads (indexWorker.ts), so it holds no state.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CallRecord } from '../../domain/callRecord.js';
import { indexCall, type IndexedCall } from './indexRows.js';
import { misnamedCall } from '../callFiles.js';

/** A call file, named by its id and week folder (no full path: a build lists 100,000s). */
export interface FileToRead {
  id: string;
  /** The week folder, relative to `calls/`, with `/` between its parts. */
  dir: string;
}

/** What reading call files for the index needs, made once per build. */
export interface ReadContext {
  /** The store's `calls` folder. */
  callsRoot: string;
  parse: ParseCall;
  timeZone: string;
  dayOf: (ms: number) => number;
}

export interface FileStamp {
  size: number;
  mtime: number;
  ino: number;
}

export type ParseCall = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

/** `othersCanRead`: the file's mode lets other users read it (it is to be made private). */
export type ReadOutcome =
  | { id: string; dir: string; stamp: FileStamp; indexed: IndexedCall; othersCanRead?: true }
  | { id: string; dir: string; stamp: FileStamp; problem: string; othersCanRead?: true }
  | { id: string; dir: string; gone: true };

/** The bytes of the file being read, grown as needed: one buffer, not one per file (a build reads 100,000s). */
let buffer = Buffer.alloc(0);

export function readCallFile(file: FileToRead, context: ReadContext): ReadOutcome {
  const { id, dir } = file;
  let fd: number;
  try {
    fd = openSync(`${context.callsRoot}/${dir}/${id}.json`, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { id, dir, gone: true };
    throw error;
  }
  let stamp: FileStamp;
  let text: string;
  let othersCanRead: true | undefined;
  try {
    // The stamp and the text of the same open file: a replacement meanwhile is seen next time.
    const stats = fstatSync(fd);
    // Not a call file (a folder named like one): as if absent.
    if (!stats.isFile()) return { id, dir, gone: true };
    if ((stats.mode & 0o077) !== 0) othersCanRead = true;
    stamp = { size: stats.size, mtime: stats.mtimeMs, ino: stats.ino };
    if (stats.size > buffer.length) buffer = Buffer.allocUnsafe(Math.max(stats.size, buffer.length * 2, 64 * 1024));
    const bytes = buffer;
    let read = 0;
    while (read < stats.size) {
      const n = readSync(fd, bytes, read, stats.size - read, read);
      if (n === 0) break;
      read += n;
    }
    text = bytes.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
  const result = context.parse(text);
  const problem = result.ok ? misnamedCall(result.record.id, id) : result.problem;
  const outcome: ReadOutcome = problem !== undefined ? { id, dir, stamp, problem } : { id, dir, stamp, indexed: indexCall((result as { record: CallRecord }).record, context.timeZone, context.dayOf) };
  if (othersCanRead) outcome.othersCanRead = true;
  return outcome;
}
