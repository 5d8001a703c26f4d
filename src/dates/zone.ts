/**
 * Calendar days, wall-clock times and time zones. The answers depend only on the zone
 * asked about, never on the machine's: a zone's offsets come from @date-fns/tz (Intl under
 * the hood), calendar arithmetic is done on plain year/month/day values.
 *
 * One shortcut: the machine's own zone (where the agent usually is) is read from Date,
 * which knows it without Intl. Intl's first use costs ~25 ms of start-up, a tenth of what
 * `followups` may take, and for the agent's own zone it would give the same offsets.
 */
import { existsSync, readlinkSync } from 'node:fs';
import { tzOffset } from '@date-fns/tz/tzOffset';
import { closestMatch } from '../text/closestMatch.js';

/** A calendar day, independent of any zone. `month` is 1–12. */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock time. */
export interface WallClock {
  hour: number;
  minute: number;
  second?: number;
  ms?: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * The canonical spelling of an IANA zone ('america/chicago' → 'America/Chicago'), or
 * undefined when Intl does not know it. A name Intl maps to a different zone (ICU turns
 * 'Europe/Kyiv' into 'Europe/Kiev') keeps the spelling it was given.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return resolved.toLowerCase() === trimmed.toLowerCase() ? resolved : trimmed;
}

/**
 * The zone abbreviations US agents type, as the zones they mean. Each names a region, and
 * its standard and daylight forms (EST, EDT) and the short form (ET) all mean that
 * region's clock: the date itself decides which offset applies, so "10am EST" in July is
 * 10:00 New York time, as the agent meant it.
 *   EST, EDT, ET     → America/New_York     CST, CDT, CT → America/Chicago
 *   MST, MDT, MT     → America/Denver       PST, PDT, PT → America/Los_Angeles
 *   AKST, AKDT, AKT  → America/Anchorage    HST, HT      → Pacific/Honolulu
 * The regions' names as said on the phone (eastern, central, mountain, pacific, alaska,
 * hawaii) mean the same zones.
 * Other abbreviations (BST, IST, CET...) name several places or none, and are refused.
 */
export const US_ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  est: 'America/New_York', edt: 'America/New_York', et: 'America/New_York',
  cst: 'America/Chicago', cdt: 'America/Chicago', ct: 'America/Chicago',
  mst: 'America/Denver', mdt: 'America/Denver', mt: 'America/Denver',
  pst: 'America/Los_Angeles', pdt: 'America/Los_Angeles', pt: 'America/Los_Angeles',
  akst: 'America/Anchorage', akdt: 'America/Anchorage', akt: 'America/Anchorage',
  hst: 'Pacific/Honolulu', ht: 'Pacific/Honolulu',
  eastern: 'America/New_York', central: 'America/Chicago', mountain: 'America/Denver', pacific: 'America/Los_Angeles',
  alaska: 'America/Anchorage', hawaii: 'Pacific/Honolulu',
};

/**
 * A time zone as an agent types it: a US abbreviation (any case, see
 * US_ZONE_ABBREVIATIONS), an IANA name of a place (any case: 'america/chicago'), or UTC /
 * GMT. Undefined for anything else, including the bare abbreviations Intl still takes
 * ('BST' is Dhaka to it, 'IST' Kolkata) which agents mean otherwise.
 */
export function parseTimeZone(name: string): string | undefined {
  const typed = name.trim();
  const us = US_ZONE_ABBREVIATIONS[typed.toLowerCase()];
  if (us) return us;
  return typed.includes('/') || /^(utc|gmt)$/i.test(typed) ? canonicalTimeZone(typed) : undefined;
}

/** The regions' names as said on the phone: a typo of one is read as it ('eastrn', 'pacfic'). */
const REGION_NAMES = ['eastern', 'central', 'mountain', 'pacific', 'alaska', 'hawaii'];

/**
 * What a zone typed with a typo was likely meant as: a region's name is read as that
 * region ('eastrn' → America/New_York); a place's name only gets a suggestion
 * ('America/Chicgo' → America/Chicago), since places' names are many and alike.
 */
