import { describe, expect, it } from 'vitest';
import { userErrorOf } from './helpers.js';
import {
  ACCEPTED_AGE_FORMS,
  ACCEPTED_DATE_FORMS,
  ACCEPTED_DAY_FORMS,
  ACCEPTED_RANGE_FORMS,
  describeLateness,
  endOfDayIn,
  formatDateTime,
  formatDue,
  formatDuration,
  formatAgo,
  parseAge,
  parseDay,
  parseWhen,
  shiftInZone,
  startOfDayIn,
} from '../src/dates/index.js';

const NY = 'America/New_York';
// Wednesday 25 November 2026, 09:00 in New York (EST, UTC-5).
const WED_9AM = new Date('2026-11-25T14:00:00.000Z');

function when(input: string, now = WED_9AM, timeZone = NY) {
  const r = parseWhen(input, { now, timeZone });
  return { at: r.at.toISOString(), allDay: r.allDay, ...(r.timeZone ? { timeZone: r.timeZone } : {}) };
}

function day(input: string, opts: { now?: Date; timeZone?: string; direction?: 'past' | 'future' } = {}) {
  const r = parseDay(input, { now: opts.now ?? WED_9AM, timeZone: opts.timeZone ?? NY, direction: opts.direction });
  return [r.start.toISOString(), r.end.toISOString()];
}

