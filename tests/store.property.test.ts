import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathsOf } from './helpers.js';
import { parseCallText, serializeCall } from '../src/store/callStore.js';
import { makeCall } from './fixtures/makeCall.js';

/**
 * Whatever is in a call file (hand edits, other programs, a truncated copy), the reader
 * never throws, and a rejection is one line: `path.to.field: message`, or one of the few
 * whole-file verdicts.
 */
const WHOLE_FILE = /^(the file is empty|not valid JSON \(.+\)|not a call record \(expected a JSON object\)|written by a newer csr-call \(.+\): update csr-call)$/;
// A path's keys may be quoted, colons and all: stageSeconds[":"].
const FIELD = /^(\(top level\)|[^\s:"](?:[^:"]|"(?:[^"\\]|\\.)*")*): \S.*$/;

function expectClearVerdict(text: string): void {
  let result;
  expect(() => (result = parseCallText(text))).not.toThrow();
  const verdict = result as unknown as ReturnType<typeof parseCallText>;
  if (verdict.ok) return;
  expect(typeof verdict.problem).toBe('string');
  // One line, no control characters (it is printed next to the file name), not endless.
  expect(verdict.problem).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(verdict.problem.length).toBeLessThanOrEqual(240);
  expect(WHOLE_FILE.test(verdict.problem) || FIELD.test(verdict.problem)).toBe(true);
}

const base = makeCall({ followups: [{}, { status: 'done', doneAt: '2026-11-21T10:00:00.000Z' }], promises: [{}] });

type Json = unknown;
type Mutation =
  | { kind: 'replace'; path: number; value: Json }
  | { kind: 'delete'; path: number }
  | { kind: 'addKey'; path: number; key: string; value: Json };

function applyMutation(record: Json, mutation: Mutation): Json {
  const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  const paths = pathsOf(copy).filter((p) => p.length > 0);
  if (paths.length === 0) return copy;
  const path = paths[mutation.path % paths.length]!;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (mutation.kind === 'replace') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[mutation.key] = mutation.value;
    else parent[last] = { [mutation.key]: mutation.value };
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('addKey' as const), path: fc.nat(), key: fc.string({ unit: 'binary' }), value: fc.jsonValue({ maxDepth: 2 }) }),
);

describe('parseCallText never throws and always explains in one line', () => {
  it('on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), expectClearVerdict), { numRuns: 300 });
  });

  it('on random JSON', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => expectClearVerdict(JSON.stringify(value))), { numRuns: 300 });
  });

  it('on random objects that look a little like calls', () => {
    const callish = fc.record(
      {
        schemaVersion: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 5 }), fc.double(), fc.string()),
        id: fc.oneof(fc.constant(base.id), fc.string({ unit: 'binary' })),
        revision: fc.oneof(fc.nat(), fc.double(), fc.string()),
        customer: fc.dictionary(fc.constantFrom('name', 'phone', 'account', 'x'), fc.jsonValue({ maxDepth: 1 })),
        stageSeconds: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 1 })),
        followups: fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(callish, (value) => expectClearVerdict(JSON.stringify({ ...base, ...value }))), { numRuns: 300 });
  });

  it('on random mutations of a valid call', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = mutations.reduce<Json>(applyMutation, base);
        expectClearVerdict(JSON.stringify(mutated, null, 2));
      }),
      { numRuns: 400 },
    );
  });

  it('on a valid call cut short or with a byte changed anywhere', () => {
    const whole = serializeCall(base);
    fc.assert(
      fc.property(fc.nat({ max: whole.length }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (at, code, cut) => {
        const text = cut ? whole.slice(0, at) : whole.slice(0, at) + String.fromCharCode(code) + whole.slice(at + 1);
        expectClearVerdict(text);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts the valid call itself (the generators start from something real)', () => {
    expect(parseCallText(serializeCall(base)).ok).toBe(true);
  });
});
