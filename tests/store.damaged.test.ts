import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bulkCallParser, CallFileError, parseCallText, readCall, serializeCall, updateCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { migrateCall, type Migration } from '../src/domain/migrations.js';
import { CURRENT_SCHEMA_VERSION } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { tempDir, saveCall } from './helpers.js';

const valid = () => makeCall({ followups: [{}] });
const text = (value: unknown) => JSON.stringify(value, null, 2);

describe('parseCallText on damaged and foreign files', () => {
  const record = valid();
  const whole = serializeCall(record);
  it.each([
    ['an empty file', '', /^the file is empty$/],
    ['a truncated file', whole.slice(0, whole.length / 2), /^not valid JSON \(/],
    ['not JSON at all', 'Name: Ann\nPhone: 555\n', /^not valid JSON \(/],
    ['a JSON array', '[1,2]', /^not a call record \(expected a JSON object\)$/],
    ['a JSON string', '"hello"', /^not a call record/],
    ['a missing field', text({ ...record, agent: undefined }), /^agent: /],
    ['a wrong type deep inside', text({ ...record, followups: [{ ...record.followups[0], due: 'friday' }] }), /^followups\[0\]\.due: /],
    ['a bad enum', text({ ...record, status: 'finished' }), /^status: /],
    ['a bad id', text({ ...record, id: '../../etc/passwd' }), /^id: not a call id/],
    ['no schema version', text({ ...record, schemaVersion: undefined }), /^schemaVersion: /],
    ['an older, unknown schema version', text({ ...record, schemaVersion: 0 }), /^schemaVersion: /],
    ['a newer schema version', text({ ...record, schemaVersion: CURRENT_SCHEMA_VERSION + 1 }), new RegExp(`^written by a newer csr-call \\(schema version ${CURRENT_SCHEMA_VERSION + 1}; this one reads up to ${CURRENT_SCHEMA_VERSION}\\): update csr-call$`)],
  ])('%s: one line naming the first problem', (_name, input, expected) => {
    const result = parseCallText(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatch(expected);
    expect(result.problem).not.toMatch(/[\n\r]/);
  });

  it('keeps the problem on one line even when a key or the JSON error carries newlines', () => {
    const weirdKey = parseCallText(text({ ...record, stageSeconds: { 'a\nb\u001b[2J': 'x' } }));
    expect(weirdKey.ok).toBe(false);
    if (!weirdKey.ok) {
      expect(weirdKey.problem).toMatch(/^stageSeconds\["a\\nb\\u001b\[2J"\]: /);
      expect(weirdKey.problem).not.toMatch(/[\u0000-\u001f]/);
    }
    const badJson = parseCallText('{"a":\n\n\u001b[31m}');
    expect(badJson.ok).toBe(false);
    if (!badJson.ok) expect(badJson.problem).not.toMatch(/[\u0000-\u001f]/);
  });

  it('accepts a valid record as written', () => {
    const result = parseCallText(whole);
    expect(result).toEqual({ ok: true, record });
  });

  it("gives the same verdicts with the compiled checks of a bulk read (zod's full build)", async () => {
    const inputs = [
      whole,
      text({ ...record, agent: undefined }),
      text({ ...record, followups: [{ ...record.followups[0], due: 'friday' }] }),
      text({ ...record, status: 'finished', extra: 1 }),
      text({ ...record, customer: { ...record.customer, name: 7 } }),
      text({ ...record, stageSeconds: { a: 'x' } }),
    ];
    const before = inputs.map((input) => parseCallText(input));
    expect(before.map((r) => r.ok)).toEqual([true, false, false, false, false, false]);
    const bulk = await bulkCallParser();
    expect(inputs.map(bulk)).toEqual(before);
  });
});

describe('files written by a newer csr-call are never overwritten', () => {
  async function storeWithNewerFile() {
    const dataDir = join(tempDir(), 'data');
    const saved = await saveCall(dataDir, valid());
    const path = callPath(dataDir, saved.id);
    const newer = text({ ...saved, schemaVersion: CURRENT_SCHEMA_VERSION + 1, somethingNew: { x: 1 } });
    writeFileSync(path, newer);
    return { dataDir, saved, path, newer };
  }

  it('readCall explains', async () => {
    const { dataDir, saved, path } = await storeWithNewerFile();
    const error = await readCall(dataDir, saved.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallFileError);
    expect((error as CallFileError).path).toBe(path);
    expect((error as CallFileError).problem).toMatch(/^written by a newer csr-call/);
  });

  it('updateCall refuses and leaves the file byte for byte', async () => {
    const { dataDir, saved, path, newer } = await storeWithNewerFile();
    await expect(updateCall(dataDir, saved.id, (r) => ({ ...r, queries: ['x'] }))).rejects.toThrow(/written by a newer csr-call/);
    expect(readFileSync(path, 'utf8')).toBe(newer);
  });

  it('saveCall refuses too (a call still open in an old csr-call cannot clobber it)', async () => {
    const { dataDir, saved, path, newer } = await storeWithNewerFile();
    await expect(saveCall(dataDir, { ...saved, queries: ['x'] })).rejects.toThrow(/written by a newer csr-call.*not overwritten/);
    expect(readFileSync(path, 'utf8')).toBe(newer);
  });

  it('updateCall does not write over a damaged file either', async () => {
    const dataDir = join(tempDir(), 'data');
    const saved = await saveCall(dataDir, valid());
    const path = callPath(dataDir, saved.id);
    writeFileSync(path, '{"schemaVersion": 1, "id": ');
    await expect(updateCall(dataDir, saved.id, (r) => r)).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe('{"schemaVersion": 1, "id": ');
  });
});

describe('migrateCall', () => {
  it('leaves a current record as it is', () => {
    const record = valid();
    expect(migrateCall(record)).toBe(record);
  });

  it('leaves what it cannot place for the schema check to report', () => {
    for (const data of [null, 'x', [1], { schemaVersion: 'one' }, { schemaVersion: 0.5 }, { schemaVersion: 7 }]) {
      expect(migrateCall(data)).toBe(data);
    }
  });

  it('reads a real version-1 call file (written before issue 16) as a version-2 call with everything in it kept', async () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'call-v1.json'), 'utf8');
    const old = JSON.parse(text) as Record<string, unknown>;
    expect(old.schemaVersion).toBe(1);
    for (const parse of [parseCallText, await bulkCallParser()]) {
      const result = parse(text);
      if (!result.ok) throw new Error(result.problem);
      expect(result.record).toEqual({ ...old, schemaVersion: 2 });
    }
  });

  // The step runner with made-up steps.
  it('runs the steps from the file version up to the current one, in order', () => {
    const steps: Record<number, Migration> = {
      1: (d) => ({ ...d, schemaVersion: 2, seen: ['1→2'] }),
      2: (d) => ({ ...d, schemaVersion: 3, seen: [...(d.seen as string[]), '2→3'] }),
    };
    expect(migrateCall({ schemaVersion: 1 }, { current: 3, steps })).toEqual({ schemaVersion: 3, seen: ['1→2', '2→3'] });
    expect(migrateCall({ schemaVersion: 2, seen: [] }, { current: 3, steps })).toEqual({ schemaVersion: 3, seen: ['2→3'] });
  });

  it('refuses a step that does not move the version on by one', () => {
    const steps: Record<number, Migration> = { 1: (d) => ({ ...d }) };
    expect(() => migrateCall({ schemaVersion: 1 }, { current: 2, steps })).toThrow(/produced version 1/);
  });
});
