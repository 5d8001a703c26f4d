import { promises } from 'node:fs';

/**
 * The promise-based file functions the program uses, loaded on first use: importing
 * node:fs/promises costs ~1.3 ms of every start, and most commands never wait on a file
 * (their reads are synchronous). `fs.promises` loads it when first asked.
 */
type FsPromises = typeof promises;
function onFirstUse<Name extends keyof FsPromises>(name: Name): FsPromises[Name] {
  return ((...args: unknown[]) => (promises[name] as (...args: unknown[]) => unknown)(...args)) as FsPromises[Name];
}

export const chmod = onFirstUse('chmod');
export const lstat = onFirstUse('lstat');
export const mkdir = onFirstUse('mkdir');
export const mkdtemp = onFirstUse('mkdtemp');
export const open = onFirstUse('open');
export const readdir = onFirstUse('readdir');
export const readFile = onFirstUse('readFile');
export const rm = onFirstUse('rm');
export const stat = onFirstUse('stat');
export const unlink = onFirstUse('unlink');
export const writeFile = onFirstUse('writeFile');