export function zoneForTypo(typed: string): { zone: string } | { suggestion: string } | undefined {
  const word = typed.trim().toLowerCase();
  const region = /^[a-z]+$/.test(word) ? closestMatch(word, REGION_NAMES) : undefined;
  if (region) return { zone: US_ZONE_ABBREVIATIONS[region]! };
  if (!word.includes('/')) return undefined;
  // Node built without Intl's full data has no list of zones: no suggestion then.
  const places = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const place = closestMatch(word, places);
  return place ? { suggestion: place } : undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** ICU's names for the zone the tz database also calls Etc/UTC and the like. */
const UTC_ALIASES = new Set(['Etc/UTC', 'Etc/UCT', 'Etc/Universal', 'Etc/Zulu', 'Universal', 'Zulu', 'UCT', 'Etc/GMT', 'GMT', 'Etc/GMT0', 'GMT0']);
let linkedZone: string | null | undefined;

/** A plausible zone name: what may be looked up in the zone database's folder. */
const ZONE_NAME = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/;
let checkedTz: { tz: string; known: boolean } | undefined;

/**
 * The machine's time zone (IANA): TZ when set, else the zone /etc/localtime links to (Linux,
 * macOS), else Intl's answer. The first two are where Node itself finds the zone, and
 * reading them costs nothing, where Intl costs ~25 ms the first time. A TZ this machine
 * does not know gives 'UTC', which is what Date then uses too (see `unknownTz`).
 */
export function systemTimeZone(env: Env = process.env): string {
  const tz = env.TZ?.replace(/^:/, '');
  if (tz) return tzIsKnown(tz) ? tz : 'UTC';
  if (linkedZone === undefined) {
    linkedZone = null;
    try {
      const name = /\/zoneinfo\/(?:posix\/|right\/)?([A-Za-z0-9_+\-]+(?:\/[A-Za-z0-9_+\-]+)*)$/.exec(readlinkSync('/etc/localtime'))?.[1];
      if (name) linkedZone = UTC_ALIASES.has(name) ? 'UTC' : name;
    } catch {
      /* not a link (a copy), or no such file: Intl knows */
    }
  }
  return linkedZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/** TZ's value when it names no zone this machine knows (times are then in UTC), else undefined. */
export function unknownTz(env: Env = process.env): string | undefined {
  const tz = env.TZ?.replace(/^:/, '');
  return tz && !tzIsKnown(tz) ? tz : undefined;
}

/** In the zone database's folder (free to check), else as Intl has it (Node's own copy). */
function tzIsKnown(tz: string): boolean {
  if (checkedTz?.tz !== tz) {
    const known = ZONE_NAME.test(tz) && (existsSync(`/usr/share/zoneinfo/${tz}`) || canonicalTimeZone(tz) !== undefined);
    checkedTz = { tz, known };
  }
  return checkedTz.known;
}

/**
 * Minutes east of UTC in force in `timeZone` at `ms`. The zone this process's Date uses
 * (the machine's, or TZ's) is asked of Date; any other goes through Intl.
 */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  return zoneOffsetsIn(timeZone)(ms);
}

/**
 * `zoneOffsetMinutes` for one zone and many instants (a list's rows): whether it is the
 * system's zone, which costs a look at TZ, is decided once.
 */
export function zoneOffsetsIn(timeZone: string): (ms: number) => number {
  return timeZone === systemTimeZone() ? systemOffsetMinutes : (ms) => tzOffset(timeZone, new Date(ms));
}

function systemOffsetMinutes(ms: number): number {
  return 0 - new Date(ms).getTimezoneOffset(); // 0 - x: never -0
}

/** The wall-clock reading of an instant in a zone. `month` is 1–12, `weekday` 0 = Sunday. */
export interface ZonedParts extends CalendarDay, Required<WallClock> {
  weekday: number;
}

export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const ms = at.getTime();
  const wall = wallClockDate(ms, zoneOffsetMinutes(timeZone, ms), timeZone);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    ms: wall.getUTCMilliseconds(),
    weekday: wall.getUTCDay(),
  };
}

/**
 * The instant `ms` shifted by the offset in force then: read in UTC, it is the wall clock
 * in the zone. A NaN offset is a zone Intl does not know.
 */
export function wallClockDate(ms: number, offsetMinutes: number, timeZone: string): Date {
  if (Number.isNaN(offsetMinutes)) throw new RangeError(`unknown time zone ${timeZone}`);
  return new Date(ms + offsetMinutes * MS_PER_MINUTE);
}

/** The calendar day an instant falls on in a zone. */
export function calendarDayIn(at: Date, timeZone: string): CalendarDay {
  const { year, month, day } = zonedParts(at, timeZone);
  return { year, month, day };
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: CalendarDay): number {
  return new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
}

