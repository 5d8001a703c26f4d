import { chmodSync, closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callFileWriter, storeEndAt, storeRecords } from '../bench/generateStore.js';
import { callPath } from '../src/store/callFiles.js';
import { runCli, tempDir } from './helpers.js';

/**
 * A build of thousands of files reads them in worker threads, which also add up the day
 * sums `stats` reads: the index they make must be the one this thread makes alone.
 */
// More than callIndex.ts's BULK_FILES, so the files are read in batches: in threads however
// few, since CSR_CALL_INDEX_WORKERS says how many.
const CALLS = 1_100;
const END_AT = storeEndAt(Date.parse('2026-12-05T12:00:00Z'));

describe('an index built by worker threads', () => {
  let dataDir: string;
  let damagedId: string;
  let openId: string;

  beforeAll(() => {
    dataDir = join(tempDir('csr-workers-'), 'data');
    const writer = callFileWriter(dataDir);
    const ids: string[] = [];
    for (const record of storeRecords(CALLS, END_AT)) {
      writer.write(record);
      ids.push(record.id);
    }
    // One damaged file, one left readable by others: seen by the threads that read them.
    damagedId = ids[100]!;
    writeFileSync(callPath(dataDir, damagedId), '{"id": "not finished');
    openId = ids[500]!;
    chmodSync(callPath(dataDir, openId), 0o644);
  });

  const run = (args: string[], workers: string, cache: string) =>
    runCli(args, { env: { CSR_CALL_HOME: dataDir, XDG_CACHE_HOME: cache, CSR_CALL_INDEX_WORKERS: workers } });

  it('agrees with one made in this thread, and doctor finds it sound', () => {
    const threadedCache = tempDir('csr-workers-cache-');
    const threaded = run(['stats', '--all', '--json'], '2', threadedCache);
    const alone = run(['stats', '--all', '--json'], '0', tempDir('csr-workers-cache-'));
    expect(threaded.status).toBe(0);
    expect(JSON.parse(threaded.stdout)).toEqual(JSON.parse(alone.stdout));
    expect(JSON.parse(threaded.stdout).calls.total).toBe(CALLS - 1);
    // doctor checks the day sums against the rows, among the rest; the damaged file is named.
    const doctor = run(['doctor'], '2', threadedCache);
    expect(doctor.stdout).toContain(`${damagedId}.json: not valid JSON`);
    expect(doctor.stdout).toMatch(new RegExp(`^1 problem in .* \\(${(CALLS - 1).toLocaleString('en-US')} readable calls\\)$`, 'm'));
    // The file others could read, seen by a worker thread, was made private, and said so.
    expect(threaded.stderr).toContain(`${openId}.json was readable by other users: made private`);
    expect(statSync(callPath(dataDir, openId)).mode & 0o077).toBe(0);
  });

  it('reads in this thread what a reader thread had no room for', () => {
    // A heap too small for the thread to start with: every batch comes back to this thread.
    const env = { CSR_CALL_HOME: dataDir, XDG_CACHE_HOME: tempDir('csr-workers-cache-'), CSR_CALL_INDEX_WORKERS: '1', CSR_CALL_INDEX_WORKER_HEAP_MB: '4' };
    const starved = runCli(['stats', '--all', '--json'], { env });
    const alone = run(['stats', '--all', '--json'], '0', tempDir('csr-workers-cache-'));
    expect(starved.status).toBe(0);
    expect(JSON.parse(starved.stdout)).toEqual(JSON.parse(alone.stdout));
  });

  it('says why it builds: no index yet, then one made by another version (not "every file changed")', () => {
    const cache = tempDir('csr-workers-cache-');
    expect(run(['followups'], '2', cache).stderr).toMatch(/there was no index of calls yet: building it from 1,100 call files/);
    const folder = join(cache, 'csr-call', 'index');
    const [database] = readdirSync(folder).filter((name) => name.endsWith('.sqlite'));
    // SQLite keeps user_version at byte 60 of the file header.
    const fd = openSync(join(folder, database!), 'r+');
    writeSync(fd, Buffer.from([0, 0, 0, 99]), 0, 4, 60);
    closeSync(fd);
    const again = run(['followups'], '2', cache);
    expect(again.stderr).toMatch(/the index of calls was made by another version of csr-call: building it from 1,100 call files/);
    expect(again.stderr).not.toMatch(/call files changed/);
  });
});
