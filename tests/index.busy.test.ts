import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { asIndexDamaged, IndexDamagedError, indexPathFor } from '../src/store/index/callIndex.js';
import { OperationError } from '../src/errors.js';
import { closeCallIndex, withCallIndex } from '../src/store/index/indexAccess.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext, saveCall } from './helpers.js';

describe('the index held by another process', () => {
  it("SQLite's busy error is one line for the agent, not an internal error; damage is still damage", () => {
    const busy = asIndexDamaged(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    expect(busy).toBeInstanceOf(OperationError);
    expect((busy as Error).message).toBe('the index of calls is busy: another csr-call kept it locked too long (SQLITE_BUSY); your files are unchanged, try again');
    expect(asIndexDamaged(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }))).toBeInstanceOf(IndexDamagedError);
    const other = new Error('something else');
    expect(asIndexDamaged(other)).toBe(other);
  });

  it('a new index made by several processes at once: each of them opens it, in WAL mode', async () => {
    const { dataDir } = testContext();
    await saveCall(dataDir, makeCall());
    await closeCallIndex(dataDir);
    const { rmSync } = await import('node:fs');
    const path = indexPathFor(dataDir);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    // Processes that each open the index of dataDir (made by whichever gets there first).
    const script = `
      const { withCallIndex } = await import(${JSON.stringify(new URL('../src/store/index/indexAccess.ts', import.meta.url).href)});
      await withCallIndex(process.argv[1], {}, (index) => index.sql('SELECT count(*) AS n FROM calls').get());
    `;
    const runs = Array.from({ length: 6 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir], { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return once(child, 'exit').then(([code]) => ({ code: code as number, stderr }));
    });
    for (const run of await Promise.all(runs)) expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(await withCallIndex(dataDir, {}, (index) => index.sql('PRAGMA journal_mode').get()?.journal_mode)).toBe('wal');
  });
});
