import { describe, expect, it } from 'vitest';
import { userErrorOf } from './helpers.js';
import {
  businessHoursFromEnv,
  DEFAULT_BUSINESS_HOURS,
  followUpsOutsideCallingHours,
  intoBusinessHours,
  markDone,
  nextOccurrence,
  outsideCallingHours,
  promiseDeadline,
  snooze,
} from '../src/domain/followUpRules.js';
import { callRecordSchema } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';

const NY = 'America/New_York';
const ID = '20261120-090000-k3v9q2';

describe('markDone', () => {
  const record = makeCall({
    id: ID,
    followups: [
      { text: 'Call back about the refund', due: '2026-11-22T15:00:00.000Z' },
      { text: 'Send the form', due: '2026-11-25T15:00:00.000Z' },
    ],
  });
  const at = new Date('2026-11-23T14:30:00Z');

  it('marks it done with a history entry and leaves everything else alone', () => {
    const { record: after, next } = markDone(record, `${ID}.f1`, { at, by: 'bob', note: ' rang, refund confirmed ', timeZone: 'UTC' });
    expect(next).toBeUndefined();
    const f1 = after.followups[0]!;
    expect(f1.status).toBe('done');
    expect(f1.doneAt).toBe('2026-11-23T14:30:00.000Z');
    expect(f1.history.at(-1)).toEqual({
      at: '2026-11-23T14:30:00.000Z',
      by: 'bob',
      action: 'done',
      note: 'rang, refund confirmed',
      due: '2026-11-22T15:00:00.000Z',
    });
    expect(f1.history).toHaveLength(2);
    expect(after.followups[1]).toEqual(record.followups[1]);
    expect(after.answers).toEqual(record.answers);
    expect(record.followups[0]!.status).toBe('open'); // the input is not mutated
    expect(callRecordSchema().safeParse(after).success).toBe(true);
  });

  it('refuses an unknown or already done follow-up with one clear line', () => {
    const unknown = userErrorOf(() => markDone(record, `${ID}.f9`, { at, by: 'bob', timeZone: 'UTC' }));
    expect(unknown.message).toBe('call k3v9q2 has no follow-up k3v9q2.f9: it has k3v9q2.f1, k3v9q2.f2');
    const { record: done } = markDone(record, `${ID}.f1`, { at, by: 'bob', timeZone: 'UTC' });
    const again = userErrorOf(() => markDone(done, `${ID}.f1`, { at, by: 'bob', timeZone: 'UTC' }));
    expect(again.message).toBe('cannot mark done k3v9q2.f1: it is already done on 2026-11-23');
    expect(again.message).not.toContain('\n');
  });

  it('a repeating follow-up schedules the next one, counted from when it was done', () => {
    const repeating = makeCall({
      id: ID,
      promises: [{ id: 'p1', text: 'Progress every 2 days', due: '2026-11-30T15:00:00.000Z' }],
      followups: [
        { text: 'Progress call', due: '2026-10-30T14:00:00.000Z', repeatEveryDays: 2, promiseId: 'p1' },
        { text: 'Other', due: '2026-11-25T15:00:00.000Z' },
      ],
    });
    // Done late, on Sat 31 Oct at 10:00 EDT; clocks go back on Sun 1 Nov.
    const doneAt = new Date('2026-10-31T14:00:00Z');
    const { record: after, next } = markDone(repeating, `${ID}.f1`, { at: doneAt, by: 'ann', timeZone: NY });
    expect(next).toBeDefined();
    expect(next!.id).toBe(`${ID}.f3`);
    // Mon 2 Nov 10:00 EST: same wall-clock time, two calendar days after it was done.
    expect(next!.due).toBe('2026-11-02T15:00:00.000Z');
    expect(next).toMatchObject({ status: 'open', text: 'Progress call', repeatEveryDays: 2, promiseId: 'p1', owner: 'test-agent', createdAt: doneAt.toISOString() });
    expect(next!.doneAt).toBeUndefined();
    expect(next!.history).toEqual([
      {
        at: doneAt.toISOString(),
        by: 'ann',
        action: 'scheduled-next',
        note: 'next progress call after k3v9q2.f1',
        due: '2026-11-02T15:00:00.000Z',
        previousDue: '2026-10-30T14:00:00.000Z',
      },
    ]);
    expect(after.followups.map((f) => [f.id.slice(-2), f.status])).toEqual([
      ['f1', 'done'],
      ['f2', 'open'],
      ['f3', 'open'],
    ]);
    expect(callRecordSchema().safeParse(after).success).toBe(true);

    // Completing that one schedules the next again.
    const third = markDone(after, `${ID}.f3`, { at: new Date('2026-11-02T16:00:00Z'), by: 'ann', timeZone: NY });
    expect(third.next!.id).toBe(`${ID}.f4`);
    expect(third.next!.due).toBe('2026-11-04T16:00:00.000Z');
  });

  it('`last` closes a repeating follow-up for good', () => {
    const repeating = makeCall({ id: ID, followups: [{ repeatEveryDays: 2 }] });
    const { record: after, next } = markDone(repeating, `${ID}.f1`, { at, by: 'ann', timeZone: 'UTC', last: true });
    expect(next).toBeUndefined();
    expect(after.followups).toHaveLength(1);
  });

  it('an all-day repeating follow-up comes back at the start of a weekday, in its own zone', () => {
    expect(nextOccurrence(new Date('2026-11-23T20:00:00Z'), 3, 'America/Chicago', true).toISOString()).toBe('2026-11-26T06:00:00.000Z');
    // Fri 27 Nov + 1 day is a Saturday: Monday.
    expect(nextOccurrence(new Date('2026-11-27T20:00:00Z'), 1, 'America/Chicago', true).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    // Sat 7 Mar 10:00 EST + 1 day is Sunday, the day clocks go forward: Monday 09:00 EDT.
    expect(nextOccurrence(new Date('2026-03-07T15:00:00Z'), 1, NY, false).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('the next progress call is booked within business hours, in the customer\'s zone when known (issue 15, item 14)', () => {
    const repeating = (customer: { zone?: string }) =>
      makeCall({ id: ID, customer: { name: 'Ann', ...customer }, followups: [{ text: 'Progress', due: '2026-11-23T15:00:00.000Z', repeatEveryDays: 2 }] });
    // Done Mon 23 Nov at 18:52 in New York: Wednesday 18:52 is after hours, so Thursday 09:00.
    const late = markDone(repeating({}), `${ID}.f1`, { at: new Date('2026-11-23T23:52:00Z'), by: 'ann', timeZone: NY });
    expect(late.next!.due).toBe('2026-11-26T14:00:00.000Z');
    expect(late.next!.timeZone).toBeUndefined();
    // The customer is in Los Angeles, where it is 15:52: Wednesday 15:52 their time, shown in both zones.
    const theirs = markDone(repeating({ zone: 'America/Los_Angeles' }), `${ID}.f1`, { at: new Date('2026-11-23T23:52:00Z'), by: 'ann', timeZone: NY });
    expect(theirs.next).toMatchObject({ due: '2026-11-25T23:52:00.000Z', timeZone: 'America/Los_Angeles' });
    // Hours set by the team.
    const hours = businessHoursFromEnv('08:30-12:00');
    const morning = markDone(repeating({}), `${ID}.f1`, { at: new Date('2026-11-23T18:00:00Z'), by: 'ann', timeZone: NY, businessHours: hours });
    expect(morning.next!.due).toBe('2026-11-26T13:30:00.000Z');
  });
});

describe('business and calling hours (issue 15, item 14)', () => {
  const hours = DEFAULT_BUSINESS_HOURS;
  it.each([
    // [instant, zone, inside business hours]
    ['Mon 08:59 → Mon 09:00', '2026-11-23T13:59:00Z', NY, '2026-11-23T14:00:00.000Z'],
    ['Mon 09:00 stays', '2026-11-23T14:00:00Z', NY, '2026-11-23T14:00:00.000Z'],
    ['Mon 16:59 stays', '2026-11-23T21:59:00Z', NY, '2026-11-23T21:59:00.000Z'],
    ['Mon 17:00 → Tue 09:00', '2026-11-23T22:00:00Z', NY, '2026-11-24T14:00:00.000Z'],
    ['Fri 18:52 → Mon 09:00', '2026-11-27T23:52:00Z', NY, '2026-11-30T14:00:00.000Z'],
    ['Sat 11:00 → Mon 09:00', '2026-11-28T16:00:00Z', NY, '2026-11-30T14:00:00.000Z'],
    ['Sun 03:00 in Tokyo is Sat 13:00 in New York: Monday in Tokyo', '2026-11-28T18:00:00Z', 'Asia/Tokyo', '2026-11-30T00:00:00.000Z'],
  ])('%s', (_name, at, zone, expected) => {
    expect(intoBusinessHours(new Date(at), hours, zone).toISOString()).toBe(expected);
  });

  it.each([
    ['07:59', '2026-11-23T12:59:00Z', true],
    ['08:00', '2026-11-23T13:00:00Z', false],
    ['21:00', '2026-11-24T02:00:00Z', false],
    ['21:01', '2026-11-24T02:01:00Z', true],
    ['23:30', '2026-11-24T04:30:00Z', true],
  ])('%s in New York is outside calling hours: %s', (_name, at, outside) => {
    expect(outsideCallingHours(new Date(at), NY)).toBe(outside);
  });

  it('reads CSR_CALL_BUSINESS_HOURS, and refuses what is no hours or reaches outside calling hours', () => {
    expect(businessHoursFromEnv(undefined)).toEqual(DEFAULT_BUSINESS_HOURS);
    expect(businessHoursFromEnv(' 9:30 - 18:00 ')).toEqual({ open: 570, close: 1080 });
    expect(userErrorOf(() => businessHoursFromEnv('9 to 5')).message).toBe('CSR_CALL_BUSINESS_HOURS must be opening and closing times like 09:00-17:00, not "9 to 5"');
    expect(userErrorOf(() => businessHoursFromEnv('17:00-09:00')).message).toMatch(/^CSR_CALL_BUSINESS_HOURS must be opening and closing times/);
    expect(userErrorOf(() => businessHoursFromEnv('07:00-22:00')).message).toBe(
      'CSR_CALL_BUSINESS_HOURS must lie within the hours a customer may be called, 08:00–21:00; got 07:00–22:00',
    );
  });

  it('names the follow-ups of a call booked when the customer may not be called, in their zone', () => {
    const call = makeCall({
      id: ID,
      customer: { name: 'Ann', zone: 'America/Los_Angeles' },
      followups: [
        { text: 'Late for them', due: '2026-11-24T06:00:00.000Z' }, // 22:00 in Los Angeles
        { text: 'Fine for them', due: '2026-11-24T17:00:00.000Z' }, // 09:00 in Los Angeles
        { text: 'A whole day', due: '2026-11-24T08:00:00.000Z', allDay: true },
        { text: 'Early in Chicago', due: '2026-11-24T13:00:00.000Z', timeZone: 'America/Chicago' }, // 07:00 there
      ],
    });
    expect(followUpsOutsideCallingHours(call, 'UTC').map(({ followup, timeZone }) => [followup.text, timeZone])).toEqual([
      ['Late for them', 'America/Los_Angeles'],
      ['Early in Chicago', 'America/Chicago'],
    ]);
  });
});

describe('snooze', () => {
  const record = makeCall({
    id: ID,
    promises: [
      { id: 'p1', text: 'Refund by Wednesday 17:00', due: '2026-11-25T17:00:00.000Z' },
      { id: 'p2', text: 'Refund by Friday', due: '2026-11-27T00:00:00.000Z' }, // a whole day, in UTC
    ],
    followups: [
      { text: 'Check the refund', due: '2026-11-24T10:00:00.000Z', promiseId: 'p1' },
      { text: 'Check Friday', due: '2026-11-26T10:00:00.000Z', promiseId: 'p2' },
      { text: 'No promise', due: '2026-11-24T10:00:00.000Z' },
    ],
  });
  const at = new Date('2026-11-23T14:00:00Z');
  const base = { at, by: 'bob', agentTimeZone: 'UTC' };

  it('keeps a whole day as that day in the follow-up\'s zone, wherever the agent is', () => {
    const inLosAngeles = makeCall({ id: ID, followups: [{ text: 'Call back', due: '2026-11-24T18:00:00.000Z', timeZone: 'America/Los_Angeles' }] });
    // Friday 27 November as typed by an agent in UTC, and by one in Tokyo (their midnights).
    for (const [agentTimeZone, until] of [['UTC', '2026-11-27T00:00:00.000Z'], ['Asia/Tokyo', '2026-11-26T15:00:00.000Z']] as const) {
      const result = snooze(inLosAngeles, `${ID}.f1`, { ...base, agentTimeZone, until: new Date(until), allDay: true });
      expect(result.record.followups[0]).toMatchObject({ due: '2026-11-27T08:00:00.000Z', allDay: true, timeZone: 'America/Los_Angeles' });
    }
    // A day given in a zone, or a time, is taken as given.
    const inZone = snooze(inLosAngeles, `${ID}.f1`, { ...base, until: new Date('2026-11-27T05:00:00.000Z'), allDay: true, timeZone: 'America/New_York' });
    expect(inZone.record.followups[0]!.due).toBe('2026-11-27T05:00:00.000Z');
    const atTen = snooze(inLosAngeles, `${ID}.f1`, { ...base, until: new Date('2026-11-27T18:00:00.000Z') });
    expect(atTen.record.followups[0]!.due).toBe('2026-11-27T18:00:00.000Z');
  });

  it('moves the due time and keeps when, who, why and the previous due', () => {
    const result = snooze(record, `${ID}.f1`, { ...base, until: new Date('2026-11-25T09:00:00Z'), note: 'customer away' });
    expect(result.breaksPromise).toBe(false);
    const f1 = result.record.followups[0]!;
    expect(f1.due).toBe('2026-11-25T09:00:00.000Z');
    expect(f1.status).toBe('open');
    expect(f1.history.at(-1)).toEqual({
      at: '2026-11-23T14:00:00.000Z',
      by: 'bob',
      action: 'snoozed',
      note: 'customer away',
      due: '2026-11-25T09:00:00.000Z',
      previousDue: '2026-11-24T10:00:00.000Z',
    });
    expect(callRecordSchema().safeParse(result.record).success).toBe(true);
  });

  it('says when the new time is after the date promised to the customer', () => {
    const late = snooze(record, `${ID}.f1`, { ...base, until: new Date('2026-11-25T17:01:00Z') });
    expect(late.breaksPromise).toBe(true);
    expect(late.promise?.id).toBe('p1');
    expect(late.record.followups[0]!.due).toBe('2026-11-25T17:01:00.000Z'); // done anyway
    expect(snooze(record, `${ID}.f1`, { ...base, until: new Date('2026-11-25T17:00:00Z') }).breaksPromise).toBe(false);
    expect(snooze(record, `${ID}.f3`, { ...base, until: new Date('2026-12-25T17:00:00Z') }).breaksPromise).toBe(false);
  });

  it('a promise for a day is kept until that day ends', () => {
    expect(snooze(record, `${ID}.f2`, { ...base, until: new Date('2026-11-27T16:00:00Z') }).breaksPromise).toBe(false);
    expect(snooze(record, `${ID}.f2`, { ...base, until: new Date('2026-11-28T00:00:00Z'), allDay: true }).breaksPromise).toBe(true);
    expect(promiseDeadline(record.promises[1]!, 'UTC')!.toISOString()).toBe('2026-11-27T23:59:59.999Z');
    // Read in the agent's zone when the promise has none: midnight UTC is not midnight in New York.
    expect(promiseDeadline(record.promises[1]!, NY)!.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('records a whole day or a customer zone as given', () => {
    const day = snooze(record, `${ID}.f3`, { ...base, until: new Date('2026-11-26T00:00:00Z'), allDay: true });
    expect(day.record.followups[2]).toMatchObject({ allDay: true, due: '2026-11-26T00:00:00.000Z' });
    const timed = snooze(day.record, `${ID}.f3`, { ...base, until: new Date('2026-11-26T16:00:00Z'), timeZone: 'America/Chicago' });
    expect(timed.record.followups[2]!.allDay).toBeUndefined();
    expect(timed.record.followups[2]!.timeZone).toBe('America/Chicago');
    expect(timed.record.followups[2]!.history.map((h) => h.action)).toEqual(['created', 'snoozed', 'snoozed']);
  });

  it('says when the new time is one the customer may not be called at, in their zone', () => {
    expect(snooze(record, `${ID}.f3`, { ...base, until: new Date('2026-11-25T22:30:00Z') }).outsideCallingHoursIn).toBe('UTC');
    expect(snooze(record, `${ID}.f3`, { ...base, until: new Date('2026-11-25T22:30:00Z'), timeZone: 'America/Chicago' }).outsideCallingHoursIn).toBeUndefined();
    const inLA = { ...record, customer: { ...record.customer, zone: 'America/Los_Angeles' } };
    expect(snooze(inLA, `${ID}.f3`, { ...base, until: new Date('2026-11-25T14:00:00Z') }).outsideCallingHoursIn).toBe('America/Los_Angeles');
    expect(snooze(inLA, `${ID}.f3`, { ...base, until: new Date('2026-11-26T00:00:00Z'), allDay: true }).outsideCallingHoursIn).toBeUndefined();
  });

  it('refuses the past, a done follow-up and an unknown one', () => {
    expect(userErrorOf(() => snooze(record, `${ID}.f1`, { ...base, until: new Date('2026-11-23T13:00:00Z') })).message).toContain('in the past');
    // Today as a whole day is still fine.
    expect(() => snooze(record, `${ID}.f1`, { ...base, until: new Date('2026-11-23T00:00:00Z'), allDay: true })).not.toThrow();
    const { record: done } = markDone(record, `${ID}.f1`, { at, by: 'bob', timeZone: 'UTC' });
    expect(userErrorOf(() => snooze(done, `${ID}.f1`, { ...base, until: new Date('2026-11-30T00:00:00Z') })).message).toBe(
      'cannot snooze k3v9q2.f1: it is already done on 2026-11-23',
    );
    expect(userErrorOf(() => snooze(record, `${ID}.f7`, { ...base, until: new Date('2026-11-30T00:00:00Z') })).exitCode).toBe(1);
  });
});
