import { describe, expect, it } from 'vitest';
import { userErrorOf } from './helpers.js';
import {
  correctionsIn,
  dateOrderFromEnv,
  defaultDateOrder,
  describeCorrections,
  parseDay,
  parseTimeZone,
  parseWhen,
  type DateOrder,
} from '../src/dates/index.js';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
// Wednesday 25 November 2026, 09:00 in New York (EST, UTC-5), 14:00 in London.
const WED_9AM = new Date('2026-11-25T14:00:00.000Z');

function when(input: string, opts: { timeZone?: string; dateOrder?: DateOrder } = {}) {
  const r = parseWhen(input, { now: WED_9AM, timeZone: opts.timeZone ?? NY, ...(opts.dateOrder ? { dateOrder: opts.dateOrder } : {}) });
  return { at: r.at.toISOString(), allDay: r.allDay, ...(r.timeZone ? { timeZone: r.timeZone } : {}) };
}

describe('slash dates (issue 15, item 6: "--on 12/07" was "unknown time zone")', () => {
  it.each([
    // An agent in New York: month/day.
    ['12/07', NY, undefined, { at: '2026-12-07T05:00:00.000Z', allDay: true }],
    ['12/07/2026', NY, undefined, { at: '2026-12-07T05:00:00.000Z', allDay: true }],
    ['12/7/26', NY, undefined, { at: '2026-12-07T05:00:00.000Z', allDay: true }],
    ['12/07 10am', NY, undefined, { at: '2026-12-07T15:00:00.000Z', allDay: false }],
    ['Mon 12/07 10:00', NY, undefined, { at: '2026-12-07T15:00:00.000Z', allDay: false }],
    ['11/20', NY, undefined, { at: '2027-11-20T05:00:00.000Z', allDay: true }], // gone by this year: the next one
    ['2026/12/07', NY, undefined, { at: '2026-12-07T05:00:00.000Z', allDay: true }],
    // An agent in London: day/month.
    ['12/07', LONDON, undefined, { at: '2027-07-11T23:00:00.000Z', allDay: true }], // midnight BST
    ['07/12/2026 9am', LONDON, undefined, { at: '2026-12-07T09:00:00.000Z', allDay: false }],
    // The order given (from CSR_CALL_DATE_ORDER or the config) wins over the zone's.
    ['12/07', NY, 'dmy', { at: '2027-07-12T04:00:00.000Z', allDay: true }],
    ['12/07', LONDON, 'mdy', { at: '2026-12-07T00:00:00.000Z', allDay: true }],
  ] as const)('%j for an agent in %s (order %s)', (input, timeZone, dateOrder, expected) => {
    expect(when(input, { timeZone, ...(dateOrder ? { dateOrder } : {}) })).toEqual(expected);
  });

  it('reads a slash date as a day too, for --on/--from/--to', () => {
    const day = parseDay('12/07', { now: WED_9AM, timeZone: NY, direction: 'future' });
    expect([day.start.toISOString(), day.end.toISOString()]).toEqual(['2026-12-07T05:00:00.000Z', '2026-12-08T04:59:59.999Z']);
  });

  it.each([
    ['13/13', NY, '"13/13" is not a real date: slash dates are read month/day (CSR_CALL_DATE_ORDER=dmy for day/month), and 13 is not a month'],
    ['13/07', NY, '"13/07" is not a real date: slash dates are read month/day (CSR_CALL_DATE_ORDER=dmy for day/month), and 13 is not a month'],
    ['07/13', LONDON, '"07/13" is not a real date: slash dates are read day/month (CSR_CALL_DATE_ORDER=mdy for month/day), and 13 is not a month'],
    ['12/32', NY, '"12/32" is not a real date: slash dates are read month/day (CSR_CALL_DATE_ORDER=dmy for day/month), and 32 is not a day of the month'],
    ['02/30/2027', NY, '"02/30/2027" is not a real date: February 2027 has 28 days'],
    ['04/31', NY, '"04/31" is not a real date: 31 April does not exist'],
  ])('%j (agent in %s) is refused with a message about dates', (input, timeZone, message) => {
    expect(userErrorOf(() => parseWhen(input, { now: WED_9AM, timeZone })).message).toBe(message);
  });

  it('never takes numbers with slashes for a time zone', () => {
    for (const input of ['1/2/3/4', '12/07 10am 1/2', '12//07']) {
      const message = userErrorOf(() => parseWhen(input, { now: WED_9AM, timeZone: NY })).message;
      expect(message).toMatch(/is not a date I understand/);
      expect(message).not.toMatch(/zone/);
    }
  });

  it('has a default order from the agent\'s zone: month/day in the United States only', () => {
    for (const zone of ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Indiana/Indianapolis', 'US/Eastern']) {
      expect(defaultDateOrder(zone), zone).toBe('mdy');
    }
    for (const zone of ['Europe/London', 'America/Toronto', 'America/Mexico_City', 'America/Sao_Paulo', 'Australia/Sydney', 'UTC']) {
      expect(defaultDateOrder(zone), zone).toBe('dmy');
    }
  });

  it('reads the order from CSR_CALL_DATE_ORDER, refusing anything but mdy and dmy', () => {
    expect(dateOrderFromEnv(undefined)).toBeUndefined();
    expect(dateOrderFromEnv('')).toBeUndefined();
    expect(dateOrderFromEnv('mdy')).toBe('mdy');
    expect(dateOrderFromEnv(' DMY ')).toBe('dmy');
    const error = userErrorOf(() => dateOrderFromEnv('ymd'));
    expect(error.message).toBe('CSR_CALL_DATE_ORDER must be mdy (month/day: 12/07 is 7 December) or dmy (day/month: 12/07 is 12 July), not "ymd"');
    expect(error.exitCode).toBe(2);
  });
});

