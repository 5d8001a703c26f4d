/**
 * The pure rules of the craft (issue 16), by table: the check before the summary, where
 * promises stand, which prepared solutions show and in what order, how causes group.
 */
import { describe, expect, it } from 'vitest';
import { coerceAnswer, unknownSolutionNumber } from '../src/engine/callEngine.js';
import { checksToShow, handoffGaps, openParkedQuestions, unmetChecks } from '../src/checklist/callChecklist.js';
import { promiseRecordOf, promiseStandings, promiseStateAt } from '../src/domain/promiseKeeping.js';
import { fitsCategory, mergeSolutions, rankSolutions, successScore } from '../src/solutions/rankSolutions.js';
import { causeKey } from '../src/domain/rootCause.js';
import { holdTally, openHold, ranOver } from '../src/domain/holds.js';
import { MEANINGS, type Meaning, type Solution } from '../src/playbook/types.js';
import type { Answer } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { describePromiseRecord } from '../src/render/promiseRecord.js';

const ALL = new Set<Meaning>(MEANINGS);
const answer = (meaning: Meaning, value: Answer['value']): Answer => ({ stepId: `s.${meaning}`, question: meaning, type: 'text', meaning, value, answeredAt: '2026-11-20T09:01:00.000Z' });
const ids = (record: ReturnType<typeof makeCall>, asks = ALL) => unmetChecks(record, asks, 'UTC').map((item) => item.id);

