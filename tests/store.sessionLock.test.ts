import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireSessionLock, readSessionLock, sessionLockPath } from '../src/store/sessionLock.js';
import { makeCall } from './fixtures/makeCall.js';
import { tempDir, saveCall } from './helpers.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

async function storeWithCall() {
  const dataDir = join(tempDir(), 'data');
  const call = await saveCall(dataDir, makeCall());
  return { dataDir, id: call.id };
}

const me = { host: hostname(), pid: process.pid, agent: 'ann' };

describe('acquireSessionLock', () => {
  it('takes a free lock, writes who holds it, and releases it', async () => {
    const { dataDir, id } = await storeWithCall();
    const now = () => new Date('2026-11-23T14:00:00Z');
    const lock = await acquireSessionLock(dataDir, id, me, { now });
    expect(lock.acquired).toBe(true);
    if (!lock.acquired) return;
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ ...me, since: '2026-11-23T14:00:00.000Z' });
    expect(await readSessionLock(dataDir, id)).toMatchObject({ agent: 'ann', host: hostname() });
    await lock.release();
    await lock.release(); // twice is fine
    expect(existsSync(lock.path)).toBe(false);
    // No temporary file left beside the call.
    expect(readdirSync(dirname(lock.path))).toEqual([`${id}.json`]);
  });

  it('refuses while another live process on this computer holds it', async () => {
    const { dataDir, id } = await storeWithCall();
    const first = await acquireSessionLock(dataDir, id, me);
    const second = await acquireSessionLock(dataDir, id, { ...me, agent: 'bob' });
    expect(second).toMatchObject({ acquired: false, sameHost: true, holder: { agent: 'ann', pid: process.pid } });
    if (first.acquired) await first.release();
  });

  it('takes over silently from a process on this computer that has ended', async () => {
    const { dataDir, id } = await storeWithCall();
    const pid = await deadPid();
    const old = { host: hostname(), pid, agent: 'bob', since: '2026-11-23T09:00:00.000Z', token: 'old' };
    writeFileSync(sessionLockPath(dataDir, id), JSON.stringify(old));
    const lock = await acquireSessionLock(dataDir, id, me);
    expect(lock).toMatchObject({ acquired: true, tookOverFrom: old });
  });

  it('never breaks a lock from another computer by itself: returns the holder; breaks it only when told that same holder', async () => {
    const { dataDir, id } = await storeWithCall();
    const theirs = { host: 'desk-42', pid: 1234, agent: 'carol', since: '2026-11-23T09:00:00.000Z', token: 'carol-1' };
    writeFileSync(sessionLockPath(dataDir, id), JSON.stringify(theirs));

    const refused = await acquireSessionLock(dataDir, id, me);
    expect(refused).toEqual({ acquired: false, path: sessionLockPath(dataDir, id), holder: theirs, sameHost: false });

    // The agent agreed to take over from carol, but meanwhile carol re-took it: not broken.
    const retaken = { ...theirs, since: '2026-11-23T13:59:00.000Z', token: 'carol-2' };
    writeFileSync(sessionLockPath(dataDir, id), JSON.stringify(retaken));
    expect(await acquireSessionLock(dataDir, id, me, { takeOverFrom: theirs })).toMatchObject({ acquired: false, holder: retaken });

    const taken = await acquireSessionLock(dataDir, id, me, { takeOverFrom: retaken });
    expect(taken).toMatchObject({ acquired: true, tookOverFrom: retaken, holder: { agent: 'ann' } });
  });

  it('only one of many concurrent takers wins', async () => {
    const { dataDir, id } = await storeWithCall();
    const pid = await deadPid();
    writeFileSync(sessionLockPath(dataDir, id), JSON.stringify({ host: hostname(), pid, agent: 'x', since: 'then', token: 'dead' }));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireSessionLock(dataDir, id, { ...me, agent: `a${i}` })));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = results.find((r) => r.acquired)!;
    for (const r of results.filter((x) => !x.acquired)) expect(r).toMatchObject({ holder: { agent: winner.holder.agent } });
  });
});
