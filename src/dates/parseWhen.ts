/**
 * Reads the dates agents type: promises, follow-ups, `snooze --until`, `--on`, `--from/--to`.
 *
 * Decisions about the ambiguous forms (each one has a test):
 * - A weekday name never means today. For a due date (`parseWhen`) 'fri' is the next
 *   Friday: on a Friday it is a week away (type 'today' for today). For a day range
 *   (`parseDay`) it is the most recent Friday before today, unless the caller asks for
 *   future days (`followups --on`). 'next fri' / 'last fri' force the direction;
 *   'this fri' is the coming Friday and may be today.
 * - A time alone ('10:00', '2pm') is the next time the clock shows it: when it has already
 *   gone by today, it means tomorrow. A day with a time ('today 9am') is taken as typed,
 *   even if it is in the past; the caller decides whether to complain.
 * - '+3d', '3d', 'in 3 days', '+2w', '+1mo' name a day (all-day, like 'tomorrow'); add a
 *   time for a time on that day ('+3d 10:00'). '+4h', '+30m', 'in 90 min' are exact
 *   elapsed time from now. A sign is literal: '7d' is in 7 days; '-7d' / '7d ago' are past.
 * - '14h' and '9h30' are clock times (as written in much of Europe); 'in 4 hours' needs
 *   '+4h' or 'in'.
 * - A day and month without a year ('28 nov', 'Fri 28 Nov', as the lists print them) is the
 *   next such day for a due date, the most recent for a range. A weekday written with a
 *   date must agree with it.
 * - Slash dates ('12/07', '12/07/2026', '12/7/26', '12/07 10am') are month/day or
 *   day/month by `dateOrder`: month/day by default for an agent in a US zone, day/month
 *   elsewhere (see dateOrder.ts). One that is no date in that order ('13/13') is refused
 *   with a message about dates, never taken for a zone.
 * - A trailing zone ('fri 10:00 America/Chicago', 'fri 10am PT') makes the whole date the
 *   customer's: their today, their Friday, their 10:00. Zones are IANA names or the US
 *   abbreviations of zone.ts (EST, PT...: the region's clock, summer time included);
 *   other abbreviations (BST, IST...) are refused.
 * - Typos of date words ('tomorow', 'blursday') are read as the single closest word, and
 *   every such reading is handed back in `corrections`, to be shown; `fuzzy: false`
 *   refuses them instead (for texts written ahead, like a playbook's defaults).
 * - Across a daylight-saving change a time that does not exist moves forward by the gap
 *   (02:30 → 03:30); a time that happens twice is the first one (see wallTimeToInstant).
 */
import { isExists } from 'date-fns/isExists';
import { UserError } from '../errors.js';
import {
  US_ZONE_ABBREVIATIONS,
  addDaysTo,
  addMonthsTo,
  calendarDayIn,
  parseTimeZone,
  compareDays,
  daysInMonth,
  endOfDayIn,
  wallTimeToInstant,
  weekdayOf,
  type CalendarDay,
  type WallClock,
} from './zone.js';
import { matchDateWord, type DateWord } from './words.js';
import { closestMatch } from '../text/closestMatch.js';
import { defaultDateOrder, type DateOrder } from './dateOrder.js';

export interface ParsedWhen {
  /** The instant. */
  at: Date;
  /** Only a day was given ('fri', '2026-12-01', '+3d', 'tomorrow'): `at` is the start of that day in the zone used. */
  allDay: boolean;
  /** Set only when the user named a zone (the customer's), e.g. 'fri 10:00 America/Chicago'. */
  timeZone?: string;
  /** Words read as others ('blursday' as thursday); empty when every word was spelt right. */
  corrections: Correction[];
}

/** A typo read as a date word: shown back to the agent, so a wrong guess is seen. */
export interface Correction {
  /** As typed (lower case). */
  typed: string;
  /** The word it was read as. */
  read: string;
}

export interface DateOptions {
  now: Date;
  /** The agent's IANA zone. */
  timeZone: string;
  /** How slash dates are read; by default from `timeZone` (month/day in the US). */
  dateOrder?: DateOrder;
  /** false: refuse a typo instead of reading it as the closest word (default true). */
  fuzzy?: boolean;
}

