import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir, writeFileMakingDir } from './helpers.js';
import { makeCall, type MakeCallOverrides } from './fixtures/makeCall.js';
import { removeCall, saveCall, scanCalls, serializeCall, updateCall } from '../src/store/callStore.js';
import { acquireSessionLock } from '../src/store/sessionLock.js';
import { hostname } from 'node:os';
import { callPath } from '../src/store/callFiles.js';
import { loadCallSummaries, loadCustomerCalls, loadOpenFollowUps, loadUnfinishedCalls, summarizeCall, type CallSummary } from '../src/store/callSummaries.js';
import { earlierCallsOf } from '../src/store/customerHistory.js';
import { checkedCallStamps, summaryCacheDir } from '../src/store/summaryCache.js';
import { checkStore } from '../src/store/storeCheck.js';
import { onCacheRebuild } from '../src/store/rebuildNotice.js';
import type { CallRecord } from '../src/store/callRecord.js';

/**
 * The cache must never change an answer: every test compares what the loaders return
 * with what a plain scan of the call files says, and with the cache deleted.
 */

afterEach(() => {
  vi.useRealTimers();
});

/** The store's truth, straight from the files (the cache's own code is not used). */
async function truth(dataDir: string) {
  const summaries: CallSummary[] = [];
  const damaged: Array<{ path: string; problem: string }> = [];
  for await (const item of scanCalls(dataDir, { newestFirst: true })) {
    if (item.ok) summaries.push(summarizeCall(item.record));
    else damaged.push({ path: item.path, problem: item.problem });
  }
  return { summaries, damaged };
}

async function openTruth(dataDir: string) {
  const { summaries, damaged } = await truth(dataDir);
  return { calls: summaries.filter((s) => s.openFollowups.length > 0), damaged, callCount: summaries.length };
}

async function openLoad(dataDir: string) {
  const { calls, damaged, callCount } = await loadOpenFollowUps(dataDir);
  return { calls, damaged, callCount };
}

/**
 * Writes a call file the way another program would (temp file + rename), bypassing the
 * store code and its journal. Waits a little first: the tests fake a later clock so the
 * cache trusts its stamps at once, which real time only does once a timestamp tick has
 * passed since the cache looked.
 */
async function writeAsAnotherProcess(dataDir: string, record: CallRecord): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 30));
  const path = callPath(dataDir, record.id);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(`${path}.other.tmp`, serializeCall(record));
  renameSync(`${path}.other.tmp`, path);
}

const call = (day: string, n: number, overrides: MakeCallOverrides = {}) =>
  makeCall({
    id: `${day.replaceAll('-', '')}-0900${String(n).padStart(2, '0')}-a${String(n).padStart(5, '0')}`,
    startedAt: `${day}T09:00:${String(n).padStart(2, '0')}.000Z`,
    customer: { name: `Customer ${n}`, phone: `+1 555 010 ${String(1000 + n)}` },
    ...overrides,
  });

/** A small store over three months: some open follow-ups, one damaged file. */
async function smallStore(): Promise<{ dataDir: string; damagedPath: string }> {
  const dataDir = join(tempDir(), 'data');
  for (const [day, n] of [
    ['2026-09-03', 1],
    ['2026-09-10', 2],
    ['2026-10-01', 3],
    ['2026-10-15', 4],
    ['2026-11-02', 5],
    ['2026-11-20', 6],
  ] as const) {
    await saveCall(
      dataDir,
      call(day, n, { followups: n % 2 === 0 ? [{ due: `${day}T15:00:00.000Z` }] : [{ status: 'done', doneAt: `${day}T10:00:00.000Z` }] }),
    );
  }
  const damagedPath = callPath(dataDir, '20261020-120000-zzzzzz');
  writeFileMakingDir(damagedPath, '{"schemaVersion": 1, "id": "20261020-120000-zzzzzz"');
  return { dataDir, damagedPath };
}

/** Makes every stamp in the store look old, as if the cache had been built a while ago. */
function later(ms = 60_000): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ms);
}

