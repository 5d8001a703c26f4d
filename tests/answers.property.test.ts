import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../src/commands/export.js';
import { followupsListCommand } from '../src/commands/followups.js';
import { listCommand } from '../src/commands/list.js';
import { statsCommand } from '../src/commands/stats.js';
import { allSteps, answersOf, choiceObjects, missingRequired, newCallRecord } from '../src/engine/callEngine.js';
import { runCall } from '../src/engine/runCall.js';
import { UserError } from '../src/errors.js';
import { CALL_COLUMNS } from '../src/export/csvColumns.js';
import { findPlaybook } from '../src/playbook/loadPlaybook.js';
import { checkAnswerKeys, createScriptedPrompter, parseAnswersFile } from '../src/prompt/scriptedPrompter.js';
import { callRecordSchema, type CallRecord } from '../src/domain/callRecord.js';
import { callPath } from '../src/store/callFiles.js';
import { parseCallText, serializeCall } from '../src/store/callStore.js';
import { makeCall } from './fixtures/makeCall.js';
import { pathsOf, tempDir, testContext } from './helpers.js';

/**
 * Issue 4 §5, the property half: random `--answers` files through the real engine, and
 * random call files through the readers. Nothing crashes; every refusal is one clear line.
 */

const FILE = 'answers.json';
const NOW = new Date('2026-11-23T14:00:00Z');
/** Line breaks and control characters: a "one line" message has none. */
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const { playbook } = await findPlaybook('standard', process.env);
const stepIds = allSteps(playbook).map((ref) => ref.fullId);
/** Texts that mean something to some step: choices, dates, yes/no words, numbers. */
const meaningful = [
  ...allSteps(playbook).flatMap((ref) => choiceObjects(ref.step.choices).flatMap((c) => [c.value, c.value.slice(0, 3), c.label ?? c.value])),
  ...['tomorrow 10:00', 'fri', '+2d', '2026-12-01 15:30', 'fri 10:00 America/Chicago', '10am', 'now', 'yesterday', '2026-02-30', 'someday'],
  ...['yes', 'no', 'y', 'n', 'maybe', '3', '0', '-1', '61', '2.5', '1e999', 'NaN', ''],
];

/** A fresh in-progress call, as `start` makes one before the first answer. */
function freshRecord(): CallRecord {
  return newCallRecord({
    id: '20261123-140000-prop01',
    agent: 'test-agent',
    startedAt: NOW,
    playbook: { id: playbook.id, version: playbook.version, title: playbook.title },
  });
}

const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...meaningful) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, // control characters, newlines, astral
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5_000), 'line one\nline two\r\n? a question', '\u001b[2J\u001b[31mred', '   ') },
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 100 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(text, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, // objects, mixed lists: refused by the file's schema
);

const key = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...stepIds) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'identify', 'identify.', '.name', 'readback.paraphrse', 'IDENTIFY.NAME') },
);

/** Usually the two required answers first (or random ones fail at once), then random entries over them. */
const BASICS: [string, unknown][] = [
  ['readback.paraphrase', 'Charged twice'],
  ['outcome.code', 'resolved'],
];
const answersText = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(key, value), { maxLength: 12 }))
  .map(([basics, entries]) => JSON.stringify(Object.fromEntries([...(basics ? BASICS : []), ...entries])));

/** What `start --answers` does in memory: parse, check the keys, run the engine. */
async function runAnswers(content: string): Promise<{ record: CallRecord; saved: CallRecord[] }> {
  const answers = parseAnswersFile(content, FILE);
  checkAnswerKeys(playbook, answers, FILE);
  const saved: CallRecord[] = [];
  const record = await runCall({
    playbook,
    record: freshRecord(),
    prompter: createScriptedPrompter(answers, FILE),
    save: async (r) => {
      const next = { ...r, revision: r.revision + 1 };
      saved.push(next);
      return next;
    },
    now: () => NOW,
    timeZone: 'UTC',
    agent: 'test-agent',
  });
  return { record, saved };
}

describe('random --answers files through the engine', () => {
  it('complete with a valid record, or are refused with one line naming the file and step', async () => {
    let completed = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(answersText, async (content) => {
        let outcome: Awaited<ReturnType<typeof runAnswers>>;
        try {
          outcome = await runAnswers(content);
        } catch (error) {
          // Never any other exception: a TypeError here is a bug, not a refusal.
          if (!(error instanceof UserError)) throw error;
          refused++;
          expect(error.exitCode).toBe(2);
          expect(error.message).not.toMatch(NOT_ONE_LINE);
          expect(error.message.startsWith(`${FILE}: `), error.message).toBe(true);
          expect(error.message.length).toBeLessThan(1_000);
          // A step named in the message is one of the playbook's.
          const named = /^answers\.json: (?:missing required answer )?"([^"]+)" \(/.exec(error.message)?.[1];
          if (named !== undefined) expect(stepIds).toContain(named);
          return;
        }
        completed++;
        const { record, saved } = outcome;
        // Every version that would have been written validates, not just the last one.
        for (const version of saved) {
          const check = callRecordSchema().safeParse(version);
          expect(check.success, JSON.stringify(check.error?.issues[0])).toBe(true);
        }
        expect(record.status).toBe('completed');
        expect(missingRequired(playbook, answersOf(record))).toEqual([]);
        // Text answers are stored exactly as given.
        const given = JSON.parse(content) as Record<string, unknown>;
        for (const answer of record.answers) {
          if (answer.type === 'text' && typeof given[answer.stepId] === 'string' && (given[answer.stepId] as string).trim() !== '') {
            expect(answer.value).toBe(given[answer.stepId]);
          }
        }
      }),
      { numRuns: 200 },
    );
    // The generator reaches both sides.
    expect(completed).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });

  it('a file of only good answers always completes', async () => {
    const good = fc.record({
      'identify.name': fc.string({ unit: 'binary', maxLength: 60 }),
      'listen.story': fc.string({ unit: 'binary', maxLength: 200 }),
      'readback.paraphrase': fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() !== ''),
      'outcome.code': fc.constantFrom('resolved', 'esc', 'callback', '4'),
      'promise.made': fc.boolean(),
      'promise.what': fc.constantFrom('Refund', 'Call back'),
      'promise.due': fc.constantFrom('tomorrow 10:00', 'fri', '+2d', 'fri 10:00 America/Chicago'),
    });
    await fc.assert(
      fc.asyncProperty(good, async (answers) => {
        const { record } = await runAnswers(JSON.stringify(answers));
        expect(callRecordSchema().safeParse(record).success).toBe(true);
        // The answer as typed; the record's summary fields are trimmed.
        expect(record.answers.find((a) => a.stepId === 'readback.paraphrase')?.value).toBe(answers['readback.paraphrase']);
        expect(record.customer.name).toBe(answers['identify.name'].trim() || undefined);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Random call files through list, followups, export and stats

type Json = unknown;

type Damage =
  | { kind: 'none' }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'text'; text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 80 }) }),
);