export interface DayOptions extends DateOptions {
  /**
   * Which way a weekday or a day-and-month without a year points: 'past' (the default, for
   * `--from/--to` over calls already taken) or 'future' (`followups --on`).
   */
  direction?: 'past' | 'future';
  /**
   * A period is taken too ('last month', 'this week', 'november', 'nov 2025'): `start` is
   * its first day's, `end` its last day's (`--from` and `--to`, where a lead asks about a
   * month or a week). Weeks start on Monday.
   */
  periods?: boolean;
}

export const ACCEPTED_DATE_FORMS =
  '2026-12-01, 2026-12-01 15:30, today, tomorrow, now, fri, next fri, 28 nov, 12/07, +3d, +2w, in 3 days, +4h, +30m, 10:00, 2:30pm, 14h, fri 10:00, tomorrow 9am, fri 10:00 America/Chicago';

export const ACCEPTED_DAY_FORMS =
  'today, yesterday, tomorrow, 2026-12-01, 28 nov, 12/07, mon, last fri, next fri, -7d, 7 days ago, +3d';

/** `--from` and `--to` also take periods (their first and last day). */
export const ACCEPTED_RANGE_FORMS = `${ACCEPTED_DAY_FORMS}, this week, last month, november, nov 2025`;

/** What the agent wrote, understood but not yet placed on the calendar. */
interface Parsed {
  day?: DaySpec;
  time?: WallClock;
  /** Minutes east of UTC, from an ISO offset ('Z', '+02:00'). */
  offsetMinutes?: number;
  /** Exact elapsed time from now, in minutes ('+4h'). */
  elapsedMinutes?: number;
  now?: true;
  zone?: string;
  corrections: Correction[];
}

type DaySpec =
  | { kind: 'relative'; days: number; months: number }
  | { kind: 'date'; date: CalendarDay }
  | { kind: 'dayMonth'; month: number; day: number; weekday?: number }
  | { kind: 'weekday'; weekday: number; which: 'next' | 'last' | 'this' | 'plain' };

class NotUnderstood extends Error {}

/**
 * A due date or callback time. Throws a one-line UserError for anything else.
 * See the comment at the top of this file for how the ambiguous forms are read.
 */
export function parseWhen(input: string, opts: DateOptions): ParsedWhen {
  const parsed = parseOrThrow(input, 'date', ACCEPTED_DATE_FORMS, opts);
  const result = placeWhen(input, parsed, opts);
  if (!isReasonable(result.at)) throw new UserError(`${JSON.stringify(input.trim())} is too far away to be a date`);
  return { ...result, corrections: parsed.corrections };
}

/** Within years 1000–9999: '+99999999d' is a typo, not a plan. */
function isReasonable(at: Date): boolean {
  const year = at.getUTCFullYear();
  return Number.isFinite(at.getTime()) && year >= 1000 && year <= 9999;
}

type Placed = Omit<ParsedWhen, 'corrections'>;

function placeWhen(input: string, parsed: Parsed, opts: DateOptions): Placed {
  const { now } = opts;
  const zone = parsed.zone ?? opts.timeZone;
  const withZone = (result: Placed): Placed => (parsed.zone ? { ...result, timeZone: parsed.zone } : result);

  if (parsed.now) return withZone({ at: new Date(now.getTime()), allDay: false });
  if (parsed.elapsedMinutes !== undefined) {
    return withZone({ at: new Date(now.getTime() + parsed.elapsedMinutes * 60_000), allDay: false });
  }

  const today = calendarDayIn(now, zone);
  if (!parsed.day) {
    // A time alone: today if still to come this minute or later, otherwise tomorrow.
    const time = parsed.time!;
    const todayAt = wallTimeToInstant(today, time, zone);
    const startOfThisMinute = Math.floor(now.getTime() / 60_000) * 60_000;
    const at = todayAt.getTime() < startOfThisMinute ? wallTimeToInstant(addDaysTo(today, 1), time, zone) : todayAt;
    return withZone({ at, allDay: false });
  }

  const day = placeDay(input, parsed.day, today, 'future', 'date');
  if (parsed.offsetMinutes !== undefined) {
    const time = parsed.time!;
    const asUtc = Date.UTC(day.year, day.month - 1, day.day, time.hour, time.minute, time.second ?? 0, time.ms ?? 0);
    return { at: new Date(asUtc - parsed.offsetMinutes * 60_000), allDay: false };
  }
  if (parsed.time) return withZone({ at: wallTimeToInstant(day, parsed.time, zone), allDay: false });
  return withZone({ at: wallTimeToInstant(day, { hour: 0, minute: 0 }, zone), allDay: true });
}

