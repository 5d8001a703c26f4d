/**
 * How dates are shown to agents: always the absolute day and time in the agent's zone
 * next to how far away it is, so a follow-up's urgency cannot be misread.
 */
import { calendarDayIn, daysBetween, systemTimeZone, wallClockDate, zonedParts, zoneOffsetsIn, type ZonedParts } from './zone.js';
import { plural } from '../text/plural.js';

// Wall fields come from zone.ts; the names are spelt out here rather than through
// date-fns `format`, which loads ~37 modules (locale, parsers) onto the start-up path of
// `followups` for the same fixed English output (measured: about 3x the import time).
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** '00' to '59' made once: a list pads two numbers a row. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const MS_PER_DAY = 86_400_000;

/** 'Mon 23 Nov 2026 14:05', for lists. */
export function formatDateTime(at: Date, timeZone: string): string {
  return dateTimeFormatter(timeZone)(at);
}

/**
 * `formatDateTime` for many instants in one zone (a list's thousands of rows): the zone is
 * looked at once, and a day's text is kept for the next instant, in a sorted list usually
 * on the same day. The offset is still asked for every instant, so the clock stays right
 * across daylight-saving changes, whole-hour or not.
 */
export function dateTimeFormatter(timeZone: string): (at: Date) => string {
  const offsetAt = zoneOffsetsIn(timeZone);
  let lastDay = NaN;
  let lastDayText = '';
  return (at) => {
    const ms = at.getTime();
    const wall = wallClockDate(ms, offsetAt(ms), timeZone);
    const day = Math.floor(wall.getTime() / MS_PER_DAY);
    if (day !== lastDay) {
      lastDay = day;
      lastDayText = `${WEEKDAYS[wall.getUTCDay()]} ${wall.getUTCDate()} ${MONTHS[wall.getUTCMonth()]} ${wall.getUTCFullYear()} `;
    }
    return lastDayText + twoDigits(wall.getUTCHours()) + ':' + twoDigits(wall.getUTCMinutes());
  };
}

/** 'Mon 23 Nov' (with the year unless it is `now`'s year in that zone). */
export function formatDay(at: Date, timeZone: string, now?: Date): string {
  const local = zonedParts(at, timeZone);
  const sameYear = now !== undefined && calendarDayIn(now, timeZone).year === local.year;
  return sameYear ? dayText(local) : `${dayText(local)} ${local.year}`;
}

function formatClock(at: Date, timeZone: string): string {
  return clockText(zonedParts(at, timeZone));
}

function dayText(local: ZonedParts): string {
  return `${WEEKDAYS[local.weekday]} ${local.day} ${MONTHS[local.month - 1]}`;
}

function clockText(local: ZonedParts): string {
  return `${twoDigits(local.hour)}:${twoDigits(local.minute)}`;
}

function twoDigits(n: number): string {
  return TWO_DIGITS[n] ?? String(n).padStart(2, '0');
}

export interface FormatDueOptions {
  now: Date;
  /** The agent's zone. */
  timeZone: string;
  /** Only a day was given: show no time, and count whole days. */
  allDay?: boolean;
  /** The customer's zone when the time was given in it: both clocks are shown. */
  customerTimeZone?: string;
  /** A date that is no deadline: '2 days ago', not '2 days overdue'. */
  notDue?: boolean;
}

/**
 * 'Fri 28 Nov 10:00 (in 2 days)'. With the customer's zone: 'Fri 28 Nov 10:00 / 11:00
 * America/New_York (in 2 days)' — the customer's day is added when it differs from the
 * agent's. An all-day date given in the customer's zone is their day:
 * 'Fri 28 Nov America/Chicago (in 2 days)'.
 */
export function formatDue(at: Date, opts: FormatDueOptions): string {
  const { now, timeZone, allDay, customerTimeZone } = opts;
  const customer = customerTimeZone && customerTimeZone !== timeZone ? customerTimeZone : undefined;
  if (allDay) {
    // The day was chosen in the customer's zone when one was given; `at` is its start there.
    const zone = customer ?? timeZone;
    const lateness = describeLateness(at, now, { allDay: true, timeZone: zone, ...(opts.notDue ? { notDue: true } : {}) });
    return `${formatDay(at, zone, now)}${customer ? ` ${customer}` : ''} (${lateness})`;
  }
  let text = `${formatDay(at, timeZone, now)} ${formatClock(at, timeZone)}`;
  if (customer) {
    const sameDay = daysBetween(calendarDayIn(at, timeZone), calendarDayIn(at, customer)) === 0;
    const theirs = sameDay ? formatClock(at, customer) : `${formatDay(at, customer, now)} ${formatClock(at, customer)}`;
    text += ` / ${theirs} ${customer}`;
  }
  return `${text} (${describeLateness(at, now, { timeZone, ...(opts.notDue ? { notDue: true } : {}) })})`;
}

const MS_PER_MINUTE = 60_000;

/**
 * How late or how soon, in words: '2 days overdue', '3 hours overdue', '25 min overdue',
 * 'due now', 'in 40 min', 'in 3 hours', 'due today', 'due tomorrow', 'in 2 days'.
 * Whole days are calendar days in `timeZone` (due Wednesday, now Friday: 2 days), so a
 * follow-up does not change wording at an odd hour. An all-day date is 'due today' all day
 * and overdue from the next day.
 */
export function describeLateness(due: Date, now: Date, opts?: { allDay?: boolean; timeZone: string; notDue?: boolean }): string {
  const timeZone = opts?.timeZone ?? systemTimeZone();
  const days = daysBetween(calendarDayIn(now, timeZone), calendarDayIn(due, timeZone));
  // A date that is no deadline (when something was bought) is before or after, never overdue.
  const words = opts?.notDue ? WHEN_WORDS : DUE_WORDS;
  if (opts?.allDay) return describeDays(days, words);

  const diff = due.getTime() - now.getTime();
  // Ahead by a minute or more, a part minute counts whole: '+5m' typed a moment ago is in
  // 5 min, not 4.
  const minutes = diff < MS_PER_MINUTE ? Math.floor(Math.abs(diff) / MS_PER_MINUTE) : Math.ceil(diff / MS_PER_MINUTE - 0.05);
  const hours = Math.floor(minutes / 60);
  if (minutes < 1) return words.now;
  if (diff < 0) {
    if (minutes < 60) return `${minutes} min ${words.past}`;
    if (hours < 24) return `${plural(hours, 'hour')} ${words.past}`;
    // 24 hours late is at least a day late, even on a 25-hour day.
    return `${plural(Math.max(1, -days), 'day')} ${words.past}`;
  }
  if (minutes < 60) return `in ${minutes} min`;
  if (days === 0 || hours < 6) return `in ${plural(hours, 'hour')}`;
  return describeDays(days, words);
}

const DUE_WORDS = { now: 'due now', today: 'due today', tomorrow: 'due tomorrow', yesterday: '1 day overdue', past: 'overdue' };
const WHEN_WORDS = { now: 'now', today: 'today', tomorrow: 'tomorrow', yesterday: 'yesterday', past: 'ago' };

function describeDays(days: number, words: typeof DUE_WORDS): string {
  if (days === 0) return words.today;
  if (days === 1) return words.tomorrow;
  if (days === -1) return words.yesterday;
  if (days > 1) return `in ${days} days`;
  return `${plural(-days, 'day')} ${words.past}`;
}

