import { describe, expect, it } from 'vitest';
import { apologyBeforeFacts } from '../src/coaching/apologyBeforeFacts.js';
import { vaguePromise } from '../src/coaching/vaguePromise.js';
import { copiedShare, parroting, PARROTING_SHARE } from '../src/coaching/parroting.js';
import { stockEmpathy, STOCK_EMPATHY_MIN_USES } from '../src/coaching/stockEmpathy.js';
import { blame } from '../src/coaching/blame.js';
import { coachAnswer, COACHING_RULES, type CoachingInput } from '../src/coaching/coachingRules.js';
import { COACHING_RULE_IDS, type Meaning } from '../src/playbook/types.js';
import { makeCall } from './fixtures/makeCall.js';

const record = makeCall({ problem: { story: 'Charged twice for November, wants refund of second charge' } });

function input(meaning: Meaning, text: string, more: Partial<CoachingInput> = {}): CoachingInput {
  return { meaning, text, record, factsDone: true, ourFault: undefined, recentEmpathy: [], ...more };
}

const nudged = (rule: { check(input: CoachingInput): string | undefined }, args: CoachingInput) => rule.check(args) !== undefined;

describe('apology-before-facts', () => {
  it.each([
    // text, facts done, our fault, nudged
    ["I'm so sorry about this", false, undefined, true],
    ['We apologise for the trouble', false, undefined, true],
    ['That is our fault entirely', false, undefined, true],
    ['My apologies, that sounds awful', false, undefined, true],
    ['That must be so frustrating with a new baby at home', false, undefined, false],
    ["I'm sorry, we got this wrong", true, true, false],
    ["I'm sorry, we got this wrong", true, undefined, false],
    ['Sorry for the wait', true, false, true],
    ['Thank you for your patience', true, false, false],
    ['SORRY!!!', false, undefined, true],
  ] as const)('%j (facts done: %s, our fault: %s) → nudged %s', (text, factsDone, ourFault, expected) => {
    expect(nudged(apologyBeforeFacts, input('empathy', text, { factsDone, ourFault }))).toBe(expected);
  });

  it('says why in each case', () => {
    expect(apologyBeforeFacts.check(input('empathy', 'So sorry', { factsDone: false }))).toMatch(/until the facts are in/);
    expect(apologyBeforeFacts.check(input('resolution', 'So sorry', { ourFault: false }))).toMatch(/not our doing/);
  });
});

describe('vague-promise', () => {
  it.each([
    ['promise.text', 'Refund ASAP', true],
    ['promise.text', 'We will sort it out as soon as possible', true],
    ['promise.text', 'The engineer will come soon', true],
    ['promise.text', 'You will hear back shortly', true],
    ['promise.text', 'I guarantee it arrives Friday', true],
    ['promise.text', 'It is 100% fixed by Monday', true],
    ['promise.text', 'It will definitely be there tomorrow', true],
    ['promise.text', 'The refund reaches your card', false],
    ['resolution', 'Refund sent; it shows within 5 working days', false],
    ['resolution', 'We will send a new router', true],
    ['resolution', "I'll call you back on Friday at 10:00", false],
    ['resolution', 'Engineer will visit tomorrow morning', false],
    ['resolution', 'Credit applied to the account', false],
    ['resolution', 'We will refund by 3 Dec', false],
    ['resolution', "They'll get a callback in 2 hours", false],
    ['resolution', 'Going to escalate to billing by end of day', false],
    ['resolution', 'Will sort it by 14:30', false],
    ['resolution', 'Soonest slot booked: 12/07', false], // "soonest" is not "soon"
  ] as const)('%s %j → nudged %s', (meaning, text, expected) => {
    expect(nudged(vaguePromise, input(meaning, text))).toBe(expected);
  });
});