/**
 * A whole day in the agent's zone, for `--from`, `--to` and `--on`. `end` is the day's last
 * millisecond (inclusive), so a 23- or 25-hour day is covered exactly.
 */
export function parseDay(input: string, opts: DayOptions): { start: Date; end: Date; corrections: Correction[] } {
  const { now, timeZone } = opts;
  const period = opts.periods ? parsePeriod(input, calendarDayIn(now, timeZone), opts.fuzzy !== false) : undefined;
  if (period) {
    const start = wallTimeToInstant(period.first, { hour: 0, minute: 0 }, timeZone);
    return { start, end: endOfDayIn(wallTimeToInstant(period.last, { hour: 0, minute: 0 }, timeZone), timeZone), corrections: period.corrections };
  }
  const parsed = parseOrThrow(input, 'day', opts.periods ? ACCEPTED_RANGE_FORMS : ACCEPTED_DAY_FORMS, opts);
  const quoted = JSON.stringify(input.trim());
  if (parsed.zone) throw new UserError(`${quoted}: a day here is always in your own time zone (${timeZone}); leave out ${parsed.zone}`);
  if (parsed.time || parsed.elapsedMinutes !== undefined) {
    throw new UserError(`${quoted} is a time, but a whole day is needed here; use ${ACCEPTED_DAY_FORMS}`);
  }
  const today = calendarDayIn(now, timeZone);
  const day = parsed.now ? today : placeDay(input, parsed.day!, today, opts.direction ?? 'past', 'day');
  const start = wallTimeToInstant(day, { hour: 0, minute: 0 }, timeZone);
  return { start, end: endOfDayIn(start, timeZone), corrections: parsed.corrections };
}

const PERIOD_UNITS = ['week', 'month', 'year'];

/**
 * A period by its words ('this week', 'last month', 'this year'), or a month by its name
 * and maybe its year ('november', 'nov 2025'; without a year, the latest one begun by
 * `today`): its first and last day. `fuzzy`: a month's name with a typo is read as it.
 */
function parsePeriod(input: string, today: CalendarDay, fuzzy: boolean): { first: CalendarDay; last: CalendarDay; corrections: Correction[] } | undefined {
  const words = input.trim().toLowerCase().split(/\s+/);
  if (words.length === 2 && (words[0] === 'this' || words[0] === 'last')) {
    const back = words[0] === 'last' ? 1 : 0;
    const typed = words[1]!;
    const unit = PERIOD_UNITS.includes(typed) ? typed : fuzzy ? closestMatch(typed, PERIOD_UNITS) : undefined;
    const corrections = unit !== undefined && unit !== typed ? [{ typed, read: unit }] : [];
    if (unit === 'week') {
      const monday = addDaysTo(today, -((weekdayOf(today) + 6) % 7) - 7 * back);
      return { first: monday, last: addDaysTo(monday, 6), corrections };
    }
    if (unit === 'month') {
      const first = addMonthsTo({ ...today, day: 1 }, -back);
      return { first, last: { ...first, day: daysInMonth(first.year, first.month) }, corrections };
    }
    if (unit === 'year') {
      const year = today.year - back;
      return { first: { year, month: 1, day: 1 }, last: { year, month: 12, day: 31 }, corrections };
    }
    return undefined;
  }
  if (words.length > 2 || !/^[a-z]+$/.test(words[0]!) || (words[1] !== undefined && !/^\d{4}$/.test(words[1]))) return undefined;
  const match = matchDateWord(words[0]!);
  // A typo is read as a month only in a word long enough to tell ('nope' is no November).
  if (match?.meaning.kind !== 'month' || (match.readAs && (!fuzzy || words[0]!.length < 5))) return undefined;
  const month = match.meaning.month;
  const year = words[1] !== undefined ? Number(words[1]) : month <= today.month ? today.year : today.year - 1;
  const first = { year, month, day: 1 };
  if (!isReasonable(new Date(Date.UTC(year, month - 1, 1)))) throw new UserError(`${JSON.stringify(input.trim())} is too far away to be a month`);
  return { first, last: { ...first, day: daysInMonth(year, month) }, corrections: match.readAs ? [{ typed: words[0]!, read: match.readAs }] : [] };
}