/** The file's text after the damage: a changed or removed field, a cut, or anything at all. */
function damaged(record: CallRecord, d: Damage): string {
  const text = serializeCall(record);
  if (d.kind === 'none') return text;
  if (d.kind === 'truncate') return text.slice(0, d.at % text.length);
  if (d.kind === 'text') return d.text;
  const copy = JSON.parse(text) as Record<string, unknown>;
  const paths = pathsOf(copy).filter((p) => p.length > 0);
  const path = paths[d.at % paths.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (d.kind === 'replace') parent[last] = d.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return JSON.stringify(copy, null, 2);
}

const BASES = [
  makeCall({ id: '20261120-090000-aaaaa1', followups: [{}, { status: 'done', doneAt: '2026-11-21T10:00:00.000Z' }], promises: [{ due: '2026-11-24T15:00:00.000Z' }] }),
  makeCall({ id: '20261121-100000-bbbbb2', status: 'in-progress', endedAt: undefined, customer: { name: 'Bob, "B" =1', phone: '+1 555 010 0200' } }),
  makeCall({ id: '20261122-110000-ccccc3', followups: [{ due: '2026-11-30T09:00:00.000Z', repeatEveryDays: 2 }], notes: [{ at: '2026-11-22T12:00:00.000Z', by: 'x', text: 'note\nline' }] }),
];

const WARNING = /^csr-call: warning: skipped damaged call file (.+?\.json): \S.*$/;

describe('random call files through the readers', () => {
  it('list, followups, export and stats never crash; each damaged file gets one warning', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(damage, damage, damage), async (damages) => {
        const dataDir = join(tempDir('csr-prop-'), 'data');
        const good = new Set<string>();
        const bad = new Set<string>();
        damages.forEach((d, i) => {
          const base = BASES[i]!;
          const path = callPath(dataDir, base.id);
          const content = damaged(base, d);
          mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
          writeFileSync(path, content, { mode: 0o600 });
          const verdict = parseCallText(content);
          if (verdict.ok) good.add(verdict.record.id);
          else bad.add(path);
        });

        const run = async (command: (ctx: ReturnType<typeof testContext>) => Promise<void>) => {
          const ctx = testContext({ dataDir, now: () => NOW });
          await command(ctx); // a throw fails the property
          const lines = ctx.err().split('\n').filter(Boolean);
          const warned = new Set<string>();
          for (const line of lines) {
            const match = WARNING.exec(line);
            expect(match, line).not.toBeNull();
            warned.add(match![1]!);
          }
          expect([...warned].sort()).toEqual([...bad].sort());
          expect(lines).toHaveLength(bad.size);
          return ctx.out();
        };

        const list = JSON.parse(await run((ctx) => listCommand({ json: true }, ctx))) as { calls: { id: string }[] };
        expect(new Set(list.calls.map((c) => c.id))).toEqual(good);

        const board = JSON.parse(await run((ctx) => followupsListCommand({ all: true, json: true }, ctx))) as { groups: Record<string, unknown[]> };
        expect(Object.keys(board.groups).sort()).toEqual(['overdue', 'today', 'upcoming']);

        const csv = parse(await run((ctx) => exportCommand({ format: 'csv' }, ctx)), { relax_column_count: false }) as string[][];
        expect(csv).toHaveLength(good.size + 1);
        for (const row of csv) expect(row).toHaveLength(CALL_COLUMNS.length);

        const ndjson = (await run((ctx) => exportCommand({ format: 'ndjson' }, ctx))).split('\n').filter(Boolean);
        expect(new Set(ndjson.map((line) => callRecordSchema().parse(JSON.parse(line)).id))).toEqual(good);

        JSON.parse(await run((ctx) => statsCommand({ all: true, json: true }, ctx)));

        // Again, now from the index the first run made: the same answer.
        const again = JSON.parse(await run((ctx) => listCommand({ json: true }, ctx))) as { calls: { id: string }[] };
        expect(again).toEqual(list);
      }),
      { numRuns: 100 },
    );
  });
});
