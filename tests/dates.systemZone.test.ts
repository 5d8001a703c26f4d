import { afterAll, describe, expect, it } from 'vitest';
import { tzOffset } from '@date-fns/tz/tzOffset';
import { describeLateness, formatDateTime, parseDay, parseWhen, startOfDayIn } from '../src/dates/index.js';
import { dateTimeFormatter } from '../src/dates/formatDue.js';
import { systemTimeZone, unknownTz, zoneOffsetMinutes, zonedParts } from '../src/dates/zone.js';
import { runCli, tempDir } from './helpers.js';

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

// The machine's own zone is read from Date rather than Intl (start-up time): the two
// must agree at every instant, daylight-saving changes included.
describe.each(['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Havana'])('the machine zone shortcut, TZ=%s', (zone) => {
  it('gives the offsets Intl gives, hour by hour across two years', () => {
    process.env.TZ = zone;
    expect(systemTimeZone()).toBe(zone);
    const start = Date.UTC(2025, 0, 1);
    for (let t = start; t < start + 2 * 366 * 86_400_000; t += 3_600_000 - 60_000) {
      expect(zoneOffsetMinutes(zone, t), new Date(t).toISOString()).toBe(tzOffset(zone, new Date(t)));
    }
  });
});

// A list formats thousands of instants with one formatter, which keeps the last day's text:
// row after row across daylight-saving changes (whole-hour, half-hour, at midnight), newest
// first as a list has them and oldest first, it must read as each instant's own wall clock.
describe.each(['America/New_York', 'Australia/Lord_Howe', 'America/Havana'])('dateTimeFormatter in %s', (zone) => {
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const wallClock = (at: Date) => {
    const p = zonedParts(at, zone);
    return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year} ${two(p.hour)}:${two(p.minute)}`;
  };
  // Every 11 minutes through the weeks of these zones' 2026 changes (March–April, October–November).
  const instants: Date[] = [];
  for (const [from, to] of [[Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 10)], [Date.UTC(2026, 8, 28), Date.UTC(2026, 10, 5)]] as const) {
    for (let t = from; t < to; t += 11 * 60_000) instants.push(new Date(t));
  }

  it.each(['UTC', zone])('with the machine in %s', (machineZone) => {
    process.env.TZ = machineZone;
    for (const order of [[...instants].reverse(), instants]) {
      const format = dateTimeFormatter(zone);
      expect(order.map(format)).toEqual(order.map(wallClock));
    }
  });
});

describe('systemTimeZone', () => {
  it('takes TZ as Node does (a leading colon allowed)', () => {
    expect(systemTimeZone({ TZ: 'America/Chicago' })).toBe('America/Chicago');
    expect(systemTimeZone({ TZ: ':Europe/Paris' })).toBe('Europe/Paris');
  });

  it("without TZ, names a zone whose offsets are the ones this machine's Date uses", () => {
    delete process.env.TZ;
    const zone = systemTimeZone({});
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      expect(tzOffset(zone, new Date(t))).toBe(0 - new Date(t).getTimezoneOffset());
    }
  });

  it('a TZ this machine does not know reads as UTC, which is what Date uses then, and is reported', () => {
    expect(systemTimeZone({ TZ: 'Nowhere/Atlantis' })).toBe('UTC');
    expect(unknownTz({ TZ: 'Nowhere/Atlantis' })).toBe('Nowhere/Atlantis');
    expect(systemTimeZone({ TZ: '../../etc/passwd' })).toBe('UTC');
    expect(unknownTz({ TZ: 'America/New_York' })).toBeUndefined();
    expect(unknownTz({})).toBeUndefined();
  });

  it('the CLI says so in one warning line and goes on in UTC', () => {
    const dataDir = tempDir();
    const result = runCli(['list', '--from', 'today'], { env: { CSR_CALL_HOME: dataDir, TZ: 'Nowhere/Atlantis' } });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('csr-call: warning: TZ=Nowhere/Atlantis is not a time zone this machine knows; times are in UTC (set TZ to a name like Europe/London)\n');
  });

  it('an unknown zone is refused when read, not taken for UTC', () => {
    delete process.env.TZ;
    expect(() => zonedParts(new Date(), 'Nowhere/Atlantis')).toThrow(/unknown time zone/);
  });
});
