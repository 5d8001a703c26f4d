import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync, existsSync, chmodSync, statSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../src/commands/doctor.js';
import { UserError } from '../src/errors.js';
import { serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { breakLock, readLock } from '../src/store/fileLock.js';
import { sessionLockPath } from '../src/store/sessionLock.js';
import { checkStore, fixStore } from '../src/store/storeCheck.js';
import { makeCall } from './fixtures/makeCall.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { listCommand } from '../src/commands/list.js';
import { tempDir, testContext, saveCall } from './helpers.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

const minutesAgo = (path: string, minutes: number) => {
  const at = new Date(Date.now() - minutes * 60_000);
  utimesSync(path, at, at);
};

/** A store with one of each problem doctor knows, and two healthy calls. */
async function troubledStore() {
  const dataDir = join(tempDir(), 'data');
  const good = await saveCall(dataDir, makeCall({ startedAt: '2026-11-20T09:00:00.000Z' }));
  const other = await saveCall(dataDir, makeCall({ startedAt: '2026-11-21T09:00:00.000Z' }));
  const week = dirname(callPath(dataDir, good.id));
  const p = {
    damaged: join(week, '20261120-090000-aaaaaa.json'),
    newer: join(week, '20261120-090000-bbbbbb.json'),
    misnamed: join(week, '20261120-090000-cccccc.json'),
    misplaced: join(dataDir, 'calls', '2026', '10', '15-21', `${other.id}.json`),
    oldTemp: join(week, `.${good.id}.json.abcd1234.tmp`),
    freshTemp: join(week, `.${good.id}.json.efgh5678.tmp`),
    staleLock: `${callPath(dataDir, good.id)}.lock`,
    deadSession: sessionLockPath(dataDir, other.id),
    liveLock: join(week, '20261120-090000-bbbbbb.json.lock'),
    foreign: join(week, 'notes.txt'),
  };
  writeFileSync(p.damaged, serializeCall(good).slice(0, 300), { mode: 0o600 });
  writeFileSync(p.newer, JSON.stringify({ ...good, schemaVersion: 9 }), { mode: 0o600 });
  writeFileSync(p.misnamed, serializeCall(good), { mode: 0o600 });
  mkdirSync(dirname(p.misplaced), { mode: 0o700, recursive: true });
  writeFileSync(p.misplaced, serializeCall(other), { mode: 0o600 });
  writeFileSync(p.oldTemp, '{"half":', { mode: 0o600 });
  minutesAgo(p.oldTemp, 5);
  writeFileSync(p.freshTemp, '{"half":', { mode: 0o600 });
  const pid = await deadPid();
  writeFileSync(p.staleLock, JSON.stringify({ host: hostname(), pid, who: 'x', at: new Date().toISOString() }), { mode: 0o600 });
  writeFileSync(p.deadSession, JSON.stringify({ host: hostname(), pid, agent: 'bob', since: new Date().toISOString(), token: 't' }), { mode: 0o600 });
  writeFileSync(p.liveLock, JSON.stringify({ host: hostname(), pid: process.pid, who: 'me', at: new Date().toISOString() }), { mode: 0o600 });
  writeFileSync(p.foreign, 'call Ann back', { mode: 0o600 });
  return { dataDir, good, other, p };
}

describe('checkStore', () => {
  it('finds each kind of problem, with the first problem of a damaged file', async () => {
    const { dataDir, p } = await troubledStore();
    const report = await checkStore(dataDir);
    const found = Object.fromEntries(report.problems.map((x) => [x.path, x]));
    expect(found[p.damaged]).toMatchObject({ kind: 'damaged', problem: expect.stringMatching(/^not valid JSON/) });
    expect(found[p.damaged]!.fix).toMatch(/never deletes a call/);
    expect(found[p.newer]).toMatchObject({ kind: 'newer-schema', problem: expect.stringMatching(/^written by a newer csr-call/) });
    expect(found[p.misnamed]).toMatchObject({ kind: 'misplaced', problem: expect.stringMatching(/under the name/) });
    expect(found[p.misplaced]).toMatchObject({ kind: 'misplaced', problem: expect.stringMatching(/wrong folder \(its id says calls\/2026\/11\/15-21\)/) });
    expect(found[p.oldTemp]).toMatchObject({ kind: 'temp-file', autoFix: { action: 'remove' } });
    expect(found[p.freshTemp]).toMatchObject({ kind: 'temp-file', fix: expect.stringMatching(/may be a save in progress/) });
    expect(found[p.freshTemp]!.autoFix).toBeUndefined();
    expect(found[p.staleLock]).toMatchObject({ kind: 'stale-lock', autoFix: { action: 'remove' } });
    expect(found[p.deadSession]).toMatchObject({ kind: 'stale-lock', problem: expect.stringMatching(/resume lock left by bob/) });
    expect(found[p.foreign]).toMatchObject({ kind: 'foreign' });
    expect(found[p.liveLock]).toBeUndefined(); // a live update in progress is not a problem
    expect(report.problems).toHaveLength(9);
    expect(report.calls).toBe(4); // good, other, misnamed and misplaced all validate
    for (const problem of report.problems) {
      expect(problem.problem).not.toMatch(/\n/);
      expect(problem.fix).not.toMatch(/\n/);
    }
  });

  it('a missing store is no problem', async () => {
    expect(await checkStore(join(tempDir(), 'nothing'))).toMatchObject({ exists: false, calls: 0, problems: [] });
  });

  it('reports a resume lock from another computer only when it is over a day old, and never removes it', async () => {
    const dataDir = join(tempDir(), 'data');
    const call = await saveCall(dataDir, makeCall());
    const lock = sessionLockPath(dataDir, call.id);
    writeFileSync(lock, JSON.stringify({ host: 'desk-42', pid: 1, agent: 'carol', since: '2026-11-01T09:00:00Z', token: 't' }), { mode: 0o600 });
    expect((await checkStore(dataDir)).problems).toEqual([]);
    minutesAgo(lock, 60 * 25);
    const [problem] = (await checkStore(dataDir)).problems;
    expect(problem).toMatchObject({ kind: 'held-lock', problem: expect.stringMatching(/carol \(pid 1 on desk-42/) });
    expect(problem!.autoFix).toBeUndefined();
    await fixStore(dataDir);
    expect(existsSync(lock)).toBe(true);
  });
});

describe('fixStore', () => {
  it('removes old temp files and stale locks, never a call file', async () => {
    const { dataDir, p } = await troubledStore();
    const callFiles = (dir: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (entry.isFile() && entry.name.endsWith('.json')) out[join(entry.parentPath, entry.name)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      }
      return out;
    };
    const before = callFiles(dataDir);
    const result = await fixStore(dataDir);
    expect(result.fixed.map((x) => x.path).sort()).toEqual([p.oldTemp, p.staleLock, p.deadSession].sort());
    expect(existsSync(p.oldTemp) || existsSync(p.staleLock) || existsSync(p.deadSession)).toBe(false);
    expect(existsSync(p.freshTemp)).toBe(true);
    expect(existsSync(p.liveLock)).toBe(true);
    expect(callFiles(dataDir)).toEqual(before);
    expect(result.after.problems.map((x) => x.kind).sort()).toEqual(['damaged', 'foreign', 'misplaced', 'misplaced', 'newer-schema', 'temp-file']);
  });

  it('removes a stale lock whose breaker died holding the break guard', async () => {
    const dataDir = join(tempDir(), 'data');
    const call = await saveCall(dataDir, makeCall({ startedAt: '2026-11-20T09:00:00.000Z' }));
    const lock = `${callPath(dataDir, call.id)}.lock`;
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: await deadPid(), who: 'x', at: new Date().toISOString() }), { mode: 0o600 });
    // The process that was breaking it was killed a moment ago: its guard is still young.
    writeFileSync(`${lock}.break`, '', { mode: 0o600 });
    const fixed = await fixStore(dataDir, { now: Date.now() + 2 * 60_000 });
    expect(fixed.after.problems).toEqual([]);
    expect(existsSync(lock)).toBe(false);
  });

  it('does not remove a lock that was taken over since the check', async () => {
    const dir = tempDir();
    const lock = join(dir, 'x.json.lock');
    const pid = await deadPid();
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid }));
    // Two waiters judged it stale; the first breaks it and takes a fresh one...
    expect(await breakLock(lock, (s) => s?.info?.pid === pid)).toBe(true);
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: process.pid, token: 'fresh' }), { flag: 'wx' });
    // ...the second judges again under the guard and leaves the fresh lock alone.
    expect(await breakLock(lock, (s) => s?.info?.pid === pid)).toBe(false);
    expect((await readLock(lock))?.info?.token).toBe('fresh');
  });
});