function placeDay(
  input: string,
  spec: DaySpec,
  today: CalendarDay,
  direction: 'past' | 'future',
  what: 'date' | 'day',
): CalendarDay {
  const day = placeDayUnchecked(input, spec, today, direction, what);
  if (!isReasonable(new Date(Date.UTC(day.year, day.month - 1, day.day)))) {
    throw new UserError(`${JSON.stringify(input.trim())} is too far away to be a ${what}`);
  }
  return day;
}

function placeDayUnchecked(
  input: string,
  spec: DaySpec,
  today: CalendarDay,
  direction: 'past' | 'future',
  what: 'date' | 'day',
): CalendarDay {
  switch (spec.kind) {
    case 'relative':
      return addDaysTo(addMonthsTo(today, spec.months), spec.days);
    case 'date':
      return spec.date;
    case 'weekday': {
      const forward = (weekdayOf(today) - spec.weekday + 7) % 7; // days since the last such weekday
      const ahead = (spec.weekday - weekdayOf(today) + 7) % 7; // days until the next one (0 = today)
      const which = spec.which === 'plain' ? (direction === 'future' ? 'next' : 'last') : spec.which;
      if (which === 'this') return addDaysTo(today, ahead);
      if (which === 'next') return addDaysTo(today, ahead === 0 ? 7 : ahead);
      return addDaysTo(today, -(forward === 0 ? 7 : forward));
    }
    case 'dayMonth': {
      const fits = (year: number) => spec.day <= daysInMonth(year, spec.month);
      let year = today.year;
      // The next (or most recent) year in which that day exists and is on the right side of today.
      for (let i = 0; i < 8; i++) {
        const candidate = { year, month: spec.month, day: spec.day };
        const cmp = compareDays(candidate, today);
        if (fits(year) && (direction === 'future' ? cmp >= 0 : cmp <= 0)) break;
        year += direction === 'future' ? 1 : -1;
      }
      if (!fits(year)) throw new UserError(`${JSON.stringify(input.trim())} is not a real ${what}: ${spec.day} ${MONTH_NAMES[spec.month - 1]} does not exist`);
      const date = { year, month: spec.month, day: spec.day };
      if (spec.weekday !== undefined && weekdayOf(date) !== spec.weekday) {
        throw new UserError(`${JSON.stringify(input.trim())}: ${describeDay(date)} is a ${WEEKDAY_NAMES[weekdayOf(date)]}, not a ${WEEKDAY_NAMES[spec.weekday]}`);
      }
      return date;
    }
  }
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function describeDay(date: CalendarDay): string {
  return `${date.day} ${MONTH_NAMES[date.month - 1]} ${date.year}`;
}

function parseOrThrow(input: string, what: 'date' | 'day', forms: string, opts: DateOptions): Parsed {
  const shown = JSON.stringify(input.trim());
  if (input.trim() === '') throw new UserError(`no ${what} given; use ${forms}`);
  let parsed: Parsed;
  try {
    parsed = parse(input, new Reading(opts.dateOrder ?? defaultDateOrder(opts.timeZone)));
  } catch (error) {
    if (error instanceof NotUnderstood) throw new UserError(`${shown} is not a ${what} I understand; use ${forms}`);
    throw error;
  }
  const typo = parsed.corrections[0];
  if (opts.fuzzy === false && typo) {
    throw new UserError(`${shown}: "${typo.typed}" is not spelt right (it would be read as ${typo.read}); write the word in full`);
  }
  return parsed;
}

/** How one input is read: the order of slash dates, and the typos taken so far. */
class Reading {
  readonly corrections: Correction[] = [];
  constructor(readonly dateOrder: DateOrder) {}

  /** A date word, noting a typo read as one (each typed word once: tokens may be looked at twice). */
  word(token: string): DateWord | undefined {
    const match = matchDateWord(token);
    if (match?.readAs && !this.corrections.some((c) => c.typed === token)) this.corrections.push({ typed: token, read: match.readAs });
    return match?.meaning;
  }
}

// ---------------------------------------------------------------------------------------
// The grammar. parse() only understands the words; placing them on the calendar is above.

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{1,2}-\d{1,2})t(.+)$/;
const CLOCK = /^(\d{1,2})[:.](\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?(am|pm)?(z|[+-]\d{2}(?::?\d{2})?)?$/;
const HOUR_AMPM = /^(\d{1,2})(am|pm)$/;
const HOUR_H = /^(\d{1,2})h(\d{2})?$/;
const OFFSET = /^(z|[+-]\d{2}(?::?\d{2})?)$/;
const RELATIVE = /^(in\s+)?([+-]?)\s*(\d+)\s*([a-z]+)(\s+ago)?(?:\s+(?:at\s+)?(.+))?$/;
const ORDINAL = /^(\d{1,2})(st|nd|rd|th)?$/;
/** '12/07', '12/7/26', '12/07/2026': day and month in the reading's order. */
const SLASH_DATE = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?$/;
/** '2026/12/07': the year first is never ambiguous. */
const SLASH_YEAR_FIRST = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
/** Digits and slashes are a date being typed, whatever else: never a zone. */
const DIGITS_AND_SLASHES = /^[\d/]+$/;

const UNITS: Record<string, 'minute' | 'hour' | 'day' | 'week' | 'month'> = {
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', wk: 'week', wks: 'week', week: 'week', weeks: 'week',
  mo: 'month', mos: 'month', month: 'month', months: 'month',
};

/** Abbreviations outside the US that people type: each names several places or none. */
const AMBIGUOUS_ZONE_ABBREVIATIONS = new Set(['bst', 'cet', 'cest', 'eet', 'eest', 'wet', 'west', 'ist', 'aest', 'aedt', 'jst']);

function parse(input: string, reading: Reading): Parsed {
  const raw = input.trim().replace(/,/g, ' ').split(/\s+/).filter((t) => t !== '');
  const result: Parsed = { corrections: reading.corrections };

  // A trailing zone: a name with a slash (not a slash date), UTC/GMT, or a US abbreviation.
  const last = raw[raw.length - 1]!;
  const usZone = raw.length > 1 ? US_ZONE_ABBREVIATIONS[last.toLowerCase()] : undefined;
  if (usZone) {
    result.zone = usZone;
    raw.pop();
  } else if ((last.includes('/') && !DIGITS_AND_SLASHES.test(last)) || /^(utc|gmt)$/i.test(last)) {
    const zone = parseTimeZone(last);
    if (!zone) throw new UserError(`unknown time zone "${last}"; use an IANA name like America/Chicago or Europe/London`);
    result.zone = zone;
    raw.pop();
  } else if (raw.length > 1 && AMBIGUOUS_ZONE_ABBREVIATIONS.has(last.toLowerCase())) {
    throw new UserError(`"${last}" is ambiguous; name the customer's time zone like America/New_York or Europe/London`);
  }
  if (raw.length === 0) throw new NotUnderstood();

  const text = raw
    .join(' ')
    .toLowerCase()
    .replace(/(\d|\s)([ap])\.m\.?/g, '$1$2m') // 2 p.m.
    .replace(/(\d)\s+(am|pm)\b/g, '$1$2') // 2 pm
    .replace(/\b([a-z]{2,})\.(?=\s|$)/g, '$1'); // Fri.

  // '+3d', 'in 2 weeks', '7 days ago', '+3d 10:00'; but not '14h', which is a clock time.
  // 'in a week', 'an hour ago': one; 'next week', 'next month': in one.
  const counted = text.replace(/^(in\s+)an?\s+(?=[a-z])/, '$11 ').replace(/^an?\s+(?=[a-z]+\s+ago\b)/, '1 ').replace(/^next\s+(week|wk|month)\b/, 'in 1 $1');
  const relative = RELATIVE.exec(counted);
  if (relative) {
    const [, inWord, sign, amount, unitWord, ago, rest] = relative;
    const unit = UNITS[unitWord!] ?? unitTypo(unitWord!, reading);
    const marked = Boolean(inWord || sign || ago);
    if (unit && (unit !== 'hour' || marked) && !(ago && (inWord || sign))) {
      const n = Number(amount) * (sign === '-' || ago ? -1 : 1);
      if (unit === 'minute' || unit === 'hour') {
        if (rest) throw new NotUnderstood();
        return { ...result, elapsedMinutes: unit === 'hour' ? n * 60 : n };
      }
      const spec: DaySpec =
        unit === 'month' ? { kind: 'relative', days: 0, months: n } : { kind: 'relative', days: unit === 'week' ? n * 7 : n, months: 0 };
      result.day = spec;
      if (rest) result.time = parseTimeTokens(rest.split(' '), input, reading);
      return result;
    }
  }

  const tokens = text.split(' ');
  const dayTokens: string[] = [];
  const timeTokens: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const isoDateTime = ISO_DATE_TIME.exec(token);
    if (isoDateTime) {
      dayTokens.push(isoDateTime[1]!);
      timeTokens.push(isoDateTime[2]!);
    } else if (token === 'at') {
      // 'at 10', 'at 3': an hour with no minutes, read as an hour of the working day.
      const hour = /^\d{1,2}$/.test(tokens[i + 1] ?? '') ? workingHour(Number(tokens[i + 1])) : undefined;
      if (hour !== undefined) {
        timeTokens.push(`${hour}:00`);
        i++;
      }
      continue;
    } else if (isTimeToken(token, reading) || (OFFSET.test(token) && timeTokens.length > 0)) {
      timeTokens.push(token);
    } else {
      dayTokens.push(token);
    }
  }

  if (timeTokens.length > 0) {
    const { time, offsetMinutes } = parseTime(timeTokens, input, reading);
    result.time = time;
    if (offsetMinutes !== undefined) result.offsetMinutes = offsetMinutes;
  }
  if (dayTokens.length === 0) {
    if (!result.time) throw new NotUnderstood();
    if (result.offsetMinutes !== undefined) throw new NotUnderstood(); // an offset needs a date
    return result;
  }

  if (dayTokens.length === 1 && dayTokens[0] === 'now') {
    if (result.time) throw new NotUnderstood();
    return { ...result, now: true };
  }
  result.day = parseDayTokens(dayTokens, input, reading);
  if (result.offsetMinutes !== undefined && result.day.kind !== 'date') throw new NotUnderstood();
  return result;
}

