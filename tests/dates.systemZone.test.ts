import { afterAll, describe, expect, it } from 'vitest';
import { describeLateness, formatDateTime, parseDay, parseWhen, startOfDayIn } from '../src/dates/index.js';

// The answers depend on the agent's zone only, never on the machine's. (TZDate's own
// wall-time constructor picks a different 01:30 on London's autumn change depending on
// the machine's zone, which is why wall times are resolved in src/dates/zone.ts.)
const original = process.env.TZ;
afterAll(() => {
  if (original === undefined) delete process.env.TZ;
  else process.env.TZ = original;
});

describe.each(['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'])('machine zone %s', (machineZone) => {
  it('gives the same instants', () => {
    process.env.TZ = machineZone;
    const londonFall = new Date('2026-10-24T12:00:00.000Z');
    expect(parseWhen('tomorrow 1:30am', { now: londonFall, timeZone: 'Europe/London' }).at.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const nySpring = new Date('2026-03-07T19:00:00.000Z');
    expect(parseWhen('tomorrow 2:30am', { now: nySpring, timeZone: 'America/New_York' }).at.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(parseWhen('+1d 14:00', { now: nySpring, timeZone: 'America/New_York' }).at.toISOString()).toBe('2026-03-08T18:00:00.000Z');
    expect(parseDay('2026-03-08', { now: nySpring, timeZone: 'America/New_York' }).end.toISOString()).toBe('2026-03-09T03:59:59.999Z');
    expect(startOfDayIn(new Date('2026-11-01T12:00:00.000Z'), 'America/Havana').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(formatDateTime(new Date('2026-11-23T19:05:00.000Z'), 'America/New_York')).toBe('Mon 23 Nov 2026 14:05');
    expect(
      describeLateness(new Date('2026-11-25T05:00:00.000Z'), new Date('2026-11-26T04:59:00.000Z'), { allDay: true, timeZone: 'America/New_York' }),
    ).toBe('due today');
  });
});
