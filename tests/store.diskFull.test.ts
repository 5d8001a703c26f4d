import * as fs from 'node:fs';
import { readdirSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCall, readCall, saveSession, serializeCall, updateCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { OperationError } from '../src/errors.js';
import { makeCall } from './fixtures/makeCall.js';
import { tempDir, saveCall, testContext } from './helpers.js';
import { sessionSaver } from '../src/call/callSession.js';

/**
 * A write that fails half-way (disk full, no permission) leaves the previous file exactly
 * as it was and no temporary file behind, and says so in one line.
 */
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, openSync: vi.fn(actual.openSync), writeSync: vi.fn(actual.writeSync) };
});

const realFs = await vi.importActual<typeof import('node:fs')>('node:fs');

/** The next temporary file opened accepts part of the data, then the disk is "full". */
function diskFullOnNextTempFile(): void {
  const tempFds = new Set<number>();
  vi.mocked(fs.openSync).mockImplementation((path, flags, mode) => {
    const fd = realFs.openSync(path, flags, mode);
    if (String(path).endsWith('.tmp')) tempFds.add(fd);
    return fd;
  });
  vi.mocked(fs.writeSync).mockImplementation(((fd: number, data: Uint8Array, ...rest: never[]) => {
    if (!tempFds.has(fd)) return realFs.writeSync(fd, data, ...rest);
    realFs.writeSync(fd, data.subarray(0, Math.floor(data.length / 2)));
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }) as typeof fs.writeSync);
}

afterEach(() => {
  vi.mocked(fs.openSync).mockImplementation(realFs.openSync);
  vi.mocked(fs.writeSync).mockImplementation(realFs.writeSync);
});

const filesIn = (dir: string) => readdirSync(dir).sort();

describe('disk full', () => {
  it("the live call's save: the previous version stays, byte for byte; no temporary file is left", async () => {
    const dataDir = join(tempDir(), 'data');
    const written = await createCall(dataDir, makeCall());
    const first = written.record;
    const path = callPath(dataDir, first.id);
    const before = readFileSync(path, 'utf8');
    const listing = filesIn(dirname(path));

    diskFullOnNextTempFile();
    const error = await saveSession(dataDir, written, { ...first, queries: ['x'.repeat(100_000)] }, new Date(), 'test-agent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).message).toMatch(/^cannot save call \S+: the disk is full \(ENOSPC\); the file on disk is unchanged\./);
    expect((error as OperationError).message).not.toMatch(/\n/);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');

    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(filesIn(dirname(path))).toEqual(listing);
    expect(await readCall(dataDir, first.id)).toEqual(first);
  });

  it('updateCall: same, and the lock is released for the next try', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await saveCall(dataDir, makeCall());
    const path = callPath(dataDir, first.id);
    const before = readFileSync(path, 'utf8');
    const listing = filesIn(dirname(path));

    diskFullOnNextTempFile();
    await expect(updateCall(dataDir, first.id, (r) => ({ ...r, queries: ['lost?'] }))).rejects.toThrow(/disk is full/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(filesIn(dirname(path))).toEqual(listing);

    vi.mocked(fs.openSync).mockImplementation(realFs.openSync);
    vi.mocked(fs.writeSync).mockImplementation(realFs.writeSync);
    await updateCall(dataDir, first.id, (r) => ({ ...r, queries: ['after freeing space'] }));
    expect((await readCall(dataDir, first.id)).queries).toEqual(['after freeing space']);
  });
});

describe('unwritable or missing data directory', () => {
  it('a missing data directory is created, private', async () => {
    const dataDir = join(tempDir(), 'a', 'b', 'data');
    const saved = await saveCall(dataDir, makeCall());
    expect(readFileSync(callPath(dataDir, saved.id), 'utf8')).toBe(serializeCall(saved));
  });

  it('a data directory that is a file: one line, nothing written', async () => {
    const dataDir = join(tempDir(), 'data');
    writeFileSync(dataDir, 'not a directory');
    const error = await createCall(dataDir, makeCall()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toMatch(/^cannot save call \S+: part of the path (is not a directory|is a file, not a directory) \((ENOTDIR|EEXIST)/);
    expect(readFileSync(dataDir, 'utf8')).toBe('not a directory');
  });

  // Root ignores modes, so this variant only runs as a normal user; the mocked ENOSPC
  // above covers the same path for root.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('a read-only month directory: previous file intact, nothing left behind', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await saveCall(dataDir, makeCall());
    const path = callPath(dataDir, first.id);
    const before = readFileSync(path, 'utf8');
    chmodSync(dirname(path), 0o500);
    try {
      const error = await saveCall(dataDir, { ...first, queries: ['x'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect((error as Error).message).toMatch(/no permission to write \(EACCES/);
      expect(readFileSync(path, 'utf8')).toBe(before);
      expect(filesIn(dirname(path))).toEqual([`${first.id}.json`]);
    } finally {
      chmodSync(dirname(path), 0o700);
    }
  });

  it('a call file that is a directory: one line', async () => {
    const dataDir = join(tempDir(), 'data');
    const record = makeCall();
    mkdirSync(callPath(dataDir, record.id), { recursive: true });
    await expect(createCall(dataDir, record)).rejects.toThrow(/^cannot save call \S+: /);
  });
});

describe('disk full during a live call', () => {
  it('the call goes on: the refused save is held, said by unsaved(), and the next save writes everything since', async () => {
    const ctx = testContext();
    const written = await createCall(ctx.dataDir, makeCall());
    const path = callPath(ctx.dataDir, written.record.id);
    const before = readFileSync(path, 'utf8');
    const saver = sessionSaver(ctx, written, { keepGoing: true });

    diskFullOnNextTempFile();
    const held = await saver.save({ ...written.record, queries: ['which card'] });
    expect(held.queries).toEqual(['which card']);
    expect(saver.unsaved()).toBe('the disk is full (ENOSPC)');
    expect(saver.latest().queries).toEqual(['which card']);
    expect(readFileSync(path, 'utf8')).toBe(before);

    // Room again: the next save carries the answer the disk refused as well.
    vi.mocked(fs.openSync).mockImplementation(realFs.openSync);
    vi.mocked(fs.writeSync).mockImplementation(realFs.writeSync);
    await saver.save({ ...held, queries: ['which card', 'since when'] });
    expect(saver.unsaved()).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).queries).toEqual(['which card', 'since when']);
  });

  it('a call from an answers file (no one to go on with it) still stops at the refused save', async () => {
    const ctx = testContext();
    const written = await createCall(ctx.dataDir, makeCall());
    const saver = sessionSaver(ctx, written);
    diskFullOnNextTempFile();
    await expect(saver.save({ ...written.record, queries: ['x'] })).rejects.toThrow(/the disk is full \(ENOSPC\)/);
  });
});
