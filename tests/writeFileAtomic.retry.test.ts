import { describe, expect, it } from 'vitest';
import { renameReplacing, RENAME_RETRY_DELAYS_MS } from '../src/store/writeFileAtomic.js';

const failing = (code: string, times: number) => {
  const calls: string[] = [];
  return {
    calls,
    rename: (from: string, to: string) => {
      calls.push(`${from}->${to}`);
      if (calls.length <= times) throw Object.assign(new Error(code), { code });
    },
  };
};

describe('replacing a file another program holds (Windows)', () => {
  it('is tried again briefly on EPERM, EACCES and EBUSY, then put in place', async () => {
    for (const code of ['EPERM', 'EACCES', 'EBUSY']) {
      const fake = failing(code, 2);
      await renameReplacing('t.tmp', 't.json', 'win32', fake.rename);
      expect(fake.calls).toHaveLength(3);
    }
  });

  it('gives up after about a second and a half, with the error', async () => {
    const fake = failing('EBUSY', 100);
    await expect(renameReplacing('t.tmp', 't.json', 'win32', fake.rename)).rejects.toMatchObject({ code: 'EBUSY' });
    expect(fake.calls).toHaveLength(RENAME_RETRY_DELAYS_MS.length + 1);
    expect(RENAME_RETRY_DELAYS_MS.reduce((a, b) => a + b)).toBeLessThanOrEqual(2000);
  });

  it('elsewhere, and for other errors, fails at once', async () => {
    const linux = failing('EPERM', 1);
    await expect(renameReplacing('t.tmp', 't.json', 'linux', linux.rename)).rejects.toMatchObject({ code: 'EPERM' });
    expect(linux.calls).toHaveLength(1);
    const missing = failing('ENOENT', 1);
    await expect(renameReplacing('t.tmp', 't.json', 'win32', missing.rename)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(missing.calls).toHaveLength(1);
  });
});
