import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { acquireSessionLock } from '../src/store/sessionLock.js';
import { createAtomicWriteStream, writeFileAtomic } from '../src/store/writeFileAtomic.js';
import { checkStore } from '../src/store/storeCheck.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { makeCall } from './fixtures/makeCall.js';
import { BIN, REPO, tempDir, saveCall } from './helpers.js';

/** Data directory 0700 and files 0600 whatever the umask: customers' personal data. */
const mode = (path: string) => statSync(path).mode & 0o777;

function everything(dir: string): { dirs: string[]; files: string[] } {
  const out = { dirs: [dir], files: [] as string[] };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = everything(path);
      out.dirs.push(...inner.dirs);
      out.files.push(...inner.files);
    } else out.files.push(path);
  }
  return out;
}

function expectPrivate(dataDir: string): void {
  const { dirs, files } = everything(dataDir);
  expect(files.length).toBeGreaterThan(0);
  expect(dirs.map((d) => [d, mode(d).toString(8)])).toEqual(dirs.map((d) => [d, '700']));
  expect(files.map((f) => [f, mode(f).toString(8)])).toEqual(files.map((f) => [f, '600']));
}

describe.skipIf(process.platform === 'win32')('permissions under umask 000', () => {
  let previous: number;
  beforeEach(() => {
    previous = process.umask(0);
  });
  afterEach(() => {
    process.umask(previous);
  });

  it('store writes: every directory created 0700, every file 0600', async () => {
    const dataDir = join(tempDir(), 'not', 'there', 'yet');
    const saved = await saveCall(dataDir, makeCall());
    await updateCall(dataDir, saved.id, (r) => ({ ...r, queries: ['why twice?'] }));
    const lock = await acquireSessionLock(dataDir, saved.id, { host: hostname(), pid: process.pid, agent: 'ann' });
    expect(lock.acquired).toBe(true);
    await writeFileAtomic(join(dataDir, 'cache-like.json'), '{}');
    const stream = await createAtomicWriteStream(join(dataDir, 'export.csv'));
    stream.stream.write('a,b\n');
    await stream.commit();
    expect(mode(callPath(dataDir, saved.id))).toBe(0o600);
    expectPrivate(dataDir);
    // The directories above the data directory that saveCall had to create are private too.
    expect(mode(join(dataDir, '..'))).toBe(0o700);
    if (lock.acquired) await lock.release();
  });

  it('what was made public by hand is made private again the first time csr-call looks, and said so, content untouched', async () => {
    const dataDir = join(tempDir(), 'data');
    const saved = await saveCall(dataDir, makeCall());
    const before = readFileSync(callPath(dataDir, saved.id), 'utf8');
    const { chmodSync } = await import('node:fs');
    chmodSync(callPath(dataDir, saved.id), 0o644);
    chmodSync(join(dataDir, 'calls'), 0o755);
    const warnings: string[] = [];
    const report = await checkStore(dataDir, { warn: (message) => warnings.push(message) });
    expect(report.problems).toEqual([]);
    expect(warnings).toEqual([
      `${join(dataDir, 'calls')} was readable by other users: made private (mode 0700)`,
      `${callPath(dataDir, saved.id)} was readable by other users: made private (mode 0600)`,
    ]);
    expectPrivate(dataDir);
    expect(readFileSync(callPath(dataDir, saved.id), 'utf8')).toBe(before);
  });

  it('doctor still reports a mode nothing else fixes: a folder outside the calls, made public', async () => {
    const dataDir = join(tempDir(), 'data');
    await saveCall(dataDir, makeCall());
    const { chmodSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'cache', 'playbooks'), { recursive: true, mode: 0o755 });
    chmodSync(join(dataDir, 'cache', 'playbooks'), 0o755);
    const report = await checkStore(dataDir);
    expect(report.problems.map((p) => [p.kind, p.path])).toContainEqual(['permissions', join(dataDir, 'cache', 'playbooks')]);
    const { fixStore } = await import('../src/store/storeCheck.js');
    const fixed = await fixStore(dataDir);
    expect(fixed.after.problems).toEqual([]);
    expectPrivate(dataDir);
  });
});

describe.skipIf(process.platform === 'win32')('the real CLI under umask 000', () => {
  it('export --out, the cache the lists build and the store stay private', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    await saveCall(dataDir, makeCall({ followups: [{}] }));
    const out = join(root, 'export.csv');
    const run = (args: string[]) =>
      spawnSync('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, BIN, ...args], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, CSR_CALL_HOME: dataDir, NO_COLOR: '1' },
      });
    for (const args of [['followups', '--all'], ['list'], ['export', '--out', out]]) {
      const result = run(args);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    expect(mode(out)).toBe(0o600);
    // The lists built the index of calls, in the cache folder: private too.
    const index = indexPathFor(dataDir);
    for (const file of [index, `${index}-wal`, `${index}-shm`]) if (existsSync(file)) expect(mode(file), file).toBe(0o600);
    expect(existsSync(index)).toBe(true);
    expect(mode(dirname(index))).toBe(0o700);
    expectPrivate(dataDir);
    const doctor = run(['doctor']);
    expect(doctor.stdout).toMatch(/store is healthy \(1 call\)/);
    expect(doctor.status).toBe(0);
  });
});