/**
 * The hour a bare number after "at" means: callbacks are booked in the working day, so
 * 7 to 11 are the morning, 1 to 6 the afternoon ("at 3" is 15:00), 12 is noon, and 13 to 23
 * and 0 are the 24-hour clock. The date is shown back as read, to be corrected at once.
 */
function workingHour(n: number): number | undefined {
  if (n > 23) return undefined;
  return n >= 1 && n <= 6 ? n + 12 : n;
}

/** A unit of time typed with a typo ('minuts'), read as the nearest one and said so. */
function unitTypo(typed: string, reading: Reading): 'minute' | 'hour' | 'day' | 'week' | 'month' | undefined {
  if (typed.length < 4) return undefined;
  const near = closestMatch(typed, Object.keys(UNITS).filter((unit) => unit.length >= 4));
  if (near === undefined) return undefined;
  if (!reading.corrections.some((c) => c.typed === typed)) reading.corrections.push({ typed, read: near });
  return UNITS[near];
}

function isTimeToken(token: string, reading: Reading): boolean {
  return CLOCK.test(token) || HOUR_AMPM.test(token) || HOUR_H.test(token) || reading.word(token)?.kind === 'noon';
}

function parseTimeTokens(tokens: string[], input: string, reading: Reading): WallClock {
  const { time, offsetMinutes } = parseTime(tokens, input, reading);
  if (offsetMinutes !== undefined) throw new NotUnderstood();
  return time;
}