describe('doctor command', () => {
  it('says the store is healthy in one line', async () => {
    const ctx = testContext();
    await saveCall(ctx.dataDir, makeCall());
    await saveCall(ctx.dataDir, makeCall());
    await doctorCommand({}, ctx);
    expect(ctx.out()).toBe(`✓ store is healthy (2 calls) in ${ctx.dataDir}\n`);
  });

  it('lists each problem with its fix, exits 1, and --fix repairs what it can', async () => {
    const { dataDir, p } = await troubledStore();
    const ctx = testContext({ dataDir });
    const error = await doctorCommand({}, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(1);
    const out = ctx.out();
    expect(out).toContain(`✗ calls/2026/11/15-21/20261120-090000-aaaaaa.json: not valid JSON`);
    expect(out).toMatch(/9 problems in .* \(4 readable calls\); 3 can be repaired with csr-call doctor --fix/);

    const fixCtx = testContext({ dataDir });
    await expect(doctorCommand({ fix: true }, fixCtx)).rejects.toThrow(/6 problems listed above/);
    const fixed = fixCtx.out();
    expect(fixed).toContain(`fixed  ${p.oldTemp.slice(dataDir.length + 1)}: removed stray temporary file`);
    expect(fixed).toContain('removed stale lock');
    expect(fixed).not.toMatch(/can be repaired/);
  });

  it('a store found readable by other users is made private at once, and says so', async () => {
    const ctx = testContext();
    const call = await saveCall(ctx.dataDir, makeCall());
    chmodSync(ctx.dataDir, 0o755);
    chmodSync(join(ctx.dataDir, 'calls'), 0o755);
    chmodSync(callPath(ctx.dataDir, call.id), 0o644);
    await doctorCommand({}, ctx);
    expect(ctx.out()).toBe(`✓ store is healthy (1 call) in ${ctx.dataDir}\n`);
    expect(ctx.err()).toContain(`${ctx.dataDir} was readable by other users: made private (mode 0700)`);
    expect(statSync(ctx.dataDir).mode & 0o777).toBe(0o700);
    expect(ctx.err()).toMatch(/calls was readable by other users: made private \(mode 0700\)/);
    expect(ctx.err()).toMatch(/\.json was readable by other users: made private \(mode 0600\)/);
  });

  it('a store that does not exist yet is fine', async () => {
    const ctx = testContext();
    await doctorCommand({}, ctx);
    expect(ctx.out()).toMatch(/^no store yet at .* \(0 calls\)/);
  });

  it('never prints a file name raw to the terminal', async () => {
    const ctx = testContext();
    await saveCall(ctx.dataDir, makeCall());
    writeFileSync(join(ctx.dataDir, 'calls', 'evil\u001b[2J.json'), 'x');
    await expect(doctorCommand({}, ctx)).rejects.toThrow(UserError);
    expect(ctx.out()).not.toContain('\u001b');
  });
});

describe('doctor through a symbolic link', () => {
  it('checks a data directory reached through a link like any other, and the lists share one index with the real path', async () => {
    const real = join(tempDir(), 'data');
    const call = await saveCall(real, makeCall());
    const link = join(tempDir(), 'linked-data');
    symlinkSync(real, link);
    const ctx = testContext({ dataDir: link });
    await doctorCommand({}, ctx);
    expect(ctx.out()).toBe(`✓ store is healthy (1 call) in ${link}\n`);
    expect(indexPathFor(link)).toBe(indexPathFor(real));
    const list = testContext({ dataDir: link });
    await listCommand({ json: true }, list);
    expect((JSON.parse(list.out()) as { calls: Array<{ id: string }> }).calls.map((c) => c.id)).toEqual([call.id]);
  });
});