describe('US zone abbreviations (issue 15, item 13)', () => {
  it.each([
    ['fri 10am PT', { at: '2026-11-27T18:00:00.000Z', allDay: false, timeZone: 'America/Los_Angeles' }],
    ['fri 10am pdt', { at: '2026-11-27T18:00:00.000Z', allDay: false, timeZone: 'America/Los_Angeles' }],
    ['fri 10:00 EST', { at: '2026-11-27T15:00:00.000Z', allDay: false, timeZone: 'America/New_York' }],
    ['tomorrow 9am CT', { at: '2026-11-26T15:00:00.000Z', allDay: false, timeZone: 'America/Chicago' }],
    ['fri 10:00 MST', { at: '2026-11-27T17:00:00.000Z', allDay: false, timeZone: 'America/Denver' }],
    ['fri 10:00 AKST', { at: '2026-11-27T19:00:00.000Z', allDay: false, timeZone: 'America/Anchorage' }],
    ['fri 10:00 HST', { at: '2026-11-27T20:00:00.000Z', allDay: false, timeZone: 'Pacific/Honolulu' }],
    // A summer date typed with the winter abbreviation: the region's clock, as meant.
    ['2027-07-02 10:00 EST', { at: '2027-07-02T14:00:00.000Z', allDay: false, timeZone: 'America/New_York' }],
  ])('%j', (input, expected) => {
    expect(when(input)).toEqual(expected);
  });

  it('are understood wherever a zone is typed, in any case', () => {
    expect(parseTimeZone('et')).toBe('America/New_York');
    expect(parseTimeZone('CDT')).toBe('America/Chicago');
    expect(parseTimeZone('Mt')).toBe('America/Denver');
    expect(parseTimeZone('PST')).toBe('America/Los_Angeles');
    expect(parseTimeZone('akdt')).toBe('America/Anchorage');
    expect(parseTimeZone('HT')).toBe('Pacific/Honolulu');
    // The regions as agents say them.
    expect(parseTimeZone('Central')).toBe('America/Chicago');
    expect(parseTimeZone('pacific')).toBe('America/Los_Angeles');
    expect(parseTimeZone('Hawaii')).toBe('Pacific/Honolulu');
    expect(parseTimeZone('america/chicago')).toBe('America/Chicago');
    expect(parseTimeZone('Mars/Olympus')).toBeUndefined();
    expect(parseTimeZone('utc')).toBe('UTC');
    // Bare abbreviations outside the US mean other places to Intl than to the agent (BST is Dhaka, IST Kolkata).
    for (const other of ['BST', 'IST', 'CET', 'EST5EDT']) expect(parseTimeZone(other), other).toBeUndefined();
  });
});

describe('words read as others are said (issue 15, item 10)', () => {
  it.each([
    ['blursday', [{ typed: 'blursday', read: 'thursday' }], 'read "blursday" as thursday'],
    ['next blursday', [{ typed: 'blursday', read: 'thursday' }], 'read "blursday" as thursday'],
    ['Tmorow 10am', [{ typed: 'tmorow', read: 'tomorrow' }], 'read "tmorow" as tomorrow'],
    ['28 novembr', [{ typed: 'novembr', read: 'november' }], 'read "novembr" as november'],
    ['firday noon', [{ typed: 'firday', read: 'friday' }], 'read "firday" as friday'],
  ])('%j', (input, corrections, described) => {
    const parsed = parseWhen(input, { now: WED_9AM, timeZone: NY });
    expect(parsed.corrections).toEqual(corrections);
    expect(describeCorrections(parsed.corrections)).toBe(described);
  });

  it('says nothing of words spelt right or abbreviated', () => {
    for (const input of ['tomorrow 10am', 'fri', 'thurs 9:00', 'tmrw', '28 nov', 'next wed', '12/07', 'fri 10am PT']) {
      expect(parseWhen(input, { now: WED_9AM, timeZone: NY }).corrections, input).toEqual([]);
    }
    expect(describeCorrections([])).toBeUndefined();
  });

  it('hands the correction back from parseDay too (followups --on blursday)', () => {
    expect(parseDay('blursday', { now: WED_9AM, timeZone: NY, direction: 'future' }).corrections).toEqual([{ typed: 'blursday', read: 'thursday' }]);
  });

  it('are found in a date already accepted without placing it again (the prompt\'s echo line)', () => {
    expect(correctionsIn('next blursday 10am PT')).toEqual([{ typed: 'blursday', read: 'thursday' }]);
    expect(correctionsIn('Tmorow 9am')).toEqual([{ typed: 'tmorow', read: 'tomorrow' }]);
    expect(correctionsIn('fri 10:00')).toEqual([]);
  });

  it('refuses typos in strict mode (a playbook default), naming the word', () => {
    const error = userErrorOf(() => parseWhen('next blursday', { now: WED_9AM, timeZone: NY, fuzzy: false }));
    expect(error.message).toBe('"next blursday": "blursday" is not spelt right (it would be read as thursday); write the word in full');
    expect(() => parseDay('tmorow', { now: WED_9AM, timeZone: NY, fuzzy: false })).toThrow(/"tmorow" is not spelt right/);
    expect(parseWhen('next thursday 10am', { now: WED_9AM, timeZone: NY, fuzzy: false }).at.toISOString()).toBe('2026-11-26T15:00:00.000Z');
  });
});