function parseTime(tokens: string[], input: string, reading: Reading): { time: WallClock; offsetMinutes?: number } {
  let [first, second] = tokens;
  if (tokens.length > 2 || first === undefined) throw new NotUnderstood();
  // '10:00 +02:00' → one token.
  if (second !== undefined) {
    if (!OFFSET.test(second)) throw new NotUnderstood();
    first += second;
  }
  const impossible = () => new UserError(`${JSON.stringify(input.trim())} is not a real time of day`);
  if (reading.word(first)?.kind === 'noon') return { time: { hour: 12, minute: 0 } };

  let hour: number;
  let minute = 0;
  let secondOfMinute = 0;
  let ms = 0;
  let ampm: string | undefined;
  let offset: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = CLOCK.exec(first))) {
    hour = Number(m[1]);
    minute = Number(m[2]);
    secondOfMinute = Number(m[3] ?? 0);
    ms = Number((m[4] ?? '').padEnd(3, '0'));
    ampm = m[5];
    offset = m[6];
  } else if ((m = HOUR_AMPM.exec(first))) {
    hour = Number(m[1]);
    ampm = m[2];
  } else if ((m = HOUR_H.exec(first))) {
    hour = Number(m[1]);
    minute = Number(m[2] ?? 0);
  } else {
    throw new NotUnderstood();
  }
  if (ampm) {
    if (hour < 1 || hour > 12) throw impossible();
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || secondOfMinute > 59) throw impossible();
  const time: WallClock = { hour, minute, second: secondOfMinute, ms };
  if (offset === undefined) return { time };
  return { time, offsetMinutes: parseOffset(offset, impossible) };
}

