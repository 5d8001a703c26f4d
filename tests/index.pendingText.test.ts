import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forgetCommand } from '../src/commands/forget.js';
import { serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { closeCallIndex, withCallIndex } from '../src/store/index/indexAccess.js';
import { checkStore, fixStore } from '../src/store/storeCheck.js';
import { searchCalls } from '../src/store/index/indexQueries.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext, saveCall } from './helpers.js';

/**
 * A changed call's new text waits in `pending_text` (changing a full-text document costs
 * milliseconds) and goes into the full-text index before a search: every search sees the
 * files as they are, and what is erased is erased from both.
 */

const ALL = { limit: 100 };

async function changedBehindTheIndex(dataDir: string, record: CallRecord, paraphrase: string): Promise<CallRecord> {
  const changed = { ...record, revision: record.revision + 1, problem: { ...record.problem, paraphrase } };
  writeFileSync(callPath(dataDir, record.id), serializeCall(changed));
  return changed;
}

const pendingCount = (dataDir: string) => withCallIndex(dataDir, {}, (index) => index.sql('SELECT count(*) AS n FROM pending_text').get()!.n as number);
const fullTextIds = (dataDir: string, word: string) =>
  withCallIndex(dataDir, {}, (index) => index.sql('SELECT c.id FROM call_text JOIN calls AS c ON c.n = call_text.rowid WHERE call_text MATCH ?').all(word).map((row) => row.id));

describe('the text of changed calls', () => {
  it('waits outside the full-text index until a search, which finds the new words and not the old', async () => {
    const { dataDir } = testContext();
    const call = await saveCall(dataDir, makeCall({ problem: { paraphrase: 'Router keeps rebooting', category: 'technical' } }));
    const other = await saveCall(dataDir, makeCall({ startedAt: '2026-11-21T09:00:00.000Z', problem: { paraphrase: 'Invoice twice', category: 'billing' } }));
    expect(await pendingCount(dataDir)).toBe(0);

    await changedBehindTheIndex(dataDir, call, 'Modem overheating in the attic');
    // The next command catches up with the file: its row now, its words later.
    expect(await pendingCount(dataDir)).toBe(1);
    expect(await fullTextIds(dataDir, 'rebooting')).toEqual([call.id]);

    const found = await withCallIndex(dataDir, {}, (index) => ({
      attic: searchCalls(index, 'attic', ALL).map((hit) => hit.call.id),
      rebooting: searchCalls(index, 'rebooting', ALL).map((hit) => hit.call.id),
      invoice: searchCalls(index, 'invoice', ALL).map((hit) => hit.call.id),
    }));
    expect(found).toEqual({ attic: [call.id], rebooting: [], invoice: [other.id] });
    expect(await pendingCount(dataDir)).toBe(0);
    expect(await fullTextIds(dataDir, 'rebooting')).toEqual([]);
  });

  it('goes into the full-text index all the same once 200 calls wait', async () => {
    const { dataDir } = testContext();
    const calls: CallRecord[] = [];
    for (let i = 0; i < 201; i++) calls.push(await saveCall(dataDir, makeCall({ startedAt: new Date(Date.parse('2026-11-01T08:00:00.000Z') + i * 60_000).toISOString() })));
    expect(await pendingCount(dataDir)).toBe(0);
    for (const call of calls.slice(0, 200)) await changedBehindTheIndex(dataDir, call, 'Waiting word alpha');
    expect(await pendingCount(dataDir)).toBe(200);
    await changedBehindTheIndex(dataDir, calls[200]!, 'Waiting word omega');
    expect(await pendingCount(dataDir)).toBe(0);
    expect(await fullTextIds(dataDir, 'alpha')).toHaveLength(200);
    expect(await fullTextIds(dataDir, 'omega')).toEqual([calls[200]!.id]);
  });

  it('is erased with its call by forget, from the index files too', async () => {
    const ctx = testContext();
    const call = await saveCall(ctx.dataDir, makeCall({ customer: { name: 'Quentin Marlowe', phone: '+1 555 010 0777' } }));
    expect(await pendingCount(ctx.dataDir)).toBe(0);
    await changedBehindTheIndex(ctx.dataDir, call, 'Quentin Marlowe says zebrafinch');
    expect(await pendingCount(ctx.dataDir)).toBe(1);
    await forgetCommand({ customer: 'Quentin Marlowe', yes: true }, ctx);
    expect(await pendingCount(ctx.dataDir)).toBe(0);
    const index = indexPathFor(ctx.dataDir);
    for (const file of [index, `${index}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).toString('latin1').toLowerCase(), file).not.toMatch(/zebrafinch|marlowe/);
    }
  });

  it('waiting for a call the index does not list is found by doctor, and its fix makes the index anew', async () => {
    const { dataDir } = testContext();
    const call = await saveCall(dataDir, makeCall());
    expect(await pendingCount(dataDir)).toBe(0);
    await changedBehindTheIndex(dataDir, call, 'Changed once');
    expect(await pendingCount(dataDir)).toBe(1);
    expect((await checkStore(dataDir)).problems).toEqual([]);
    await closeCallIndex(dataDir);
    const { openSqlite } = await import('../src/store/index/sqlite.js');
    const db = openSqlite(indexPathFor(dataDir), { busyTimeoutMs: 1000 });
    // (doctor's check above put the waiting text into the full-text index: a stray row now.)
    db.prepare("INSERT INTO pending_text(n, problem) VALUES (1000001, 'stray text')").run();
    db.close();
    expect((await checkStore(dataDir)).problems.map((p) => p.problem).join('\n')).toMatch(/text waiting for the full-text index of a call it does not list/);
    await fixStore(dataDir);
    expect((await checkStore(dataDir)).problems).toEqual([]);
    expect(await pendingCount(dataDir)).toBe(0);
  });
});
