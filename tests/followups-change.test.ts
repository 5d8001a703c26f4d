import { describe, expect, it } from 'vitest';
import { userErrorOf } from './helpers.js';
import { markDone, nextOccurrence, promiseDeadline, snooze } from '../src/domain/followUpRules.js';
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

  it('an all-day repeating follow-up comes back at the start of a day, in its own zone', () => {
    expect(nextOccurrence(new Date('2026-11-23T20:00:00Z'), 3, 'America/Chicago', true).toISOString()).toBe('2026-11-26T06:00:00.000Z');
    expect(nextOccurrence(new Date('2026-03-07T15:00:00Z'), 1, NY, false).toISOString()).toBe('2026-03-08T14:00:00.000Z');
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
