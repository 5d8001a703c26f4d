import {
  addDaysTo,
  calendarDayIn,
  endOfDayIn,
  isStartOfDayIn,
  shiftInZone,
  wallClockIn,
  wallTimeToInstant,
  weekdayOf,
  type CalendarDay,
} from '../dates/zone.js';
import type { CallPromise, CallRecord, FollowUp, HistoryEntry } from './callRecord.js';
import { UserError } from '../errors.js';
import { shortFollowUpId, shortId } from './ids.js';

/**
 * Marking a follow-up done and snoozing it, as pure "record in, record out" functions:
 * the command runs them inside `updateCall`, on the freshly read file under its lock.
 * Every change leaves a history entry (when, who, what, note, due, previous due).
 */

export interface DoneOptions {
  at: Date;
  by: string;
  note?: string;
  /** The agent's zone: a repeating follow-up with no zone of its own counts days in it. */
  timeZone: string;
  /** Close a repeating follow-up for good instead of scheduling the next progress call. */
  last?: boolean;
  /** When the next progress call may be booked (default 09:00–17:00 on weekdays). */
  businessHours?: BusinessHours;
}

export interface DoneResult {
  record: CallRecord;
  /** The next occurrence of a repeating follow-up, when one was scheduled. */
  next?: FollowUp;
}

export interface SnoozeOptions {
  /** When the snooze is made (history time, and "not in the past" check). */
  at: Date;
  until: Date;
  /** `until` is a whole day (no time given). */
  allDay?: boolean;
  /** The zone `until` was given in, when it was the customer's. */
  timeZone?: string;
  /** The agent's zone (for reading a promise "by Friday" as the end of Friday). */
  agentTimeZone: string;
  by: string;
  note?: string;
}

export interface SnoozeResult {
  record: CallRecord;
  /** The new due time is after the date promised to the customer. */
  breaksPromise: boolean;
  /** The new due time is one the customer may not be called at, in this zone (theirs when known). */
  outsideCallingHoursIn?: string;
  /** The promise this follow-up keeps, when it has one. */
  promise?: CallPromise;
}

function findOpen(record: CallRecord, followupId: string, verb: string): { followup: FollowUp; index: number } {
  const index = record.followups.findIndex((f) => f.id === followupId);
  const shown = shortFollowUpId(followupId);
  if (index < 0) {
    const known = record.followups.map((f) => shortFollowUpId(f.id));
    const hint = known.length ? `it has ${known.join(', ')}` : 'it has no follow-ups';
    throw new UserError(`call ${shortId(record.id)} has no follow-up ${shown}: ${hint}`, 1);
  }
  const followup = record.followups[index]!;
  if (followup.status === 'done') {
    const when = followup.doneAt ? ` on ${followup.doneAt.slice(0, 10)}` : '';
    throw new UserError(`cannot ${verb} ${shown}: it is already done${when}`, 1);
  }
  if (followup.status === 'cancelled') throw new UserError(`cannot ${verb} ${shown}: it was cancelled`, 1);
  return { followup, index };
}

const cleanNote = (note: string | undefined) => {
  const trimmed = note?.trim();
  return trimmed ? trimmed : undefined;
};

function historyEntry(entry: HistoryEntry): HistoryEntry {
  // Leave out absent fields rather than writing `"note": undefined`-shaped noise.
  const out: HistoryEntry = { at: entry.at, by: entry.by, action: entry.action };
  if (entry.note !== undefined) out.note = entry.note;
  if (entry.due !== undefined) out.due = entry.due;
  if (entry.previousDue !== undefined) out.previousDue = entry.previousDue;
  return out;
}