describe('summary cache', () => {
  it('gives what a plain scan gives, built, from cache, and after the cache is deleted', async () => {
    const { dataDir } = await smallStore();
    later();
    const expected = await truth(dataDir);
    expect(expected.summaries).toHaveLength(6);
    expect(expected.damaged).toHaveLength(1);

    const built = await loadCallSummaries(dataDir);
    const builtOpen = await openLoad(dataDir);
    expect(readdirSync(summaryCacheDir(dataDir)).sort()).toContain('index.json');
    const cached = await loadCallSummaries(dataDir);
    const cachedOpen = await openLoad(dataDir);
    rmSync(join(dataDir, 'cache'), { recursive: true });
    const rebuilt = await loadCallSummaries(dataDir);
    const rebuiltOpenFirst = await openLoad(dataDir);

    for (const load of [built, cached, rebuilt]) expect(load).toEqual(expected);
    for (const load of [builtOpen, cachedOpen, rebuiltOpenFirst]) expect(load).toEqual(await openTruth(dataDir));
    expect(readdirSync(summaryCacheDir(dataDir)).length).toBeGreaterThan(1); // rebuilt without being asked
  });

  it('gives the calls started in a range, and the damaged files of its months', async () => {
    const { dataDir } = await smallStore();
    const load = await loadCallSummaries(dataDir, { from: new Date('2026-10-05T00:00:00Z'), to: new Date('2026-10-31T00:00:00Z') });
    expect(load.summaries.map((s) => s.id)).toEqual(['20261015-090004-a00004']);
    // By the ids, to the second (call 4 started at 09:00:04): `from` is in, `to` is out.
    const at = (iso: string) => new Date(iso);
    const ids = async (from: string, to: string) => (await loadCallSummaries(dataDir, { from: at(from), to: at(to) })).summaries.map((s) => s.id);
    expect(await ids('2026-10-15T09:00:04.000Z', '2026-10-15T09:00:04.001Z')).toEqual(['20261015-090004-a00004']);
    expect(await ids('2026-10-15T09:00:04.999Z', '2026-10-16T00:00:00.000Z')).toEqual(['20261015-090004-a00004']);
    expect(await ids('2026-10-15T09:00:05.000Z', '2026-10-16T00:00:00.000Z')).toEqual([]);
    expect(await ids('2026-10-01T00:00:00.000Z', '2026-10-15T09:00:04.000Z')).toEqual(['20261001-090003-a00003']);
    expect(load.damaged.map((d) => d.path)).toEqual([callPath(dataDir, '20261020-120000-zzzzzz')]);
  });

  it('sees files added, changed and removed by another process on the next load', async () => {
    const { dataDir } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);

    await writeAsAnotherProcess(dataDir, call('2026-11-21', 7, { followups: [{ due: '2026-11-25T15:00:00.000Z' }] })); // added
    const changed = call('2026-10-15', 4, { followups: [{ status: 'done', doneAt: '2026-10-16T10:00:00.000Z' }] });
    await writeAsAnotherProcess(dataDir, { ...changed, revision: 5 }); // changed: its follow-up is done now
    unlinkSync(callPath(dataDir, '20260910-090002-a00002')); // removed
    rmSync(join(dataDir, 'calls/2026/09'), { recursive: true }); // and a whole month purged
    later(120_000);

    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const open = await loadOpenFollowUps(dataDir);
    expect(open.calls.map((c) => c.id)).toEqual(['20261121-090007-a00007', '20261120-090006-a00006']);
    expect(existsIn(summaryCacheDir(dataDir), '2026-09.json')).toBe(false);
  });

  it('takes another program\'s changes into the morning list without rebuilding the month, after csr-call\'s own', async () => {
    const { dataDir, damagedPath } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);
    const indexOf = () => JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8'));
    const before = indexOf().months['2026-11'];
    const shardBefore = readFileSync(join(summaryCacheDir(dataDir), '2026-11.json'), 'utf8');

    // csr-call adds a call (journalled: the index takes it, the shard on disk lags behind).
    const added = call('2026-11-21', 7, { followups: [{ due: '2026-11-25T15:00:00.000Z' }] });
    await saveCall(dataDir, added);
    later(120_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));

    // Then another program: removes that call, closes call 6's follow-up, adds a call for
    // customer 4 (open follow-up, so counted), writes a damaged file, and mends the old one.
    unlinkSync(callPath(dataDir, added.id));
    await writeAsAnotherProcess(dataDir, { ...call('2026-11-20', 6, { followups: [{ status: 'done', doneAt: '2026-11-21T10:00:00.000Z' }] }), revision: 3 });
    await writeAsAnotherProcess(dataDir, call('2026-11-22', 8, { customer: { name: 'Customer 4', phone: '+1 555 010 1004' } }));
    writeFileMakingDir(callPath(dataDir, '20261122-120000-yyyyyy'), 'not json');
    await writeAsAnotherProcess(dataDir, call('2026-10-20', 9, { id: '20261020-120000-zzzzzz' }));
    expect(damagedPath).toBe(callPath(dataDir, '20261020-120000-zzzzzz'));
    later(240_000);

    const open = await loadOpenFollowUps(dataDir);
    expect({ calls: open.calls, damaged: open.damaged, callCount: open.callCount }).toEqual(await openTruth(dataDir));
    expect(open.calls.map((c) => c.id)).toEqual(['20261015-090004-a00004', '20260910-090002-a00002']);
    expect(open.callsPerCustomer.get('p:5550101004')).toBe(2);
    expect(open.damaged.map((d) => d.path)).toEqual([callPath(dataDir, '20261122-120000-yyyyyy')]);
    // Taken from the changes alone: the shard and keys on disk are as they were; the scan's
    // stamps are what the next scan of the month starts from.
    const after = indexOf().months['2026-11'];
    expect(after.keysTag).toBe(before.keysTag);
    expect(readFileSync(join(summaryCacheDir(dataDir), '2026-11.json'), 'utf8')).toBe(shardBefore);
    expect(after.base).not.toBe(before.base);
    const stampsTag = () => new Float64Array(new Uint8Array(readFileSync(join(summaryCacheDir(dataDir), '2026-11.stamps'))).buffer)[1];
    expect(stampsTag()).toBe(after.base);
    // ... so a second change by another program is taken the same way, from them.
    await writeAsAnotherProcess(dataDir, call('2026-11-24', 11, { followups: [{}] }));
    later(300_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(indexOf().months['2026-11'].keysTag).toBe(before.keysTag);
    expect(stampsTag()).toBe(indexOf().months['2026-11'].base);

    // A stamps file not as written is not used: the month is rebuilt from its shard instead.
    writeFileSync(join(summaryCacheDir(dataDir), '2026-11.stamps'), 'garbage!'.repeat(20));
    await writeAsAnotherProcess(dataDir, call('2026-11-23', 10, { followups: [{}] }));
    later(360_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(indexOf().months['2026-11'].base).not.toBe(before.base);

    // The lists bring the shards up to date, and nothing differs from a cache built anew.
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
    expect(await loadCustomerCalls(dataDir, { phone: '+1 555 010 1004' })).toHaveLength(2);
    const kept = await loadOpenFollowUps(dataDir);
    rmSync(join(dataDir, 'cache'), { recursive: true });
    expect(await loadOpenFollowUps(dataDir)).toEqual(kept);
  });

  it('reads the stamps files an older csr-call wrote (rows without the month) rather than rebuild from every call file', async () => {
    const { dataDir } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);
    const dir = summaryCacheDir(dataDir);
    // Layout 7, as the csr-call before wrote it: 9 numbers of head, 5 per week folder, then
    // per file its week, id, stamp and kind (this layout adds the journal position to the
    // head, and the id's month after the week).
    for (const month of ['2026-10', '2026-11']) {
      const now = new Float64Array(new Uint8Array(readFileSync(join(dir, `${month}.stamps`))).buffer);
      const weeks = 5 * now[4]!;
      const count = now[2]!;
      const filesAt = 9 + weeks;
      const old = new Float64Array(filesAt + 7 * count);
      old.set(now.subarray(0, 9));
      old.set(now.subarray(11, 11 + weeks), 9);
      old[0] = 7;
      for (let i = 0; i < count; i++) {
        old[filesAt + 7 * i] = now[11 + weeks + 8 * i]!;
        old.set(now.subarray(11 + weeks + 8 * i + 2, 11 + weeks + 8 * i + 8), filesAt + 7 * i + 1);
      }
      writeFileSync(join(dir, `${month}.stamps`), new Uint8Array(old.buffer));
    }
    const indexOf = () => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    const keysTag = indexOf().months['2026-11'].keysTag;
    // export trusts the stamps of the good calls it lists (October: two good calls, one damaged file).
    expect(checkedCallStamps(dataDir, '2026-10').size).toBe(2);
    await writeAsAnotherProcess(dataDir, call('2026-11-21', 7, { followups: [{}] }));
    later(120_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(indexOf().months['2026-11'].keysTag).toBe(keysTag); // from the old stamps: no shard rebuilt
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it('learns of changes made by csr-call from its journal, without scanning the month', async () => {
    const { dataDir } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);

    await saveCall(dataDir, call('2026-11-21', 7, { followups: [{ due: '2026-11-25T15:00:00.000Z' }] })); // added
    await saveCall(dataDir, call('2026-10-15', 4, { followups: [{ status: 'done', doneAt: '2026-10-16T10:00:00.000Z' }] }));
    await removeCall(dataDir, '20260910-090002-a00002');
    // The customer of call 4 rings again: their count moves without a scan either.
    await saveCall(dataDir, call('2026-11-22', 8, { customer: { name: 'Customer 6', phone: '+1 555 010 1006' } }));
    later(120_000);

    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const index = JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8'));
    for (const month of ['2026-09', '2026-10', '2026-11']) expect(index.months[month].scannedAt).toBe(0); // from the journal
    expect((await loadOpenFollowUps(dataDir)).callsPerCustomer.get('p:5550101006')).toBe(2);
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
    expect(shardHead(dataDir, '2026-11').scannedAt).toBe(0);

    // A customer new to the list is looked up in the months' keys files; removing their
    // older call (journalled) must then take exactly that call id off their list.
    await saveCall(dataDir, call('2026-11-22', 11, { customer: { name: 'Customer 3', phone: '+1 555 010 1003' }, followups: [{}] }));
    later(180_000);
    expect((await loadOpenFollowUps(dataDir)).callsPerCustomer.get('p:5550101003')).toBe(2);
    await removeCall(dataDir, '20261001-090003-a00003');
    later(200_000);
    expect((await loadOpenFollowUps(dataDir)).callsPerCustomer.get('p:5550101003')).toBe(1);

    // A file written by another program between two journalled writes breaks the chain: scanned.
    await writeAsAnotherProcess(dataDir, call('2026-11-23', 9, { followups: [{}] }));
    await saveCall(dataDir, call('2026-11-23', 10, { followups: [{}] }));
    later(240_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it("takes csr-call's own locks from the journal too: an update or a call held open does not make the month scanned", async () => {
    const { dataDir } = await smallStore();
    later();
    await loadOpenFollowUps(dataDir);
    // `followups done`, `note`: the update lock is taken and given back around the save.
    await updateCall(dataDir, '20261120-090006-a00006', (r) => ({ ...r, notes: [...r.notes, { at: '2026-11-21T10:00:00.000Z', by: 'ann', text: 'rang back' }] }));
    // `start` / `resume`: the call's session lock.
    const session = await acquireSessionLock(dataDir, '20261102-090005-a00005', { host: hostname(), pid: process.pid, agent: 'ann' });
    if (!session.acquired) throw new Error('lock not taken');
    expect(JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8')).months['2026-11'].scannedAt).not.toBe(0);
    later(120_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    await session.release();
    later(180_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
    // Both loads followed the journal: no scan of November.
    expect(JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8')).months['2026-11'].scannedAt).toBe(0);
    expect(shardHead(dataDir, '2026-11').scannedAt).toBe(0);
  });

  it('removes a long journal once applied, and carries on from a new one', async () => {
    const { dataDir } = await smallStore();
    later();
    await loadOpenFollowUps(dataDir);
    const long = 'x'.repeat(120_000); // 12 saves of this make a journal over 1 MB
    for (let n = 20; n < 32; n++) await saveCall(dataDir, call('2026-11-24', n, { problem: { paraphrase: long }, followups: [{}] }));
    const log = join(summaryCacheDir(dataDir), '2026-11.log');
    expect(statSync(log).size).toBeGreaterThan(1 << 20);
    later(120_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(existsIn(summaryCacheDir(dataDir), '2026-11.log')).toBe(false);
    await saveCall(dataDir, call('2026-11-25', 40, { followups: [{}] }));
    later(240_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it('sees a change the directory stamp does not show while the stamps are still young', async () => {
    const { dataDir } = await smallStore();
    await loadOpenFollowUps(dataDir); // built right after the writes: nothing is settled yet
    // Rewritten in place (not renamed), same size: the month directory's stamp stays the same.
    const path = callPath(dataDir, '20261120-090006-a00006');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"status": "open"', '"status": "done"'));
    const open = await loadOpenFollowUps(dataDir);
    expect(open.calls.map((c) => c.id)).toEqual(['20261015-090004-a00004', '20260910-090002-a00002']);
  });

  it('does not let a journalled write vouch for stamps that were still young when scanned', async () => {
    const { dataDir } = await smallStore();
    await loadOpenFollowUps(dataDir); // scanned right after the writes: young stamps
    // Another program's in-place edit (invisible in the stamps), then csr-call's own write
    // to the same month: the journal must not carry the young view forward as exact.
    const path = callPath(dataDir, '20261120-090006-a00006');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"status": "open"', '"status": "done"'));
    await saveCall(dataDir, call('2026-11-21', 7));
    later();
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).toEqual(['20261015-090004-a00004', '20260910-090002-a00002']);
    expect(JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8')).months['2026-11'].scannedAt).not.toBe(0);
  });

  it('ignores and rebuilds a corrupt cache, and a cache from another version', async () => {
    const { dataDir } = await smallStore();
    later();
    const expected = await truth(dataDir);
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);
    const dir = summaryCacheDir(dataDir);
    writeFileSync(join(dir, 'index.json'), '{"format": "csr-call summ');
    writeFileSync(join(dir, '2026-11.json'), 'null');
    const head = shardHead(dataDir, '2026-10');
    const [headLine, ...lines] = readFileSync(join(dir, '2026-10.json'), 'utf8').split('\n');
    writeFileSync(join(dir, '2026-10.json'), [JSON.stringify({ ...head, format: 'csr-call summaries 0 old' }), ...lines].join('\n'));
    // A shard cut short (a power cut while it was written), and one with a character changed.
    const september = readFileSync(join(dir, '2026-09.json'), 'utf8');
    writeFileSync(join(dir, '2026-09.json'), september.slice(0, -40));
    expect(headLine).toContain('"count":');

    expect(await loadCallSummaries(dataDir)).toEqual(expected);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(readFileSync(join(dir, '2026-09.json'), 'utf8').endsWith('\n')).toBe(true); // rebuilt whole
    const changed = september.replace('"summary":{"id"', '"summary":{"iD"');
    expect(changed).not.toBe(september);
    writeFileSync(join(dir, '2026-09.json'), changed);
    expect(await loadCallSummaries(dataDir)).toEqual(expected);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).format).toBe(head.format);
    for (const month of ['2026-09', '2026-10', '2026-11']) expect(shardHead(dataDir, month).format).toBe(head.format);
  });

  it('writes its text files in ASCII whatever the names hold, and takes a file that is not for no cache', async () => {
    const { dataDir } = await smallStore();
    const names = ['Zoë Müller-Łukasz', '王小明', 'نور الهدى', 'Ana 🙂 Ruiz', 'Ünal\u0000\u007f'];
    for (const [i, name] of names.entries()) {
      await saveCall(dataDir, call('2026-11-0' + (i + 3), 20 + i, { customer: { name, phone: `+44 20 7946 00${10 + i}` }, followups: [{ due: '2026-12-01T09:00:00.000Z' }] }));
    }
    later();
    const expected = await truth(dataDir);
    expect(await loadCallSummaries(dataDir)).toEqual(expected);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const dir = summaryCacheDir(dataDir);
    const textFiles = readdirSync(dir).filter((name) => name.endsWith('.json'));
    expect(textFiles).toEqual(expect.arrayContaining(['index.json', '2026-11.json']));
    for (const name of textFiles) expect(readFileSync(join(dir, name)).every((byte) => byte < 128)).toBe(true);
    // Served from the cache, names intact.
    expect((await loadCallSummaries(dataDir)).summaries.map((s) => s.customer.name)).toEqual(expected.summaries.map((s) => s.customer.name));

    // A shard edited to hold UTF-8 (still valid JSON, same length in characters) is not the cache's.
    const shardPath = join(dir, '2026-11.json');
    const shard = readFileSync(shardPath, 'latin1');
    writeFileSync(shardPath, shard.replace('Customer 5', 'Custömer 5'), 'utf8');
    expect(await loadCallSummaries(dataDir)).toEqual(expected);
    expect(readFileSync(shardPath).every((byte) => byte < 128)).toBe(true); // rewritten
  });

  it("removes, on a rebuild, the files an older cache left that this one does not use", async () => {
    const { dataDir } = await smallStore();
    later();
    await loadOpenFollowUps(dataDir);
    const dir = summaryCacheDir(dataDir);
    const stale = ['2026-10.customers.json', '2026-11.summaries', 'notes.txt'];
    for (const name of stale) writeFileSync(join(dir, name), 'Customer 4, +1 555 010 1004');
    await loadOpenFollowUps(dataDir); // the index is fine: nothing is swept
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(stale));
    unlinkSync(join(dir, 'index.json'));
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const left = readdirSync(dir);
    for (const name of stale) expect(left).not.toContain(name);
    expect(left).toEqual(expect.arrayContaining(['index.json', '2026-09.json', '2026-10.stamps', '2026-11.keys']));
  });

  it('keeps reporting a damaged file from the cache, and re-checks it once it changes', async () => {
    const { dataDir, damagedPath } = await smallStore();
    later();
    await loadOpenFollowUps(dataDir);
    const indexStamp = statSync(join(summaryCacheDir(dataDir), 'index.json')).mtimeMs;
    for (let i = 0; i < 2; i++) {
      const open = await loadOpenFollowUps(dataDir);
      expect(open.damaged).toEqual([{ path: damagedPath, problem: expect.stringMatching(/not valid JSON/) }]);
      expect((await loadCallSummaries(dataDir)).damaged).toEqual(open.damaged);
    }
    expect(statSync(join(summaryCacheDir(dataDir), 'index.json')).mtimeMs).toBe(indexStamp); // served from the cache

    unlinkSync(damagedPath);
    await writeAsAnotherProcess(dataDir, { ...call('2026-10-20', 8), id: '20261020-120000-zzzzzz' });
    later(120_000);
    expect((await loadOpenFollowUps(dataDir)).damaged).toEqual([]);
    expect((await loadCallSummaries(dataDir)).summaries.map((s) => s.id)).toContain('20261020-120000-zzzzzz');
  });

  it('counts each open follow-up customer’s calls over the whole store', async () => {
    const { dataDir } = await smallStore();
    later();
    const phoneOf4 = '+1 555 010 1004';
    await loadOpenFollowUps(dataDir);
    // The customer of call 4 (open follow-up) rings again twice, in other months.
    await writeAsAnotherProcess(dataDir, call('2026-09-12', 9, { customer: { name: 'Customer 4', phone: '15550101004' } }));
    await writeAsAnotherProcess(dataDir, call('2026-11-22', 10, { customer: { name: 'Customer 4', phone: phoneOf4, account: 'AC-9' } }));
    later(120_000);
    let open = await loadOpenFollowUps(dataDir);
    expect(open.callsPerCustomer.get('p:5550101004')).toBe(3);
    expect(open.callsPerCustomer.get('p:5550101006')).toBe(1);

    // A new open follow-up for a customer known only from an older, unchanged month.
    await writeAsAnotherProcess(
      dataDir,
      call('2026-11-23', 11, { customer: { name: 'Customer 3', phone: '+1 555 010 1003' }, followups: [{}] }),
    );
    later(240_000);
    open = await loadOpenFollowUps(dataDir);
    expect(open.callsPerCustomer.get('p:5550101003')).toBe(2);
    expect(open.callCount).toBe(9);
    rmSync(join(dataDir, 'cache'), { recursive: true });
    expect(await loadOpenFollowUps(dataDir)).toEqual(open);
  });

  it('writes the cache private, and survives two loads racing to build it', async () => {
    const { dataDir } = await smallStore();
    const [a, b] = await Promise.all([loadOpenFollowUps(dataDir), loadOpenFollowUps(dataDir)]);
    expect(a).toEqual(b);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const dir = summaryCacheDir(dataDir);
    expect(statSync(join(dataDir, 'cache')).mode & 0o777).toBe(0o700);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it("finds a customer's calls and the unfinished calls like a look through every summary", async () => {
    const { dataDir } = await smallStore();
    later();
    const expectSame = async () => {
      const { summaries } = await truth(dataDir);
      for (const customer of [
        { phone: '+1 555 010 1004' },
        { phone: '15550101004', account: 'ac-9' },
        { account: 'AC-9' },
        { name: 'Nobody', phone: '999' },
      ]) {
        expect(earlierCallsOf(customer, await loadCustomerCalls(dataDir, customer))).toEqual(earlierCallsOf(customer, summaries));
      }
      expect(await loadUnfinishedCalls(dataDir)).toEqual(summaries.filter((s) => s.status === 'in-progress'));
    };
    await expectSame();
    await saveCall(dataDir, call('2026-09-12', 9, { customer: { name: 'Customer 4', phone: '15550101004' }, status: 'in-progress' }));
    await saveCall(dataDir, call('2026-11-22', 10, { customer: { name: 'Customer 4', phone: '(555) 010-1004', account: 'AC-9' } }));
    later(120_000);
    await expectSame(); // journalled
    await writeAsAnotherProcess(dataDir, call('2026-10-02', 11, { customer: { name: 'Customer 4', account: 'ac-9 ' }, status: 'in-progress' }));
    later(240_000);
    await expectSame(); // scanned
    rmSync(join(dataDir, 'cache'), { recursive: true });
    await expectSame();
  });

  it('says once, through its hook, that it is reading many call files; not when it reads from the cache', async () => {
    const { dataDir } = await smallStore();
    let said = 0;
    onCacheRebuild(() => (said += 1), 3);
    later();
    await loadOpenFollowUps(dataDir); // built from the store's 7 files
    await loadCallSummaries(dataDir);
    expect(said).toBe(1);
    onCacheRebuild(() => (said += 1), 3);
    await loadOpenFollowUps(dataDir); // from the cache: no call file read
    await loadCallSummaries(dataDir);
    expect(said).toBe(1);
    onCacheRebuild(undefined);
  });

  it('does not create a cache for an empty store', async () => {
    const dataDir = join(tempDir(), 'data');
    expect(await loadOpenFollowUps(dataDir)).toEqual({ calls: [], callsPerCustomer: new Map(), damaged: [], callCount: 0 });
    expect(await loadCallSummaries(dataDir)).toEqual({ summaries: [], damaged: [] });
    expect(existsIn(dataDir, 'cache')).toBe(false);
  });
});

describe('week directories', () => {
  it('looks only at the weeks another program changed: a week whose directory did not move is not even listed', async () => {
    const { dataDir } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);
    // Rewritten in place (same file, no rename): its week's directory does not change.
    const fourth = callPath(dataDir, '20261015-090004-a00004');
    const closed = serializeCall({ ...call('2026-10-15', 4, { followups: [{ status: 'done', doneAt: '2026-10-16T10:00:00.000Z' }] }), revision: 2 });
    writeFileSync(fourth, closed);
    await writeAsAnotherProcess(dataDir, call('2026-10-05', 7, { followups: [{ due: '2026-10-21T09:00:00.000Z' }] }));
    later(120_000);
    // The new call (week 01-07) is seen; week 15-21 was not looked at, so its in-place edit waits.
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).toEqual([
      '20261120-090006-a00006',
      '20261015-090004-a00004',
      '20261005-090007-a00007',
      '20260910-090002-a00002',
    ]);
    // Any change to week 15-21 by rename has its files looked at again, the edited one included.
    await writeAsAnotherProcess(dataDir, call('2026-10-15', 8));
    later(240_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).not.toContain('20261015-090004-a00004');
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it("takes csr-call's own changes since the stamps from the journal: another program's change costs only the weeks it touched", async () => {
    const { dataDir } = await smallStore();
    later();
    await loadCallSummaries(dataDir);
    await loadOpenFollowUps(dataDir);
    // csr-call saves a call in November's week 15-21 (journalled), and the index takes it.
    await saveCall(dataDir, call('2026-11-16', 7, { followups: [{ due: '2026-11-30T09:00:00.000Z' }] }));
    later(120_000);
    await loadOpenFollowUps(dataDir);
    // Call 6 of the same week is closed in place (its folder does not change: seen only if the week is listed).
    const closedSix = serializeCall({ ...call('2026-11-20', 6, { followups: [{ status: 'done', doneAt: '2026-11-21T10:00:00.000Z' }] }), revision: 2 });
    writeFileSync(callPath(dataDir, '20261120-090006-a00006'), closedSix);
    // Another program adds a call in week 01-07.
    await writeAsAnotherProcess(dataDir, call('2026-11-03', 8, { followups: [{ due: '2026-11-30T09:00:00.000Z' }] }));
    later(240_000);
    const ids = (await loadOpenFollowUps(dataDir)).calls.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['20261116-090007-a00007', '20261103-090008-a00008']));
    // Week 15-21 changed only by csr-call, which the journal accounts for: it was not listed
    // again, so the in-place edit is not seen yet ...
    expect(ids).toContain('20261120-090006-a00006');
    // ... until the week's folder changes.
    await writeAsAnotherProcess(dataDir, call('2026-11-17', 9));
    later(360_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).not.toContain('20261120-090006-a00006');
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it('moves call files left in a month directory (the layout before week directories) into their week, losing nothing', async () => {
    const dataDir = join(tempDir(), 'data');
    await saveCall(dataDir, call('2026-10-01', 1, { followups: [{}] }));
    const monthDir = join(dataDir, 'calls', '2026', '10');
    const loose = [call('2026-10-03', 2, { followups: [{}] }), call('2026-10-03', 3), call('2026-10-30', 4, { status: 'in-progress' })];
    const texts = new Map(loose.map((record) => [record.id, serializeCall(record)]));
    for (const [id, text] of texts) writeFileSync(join(monthDir, `${id}.json`), text, { mode: 0o600 });
    // A move cut short (the same file under both names), a second copy of a call already in
    // its week, a temp file of an interrupted save, and a name that is no date.
    const cutShort = call('2026-10-05', 5);
    writeFileMakingDir(callPath(dataDir, cutShort.id), serializeCall(cutShort));
    linkSync(callPath(dataDir, cutShort.id), join(monthDir, `${cutShort.id}.json`));
    const secondCopy = join(monthDir, `${call('2026-10-01', 1).id}.json`);
    writeFileSync(secondCopy, serializeCall(call('2026-10-01', 1, { customer: { name: 'Someone else' } })), { mode: 0o600 });
    const temp = join(monthDir, `.${loose[0]!.id}.json.abcd1234.tmp`);
    writeFileSync(temp, '{"half', { mode: 0o600 });
    writeFileSync(join(monthDir, '20261000-090000-zzzzzz.json'), '{}', { mode: 0o600 });
    // A folder per day, as a development version filed calls for a while.
    const inDayFolder = call('2026-10-12', 6, { followups: [{}] });
    texts.set(inDayFolder.id, serializeCall(inDayFolder));
    writeFileMakingDir(join(monthDir, '12', `${inDayFolder.id}.json`), texts.get(inDayFolder.id)!);

    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    for (const [id, text] of texts) {
      expect(readFileSync(callPath(dataDir, id), 'utf8')).toBe(text);
      expect(existsIn(monthDir, `${id}.json`)).toBe(false);
    }
    expect(statSync(join(monthDir, '01-07')).mode & 0o777).toBe(0o700);
    expect(existsIn(monthDir, `${cutShort.id}.json`)).toBe(false); // finished
    expect(statSync(callPath(dataDir, cutShort.id)).nlink).toBe(1);
    expect(readdirSync(monthDir).sort()).toEqual([basename(temp), '01-07', '08-14', '20261000-090000-zzzzzz.json', '29-31', basename(secondCopy)].sort());
    const summaries = await loadCallSummaries(dataDir);
    expect(summaries.summaries.map((s) => s.id).sort()).toEqual([call('2026-10-01', 1).id, ...loose.map((r) => r.id), cutShort.id, inDayFolder.id].sort());
    expect(summaries).toEqual(await truth(dataDir));
    // What could not be moved is for doctor to report.
    const report = await checkStore(dataDir);
    expect(report.problems.map((problem) => [problem.kind, problem.path])).toEqual(
      expect.arrayContaining([
        ['misplaced', secondCopy],
        ['temp-file', temp],
      ]),
    );
  });

  it('keeps a call filed in another week\'s directory (by hand) in the lists, through changes made around it', async () => {
    const { dataDir } = await smallStore();
    const filedWrong = call('2026-11-05', 7, { followups: [{ due: '2026-11-30T09:00:00.000Z' }] });
    writeFileMakingDir(join(dataDir, 'calls', '2026', '11', '08-14', `${filedWrong.id}.json`), serializeCall(filedWrong));
    later();
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).toContain(filedWrong.id);
    await writeAsAnotherProcess(dataDir, call('2026-11-12', 8, { followups: [{}] }));
    await saveCall(dataDir, call('2026-11-13', 9));
    later(120_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect((await loadOpenFollowUps(dataDir)).calls.map((c) => c.id)).toContain(filedWrong.id);
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });

  it("keeps calls filed in another month's directory (by hand) through another program's changes, from the stamps alone", async () => {
    const { dataDir } = await smallStore();
    // Ids of October and December in November's first week: their names sort before and
    // after November's own, and their days (5, 1) are not in step with November's ids.
    const october = call('2026-10-05', 7, { followups: [{ due: '2026-11-30T09:00:00.000Z' }] });
    const december = call('2026-12-01', 8, { followups: [{ due: '2026-12-03T09:00:00.000Z' }] });
    for (const record of [october, december]) writeFileMakingDir(join(dataDir, 'calls', '2026', '11', '01-07', `${record.id}.json`), serializeCall(record));
    later();
    await loadCallSummaries(dataDir);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    const keysTag = () => JSON.parse(readFileSync(join(summaryCacheDir(dataDir), 'index.json'), 'utf8')).months['2026-11'].keysTag;
    const tagBefore = keysTag();
    // Another program adds a call beside them and closes the December call's follow-up.
    await writeAsAnotherProcess(dataDir, call('2026-11-03', 9, { followups: [{}] }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const decemberPath = join(dataDir, 'calls', '2026', '11', '01-07', `${december.id}.json`);
    writeFileSync(`${decemberPath}.tmp`, serializeCall({ ...december, followups: december.followups.map((f) => ({ ...f, status: 'done' as const, doneAt: '2026-12-02T09:00:00.000Z' })), revision: 2 }));
    renameSync(`${decemberPath}.tmp`, decemberPath);
    later(120_000);
    const open = await openLoad(dataDir);
    expect(open).toEqual(await openTruth(dataDir));
    expect(open.calls.map((c) => c.id)).toContain(october.id);
    expect(open.calls.map((c) => c.id)).not.toContain(december.id);
    expect(keysTag()).toBe(tagBefore); // taken from the changes, not rebuilt from the shard
    // And once more, from the stamps that scan wrote.
    unlinkSync(join(dataDir, 'calls', '2026', '11', '01-07', `${october.id}.json`));
    later(240_000);
    expect(await openLoad(dataDir)).toEqual(await openTruth(dataDir));
    expect(keysTag()).toBe(tagBefore);
    expect(await loadCallSummaries(dataDir)).toEqual(await truth(dataDir));
  });
});

/** The head line of a month's shard file. */
function shardHead(dataDir: string, month: string): { format: string; scannedAt: number } {
  return JSON.parse(readFileSync(join(summaryCacheDir(dataDir), `${month}.json`), 'utf8').split('\n')[0]!);
}

function existsIn(dir: string, name: string): boolean {
  try {
    return readdirSync(dir).includes(name);
  } catch {
    return false;
  }
}