describe('parseWhen: each accepted form (agent in New York, now Wed 25 Nov 2026 09:00)', () => {
  const allDay = (at: string) => ({ at, allDay: true });
  const timed = (at: string) => ({ at, allDay: false });

  it.each([
    // days
    ['today', allDay('2026-11-25T05:00:00.000Z')],
    ['tomorrow', allDay('2026-11-26T05:00:00.000Z')],
    ['Tomorrow', allDay('2026-11-26T05:00:00.000Z')],
    ['tomorow', allDay('2026-11-26T05:00:00.000Z')],
    ['tommorow', allDay('2026-11-26T05:00:00.000Z')],
    ['tmorow', allDay('2026-11-26T05:00:00.000Z')],
    ['tmorow 2pm', timed('2026-11-26T19:00:00.000Z')],
    ['tmrw', allDay('2026-11-26T05:00:00.000Z')],
    ['  tomorrow  ', allDay('2026-11-26T05:00:00.000Z')],
    ['2026-12-01', allDay('2026-12-01T05:00:00.000Z')],
    ['2028-02-29', allDay('2028-02-29T05:00:00.000Z')],
    // weekdays: the next one, never today (today is Wednesday)
    ['fri', allDay('2026-11-27T05:00:00.000Z')],
    ['Fri.', allDay('2026-11-27T05:00:00.000Z')],
    ['friday', allDay('2026-11-27T05:00:00.000Z')],
    ['FRIDAY', allDay('2026-11-27T05:00:00.000Z')],
    ['firday', allDay('2026-11-27T05:00:00.000Z')],
    ['thrusday', allDay('2026-11-26T05:00:00.000Z')],
    ['thurs', allDay('2026-11-26T05:00:00.000Z')],
    ['next fri', allDay('2026-11-27T05:00:00.000Z')],
    ['mon', allDay('2026-11-30T05:00:00.000Z')],
    ['wed', allDay('2026-12-02T05:00:00.000Z')],
    ['wensday', allDay('2026-12-02T05:00:00.000Z')],
    ['next wed', allDay('2026-12-02T05:00:00.000Z')],
    ['this wed', allDay('2026-11-25T05:00:00.000Z')],
    // day and month, as the lists print them
    ['28 nov', allDay('2026-11-28T05:00:00.000Z')],
    ['Sat 28 Nov', allDay('2026-11-28T05:00:00.000Z')],
    ['nov 28th', allDay('2026-11-28T05:00:00.000Z')],
    ['28 November 2026', allDay('2026-11-28T05:00:00.000Z')],
    ['1 jan', allDay('2027-01-01T05:00:00.000Z')],
    ['25 nov', allDay('2026-11-25T05:00:00.000Z')],
    ['29 feb', allDay('2028-02-29T05:00:00.000Z')],
    // relative days are days; hours and minutes are elapsed time
    ['+3d', allDay('2026-11-28T05:00:00.000Z')],
    ['3d', allDay('2026-11-28T05:00:00.000Z')],
    ['in 3 days', allDay('2026-11-28T05:00:00.000Z')],
    ['3 days', allDay('2026-11-28T05:00:00.000Z')],
    ['+2w', allDay('2026-12-09T05:00:00.000Z')],
    ['in 2 weeks', allDay('2026-12-09T05:00:00.000Z')],
    ['+1mo', allDay('2026-12-25T05:00:00.000Z')],
    ['+3d 10:00', timed('2026-11-28T15:00:00.000Z')],
    ['in 3 days at 10am', timed('2026-11-28T15:00:00.000Z')],
    ['+4h', timed('2026-11-25T18:00:00.000Z')],
    ['in 4 hours', timed('2026-11-25T18:00:00.000Z')],
    ['+30m', timed('2026-11-25T14:30:00.000Z')],
    ['30m', timed('2026-11-25T14:30:00.000Z')],
    ['in 90 min', timed('2026-11-25T15:30:00.000Z')],
    ['now', timed('2026-11-25T14:00:00.000Z')],
    // times alone: today while still to come, otherwise tomorrow
    ['10:00', timed('2026-11-25T15:00:00.000Z')],
    ['9:00', timed('2026-11-25T14:00:00.000Z')], // this very minute: today
    ['8am', timed('2026-11-26T13:00:00.000Z')], // gone by: tomorrow
    ['8:59', timed('2026-11-26T13:59:00.000Z')],
    ['2:30pm', timed('2026-11-25T19:30:00.000Z')],
    ['2:30 PM', timed('2026-11-25T19:30:00.000Z')],
    ['2:30 p.m.', timed('2026-11-25T19:30:00.000Z')],
    ['14:30', timed('2026-11-25T19:30:00.000Z')],
    ['14h30', timed('2026-11-25T19:30:00.000Z')],
    ['14h', timed('2026-11-25T19:00:00.000Z')],
    ['10.30', timed('2026-11-25T15:30:00.000Z')],
    ['noon', timed('2026-11-25T17:00:00.000Z')],
    ['12pm', timed('2026-11-25T17:00:00.000Z')],
    ['12am', timed('2026-11-26T05:00:00.000Z')],
    // combinations, either order
    ['fri 10:00', timed('2026-11-27T15:00:00.000Z')],
    ['Fri 10am', timed('2026-11-27T15:00:00.000Z')],
    ['friday at 10:00', timed('2026-11-27T15:00:00.000Z')],
    // an hour alone after "at" is an hour of the working day: 7-11 the morning, 1-6 the afternoon
    ['tomorrow at 10', timed('2026-11-26T15:00:00.000Z')],
    ['fri at 3', timed('2026-11-27T20:00:00.000Z')],
    ['fri at 16', timed('2026-11-27T21:00:00.000Z')],
    ['at 12', timed('2026-11-25T17:00:00.000Z')],
    // one, in words; next week or month is in one
    ['in a week', allDay('2026-12-02T05:00:00.000Z')],
    ['next week', allDay('2026-12-02T05:00:00.000Z')],
    ['next wk', allDay('2026-12-02T05:00:00.000Z')],
    ['next month', allDay('2026-12-25T05:00:00.000Z')],
    ['in an hour', timed('2026-11-25T15:00:00.000Z')],
    ['in a day', allDay('2026-11-26T05:00:00.000Z')],
    ['fri, 10:00', timed('2026-11-27T15:00:00.000Z')],
    ['  Fri   10:00 ', timed('2026-11-27T15:00:00.000Z')],
    ['10:00 fri', timed('2026-11-27T15:00:00.000Z')],
    ['tomorrow 9am', timed('2026-11-26T14:00:00.000Z')],
    ['tomorrow at 9 am', timed('2026-11-26T14:00:00.000Z')],
    ['today 8am', timed('2026-11-25T13:00:00.000Z')], // as typed, even though it has passed
    ['Sat 28 Nov 10:00', timed('2026-11-28T15:00:00.000Z')],
    // ISO date-times, local or with an offset
    ['2026-12-01T10:00', timed('2026-12-01T15:00:00.000Z')],
    ['2026-12-01 10:00', timed('2026-12-01T15:00:00.000Z')],
    ['2026-12-01 15:30', timed('2026-12-01T20:30:00.000Z')],
    ['2026-12-01 10am', timed('2026-12-01T15:00:00.000Z')],
    ['2026-12-01T10:00:30', timed('2026-12-01T15:00:30.000Z')],
    ['2026-12-01T10:00Z', timed('2026-12-01T10:00:00.000Z')],
    ['2026-12-01T10:00:00.000Z', timed('2026-12-01T10:00:00.000Z')],
    ['2026-12-01T10:00+02:00', timed('2026-12-01T08:00:00.000Z')],
    ['2026-12-01 10:00 -08:00', timed('2026-12-01T18:00:00.000Z')],
  ])('%j', (input, expected) => {
    expect(when(input)).toEqual(expected);
  });
});

