/**
 * Reading one call file for the index: its stamp and text from one open file, checked,
 * and turned into the index's rows. Used in the command's own thread and, for a build of
 * thousands of files, in worker threads (indexWorker.ts), so it holds no state.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CallRecord } from '../../domain/callRecord.js';
import { indexCall, type IndexedCall } from './indexRows.js';

export interface FileToRead {
  id: string;
  /** The week folder, relative to `calls/`. */
  dir: string;
  path: string;
}

export interface FileStamp {
  size: number;
  mtime: number;
  ino: number;
}

export type ParseCall = (text: string) => { ok: true; record: CallRecord } | { ok: false; problem: string };

export type ReadOutcome =
  | { id: string; dir: string; stamp: FileStamp; indexed: IndexedCall }
  | { id: string; dir: string; stamp: FileStamp; problem: string }
  | { id: string; dir: string; gone: true };

export function readCallFile(file: FileToRead, parse: ParseCall, timeZone: string, dayOf: (ms: number) => number): ReadOutcome {
  const { id, dir } = file;
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { id, dir, gone: true };
    throw error;
  }
  let stamp: FileStamp;
  let text: string;
  try {
    // The stamp and the text of the same open file: a replacement meanwhile is seen next time.
    const stats = fstatSync(fd);
    stamp = { size: stats.size, mtime: stats.mtimeMs, ino: stats.ino };
    const bytes = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    text = bytes.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
  const result = parse(text);
  if (!result.ok) return { id, dir, stamp, problem: result.problem };
  if (result.record.id !== id) return { id, dir, stamp, problem: `holds call ${result.record.id}, not ${id}` };
  return { id, dir, stamp, indexed: indexCall(result.record, timeZone, dayOf) };
}