export function addDaysTo(day: CalendarDay, days: number): CalendarDay {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Adds months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsTo(day: CalendarDay, months: number): CalendarDay {
  const first = new Date(Date.UTC(day.year, day.month - 1 + months, 1));
  const year = first.getUTCFullYear();
  const month = first.getUTCMonth() + 1;
  return { year, month, day: Math.min(day.day, daysInMonth(year, month)) };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whole calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: CalendarDay, b: CalendarDay): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / MS_PER_DAY);
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return daysBetween(b, a);
}

/**
 * The instant a wall-clock time on a day has in a zone. Across a daylight-saving change:
 * a time that does not exist (02:30 when clocks jump from 02:00 to 03:00) moves forward by
 * the gap (03:30); a time that happens twice (01:30 when clocks fall back) is the first
 * one. That is what Temporal calls 'compatible', and what calendars do.
 */
export function wallTimeToInstant(day: CalendarDay, clock: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(day.year, day.month - 1, day.day, clock.hour, clock.minute, clock.second ?? 0, clock.ms ?? 0);
  // Asked four times: whether it is the system's zone is decided once.
  const offsetAt = zoneOffsetsIn(timeZone);
  // The offsets in force a day either side cover any single transition near this time.
  const offsetBefore = offsetAt(asUtc - MS_PER_DAY);
  const offsetAfter = offsetAt(asUtc + MS_PER_DAY);
  if (Number.isNaN(offsetBefore) || Number.isNaN(offsetAfter)) {
    throw new RangeError(`unknown time zone ${timeZone}`);
  }
  const candidates = [asUtc - offsetBefore * MS_PER_MINUTE, asUtc - offsetAfter * MS_PER_MINUTE]
    .filter((t) => t + offsetAt(t) * MS_PER_MINUTE === asUtc)
    .sort((x, y) => x - y);
  // No candidate keeps the wall time: it falls in a gap. Reading it with the offset from
  // before the change lands the same distance past the change.
  return new Date(candidates[0] ?? asUtc - offsetBefore * MS_PER_MINUTE);
}

/** The first instant of the day `date` falls on in `timeZone` (not always 00:00: some zones skip midnight). */
export function startOfDayIn(date: Date, timeZone: string): Date {
  return wallTimeToInstant(calendarDayIn(date, timeZone), { hour: 0, minute: 0 }, timeZone);
}

/**
 * Whether `date` is the very start of its day in `timeZone`. A promise or date answer
 * given as a day ("by Friday") is stored as that day's midnight: this is how it is told
 * apart from one given with a time, to be shown as a day.
 */
export function isStartOfDayIn(date: Date, timeZone: string): boolean {
  return startOfDayIn(date, timeZone).getTime() === date.getTime();
}

/**
 * The last millisecond of the day `date` falls on in `timeZone`: one before the next day
 * starts, so a day of 23 or 25 hours is covered whole. Ranges built with it are inclusive.
 */
export function endOfDayIn(date: Date, timeZone: string): Date {
  const next = addDaysTo(calendarDayIn(date, timeZone), 1);
  return new Date(wallTimeToInstant(next, { hour: 0, minute: 0 }, timeZone).getTime() - 1);
}

/** The wall-clock fields of an instant in a zone. */
export function wallClockIn(at: Date, timeZone: string): Required<WallClock> {
  const { hour, minute, second, ms } = zonedParts(at, timeZone);
  return { hour, minute, second, ms };
}

/** An amount of time to move a date by. */
export interface Shift {
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
}

/**
 * Moves an instant: calendar units (months, weeks, days) keep the wall-clock time in
 * `timeZone` across daylight-saving changes ('every 2 days at 10:00' stays at 10:00);
 * hours and minutes are exact elapsed time.
 */
export function shiftInZone(at: Date, shift: Shift, timeZone: string): Date {
  let result = at;
  const days = (shift.weeks ?? 0) * 7 + (shift.days ?? 0);
  if (shift.months || days) {
    let day = calendarDayIn(at, timeZone);
    if (shift.months) day = addMonthsTo(day, shift.months);
    if (days) day = addDaysTo(day, days);
    result = wallTimeToInstant(day, wallClockIn(at, timeZone), timeZone);
  }
  const ms = ((shift.hours ?? 0) * 60 + (shift.minutes ?? 0)) * MS_PER_MINUTE;
  return ms ? new Date(result.getTime() + ms) : result;
}