describe("parseWhen: the customer's time zone", () => {
  it.each([
    ['fri 10:00 America/Chicago', { at: '2026-11-27T16:00:00.000Z', allDay: false, timeZone: 'America/Chicago' }],
    ['fri 10:00 america/chicago', { at: '2026-11-27T16:00:00.000Z', allDay: false, timeZone: 'America/Chicago' }],
    ['tomorrow 9am Europe/London', { at: '2026-11-26T09:00:00.000Z', allDay: false, timeZone: 'Europe/London' }],
    ['fri America/Chicago', { at: '2026-11-27T06:00:00.000Z', allDay: true, timeZone: 'America/Chicago' }],
    ['2026-12-01 10:00 UTC', { at: '2026-12-01T10:00:00.000Z', allDay: false, timeZone: 'UTC' }],
    // It is already 23:00 on Wednesday in Tokyo, so the customer's tomorrow is Thursday there.
    ['tomorrow 10:00 Asia/Tokyo', { at: '2026-11-26T01:00:00.000Z', allDay: false, timeZone: 'Asia/Tokyo' }],
    // 08:00 has gone by in Tokyo today: it means their tomorrow.
    ['8:00 Asia/Tokyo', { at: '2026-11-25T23:00:00.000Z', allDay: false, timeZone: 'Asia/Tokyo' }],
  ])('%j', (input, expected) => {
    expect(when(input)).toEqual(expected);
  });

  it('is shown in both zones', () => {
    const r = parseWhen('fri 10:00 America/Chicago', { now: WED_9AM, timeZone: NY });
    expect(formatDue(r.at, { now: WED_9AM, timeZone: NY, customerTimeZone: r.timeZone })).toBe(
      'Fri 27 Nov 11:00 / 10:00 America/Chicago (in 2 days)',
    );
    const tokyo = parseWhen('tomorrow 10:00 Asia/Tokyo', { now: WED_9AM, timeZone: NY });
    expect(formatDue(tokyo.at, { now: WED_9AM, timeZone: NY, customerTimeZone: tokyo.timeZone })).toBe(
      'Wed 25 Nov 20:00 / Thu 26 Nov 10:00 Asia/Tokyo (in 11 hours)',
    );
  });
});