function parseOffset(offset: string, impossible: () => Error): number {
  if (offset === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) throw impossible();
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function parseDayTokens(tokens: string[], input: string, reading: Reading): DaySpec {
  const [first, ...rest] = tokens;
  if (tokens.length === 1 && first!.includes('/')) return slashDate(first!, input, reading.dateOrder);
  if (tokens.length === 1) {
    const iso = ISO_DATE.exec(first!);
    if (iso) {
      const date = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
      if (!isExists(date.year, date.month - 1, date.day)) {
        const monthName = MONTH_NAMES[date.month - 1];
        const why = monthName && date.day >= 1 ? `${monthName} ${date.year} has ${daysInMonth(date.year, date.month)} days` : 'the month is 1–12 and the day 1–31';
        throw new UserError(`${JSON.stringify(input.trim())} is not a real date: ${why}`);
      }
      return { kind: 'date', date };
    }
    const word = reading.word(first!);
    if (word?.kind === 'today') return { kind: 'relative', days: 0, months: 0 };
    if (word?.kind === 'tomorrow') return { kind: 'relative', days: 1, months: 0 };
    if (word?.kind === 'yesterday') return { kind: 'relative', days: -1, months: 0 };
    if (word?.kind === 'weekday') return { kind: 'weekday', weekday: word.weekday, which: 'plain' };
    throw new NotUnderstood();
  }
  if (tokens.length === 2 && (first === 'next' || first === 'last' || first === 'this' || first === 'coming')) {
    const word = reading.word(rest[0]!);
    if (word?.kind !== 'weekday') throw new NotUnderstood();
    return { kind: 'weekday', weekday: word.weekday, which: first === 'coming' ? 'next' : first };
  }
  // '28 nov', 'nov 28', 'Fri 28 Nov', '28th november 2026', 'fri 12/07'.
  let weekday: number | undefined;
  let remaining = tokens;
  const leading = reading.word(first!);
  if (leading?.kind === 'weekday') {
    weekday = leading.weekday;
    remaining = rest;
  }
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of remaining) {
    const ordinal = ORDINAL.exec(token);
    const word = ordinal || token.includes('/') ? undefined : reading.word(token);
    if (token.includes('/') && day === undefined && month === undefined && year === undefined) {
      const spec = slashDate(token, input, reading.dateOrder);
      if (spec.kind === 'date') ({ day, month, year } = spec.date);
      else if (spec.kind === 'dayMonth') ({ day, month } = spec);
    } else if (ordinal && day === undefined) day = Number(ordinal[1]);
    else if (word?.kind === 'month' && month === undefined) month = word.month;
    else if (/^\d{4}$/.test(token) && year === undefined && day !== undefined && month !== undefined) year = Number(token);
    else throw new NotUnderstood();
  }
  if (day === undefined || month === undefined) throw new NotUnderstood();
  if (day < 1 || day > 31) throw new UserError(`${JSON.stringify(input.trim())} is not a real date`);
  if (year === undefined) return weekday === undefined ? { kind: 'dayMonth', month, day } : { kind: 'dayMonth', month, day, weekday };
  if (!isExists(year, month - 1, day)) {
    throw new UserError(`${JSON.stringify(input.trim())} is not a real date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`);
  }
  const date = { year, month, day };
  if (weekday !== undefined && weekdayOf(date) !== weekday) {
    throw new UserError(`${JSON.stringify(input.trim())}: ${describeDay(date)} is a ${WEEKDAY_NAMES[weekdayOf(date)]}, not a ${WEEKDAY_NAMES[weekday]}`);
  }
  return { kind: 'date', date };
}