function nextFollowUpId(record: CallRecord): string {
  let max = 0;
  for (const f of record.followups) {
    const n = Number(f.id.slice(f.id.lastIndexOf('.f') + 2));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${record.id}.f${max + 1}`;
}

import { CALLING_HOURS, DEFAULT_BUSINESS_HOURS, describeHours, parseBusinessHours, type BusinessHours } from './businessHours.js';
export { CALLING_HOURS, DEFAULT_BUSINESS_HOURS, describeHours, parseBusinessHours, type BusinessHours };

/** The business hours set in CSR_CALL_BUSINESS_HOURS, or the default when it is not set (the settings read it with the config file: src/settings). */
export function businessHoursFromEnv(value: string | undefined): BusinessHours {
  if (!value?.trim()) return DEFAULT_BUSINESS_HOURS;
  try {
    return parseBusinessHours(value);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`CSR_CALL_BUSINESS_HOURS ${error.message}`);
    throw error;
  }
}

const isWeekday = (day: CalendarDay) => weekdayOf(day) >= 1 && weekdayOf(day) <= 5;

/** Minutes (with seconds as a fraction) since midnight on the wall clock of `timeZone`. */
function minutesOfDay(at: Date, timeZone: string): number {
  const { hour, minute, second, ms } = wallClockIn(at, timeZone);
  return hour * 60 + minute + (second + ms / 1000) / 60;
}

/**
 * The first moment inside business hours at or after `at`, in `timeZone`: before opening
 * it is that day's opening, after closing or at a weekend the next weekday's opening.
 */
export function intoBusinessHours(at: Date, hours: BusinessHours, timeZone: string): Date {
  let day = calendarDayIn(at, timeZone);
  if (isWeekday(day)) {
    const minutes = minutesOfDay(at, timeZone);
    if (minutes < hours.open) return wallTimeToInstant(day, { hour: Math.floor(hours.open / 60), minute: hours.open % 60 }, timeZone);
    if (minutes < hours.close) return at;
  }
  do day = addDaysTo(day, 1);
  while (!isWeekday(day));
  return wallTimeToInstant(day, { hour: Math.floor(hours.open / 60), minute: hours.open % 60 }, timeZone);
}

/** A time the customer may not be called at, their time (see CALLING_HOURS). 21:00 itself is fine. */
export function outsideCallingHours(at: Date, timeZone: string): boolean {
  const minutes = minutesOfDay(at, timeZone);
  return minutes < CALLING_HOURS.open || minutes > CALLING_HOURS.close;
}

/** The zone a follow-up's customer is called in: the one it was booked in, else the customer's, else the agent's. */
export function callingZone(followup: FollowUp, record: Pick<CallRecord, 'customer'>, agentTimeZone: string): string {
  return followup.timeZone ?? record.customer.zone ?? agentTimeZone;
}

/** The call's open follow-ups with a time (not a whole day) at which the customer may not be called. */
export function followUpsOutsideCallingHours(record: CallRecord, agentTimeZone: string): Array<{ followup: FollowUp; timeZone: string }> {
  return record.followups.flatMap((followup) => {
    const timeZone = callingZone(followup, record, agentTimeZone);
    const outside = followup.status === 'open' && !followup.allDay && outsideCallingHours(new Date(followup.due), timeZone);
    return outside ? [{ followup, timeZone }] : [];
  });
}

/**
 * When the next progress call of a repeating follow-up is due: `days` calendar days after
 * it was done, at the same wall-clock time (or the start of that day for an all-day one),
 * in the customer's zone (else the agent's), so a daylight-saving change does not move it
 * by an hour; and within business hours, there: done at 18:52, it is not due at 18:52.
 */
export function nextOccurrence(doneAt: Date, days: number, timeZone: string, allDay: boolean, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): Date {
  const later = shiftInZone(doneAt, { days }, timeZone);
  if (!allDay) return intoBusinessHours(later, hours, timeZone);
  // A whole day: a weekday's.
  let day = calendarDayIn(later, timeZone);
  while (!isWeekday(day)) day = addDaysTo(day, 1);
  return wallTimeToInstant(day, { hour: 0, minute: 0 }, timeZone);
}

export function markDone(record: CallRecord, followupId: string, options: DoneOptions): DoneResult {
  const { followup, index } = findOpen(record, followupId, 'mark done');
  const at = options.at.toISOString();
  const note = cleanNote(options.note);
  const done: FollowUp = {
    ...followup,
    status: 'done',
    doneAt: at,
    history: [...followup.history, historyEntry({ at, by: options.by, action: 'done', note, due: followup.due })],
  };
  const followups = record.followups.slice();
  followups[index] = done;

  let next: FollowUp | undefined;
  if (followup.repeatEveryDays && !options.last) {
    const zone = callingZone(followup, record, options.timeZone);
    const due = nextOccurrence(options.at, followup.repeatEveryDays, zone, followup.allDay === true, options.businessHours).toISOString();
    const { doneAt: _doneAt, ...rest } = followup;
    next = {
      ...rest,
      // Booked in the customer's zone when it is known: shown in theirs and the agent's.
      ...(zone !== options.timeZone ? { timeZone: zone } : {}),
      id: nextFollowUpId(record),
      due,
      status: 'open',
      createdAt: at,
      history: [
        historyEntry({
          at,
          by: options.by,
          action: 'scheduled-next',
          note: `next progress call after ${shortFollowUpId(followup.id)}`,
          due,
          previousDue: followup.due,
        }),
      ],
    };
    followups.push(next);
  }
  return next ? { record: { ...record, followups }, next } : { record: { ...record, followups } };
}

/**
 * The last instant that still keeps a promise. A promise made for a day ("by Friday",
 * stored as midnight in its zone) is kept until that day ends.
 */
export function promiseDeadline(promise: CallPromise, agentTimeZone: string): Date | undefined {
  if (!promise.due) return undefined;
  const due = new Date(promise.due);
  const zone = promise.timeZone ?? agentTimeZone;
  if (!isStartOfDayIn(due, zone)) return due;
  return endOfDayIn(due, zone);
}

/**
 * Where a snooze puts a follow-up. A whole day typed with no zone is read in the agent's
 * zone, but a follow-up for a day is kept as that day's start in its own zone (the
 * customer's, when the call had one): the same date there, not the agent's midnight, which
 * west of the agent is the day before.
 */
export function snoozedDue(until: Date, options: { allDay?: boolean; typedZone?: string; followUpZone?: string; agentTimeZone: string }): Date {
  const { followUpZone, agentTimeZone } = options;
  if (!options.allDay || options.typedZone !== undefined || followUpZone === undefined || followUpZone === agentTimeZone) return until;
  return wallTimeToInstant(calendarDayIn(until, agentTimeZone), { hour: 0, minute: 0 }, followUpZone);
}

export function snooze(record: CallRecord, followupId: string, options: SnoozeOptions): SnoozeResult {
  const { followup, index } = findOpen(record, followupId, 'snooze');
  const until = snoozedDue(options.until, {
    agentTimeZone: options.agentTimeZone,
    ...(options.allDay ? { allDay: true } : {}),
    ...(options.timeZone ? { typedZone: options.timeZone } : {}),
    ...(followup.timeZone ? { followUpZone: followup.timeZone } : {}),
  });
  // An all-day "until" is the start of its day: snoozing to today is fine all day long.
  const stillAhead = options.allDay ? until.getTime() + 24 * 3_600_000 > options.at.getTime() : until > options.at;
  if (!stillAhead) {
    throw new UserError(`cannot snooze ${shortFollowUpId(followup.id)} to ${until.toISOString()}: that is in the past`);
  }
  const at = options.at.toISOString();
  const due = until.toISOString();
  const changed: FollowUp = {
    ...followup,
    due,
    history: [
      ...followup.history,
      historyEntry({ at, by: options.by, action: 'snoozed', note: cleanNote(options.note), due, previousDue: followup.due }),
    ],
  };
  if (options.allDay) changed.allDay = true;
  else delete changed.allDay;
  if (options.timeZone) changed.timeZone = options.timeZone;

  const followups = record.followups.slice();
  followups[index] = changed;

  const promise = followup.promiseId ? record.promises.find((p) => p.id === followup.promiseId) : undefined;
  const deadline = promise ? promiseDeadline(promise, options.agentTimeZone) : undefined;
  const breaksPromise = deadline !== undefined && until.getTime() > deadline.getTime();
  const result: SnoozeResult = { record: { ...record, followups }, breaksPromise };
  if (promise) result.promise = promise;
  const zone = callingZone(changed, record, options.agentTimeZone);
  if (!options.allDay && outsideCallingHours(until, zone)) result.outsideCallingHoursIn = zone;
  return result;
}
