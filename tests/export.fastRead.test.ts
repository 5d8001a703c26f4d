import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportCommand, type ExportOptions } from '../src/commands/export.js';
import { FAST_READ_SCHEMA_VERSION, readCallsForExport } from '../src/export/readCalls.js';
import { CURRENT_SCHEMA_VERSION } from '../src/store/callRecord.js';
import { saveCall, scanCalls, serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { loadCallSummaries } from '../src/store/callSummaries.js';
import { checkedCallStamps, summaryCacheDir } from '../src/store/summaryCache.js';
import type { CallRecord } from '../src/store/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext } from './helpers.js';

/**
 * `export --format csv` skips the schema check for files the summary cache has already
 * seen validated at their current stamp. These tests hold it to giving exactly what a
 * full check gives, and to checking in full anything changed since.
 */

afterEach(() => {
  vi.useRealTimers();
});

/** Makes every stamp in the store look old to the cache, as if built a while ago. */
function later(ms = 60_000): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ms);
}

async function csv(dataDir: string, opts: ExportOptions = {}): Promise<{ out: string; err: string }> {
  const ctx = testContext({ dataDir });
  const chunks: Buffer[] = [];
  ctx.stdout.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  await exportCommand({ format: 'csv', ...opts }, ctx);
  return { out: Buffer.concat(chunks).toString('utf8'), err: ctx.err() };
}

async function store(): Promise<{ dataDir: string; records: CallRecord[] }> {
  const dataDir = testContext().dataDir;
  const records: CallRecord[] = [];
  const days = ['2026-10-03T08:00:00.000Z', '2026-10-20T23:59:30.000Z', '2026-11-02T10:00:00.000Z', '2026-11-20T09:00:00.000Z'];
  for (const [i, startedAt] of days.entries()) {
    records.push(
      await saveCall(
        dataDir,
        makeCall({
          startedAt,
          customer: { name: `Caller, "${i}"`, phone: '+1 555 0100' },
          followups: [{ due: '2026-12-01T10:00:00.000Z', status: i % 2 ? 'open' : 'done' }],
        }),
      ),
    );
  }
  return { dataDir, records };
}

/** What the export says with no cache at all: every file checked in full. */
async function uncached(dataDir: string, opts: ExportOptions = {}) {
  const cache = summaryCacheDir(dataDir);
  const saved = `${cache}.aside`;
  renameSync(cache, saved);
  try {
    return await csv(dataDir, opts);
  } finally {
    renameSync(saved, cache);
  }
}

