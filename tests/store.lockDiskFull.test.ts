import * as fsp from '../src/asyncFs.js';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readCall, updateCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { makeCall } from './fixtures/makeCall.js';
import { saveCall, tempDir } from './helpers.js';

/**
 * A lock is created whole or not at all: on a full disk the lock file can be created but
 * not written, and an empty lock left behind used to block the call for half a minute.
 */
// The program's file functions (src/asyncFs.ts: node:fs/promises, loaded on first use).
vi.mock('../src/asyncFs.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/asyncFs.js')>();
  return { ...actual, open: vi.fn(actual.open) };
});
const realOpen = (await vi.importActual<typeof import('../src/asyncFs.js')>('../src/asyncFs.js')).open;

/** The next lock file opened is created, but writing into it fails: the disk is full. */
function diskFullOnNextLock(): void {
  vi.mocked(fsp.open).mockImplementationOnce(async (path, flags, mode) => {
    const handle = await realOpen(path, flags, mode);
    if (!String(path).endsWith('.lock')) return handle;
    return Object.assign(handle, {
      writeFile: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      },
    });
  });
}

afterEach(() => {
  vi.mocked(fsp.open).mockImplementation(realOpen);
});

describe('a lock on a full disk', () => {
  it('fails the note in one line and leaves no lock: the next try goes through at once', async () => {
    const dataDir = tempDir();
    const call = await saveCall(dataDir, makeCall());
    diskFullOnNextLock();
    await expect(updateCall(dataDir, call.id, (r) => ({ ...r, queries: ['lost?'] }))).rejects.toThrow(/^cannot update call \S+: the disk is full \(ENOSPC/);
    expect(readdirSync(dirname(callPath(dataDir, call.id))).filter((name) => name.includes('.lock'))).toEqual([]);
    const started = Date.now();
    await updateCall(dataDir, call.id, (r) => ({ ...r, queries: ['after freeing space'] }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await readCall(dataDir, call.id)).queries).toEqual(['after freeing space']);
  });
});