describe('the check before the summary', () => {
  it('a call that did everything has nothing to check', () => {
    const done = makeCall({
      queries: ['which card'],
      answers: [answer('queries.answered', ['which card']), answer('empathy', 'A week without your money is hard.')],
      options: ['refund', 'credit'],
      mood: { start: 'angry', end: 'calm' },
    });
    expect(ids(done)).toEqual([]);
  });

  it.each([
    ['a parked question neither answered nor in a follow-up', { queries: ['which card'] }, ['parked-questions', 'two-options']],
    ['a parked question carried into a follow-up', { queries: ['Which card?'], followups: [{ text: 'Call back: which card? and the refund' }] }, ['two-options']],
    ['one option, not solved outright', { options: ['refund'] }, ['two-options']],
    ['one option, solved outright', { options: ['refund'], outcome: 'resolved' }, []],
    ['no option, information only', { outcome: 'info' }, []],
    ['angry at the start, no empathy', { mood: { start: 'angry' }, options: ['a', 'b'] }, ['empathy']],
    ['worried at the start, no empathy', { mood: { start: 'worried' }, options: ['a', 'b'] }, []],
    ['an escalation with no handoff note', { escalation: { to: 'Billing' }, options: ['a', 'b'] }, ['handoff-note']],
    ['a handoff note that says it all', { escalation: { to: 'Billing', handoffNote: 'Tried a resend; promised a call by Fri; customer upset.' }, options: ['a', 'b'] }, []],
    ['a promise with no date', { promises: [{ text: 'refund' }], options: ['a', 'b'] }, ['promises-dated']],
    ['a dated promise with its follow-up', { promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T17:00:00.000Z' }], followups: [{ promiseId: 'p1' }], options: ['a', 'b'] }, []],
    ['a dated promise with no follow-up', { promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T17:00:00.000Z' }], options: ['a', 'b'] }, ['promises-dated']],
    ['a promise whose callback is due after its deadline', { promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T17:00:00.000Z' }], followups: [{ promiseId: 'p1', due: '2026-11-26T15:00:00.000Z' }], options: ['a', 'b'] }, ['callback-by-deadline']],
    ['a promise for a day whose callback is later that day', { promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T00:00:00.000Z' }], followups: [{ promiseId: 'p1', due: '2026-11-25T15:00:00.000Z' }], options: ['a', 'b'] }, []],
    ['a late callback already done', { promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T17:00:00.000Z' }], followups: [{ promiseId: 'p1', due: '2026-11-26T15:00:00.000Z', status: 'done', doneAt: '2026-11-25T09:00:00.000Z' }], options: ['a', 'b'] }, []],
  ] as const)('%s → %j', (_name, overrides, expected) => {
    expect(ids(makeCall({ outcome: 'callback', mood: { start: 'calm' }, ...(overrides as object) }))).toEqual(expected);
  });

  it('checks only what the playbook has a step for', () => {
    const call = makeCall({ outcome: 'callback', mood: { start: 'angry' }, queries: ['which card'] });
    expect(ids(call)).toEqual(['parked-questions', 'empathy', 'two-options']);
    expect(ids(call, new Set<Meaning>(['followup.text']))).toEqual(['parked-questions']);
    expect(ids(call, new Set<Meaning>())).toEqual([]);
  });

  it('goes back to the questions answered, or else to the callback', () => {
    const call = makeCall({ queries: ['which card'] });
    expect(unmetChecks(call, ALL, 'UTC').find((item) => item.id === 'parked-questions')?.fix).toEqual(['queries.answered']);
    expect(unmetChecks(call, new Set<Meaning>(['followup.text']), 'UTC').find((item) => item.id === 'parked-questions')?.fix).toEqual(['followup.text']);
  });

  it('does not show again what was left with a reason', () => {
    const call = makeCall({ outcome: 'callback', mood: { start: 'calm' }, options: ['one'], checklist: [{ item: 'two-options', text: 'x', result: 'left', reason: 'only one fits', at: '2026-11-20T09:05:00.000Z' }] });
    expect(checksToShow(call, ALL, 'UTC')).toEqual([]);
  });

  it.each([
    ['', ['what was tried', 'what was promised', 'how they feel']],
    ['Customer furious.', ['what was tried', 'what was promised']],
    ['Checked the account; told them billing calls within 2 days; calmer now', []],
    ['Restarted the router twice, no fix. Nothing promised. Upset.', []],
    ['Refund approved 16 Nov.', ['what was tried', 'what was promised', 'how they feel']],
  ] as const)('a handoff note %j leaves out %j', (note, gaps) => {
    expect(handoffGaps(note)).toEqual(gaps);
  });

  it('parked questions: marked answered, or named in a follow-up (case and punctuation aside)', () => {
    const call = makeCall({
      queries: ['Which card?', 'since when', 'the invoice number'],
      answers: [answer('queries.answered', ['since when'])],
      followups: [{ text: 'Ask which card, then refund' }],
    });
    expect(openParkedQuestions(call)).toEqual(['the invoice number']);
  });
});

describe('promises, by the follow-ups that check them', () => {
  const due = '2026-11-25T17:00:00.000Z';
  const promised = (followups: NonNullable<Parameters<typeof makeCall>[0]>['followups']) => makeCall({ promises: [{ id: 'p1', text: 'refund', due }], followups });

  it.each([
    ['done before its date', [{ promiseId: 'p1', status: 'done' as const, doneAt: '2026-11-24T10:00:00.000Z' }], 'kept'],
    ['done after its date', [{ promiseId: 'p1', status: 'done' as const, doneAt: '2026-11-26T10:00:00.000Z' }], 'late'],
    ['cancelled', [{ promiseId: 'p1', status: 'cancelled' as const }], 'cancelled'],
    ['still open', [{ promiseId: 'p1' }], 'open'],
    ['a progress call done, the next one still open', [{ promiseId: 'p1', status: 'done' as const, doneAt: '2026-11-24T10:00:00.000Z' }, { promiseId: 'p1' }], 'open'],
    ['closed for good after two progress calls, the last one late', [{ promiseId: 'p1', status: 'done' as const, doneAt: '2026-11-24T10:00:00.000Z' }, { promiseId: 'p1', status: 'done' as const, doneAt: '2026-11-27T10:00:00.000Z' }], 'late'],
  ] as const)('%s → %s', (_name, followups, standing) => {
    expect(promiseStandings(promised([...followups]), 'UTC').map((p) => p.standing)).toEqual([standing]);
  });

  it('a promise for a day is kept all that day, in its zone', () => {
    const day = makeCall({
      promises: [{ id: 'p1', text: 'refund', due: '2026-11-25T06:00:00.000Z', timeZone: 'America/Chicago' }],
      followups: [{ promiseId: 'p1', status: 'done', doneAt: '2026-11-26T05:00:00.000Z' }],
    });
    expect(promiseStandings(day, 'UTC')[0]).toMatchObject({ standing: 'kept', deadline: '2026-11-26T05:59:59.999Z' });
  });

  it('leaves out promises with no date', () => {
    expect(promiseStandings(makeCall({ promises: [{ text: 'call you' }] }), 'UTC')).toEqual([]);
  });

  it('an open promise is broken once its deadline has passed; the record counts them', () => {
    const open = promiseStandings(promised([{ promiseId: 'p1' }]), 'UTC')[0]!;
    expect(promiseStateAt(open, new Date('2026-11-25T16:59:00Z'))).toBe('pending');
    expect(promiseStateAt(open, new Date('2026-11-25T17:01:00Z'))).toBe('broken');
    const record = promiseRecordOf(
      [
        { ...open, standing: 'kept' },
        { ...open, standing: 'late' },
        { ...open, text: 'older', madeAt: '2026-11-01T00:00:00.000Z', standing: 'cancelled' },
        { ...open, text: 'newer', madeAt: '2026-11-21T00:00:00.000Z' },
      ],
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(record).toMatchObject({ kept: 1, late: 1, broken: 2, pending: 0 });
    expect(record.brokenPromises.map((p) => p.text)).toEqual(['newer', 'older']);
  });
});

describe('the promise record, as a repeat caller is recognised', () => {
  const tally = (kept: number, late: number, broken: number, pending: number, brokenPromises: Array<{ text: string; madeAt: string }> = []) => ({
    kept,
    late,
    broken,
    pending,
    brokenPromises: brokenPromises.map((p) => ({ ...p, deadline: p.madeAt, standing: 'open' as const })),
  });
  const now = new Date('2026-12-10T12:00:00Z');
  it.each([
    ['no dated promise', tally(0, 0, 0, 0), undefined],
    ['all kept', tally(3, 0, 0, 0), { line: 'Promises to this customer: 3 kept', broken: false }],
    ['only what happened is counted', tally(2, 0, 0, 1), { line: 'Promises to this customer: 2 kept, 1 not due yet', broken: false }],
    [
      'a broken one is named, newest first',
      tally(3, 1, 1, 0, [{ text: 'the refund', madeAt: '2026-12-02T10:00:00.000Z' }]),
      { line: 'Promises to this customer: 3 kept, 1 late, 1 broken (the refund, promised Wed 2 Dec)', broken: true },
    ],
    [
      'several broken: the newest and how many more',
      tally(0, 0, 3, 0, [{ text: 'a visit', madeAt: '2026-12-05T10:00:00.000Z' }, { text: 'x', madeAt: '2026-11-01T10:00:00.000Z' }, { text: 'y', madeAt: '2026-10-01T10:00:00.000Z' }]),
      { line: 'Promises to this customer: 3 broken (a visit, promised Sat 5 Dec, and 2 more)', broken: true },
    ],
  ] as const)('%s', (_name, record, expected) => {
    expect(describePromiseRecord(record, 'UTC', now)).toEqual(expected);
  });
});

describe('prepared solutions: which show, in what order', () => {
  const solution = (id: string, categories: string[]): Solution => ({ id, title: id, categories, script: `say ${id}` });
  const all = [solution('a', ['billing']), solution('b', ['billing', 'complaint']), solution('c', ['technical']), solution('d', ['Billing'])];

  it('fit the category (case ignored); every one when the category is not known', () => {
    expect(fitsCategory(all[3]!, 'billing')).toBe(true);
    expect(rankSolutions(all, 'billing', new Map()).map((r) => r.solution.id)).toEqual(['a', 'b', 'd']);
    expect(rankSolutions(all, undefined, new Map()).map((r) => r.solution.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(rankSolutions(all, 'delivery', new Map())).toEqual([]);
  });

  it('best first by how often each resolved such calls, a few tries counting for little', () => {
    const records = new Map([
      ['a', { offered: 50, chosen: 45, resolved: 40 }],
      ['b', { offered: 1, chosen: 1, resolved: 1 }],
      ['d', { offered: 10, chosen: 5, resolved: 1 }],
    ]);
    expect(successScore(records.get('a'))).toBeGreaterThan(successScore(records.get('b')));
    expect(rankSolutions(all, 'billing', records).map((r) => [r.solution.id, r.offered, r.resolved])).toEqual([
      ['a', 50, 40],
      ['b', 1, 1],
      ['d', 10, 1],
    ]);
  });

  it('shows nine at most (typed by one digit)', () => {
    const many = Array.from({ length: 12 }, (_, i) => solution(`s${i}`, ['billing']));
    expect(rankSolutions(many, 'billing', new Map())).toHaveLength(9);
  });

  it("the team's file replaces a playbook's solution of the same id", () => {
    const team = [{ ...solution('b', ['billing']), title: 'our own b' }, solution('t', ['billing'])];
    expect(mergeSolutions(all, team).map((s) => s.title)).toEqual(['our own b', 't', 'a', 'c', 'd']);
  });
});

describe('root causes, grouped', () => {
  it.each([
    ['New price not applied to old contracts', 'new price not applied to old contract'],
    ['New prices were not applied to old contracts.', 'new price not applied to old contract'],
    ['  the NEW PRICE not applied to OLD contracts ', 'new price not applied to old contract'],
    ['Café card-reader déjà faulty', 'cafe card reader deja faulty'],
    ['Deliveries & returns mixed up', 'delivery and return mixed up'],
    ["Address isn't validated", 'address isnt validated'],
    ['Status page is wrong', 'status page wrong'],
    ['...', undefined],
    ['', undefined],
  ] as const)('%j → %j', (cause, key) => {
    expect(causeKey(cause)).toBe(key);
  });
});

describe('time off the line', () => {
  const hold = (endedAt?: string) => ({ kind: 'hold' as const, stage: 'facts', startedAt: '2026-11-20T09:05:00.000Z', backBy: '2026-11-20T09:07:00.000Z', ...(endedAt ? { endedAt } : {}) });
  it('ran over when back after the time given; one still under way is not judged', () => {
    expect(ranOver(hold('2026-11-20T09:06:30.000Z'))).toBe(false);
    expect(ranOver(hold('2026-11-20T09:07:01.000Z'))).toBe(true);
    expect(holdTally(makeCall({ holds: [hold('2026-11-20T09:06:00.000Z'), hold('2026-11-20T09:09:00.000Z'), hold()] }))).toEqual({ holds: 3, overruns: 1 });
    expect(openHold(makeCall({ holds: [hold('2026-11-20T09:06:00.000Z'), hold()] }))).toEqual(hold());
    expect(openHold(makeCall({ holds: [hold('2026-11-20T09:06:00.000Z')] }))).toBeUndefined();
  });
});

describe('the options step typed by number', () => {
  const step = { id: 'options', question: 'Options you offered', type: 'list', meaning: 'options' } as const;
  const solutions = [
    { id: 'credit-next-bill', title: 'Credit it on the next bill' },
    { id: 'refund-card', title: 'Refund to the card' },
  ];
  const coerce = (input: string) => coerceAnswer(step, input, { now: new Date('2026-11-25T14:00:00Z'), timeZone: 'UTC', solutions });

  it('a number shown stands for its solution; words are an option of their own', () => {
    expect(coerce('2\na call from Billing within 2 days')).toEqual({
      ok: true,
      value: ['Refund to the card', 'a call from Billing within 2 days'],
      solutions: ['refund-card', null],
    });
  });

  it('a number with no solution under it is refused, not kept as an option called "9"', () => {
    expect(coerce('1\n9')).toEqual({ ok: false, message: 'there is no solution 9: the ones shown are numbered 1–2; an option of your own is typed in words' });
    expect(unknownSolutionNumber('0', 2)).toBeDefined();
    expect(unknownSolutionNumber('2', 2)).toBeUndefined();
    expect(unknownSolutionNumber('9 days of credit', 2)).toBeUndefined();
  });
});