describe('export --format csv: the fast read', () => {
  it('takes only records of the current schema version without checking them again', () => {
    expect(FAST_READ_SCHEMA_VERSION).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('uses the stamps of a settled cache, and writes what a full check writes', async () => {
    const { dataDir } = await store();
    later();
    await loadCallSummaries(dataDir);
    expect(checkedCallStamps(dataDir, '2026-10').size).toBe(2);
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(2);

    const fast = await csv(dataDir);
    const full = await uncached(dataDir);
    expect(fast).toEqual(full);
    expect(fast.out.trim().split('\r\n')).toHaveLength(5);
    for (const opts of [{ followups: true }, { bom: true, from: '2026-10-20', to: '2026-11-02' }]) {
      expect(await csv(dataDir, opts)).toEqual(await uncached(dataDir, opts));
    }
    // The same calls as scanCalls, in the same order.
    const ids = async (items: AsyncIterable<{ id: string; ok: boolean }>) => {
      const out: string[] = [];
      for await (const item of items) out.push(`${item.id}:${item.ok}`);
      return out;
    };
    async function* oneByOne<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
      for await (const batch of batches) yield* batch;
    }
    expect(await ids(oneByOne(readCallsForExport(dataDir)))).toEqual(await ids(scanCalls(dataDir)));
  });

  it('does not trust stamps the cache saw too young to tell from a later change', async () => {
    const { dataDir } = await store();
    await loadCallSummaries(dataDir); // real clock: every file was written just now
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    expect(await csv(dataDir)).toEqual(await uncached(dataDir));
  });

  it('checks in full a file changed in place by another program, even at the same size', async () => {
    const { dataDir, records } = await store();
    later();
    await loadCallSummaries(dataDir);
    await sleep(50); // past the file system's timestamp tick
    const path = callPath(dataDir, records[3]!.id);
    const text = readFileSync(path, 'utf8');
    const broken = text.replace('"status": "completed"', '"status": "completex"');
    expect(broken).not.toBe(text);
    expect(broken.length).toBe(text.length);
    writeFileSync(path, broken); // same inode, same size: only mtime/ctime move

    const { out, err } = await csv(dataDir);
    expect(out.trim().split('\r\n')).toHaveLength(4);
    expect(err).toContain(path);
    expect(err).toMatch(/status/);
  });

  it('checks in full a file replaced by another program, and one the cache has as damaged', async () => {
    const { dataDir, records } = await store();
    const damaged = callPath(dataDir, records[0]!.id);
    writeFileSync(damaged, '{"schemaVersion": 1, "id": ');
    later();
    await loadCallSummaries(dataDir);
    expect(checkedCallStamps(dataDir, '2026-10').size).toBe(1);

    // Replaced by rename (a new inode) with a record that fails the schema.
    const replaced = callPath(dataDir, records[2]!.id);
    writeFileSync(`${replaced}.new`, serializeCall({ ...records[2]!, agent: '' }));
    renameSync(`${replaced}.new`, replaced);

    const { out, err } = await csv(dataDir);
    expect(out.trim().split('\r\n')).toHaveLength(3);
    const warnings = err.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(damaged);
    expect(warnings[0]).toMatch(/not valid JSON/);
    expect(warnings[1]).toContain(replaced);
    expect(warnings[1]).toMatch(/agent/);
    expect({ out, err }).toEqual(await uncached(dataDir));
  });

  it('ignores a damaged or missing stamps file', async () => {
    const { dataDir } = await store();
    later();
    await loadCallSummaries(dataDir);
    const stamps = `${summaryCacheDir(dataDir)}/2026-11.stamps`;
    writeFileSync(stamps, 'somebody else wrote this file');
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    rmSync(stamps);
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    expect(await csv(dataDir)).toEqual(await uncached(dataDir));
  });
});

describe('checkedCallStamps', () => {
  it('gives the stamp of every good call the cache checked, and nothing from a stamps file not as written', async () => {
    const { dataDir } = await store();
    later();
    await loadCallSummaries(dataDir);
    const stampsPath = `${summaryCacheDir(dataDir)}/2026-11.stamps`;
    const bytes = readFileSync(stampsPath);
    const checked = checkedCallStamps(dataDir, '2026-11');
    expect(checked.size).toBe(2);
    for await (const item of scanCalls(dataDir)) {
      if (!item.path.includes('/2026/11/')) continue;
      const st = statSync(item.path);
      expect(checked.get(item.id)).toEqual(item.ok ? [st.ino, st.size, st.mtimeMs, st.ctimeMs] : undefined);
    }
    expect(checked.get('20261102-100000-zzzzzz')).toBeUndefined();
    expect(checked.get('20261002-100000-kdqxl6')).toBeUndefined(); // another month's id
    expect(checkedCallStamps(dataDir, '2026-09').size).toBe(0);

    // Cut short, of another layout, or out of order: nothing is taken from it.
    writeFileSync(stampsPath, bytes.subarray(0, bytes.length - 8));
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    const numbers = new Float64Array(new Uint8Array(bytes).buffer);
    const other = numbers.slice();
    other[0] = 99;
    writeFileSync(stampsPath, new Uint8Array(other.buffer));
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    const swapped = numbers.slice();
    const first = swapped.slice(4, 10);
    swapped.copyWithin(4, 10, 16);
    swapped.set(first, 10);
    writeFileSync(stampsPath, new Uint8Array(swapped.buffer));
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(0);
    writeFileSync(stampsPath, bytes);
    expect(checkedCallStamps(dataDir, '2026-11').size).toBe(2);
  });
});