describe('parseWhen: daylight-saving changes in New York', () => {
  // Sat 7 Mar 2026 14:00 EST; clocks go from 02:00 EST to 03:00 EDT on Sunday 8 March.
  const beforeSpring = new Date('2026-03-07T19:00:00.000Z');
  // Sat 31 Oct 2026 10:00 EDT; clocks go back from 02:00 EDT to 01:00 EST on Sunday 1 November.
  const beforeFall = new Date('2026-10-31T14:00:00.000Z');

  it.each([
    // Spring forward: the day after has 23 hours.
    [beforeSpring, 'tomorrow 14:00', '2026-03-08T18:00:00.000Z'], // same wall time, 23 h later
    [beforeSpring, '+1d 14:00', '2026-03-08T18:00:00.000Z'],
    [beforeSpring, '+24h', '2026-03-08T19:00:00.000Z'], // exact hours: 15:00 EDT
    [beforeSpring, 'tomorrow 10:00', '2026-03-08T14:00:00.000Z'], // EDT, UTC-4
    [beforeSpring, 'tomorrow', '2026-03-08T05:00:00.000Z'], // midnight EST
    [beforeSpring, '+2d', '2026-03-09T04:00:00.000Z'], // midnight EDT
    [beforeSpring, 'tomorrow 2:30am', '2026-03-08T07:30:00.000Z'], // 02:30 does not exist: 03:30 EDT
    [beforeSpring, 'tomorrow 1:59am', '2026-03-08T06:59:00.000Z'],
    [beforeSpring, 'tomorrow 3:00am', '2026-03-08T07:00:00.000Z'],
    [beforeSpring, 'sun 10:00', '2026-03-08T14:00:00.000Z'],
    // Fall back: the day after has 25 hours.
    [beforeFall, 'tomorrow 10:00', '2026-11-01T15:00:00.000Z'], // EST, UTC-5
    [beforeFall, '+1d 10:00', '2026-11-01T15:00:00.000Z'],
    [beforeFall, '+24h', '2026-11-01T14:00:00.000Z'], // exact hours: 09:00 EST
    [beforeFall, 'tomorrow', '2026-11-01T04:00:00.000Z'], // midnight EDT
    [beforeFall, '+2d', '2026-11-02T05:00:00.000Z'], // midnight EST
    [beforeFall, 'tomorrow 1:30am', '2026-11-01T05:30:00.000Z'], // happens twice: the first (EDT)
    [beforeFall, 'tomorrow 2:30am', '2026-11-01T07:30:00.000Z'],
  ])('%s %j', (now, input, expected) => {
    expect(parseWhen(input, { now, timeZone: NY }).at.toISOString()).toBe(expected);
  });

  it('shiftInZone keeps the wall time over calendar units and counts exact hours', () => {
    expect(shiftInZone(beforeSpring, { days: 1 }, NY).toISOString()).toBe('2026-03-08T18:00:00.000Z');
    expect(shiftInZone(beforeSpring, { hours: 24 }, NY).toISOString()).toBe('2026-03-08T19:00:00.000Z');
    expect(shiftInZone(beforeFall, { days: 2 }, NY).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(shiftInZone(new Date('2026-01-31T15:00:00.000Z'), { months: 1 }, NY).toISOString()).toBe('2026-02-28T15:00:00.000Z');
  });
});

describe('parseWhen: Europe/London', () => {
  const LONDON = 'Europe/London';
  it.each([
    // Sat 28 Mar 2026 12:00 GMT; clocks go from 01:00 GMT to 02:00 BST on Sunday 29 March.
    [new Date('2026-03-28T12:00:00.000Z'), 'tomorrow 12:00', '2026-03-29T11:00:00.000Z'],
    [new Date('2026-03-28T12:00:00.000Z'), 'tomorrow 1:30am', '2026-03-29T01:30:00.000Z'], // gap: 02:30 BST
    [new Date('2026-03-28T12:00:00.000Z'), 'tomorrow', '2026-03-29T00:00:00.000Z'],
    [new Date('2026-03-28T12:00:00.000Z'), '+2d', '2026-03-29T23:00:00.000Z'],
    // Sat 24 Oct 2026 13:00 BST; clocks go back from 02:00 BST to 01:00 GMT on Sunday 25 October.
    [new Date('2026-10-24T12:00:00.000Z'), 'tomorrow 1:30am', '2026-10-25T00:30:00.000Z'], // the first, BST
    [new Date('2026-10-24T12:00:00.000Z'), 'tomorrow 13:00', '2026-10-25T13:00:00.000Z'],
    [new Date('2026-10-24T12:00:00.000Z'), '+1d 13:00', '2026-10-25T13:00:00.000Z'],
    [new Date('2026-07-01T12:00:00.000Z'), 'fri 9am', '2026-07-03T08:00:00.000Z'],
  ])('%s %j', (now, input, expected) => {
    expect(parseWhen(input, { now, timeZone: LONDON }).at.toISOString()).toBe(expected);
  });
});

describe('across midnight (now Wed 25 Nov 2026 23:59 in New York, already Thursday in UTC)', () => {
  const lateNight = new Date('2026-11-26T04:59:00.000Z');
  it.each([
    ['today', '2026-11-25T05:00:00.000Z'],
    ['tomorrow', '2026-11-26T05:00:00.000Z'],
    ['+1d', '2026-11-26T05:00:00.000Z'],
    ['thu', '2026-11-26T05:00:00.000Z'],
    ['9am', '2026-11-26T14:00:00.000Z'],
    ['23:59', '2026-11-26T04:59:00.000Z'],
    ['23:58', '2026-11-27T04:58:00.000Z'],
    ['+30m', '2026-11-26T05:29:00.000Z'],
  ])('%j', (input, expected) => {
    expect(parseWhen(input, { now: lateNight, timeZone: NY }).at.toISOString()).toBe(expected);
  });

  it('parseDay("today") is the agent\'s Wednesday', () => {
    expect(day('today', { now: lateNight })).toEqual(['2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z']);
  });

  it('lateness counts calendar days in the agent\'s zone', () => {
    const opts = { timeZone: NY };
    expect(describeLateness(new Date('2026-11-26T05:00:00.000Z'), lateNight, { ...opts, allDay: true })).toBe('due tomorrow');
    expect(describeLateness(new Date('2026-11-26T05:30:00.000Z'), lateNight, opts)).toBe('in 31 min');
    // Thursday 00:05: due yesterday 23:59 (all day Wednesday) is overdue; today's is due today.
    const justAfter = new Date('2026-11-26T05:05:00.000Z');
    expect(describeLateness(new Date('2026-11-25T05:00:00.000Z'), justAfter, { ...opts, allDay: true })).toBe('1 day overdue');
    expect(describeLateness(new Date('2026-11-26T05:00:00.000Z'), justAfter, { ...opts, allDay: true })).toBe('due today');
    expect(describeLateness(new Date('2026-11-26T04:59:00.000Z'), justAfter, opts)).toBe('6 min overdue');
  });
});

describe('parseDay', () => {
  it.each([
    ['today', {}, ['2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z']],
    ['now', {}, ['2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z']],
    ['yesterday', {}, ['2026-11-24T05:00:00.000Z', '2026-11-25T04:59:59.999Z']],
    ['yday', {}, ['2026-11-24T05:00:00.000Z', '2026-11-25T04:59:59.999Z']],
    ['tomorrow', {}, ['2026-11-26T05:00:00.000Z', '2026-11-27T04:59:59.999Z']],
    ['2026-11-20', {}, ['2026-11-20T05:00:00.000Z', '2026-11-21T04:59:59.999Z']],
    ['-7d', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['7 days ago', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['7d ago', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['-1w', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['+3d', {}, ['2026-11-28T05:00:00.000Z', '2026-11-29T04:59:59.999Z']],
    // Weekdays: for ranges, the most recent one before today (today is Wednesday).
    ['mon', {}, ['2026-11-23T05:00:00.000Z', '2026-11-24T04:59:59.999Z']],
    ['fri', {}, ['2026-11-20T05:00:00.000Z', '2026-11-21T04:59:59.999Z']],
    ['wed', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['last wed', {}, ['2026-11-18T05:00:00.000Z', '2026-11-19T04:59:59.999Z']],
    ['this wed', {}, ['2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z']],
    ['next fri', {}, ['2026-11-27T05:00:00.000Z', '2026-11-28T04:59:59.999Z']],
    ['28 nov', {}, ['2025-11-28T05:00:00.000Z', '2025-11-29T04:59:59.999Z']],
    ['25 nov', {}, ['2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z']],
    // ... or the next one, when the caller looks ahead (followups --on).
    ['fri', { direction: 'future' }, ['2026-11-27T05:00:00.000Z', '2026-11-28T04:59:59.999Z']],
    ['wed', { direction: 'future' }, ['2026-12-02T05:00:00.000Z', '2026-12-03T04:59:59.999Z']],
    ['last fri', { direction: 'future' }, ['2026-11-20T05:00:00.000Z', '2026-11-21T04:59:59.999Z']],
    ['28 nov', { direction: 'future' }, ['2026-11-28T05:00:00.000Z', '2026-11-29T04:59:59.999Z']],
    // Days of 25 and 23 hours.
    ['2026-11-01', {}, ['2026-11-01T04:00:00.000Z', '2026-11-02T04:59:59.999Z']],
    ['2026-03-08', {}, ['2026-03-08T05:00:00.000Z', '2026-03-09T03:59:59.999Z']],
  ] as const)('%j %j', (input, opts, expected) => {
    expect(day(input, opts)).toEqual(expected);
  });

  it.each([
    ['fri 10:00', 'is a time, but a whole day is needed here'],
    ['+4h', 'is a time, but a whole day is needed here'],
    ['fri America/Chicago', 'always in your own time zone'],
  ])('refuses %j', (input, message) => {
    expect(userErrorOf(() => day(input)).message).toContain(message);
  });

  it('lists the accepted day forms for a bad day', () => {
    const error = userErrorOf(() => day('someday'));
    expect(error.message).toBe(`"someday" is not a day I understand; use ${ACCEPTED_DAY_FORMS}`);
    expect(error.exitCode).toBe(2);
  });
});

describe('parseDay with periods (--from and --to): from the first day to the end of the last', () => {
  const period = (input: string) => {
    const r = parseDay(input, { now: WED_9AM, timeZone: NY, periods: true });
    return [r.start.toISOString(), r.end.toISOString(), r.corrections.map((c) => `${c.typed}=${c.read}`).join()];
  };
  it.each([
    // Weeks start on Monday; today is Wednesday 25 November.
    ['this week', ['2026-11-23T05:00:00.000Z', '2026-11-30T04:59:59.999Z', '']],
    ['last week', ['2026-11-16T05:00:00.000Z', '2026-11-23T04:59:59.999Z', '']],
    ['Last Wek', ['2026-11-16T05:00:00.000Z', '2026-11-23T04:59:59.999Z', 'wek=week']],
    // November's first day is on daylight time, its last on standard time.
    ['this month', ['2026-11-01T04:00:00.000Z', '2026-12-01T04:59:59.999Z', '']],
    ['last month', ['2026-10-01T04:00:00.000Z', '2026-11-01T03:59:59.999Z', '']],
    ['last year', ['2025-01-01T05:00:00.000Z', '2026-01-01T04:59:59.999Z', '']],
    // A month by name: the latest one begun, or the year given.
    ['november', ['2026-11-01T04:00:00.000Z', '2026-12-01T04:59:59.999Z', '']],
    ['dec', ['2025-12-01T05:00:00.000Z', '2026-01-01T04:59:59.999Z', '']],
    ['feb 2024', ['2024-02-01T05:00:00.000Z', '2024-03-01T04:59:59.999Z', '']],
    ['febuary 2024', ['2024-02-01T05:00:00.000Z', '2024-03-01T04:59:59.999Z', 'febuary=february']],
    // Still days: a weekday after "last", a day and month.
    ['last mon', ['2026-11-23T05:00:00.000Z', '2026-11-24T04:59:59.999Z', '']],
    ['28 nov', ['2025-11-28T05:00:00.000Z', '2025-11-29T04:59:59.999Z', '']],
  ] as const)('%j', (input, expected) => {
    expect(period(input)).toEqual(expected);
  });

  it('are not days where a day is asked (followups --on)', () => {
    expect(userErrorOf(() => day('last month')).message).toBe(`"last month" is not a day I understand; use ${ACCEPTED_DAY_FORMS}`);
    expect(userErrorOf(() => parseDay('nope', { now: WED_9AM, timeZone: NY, periods: true })).message).toBe(`"nope" is not a day I understand; use ${ACCEPTED_RANGE_FORMS}`);
  });
});

describe('startOfDayIn / endOfDayIn', () => {
  it.each([
    ['America/New_York', '2026-03-08T18:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T03:59:59.999Z'], // 23 h
    ['America/New_York', '2026-11-01T18:00:00.000Z', '2026-11-01T04:00:00.000Z', '2026-11-02T04:59:59.999Z'], // 25 h
    ['America/New_York', '2026-11-26T03:00:00.000Z', '2026-11-25T05:00:00.000Z', '2026-11-26T04:59:59.999Z'], // UTC says the 26th
    ['Europe/London', '2026-03-29T12:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T22:59:59.999Z'],
    ['Europe/London', '2026-10-25T12:00:00.000Z', '2026-10-24T23:00:00.000Z', '2026-10-25T23:59:59.999Z'],
    // Havana skips midnight in spring (the day starts at 01:00) and has two in autumn (the first counts).
    ['America/Havana', '2026-03-08T12:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T03:59:59.999Z'],
    ['America/Havana', '2026-03-07T12:00:00.000Z', '2026-03-07T05:00:00.000Z', '2026-03-08T04:59:59.999Z'],
    ['America/Havana', '2026-11-01T12:00:00.000Z', '2026-11-01T04:00:00.000Z', '2026-11-02T04:59:59.999Z'],
  ])('%s %s', (zone, at, start, end) => {
    expect(startOfDayIn(new Date(at), zone).toISOString()).toBe(start);
    expect(endOfDayIn(new Date(at), zone).toISOString()).toBe(end);
  });
});

describe('describeLateness (now Wed 25 Nov 2026 09:00 New York)', () => {
  it.each([
    ['2026-11-23T15:00:00.000Z', false, '2 days overdue'], // Mon 10:00: 47 hours, two calendar days
    ['2026-11-24T13:00:00.000Z', false, '1 day overdue'], // 25 hours
    ['2026-11-24T15:00:00.000Z', false, '23 hours overdue'],
    ['2026-11-25T11:00:00.000Z', false, '3 hours overdue'],
    ['2026-11-25T13:00:00.000Z', false, '1 hour overdue'],
    ['2026-11-25T13:35:00.000Z', false, '25 min overdue'],
    ['2026-11-25T14:00:30.000Z', false, 'due now'],
    ['2026-11-25T14:40:00.000Z', false, 'in 40 min'],
    ['2026-11-25T17:00:00.000Z', false, 'in 3 hours'],
    ['2026-11-26T01:00:00.000Z', false, 'in 11 hours'],
    ['2026-11-26T15:00:00.000Z', false, 'due tomorrow'],
    ['2026-11-27T15:00:00.000Z', false, 'in 2 days'],
    ['2026-11-23T05:00:00.000Z', true, '2 days overdue'],
    ['2026-11-24T05:00:00.000Z', true, '1 day overdue'],
    ['2026-11-25T05:00:00.000Z', true, 'due today'],
    ['2026-11-26T05:00:00.000Z', true, 'due tomorrow'],
    ['2026-11-27T05:00:00.000Z', true, 'in 2 days'],
  ])('%s allDay=%s', (due, allDay, expected) => {
    expect(describeLateness(new Date(due), WED_9AM, { allDay, timeZone: NY })).toBe(expected);
  });

  it('a date that is no deadline is before or after, never overdue; a part minute ahead counts whole', () => {
    const when = (due: string, allDay = false) => describeLateness(new Date(due), WED_9AM, { allDay, timeZone: NY, notDue: true });
    expect([when('2026-11-23T05:00:00.000Z', true), when('2026-11-24T05:00:00.000Z', true), when('2026-11-25T05:00:00.000Z', true)]).toEqual(['2 days ago', 'yesterday', 'today']);
    expect(when('2026-11-25T11:00:00.000Z')).toBe('3 hours ago');
    // '+5m' typed a moment ago: in 5 min, as the hold's header says.
    expect(describeLateness(new Date(WED_9AM.getTime() + 5 * 60_000 - 200), WED_9AM, { timeZone: NY })).toBe('in 5 min');
  });
});

describe('formatDue and formatDateTime', () => {
  it.each([
    ['2026-11-27T15:00:00.000Z', {}, 'Fri 27 Nov 10:00 (in 2 days)'],
    ['2026-11-27T05:00:00.000Z', { allDay: true }, 'Fri 27 Nov (in 2 days)'],
    ['2026-11-23T05:00:00.000Z', { allDay: true }, 'Mon 23 Nov (2 days overdue)'],
    ['2026-11-25T11:00:00.000Z', {}, 'Wed 25 Nov 06:00 (3 hours overdue)'],
    ['2027-01-01T05:00:00.000Z', { allDay: true }, 'Fri 1 Jan 2027 (in 37 days)'],
    ['2026-11-27T16:00:00.000Z', { customerTimeZone: 'America/Chicago' }, 'Fri 27 Nov 11:00 / 10:00 America/Chicago (in 2 days)'],
    ['2026-11-27T15:00:00.000Z', { customerTimeZone: NY }, 'Fri 27 Nov 10:00 (in 2 days)'],
    ['2026-11-27T06:00:00.000Z', { allDay: true, customerTimeZone: 'America/Chicago' }, 'Fri 27 Nov America/Chicago (in 2 days)'],
  ])('%s %j', (at, opts, expected) => {
    expect(formatDue(new Date(at), { now: WED_9AM, timeZone: NY, ...opts })).toBe(expected);
  });

  it.each([
    ['2026-11-23T19:05:00.000Z', NY, 'Mon 23 Nov 2026 14:05'],
    ['2026-07-01T12:00:00.000Z', 'Europe/London', 'Wed 1 Jul 2026 13:00'],
    ['2026-11-01T05:30:00.000Z', NY, 'Sun 1 Nov 2026 01:30'],
    ['2026-11-01T06:30:00.000Z', NY, 'Sun 1 Nov 2026 01:30'],
  ])('formatDateTime %s %s', (at, zone, expected) => {
    expect(formatDateTime(new Date(at), zone)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.6, '1 min'],
    [725, '12 min 5 s'],
    [720, '12 min'],
    [3599.6, '1 h 00 min'],
    [3720, '1 h 02 min'],
    [86_700, '24 h 05 min'],
    [-5, '-5 s'],
    [Number.NaN, '?'],
  ])('%s s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatAgo', () => {
  const now = new Date('2026-11-25T14:00:00Z');
  it.each([
    ['2026-11-25T13:59:30Z', 'just now'],
    ['2026-11-25T13:35:00Z', '25 min ago'],
    ['2026-11-25T13:00:00Z', '1 h ago'],
    ['2026-11-24T14:30:00Z', '23 h ago'],
    ['2026-11-23T14:00:01Z', '47 h ago'],
    ['2026-11-23T14:00:00Z', '2 days ago'],
    ['2026-11-01T09:00:00Z', '24 days ago'],
    ['2026-11-25T14:05:00Z', 'just now'], // a clock a little ahead on another machine
  ])('%s', (then, expected) => {
    expect(formatAgo(new Date(then), now)).toBe(expected);
  });
});

describe('parseAge', () => {
  it.each([
    ['2y', { years: 2 }],
    ['18m', { months: 18 }],
    ['90d', { days: 90 }],
    ['6w', { days: 42 }],
    ['1y 6m', { years: 1, months: 6 }],
    ['1y6m', { years: 1, months: 6 }],
    ['2 years', { years: 2 }],
    [' 2Y ', { years: 2 }],
    ['1w 2d', { days: 9 }],
  ])('%j', (input, expected) => {
    expect(parseAge(input)).toEqual(expected);
  });

  it('refuses more than a century, and takes one', () => {
    expect(userErrorOf(() => parseAge('99999y')).message).toBe(`"99999y" is more than 100 years; use ${ACCEPTED_AGE_FORMS}`);
    expect(userErrorOf(() => parseAge('6000w')).message).toMatch(/more than 100 years/);
    expect(parseAge('100y')).toEqual({ years: 100 });
  });

  it.each(['', 'x', '0d', '2x', '2y 2y', '-3d', '2.5y', 'y2'])('refuses %j', (input) => {
    const error = userErrorOf(() => parseAge(input));
    expect(error.message).toContain(ACCEPTED_AGE_FORMS);
  });
});

describe('bad dates', () => {
  it.each([
    'xyz',
    'fri 10',
    '10',
    'next year',
    'at 24',
    'in days',
    '+3x',
    'now 10:00',
    '10:00 11:00',
    'munday', // Monday or Sunday?
    '+4h 10:00',
    '10:00Z', // an offset needs a date
    'tomorrow yesterday',
  ])('%j lists the accepted forms on one line', (input) => {
    const error = userErrorOf(() => parseWhen(input, { now: WED_9AM, timeZone: NY }));
    expect(error.message).toBe(`${JSON.stringify(input)} is not a date I understand; use ${ACCEPTED_DATE_FORMS}`);
    expect(error.message).not.toContain('\n');
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['', `no date given; use ${ACCEPTED_DATE_FORMS}`],
    ['   ', `no date given; use ${ACCEPTED_DATE_FORMS}`],
    ['2026-02-30', '"2026-02-30" is not a real date: February 2026 has 28 days'],
    ['2027-02-29 10:00', '"2027-02-29 10:00" is not a real date: February 2027 has 28 days'],
    ['2026-13-01', '"2026-13-01" is not a real date: the month is 1–12 and the day 1–31'],
    ['31 apr', '"31 apr" is not a real date: 31 April does not exist'],
    ['Fri 28 Nov', '"Fri 28 Nov": 28 November 2026 is a Saturday, not a Friday'],
    ['25:00', '"25:00" is not a real time of day'],
    ['10:60', '"10:60" is not a real time of day'],
    ['13pm', '"13pm" is not a real time of day'],
    ['0am', '"0am" is not a real time of day'],
    ['fri 10:00 Mars/Olympus', 'unknown time zone "Mars/Olympus"; use an IANA name like America/Chicago or Europe/London'],
    ['fri 10:00 BST', '"BST" is ambiguous; name the customer\'s time zone like America/New_York or Europe/London'],
  ])('%j says what is wrong', (input, message) => {
    const error = userErrorOf(() => parseWhen(input, { now: WED_9AM, timeZone: NY }));
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('the accepted forms fit on one line and each of them parses', () => {
    expect(ACCEPTED_DATE_FORMS).not.toContain('\n');
    for (const form of ACCEPTED_DATE_FORMS.split(', ')) {
      expect(() => parseWhen(form, { now: WED_9AM, timeZone: NY }), form).not.toThrow();
    }
    for (const form of ACCEPTED_DAY_FORMS.split(', ')) {
      expect(() => parseDay(form, { now: WED_9AM, timeZone: NY }), form).not.toThrow();
    }
  });
});

describe('absurd amounts', () => {
  it.each(['+99999999d', '+999999999h', '0999-01-01'])('%j is refused', (input) => {
    expect(userErrorOf(() => parseWhen(input, { now: WED_9AM, timeZone: NY })).message).toBe(`"${input}" is too far away to be a date`);
  });
  it('in a day range too', () => {
    expect(userErrorOf(() => parseDay('-99999999d', { now: WED_9AM, timeZone: NY })).message).toBe('"-99999999d" is too far away to be a day');
  });
});

describe('a unit of time with a typo', () => {
  it('is read as the nearest unit and said so; a short or far one is not', () => {
    const read = parseWhen('in 2 minuts', { now: WED_9AM, timeZone: NY });
    expect(read.at.toISOString()).toBe('2026-11-25T14:02:00.000Z');
    expect(read.corrections).toEqual([{ typed: 'minuts', read: 'minute' }]);
    expect(parseWhen('in 3 weekz', { now: WED_9AM, timeZone: NY }).corrections).toEqual([{ typed: 'weekz', read: 'week' }]);
    expect(() => parseWhen('in 3 xyzzy', { now: WED_9AM, timeZone: NY })).toThrow(/is not a date I understand/);
    expect(() => parseWhen('in 2 minuts', { now: WED_9AM, timeZone: NY, fuzzy: false })).toThrow(/"minuts" is not spelt right/);
  });
});
