import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callFileWriter, ensureStore, GENERATOR_VERSION, storeEndAt, storeRecords } from '../bench/generateStore.js';
import { craftFacts } from '../src/domain/callFacts.js';
import { STARTER_SOLUTIONS } from '../src/playbook/starterSolutions.js';
import { createCall, readCall } from '../src/store/callStore.js';

/**
 * The bench's synthetic stores are written directly, not through the store (for speed):
 * the files must still be the ones the store itself would have written.
 */
const root = mkdtempSync(join(tmpdir(), 'csr-call-bench-generator-'));
const CALLS = 200;
// A fixed end, so the test does not depend on the day it runs.
const END_AT = storeEndAt(Date.parse('2026-12-05T12:00:00Z'));

/** Every file and directory under `dir` (relative paths), with its permission bits. */
function tree(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      out.set(relative(dir, full), statSync(full).mode & 0o777);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

describe('bench store generator', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the same bytes, at the same path, with the same modes as the store', async () => {
    const direct = join(root, 'direct', 'data');
    const viaStore = join(root, 'store', 'data');
    const writer = callFileWriter(direct);
    // The store writes a new call at revision 1: the sampled calls are written again so, directly.
    const directFirst = join(root, 'direct-first', 'data');
    const firstWriter = callFileWriter(directFirst);
    const sample: string[] = [];
    // The craft fields the sampled calls hold: the byte check covers each of them.
    const sampledCraft = new Set<string>();
    const ids: string[] = [];
    let index = 0;
    for (const record of storeRecords(CALLS, END_AT)) {
      ids.push(record.id);
      const bytes = writer.write(record);
      expect(bytes).toBe(Buffer.byteLength(JSON.stringify(record, null, 2)) + 1);
      // Every 9th call, and the newest (the store's end): ~23 writes through the store, each fsync'd.
      if (index % 9 === 0 || index === CALLS - 1) {
        const saved = await createCall(viaStore, record);
        expect(saved.record.revision).toBe(1);
        firstWriter.write({ ...record, revision: 1 });
        sample.push(record.id);
        for (const field of ['solutions', 'chosenOption', 'coaching', 'holds'] as const) if (record[field] !== undefined) sampledCraft.add(field);
        if (record.answers.some((a) => a.meaning === 'empathy')) sampledCraft.add('empathy');
      }
      index += 1;
    }
    expect(index).toBe(CALLS);
    // Every generated call is one the store reads back (its schema check): the generator has not drifted from the format.
    for (const id of ids) expect((await readCall(direct, id)).id).toBe(id);
    expect(sample.length).toBeGreaterThan(20);
    expect([...sampledCraft].sort()).toEqual(['chosenOption', 'coaching', 'empathy', 'holds', 'solutions']);

    const directTree = tree(join(directFirst, 'calls'));
    const storeTree = tree(join(viaStore, 'calls'));
    expect(storeTree.size).toBeGreaterThan(sample.length); // files and their directories
    for (const [path, mode] of storeTree) {
      // Everything the store wrote (the sampled files and their directories) is in the direct store, alike.
      expect(directTree.get(path), path).toBe(mode);
      expect(mode, path).toBe(path.endsWith('.json') ? 0o600 : 0o700);
      if (path.endsWith('.json')) expect(readFileSync(join(directFirst, 'calls', path)).equals(readFileSync(join(viaStore, 'calls', path))), path).toBe(true);
    }
    const storeFiles = [...storeTree.keys()].filter((path) => path.endsWith('.json'));
    expect(storeFiles.map((path) => path.split(sep).at(-1)!.slice(0, -'.json'.length)).sort()).toEqual([...sample].sort());

    // The direct store: one file per call, every file 0600 and every directory 0700.
    const fullTree = tree(join(direct, 'calls'));
    const files = [...fullTree].filter(([path]) => path.endsWith('.json'));
    expect(files).toHaveLength(CALLS);
    for (const [path, mode] of fullTree) expect(mode, path).toBe(path.endsWith('.json') ? 0o600 : 0o700);
    for (const dir of [direct, join(direct, 'calls')]) expect(statSync(dir).mode & 0o777).toBe(statSync(dir.replace(direct, viaStore)).mode & 0o777);
    expect(statSync(direct).mode & 0o777).toBe(0o700);
    // calls/YYYY/MM/<week>/<id>.json
    for (const [path] of files) expect(path).toMatch(/^\d{4}\/\d{2}\/(01-07|08-14|15-21|22-28|29-31)\/\d{8}-\d{6}-[0-9a-z]{6}\.json$/);
  });

  it('is deterministic: the same size and end give the same records', () => {
    const first = [...storeRecords(50, END_AT)].map((record) => JSON.stringify(record));
    const second = [...storeRecords(50, END_AT)].map((record) => JSON.stringify(record));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(50);
    expect(JSON.parse(first.at(-1)!).startedAt).toBe(new Date(END_AT).toISOString());
  });

  it('carries the craft of issue 16 on a realistic share of calls', () => {
    const calls = [...storeRecords(3000, END_AT)];
    const share = (count: (facts: ReturnType<typeof craftFacts>) => boolean) => calls.filter((record) => count(craftFacts(record, 'UTC'))).length / calls.length;
    // Solutions offered: 1–3 of the starter set for the call's category; one chosen on most.
    expect(share((f) => f.offered.length > 0)).toBeGreaterThan(0.4);
    expect(share((f) => f.offered.length > 0)).toBeLessThan(0.6);
    expect(share((f) => f.chosen !== undefined) / share((f) => f.offered.length > 0)).toBeGreaterThan(0.7);
    const starter = new Map<string, readonly string[]>(STARTER_SOLUTIONS.map((s) => [s.id, s.categories ?? []]));
    for (const record of calls) {
      const facts = craftFacts(record, 'UTC');
      expect(facts.offered.length).toBeLessThanOrEqual(3);
      for (const id of facts.offered) expect(starter.get(id), id).toContain(record.problem.category);
      if (facts.chosen !== undefined) expect(facts.offered).toContain(facts.chosen);
      // A call with craft is a file of the schema version that has it.
      const crafted = record.solutions !== undefined || record.coaching !== undefined || record.holds !== undefined;
      expect(record.schemaVersion).toBe(crafted ? 2 : 1);
    }
    expect(share((f) => f.coaching.length > 0)).toBeGreaterThan(0.08);
    expect(share((f) => f.coaching.length > 0)).toBeLessThan(0.2);
    expect(share((f) => f.holds > 0)).toBeGreaterThan(0.12);
    expect(share((f) => f.holds > 0)).toBeLessThan(0.25);
    expect(share((f) => f.overruns > 0)).toBeGreaterThan(0.01);
    expect(share((f) => f.empathy !== undefined)).toBeGreaterThan(0.7);
    expect(share((f) => f.empathy !== undefined)).toBeLessThan(0.9);
  });

  it('ensureStore builds a store once and reuses it', async () => {
    const stores = join(root, 'stores');
    const logs: string[] = [];
    const built = await ensureStore(stores, CALLS, (line) => logs.push(line));
    expect(built.generatorVersion).toBe(GENERATOR_VERSION);
    expect(built.calls).toBe(CALLS);
    expect(built.dataDir).toBe(join(stores, String(CALLS), 'data'));
    expect(built.builtSeconds).toBeTypeOf('number');
    expect(built.openFollowups).toBeGreaterThan(0);
    const files = [...tree(built.dataDir)].filter(([path]) => path.endsWith('.json'));
    expect(files).toHaveLength(CALLS);
    const total = files.reduce((sum, [path]) => sum + statSync(join(built.dataDir, path)).size, 0);
    expect(built.averageBytes).toBe(Math.round(total / CALLS));

    expect(JSON.parse(readFileSync(join(stores, String(CALLS), 'store.json'), 'utf8'))).toEqual(built);

    const marker = join(stores, String(CALLS), 'marker');
    writeFileSync(marker, ''); // a rebuild starts by removing the store's folder
    const reused = await ensureStore(stores, CALLS, (line) => logs.push(line));
    const { builtSeconds: _built, ...described } = built;
    expect(reused).toEqual(described); // no builtSeconds: not built this time
    expect(statSync(marker, { throwIfNoEntry: false })).toBeDefined();
  });
});
