import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCall } from './fixtures/makeCall.js';
import { runInPty, saveCall, tempDir } from './helpers.js';

/**
 * Long output on a terminal goes through the pager (src/render/pager.ts), run by the real
 * CLI in a pseudo-terminal of 40 rows: a list of 60 calls does not fit, one of 3 does.
 */
describe('the pager', () => {
  const storeOf = async (calls: number) => {
    const dataDir = join(tempDir('csr-pager-'), 'data');
    for (let i = 0; i < calls; i++) {
      await saveCall(dataDir, makeCall({ startedAt: new Date(Date.UTC(2026, 10, 1 + (i % 28), 9, i)).toISOString(), customer: { name: `Pager Customer ${i}` } }));
    }
    return dataDir;
  };

  it('takes a list longer than the screen, and only such a list; --no-pager and a pager that is not there print it', async () => {
    const dir = tempDir('csr-pager-out-');
    const paged = join(dir, 'paged.txt');
    const long = await storeOf(60);
    const env = { PAGER: `cat > ${paged}` };
    const viaPager = runInPty(['list', '--data-dir', long], [], env);
    expect(viaPager.exitCode).toBe(0);
    const text = readFileSync(paged, 'utf8');
    expect(text).toMatch(/Pager Customer 59/);
    expect(text).toMatch(/60 calls\n$/);
    expect(viaPager.transcript).not.toMatch(/Pager Customer/);

    const short = await storeOf(3);
    const fits = runInPty(['list', '--data-dir', short], [], { PAGER: `cat > ${join(dir, 'not-used.txt')}` });
    expect(fits.transcript).toMatch(/Pager Customer 2/);
    expect(existsSync(join(dir, 'not-used.txt'))).toBe(false);

    const off = runInPty(['list', '--data-dir', long, '--no-pager'], [], env);
    expect(off.transcript).toMatch(/Pager Customer 59/);

    const missing = runInPty(['list', '--data-dir', long], [], { PAGER: 'no-such-pager-here' });
    expect(missing.exitCode).toBe(0);
    expect(missing.transcript).toMatch(/the pager "no-such-pager-here" was not found/);
    expect(missing.transcript).toMatch(/Pager Customer 59/);
  });
});
