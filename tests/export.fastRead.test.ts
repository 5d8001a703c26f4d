import { describe, expect, it } from 'vitest';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportCommand, type ExportOptions } from '../src/commands/export.js';
import { FAST_READ_OLDEST_VERSION, FAST_READ_SCHEMA_VERSION } from '../src/export/readCalls.js';
import { migrateCall, SHAPE_UNCHANGED_SINCE } from '../src/domain/migrations.js';
import { CURRENT_SCHEMA_VERSION } from '../src/domain/callRecord.js';
import { serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { withCallIndex } from '../src/store/index/indexAccess.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext, saveCall } from './helpers.js';

/**
 * `export` skips the schema check for files the index took for good calls at their
 * current stamp. These tests hold it to giving exactly what a full check gives, and to
 * checking in full anything changed since.
 */

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

/** What the export writes when it trusts no stamp: every file checked in full. */
async function trustingNothing(dataDir: string, opts: ExportOptions = {}) {
  const rows = await withCallIndex(dataDir, {}, (index) => {
    const saved = index.sql('SELECT id, mtime FROM files').all();
    index.write(() => index.db.exec('UPDATE files SET mtime = -1'));
    return saved;
  });
  try {
    return await csv(dataDir, opts);
  } finally {
    await withCallIndex(dataDir, {}, (index) => index.write(() => {
      for (const row of rows) index.sql('UPDATE files SET mtime = ? WHERE id = ?').run(row.mtime as number, row.id as string);
    }));
  }
}

describe('export: the fast read', () => {
  it('takes without checking them again only records of the current shape: this version, and the older ones whose migration only renumbers them', () => {
    expect(FAST_READ_SCHEMA_VERSION).toBe(CURRENT_SCHEMA_VERSION);
    expect(FAST_READ_OLDEST_VERSION).toBe(SHAPE_UNCHANGED_SINCE);
    for (let version = SHAPE_UNCHANGED_SINCE; version < CURRENT_SCHEMA_VERSION; version++) {
      const old = { schemaVersion: version, some: { field: [1] } };
      expect(migrateCall(old)).toEqual({ ...old, schemaVersion: CURRENT_SCHEMA_VERSION });
    }
  });

  it('writes what a full check writes', async () => {
    const { dataDir } = await store();
    const fast = await csv(dataDir);
    expect(fast).toEqual(await trustingNothing(dataDir));
    expect(fast.out.trim().split('\r\n')).toHaveLength(5);
    const cases: ExportOptions[] = [{ followups: true }, { bom: true, from: '2026-10-20', to: '2026-11-02' }, { format: 'json' }, { format: 'ndjson', followups: true }];
    for (const opts of cases) {
      expect(await csv(dataDir, opts)).toEqual(await trustingNothing(dataDir, opts));
    }
  });

  it('gives a call file in the layout csr-call writes as its compact JSON, of this version or an older one of the same shape, as a full check gives it', async () => {
    const { dataDir, records } = await store();
    // Text that JSON escapes, bytes beyond ASCII, and a file of the oldest version taken as it is.
    const awkward = { ...records[1]!, customer: { name: 'Zoë "Z" \\ Ñandú 👩‍💻', phone: '+1 555 0100' } };
    writeFileSync(callPath(dataDir, awkward.id), serializeCall(awkward));
    const old = callPath(dataDir, records[2]!.id);
    writeFileSync(old, serializeCall({ ...records[2]!, schemaVersion: FAST_READ_OLDEST_VERSION as CallRecord['schemaVersion'] }));
    // Another program's layout of a good call: parsed, and given the same.
    writeFileSync(callPath(dataDir, records[3]!.id), JSON.stringify(records[3]!, null, '\t'));
    // A call far larger than the export's read buffer and chunks (~300 KB of notes).
    const notes = Array.from({ length: 30 }, (_, i) => ({ at: '2026-11-02T10:05:00.000Z', by: 'test-agent', text: `note ${i} “${'é'.repeat(9_000)}”` }));
    writeFileSync(callPath(dataDir, records[0]!.id), serializeCall({ ...records[0]!, notes }));
    await csv(dataDir); // the index takes the files in: each checked at its stamp
    for (const format of ['json', 'ndjson'] as const) {
      const fast = await csv(dataDir, { format });
      expect(fast).toEqual(await trustingNothing(dataDir, { format }));
      const exported = format === 'json' ? (JSON.parse(fast.out) as CallRecord[]) : fast.out.trim().split('\n').map((line) => JSON.parse(line) as CallRecord);
      expect(exported.map((call) => call.schemaVersion)).toEqual(records.map(() => FAST_READ_SCHEMA_VERSION));
      expect(exported[1]!.customer.name).toBe(awkward.customer.name);
      expect(exported[0]!.notes).toHaveLength(30);
    }
  });

  it('gives each of many calls its own JSON: the compact bytes of a batch are not written over before they are out', async () => {
    const dataDir = testContext().dataDir;
    for (let i = 0; i < 70; i++) {
      const startedAt = new Date(Date.parse('2026-10-01T08:00:00.000Z') + i * 3_600_000).toISOString();
      await saveCall(dataDir, makeCall({ startedAt, customer: { name: `Caller ${i}`, phone: '+1 555 0100' }, notes: [{ at: startedAt, by: 'test-agent', text: `n${i} `.repeat(i * 40) }] }));
    }
    await csv(dataDir);
    for (const format of ['json', 'ndjson'] as const) {
      const fast = await csv(dataDir, { format });
      expect(fast).toEqual(await trustingNothing(dataDir, { format }));
    }
    const exported = JSON.parse((await csv(dataDir, { format: 'json' })).out) as CallRecord[];
    expect(exported.map((call) => call.customer.name)).toEqual(Array.from({ length: 70 }, (_, i) => `Caller ${i}`));
  });

  it('trusts the stamp the index took a file at: such a file is not checked again', async () => {
    const { dataDir, records } = await store();
    await csv(dataDir); // the index is built, every file checked
    // A file changed behind the index's back, then its stamp put back in the index as if it had checked it.
    const path = callPath(dataDir, records[1]!.id);
    writeFileSync(path, serializeCall({ ...records[1]!, agent: '' }));
    const st = statSync(path);
    await withCallIndex(dataDir, {}, (index) =>
      index.write(() => index.sql('UPDATE files SET size = ?, mtime = ?, ino = ?, problem = NULL WHERE id = ?').run(st.size, st.mtimeMs, st.ino, records[1]!.id)),
    );
    const { out, err } = await csv(dataDir);
    expect(err).toBe('');
    expect(out.trim().split('\r\n')).toHaveLength(5);
    // Trusting nothing, the same file is found to break the schema.
    expect((await trustingNothing(dataDir)).err).toMatch(/agent/);
  });

  it('checks in full a file changed in place by another program, even at the same size', async () => {
    const { dataDir, records } = await store();
    await csv(dataDir);
    await sleep(50); // past the file system's timestamp tick
    const path = callPath(dataDir, records[3]!.id);
    const text = readFileSync(path, 'utf8');
    const broken = text.replace('"status": "completed"', '"status": "completex"');
    expect(broken).not.toBe(text);
    expect(broken.length).toBe(text.length);
    writeFileSync(path, broken); // same inode, same size, same folder stamp: only the file's mtime moves

    const { out, err } = await csv(dataDir);
    expect(out.trim().split('\r\n')).toHaveLength(4);
    expect(err).toContain(path);
    expect(err).toMatch(/status/);
  });

  it('checks in full a file replaced by another program, and one the index has as damaged', async () => {
    const { dataDir, records } = await store();
    const damaged = callPath(dataDir, records[0]!.id);
    writeFileSync(damaged, '{"schemaVersion": 1, "id": ');
    await csv(dataDir);

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
    expect({ out, err }).toEqual(await trustingNothing(dataDir));
  });
});