describe('parroting', () => {
  it(`is a read-back sharing at least ${PARROTING_SHARE * 100}% of its word pairs with the notes`, () => {
    expect(copiedShare('Charged twice for November', 'Charged twice for November, wants refund')).toBe(1);
    expect(copiedShare('You were billed two times in November', 'Charged twice for November')).toBe(0);
  });

  it.each([
    ['Charged twice for November, wants refund of second charge', true],
    ['charged twice for november wants refund', true],
    ['You were billed twice in November and want the second charge back', false],
    ['So the November bill took the money two times', false],
    ['Charged twice', false], // too short to judge
    ['The refund of the second charge, for November', false],
  ] as const)('%j → nudged %s', (text, expected) => {
    expect(nudged(parroting, input('problem.paraphrase', text))).toBe(expected);
  });

  it('needs notes to compare with', () => {
    const noNotes = makeCall({ problem: {} });
    expect(nudged(parroting, input('problem.paraphrase', 'Charged twice for November, wants refund', { record: noNotes }))).toBe(false);
  });
});

describe('stock-empathy', () => {
  const line = 'I completely understand your frustration.';
  it.each([
    [[line, line, line], line, true],
    [['i completely understand your frustration', 'I completely understand your frustration!!', line.toUpperCase()], line, true],
    [[line, line], line, false],
    [[line, line, 'I understand your frustration'], line, false],
    [[line, line, line, line], 'Waiting a week for a refund you were promised is maddening.', false],
    [[], line, false],
  ] as const)('earlier %j, now %j → nudged %s', (recentEmpathy, text, expected) => {
    expect(nudged(stockEmpathy, input('empathy', text, { recentEmpathy }))).toBe(expected);
  });

  it(`counts the uses (${STOCK_EMPATHY_MIN_USES} or more)`, () => {
    expect(stockEmpathy.check(input('empathy', line, { recentEmpathy: [line, line, line, line] }))).toMatch(/on 4 of your last 20 calls/);
  });
});

describe('blame', () => {
  it.each([
    ['Billing messed up the refund', true],
    ['The warehouse lost the parcel', true],
    ['Dispatch never bothered to book the visit', true],
    ['The other team dropped the ball on this', true],
    ['My colleague forgot to send the refund', true],
    ['Not our fault: the courier lost it', true],
    ["It was billing's fault", true],
    ['They made a mistake with the address', true],
    ['We did not send the refund; sending it now', false],
    ['Refund approved 16 Nov, not sent; resent today. Customer angry, calmer now.', false],
    ['Escalated to Billing L2 with the history', false],
    ['The previous agent should have booked it', true],
  ] as const)('%j → nudged %s', (text, expected) => {
    expect(nudged(blame, input('escalation.handoff', text))).toBe(expected);
  });
});

describe('coachAnswer: one nudge per answer, each rule once per call, rules switched off', () => {
  it('every rule has an id a playbook may switch off, and reads some meanings', () => {
    expect(COACHING_RULES.map((rule) => rule.id).sort()).toEqual([...COACHING_RULE_IDS].sort());
    for (const rule of COACHING_RULES) expect(rule.meanings.length).toBeGreaterThan(0);
  });

  it('gives at most one nudge, the first rule that has one', () => {
    // Both an apology after "not our fault" and a blame: one nudge, the first in order.
    const nudge = coachAnswer(input('resolution', "Sorry, billing messed up; we'll fix it soon", { ourFault: false }));
    expect(nudge?.rule).toBe('apology-before-facts');
  });

  it('does not say a rule again on the same call', () => {
    const said = makeCall({ coaching: [{ rule: 'apology-before-facts', step: 'readback.empathy', text: 'x', at: '2026-11-20T09:01:00.000Z' }] });
    expect(coachAnswer(input('empathy', 'So sorry', { factsDone: false, record: said }))).toBeUndefined();
    expect(coachAnswer(input('resolution', 'We will call soon', { record: said }))?.rule).toBe('vague-promise');
  });

  it('skips rules the playbook switched off, and answers of other meanings', () => {
    expect(coachAnswer(input('empathy', 'So sorry', { factsDone: false }), { off: ['apology-before-facts'] })).toBeUndefined();
    expect(coachAnswer(input('problem.story', 'So sorry, they said, billing messed up'))).toBeUndefined();
    expect(coachAnswer(input('empathy', ''))).toBeUndefined();
  });
});