/**
 * A slash date in the reading's order; a year of two digits is this century's. Numbers
 * that make no date in that order are refused with a line about dates, saying the order.
 */
function slashDate(token: string, input: string, order: DateOrder): DaySpec {
  const shown = JSON.stringify(input.trim());
  const yearFirst = SLASH_YEAR_FIRST.exec(token);
  const slash = SLASH_DATE.exec(token);
  if (!yearFirst && !slash) throw new NotUnderstood();
  let year: number | undefined;
  let month: number;
  let day: number;
  let why: string;
  if (yearFirst) {
    [year, month, day] = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
    why = 'year/month/day';
  } else {
    const [first, second] = [Number(slash![1]), Number(slash![2])];
    [month, day] = order === 'mdy' ? [first, second] : [second, first];
    if (slash![3] !== undefined) year = slash![3].length === 2 ? 2000 + Number(slash![3]) : Number(slash![3]);
    why =
      order === 'mdy'
        ? 'slash dates are read month/day (CSR_CALL_DATE_ORDER=dmy for day/month)'
        : 'slash dates are read day/month (CSR_CALL_DATE_ORDER=mdy for month/day)';
  }
  if (month < 1 || month > 12) throw new UserError(`${shown} is not a real date: ${why}, and ${month} is not a month`);
  if (day < 1 || day > 31) throw new UserError(`${shown} is not a real date: ${why}, and ${day} is not a day of the month`);
  if (year === undefined) return { kind: 'dayMonth', month, day };
  if (!isExists(year, month - 1, day)) {
    throw new UserError(`${shown} is not a real date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`);
  }
  return { kind: 'date', date: { year, month, day } };
}

/**
 * The typos in `input` and the words they were read as, without placing it on the
 * calendar: for showing back a date already accepted. The words are read the same
 * whatever the day, the zone or the order of slash dates.
 */
export function correctionsIn(input: string): Correction[] {
  const reading = new Reading('mdy');
  try {
    parse(input, reading);
  } catch {
    // Only the words read so far are asked for.
  }
  return reading.corrections;
}

/** 'read "blursday" as thursday', for the line that shows a date back; undefined when nothing was corrected. */
export function describeCorrections(corrections: readonly Correction[]): string | undefined {
  if (corrections.length === 0) return undefined;
  return `read ${corrections.map((c) => `"${c.typed}" as ${c.read}`).join(', ')}`;
}
