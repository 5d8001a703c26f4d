import type { CallRecord, FollowUp } from './callRecord.js';
import { accountKey, phoneKey } from './customerKeys.js';
import { endOfDayIn } from '../dates/zone.js';
import { HANDED_OFF_OUTCOMES, SETTLED_MOODS, UPSET_MOODS } from '../playbook/types.js';
import { holdTally } from './holds.js';
import { promiseStandings, type PromiseStanding } from './promiseKeeping.js';
import { causeKey } from './rootCause.js';

/**
 * What `stats` counts of one call, as plain values: the one home of the rules that turn a
 * call record into figures (which outcomes are hand-offs, which moods are upset or
 * settled, when a follow-up was done on time). The index stores these per call and adds
 * them up with SQL; nothing else decides them.
 */

/** A resolved call is "first contact" unless the customer called about it in these days before. */
export const FIRST_CALL_WINDOW_DAYS = 7;
export const FIRST_CALL_WINDOW_MS = FIRST_CALL_WINDOW_DAYS * 24 * 60 * 60 * 1000;

export interface FollowUpTally {
  /** Completions done by the due time in force then (a repeating follow-up has several). */
  doneOnTime: number;
  doneLate: number;
  cancelled: number;
  open: number;
}

export interface CallFacts {
  startMs: number;
  completed: boolean;
  /** Completed calls: the outcome as recorded (trimmed), or `(none)`. */
  outcome: string | undefined;
  resolved: boolean;
  handedOff: boolean;
  /** endedAt − startedAt of a completed call, in seconds (never negative). */
  durationSeconds: number | undefined;
  upsetStart: boolean;
  /** Started upset and ended calm, happy or neutral. */
  turned: boolean;
  /** Case-insensitive key of the problem category, and the category as written. */
  categoryKey: string | undefined;
  category: string | undefined;
  phoneKey: string | undefined;
  accountKey: string | undefined;
  followups: FollowUpTally;
  /** Seconds per stage of a completed call, in the order the call went through them. */
  stageSeconds: Array<[stage: string, seconds: number]>;
  /** The craft of the call (issue 16): what the agent was nudged about, time off the line, solutions, promises, cause. */
  craft: CraftFacts;
}

export interface CraftFacts {
  /** Coaching rules that nudged the agent on this call. */
  coaching: string[];
  holds: number;
  /** Holds that ran past the time the customer was given. */
  overruns: number;
  /** Prepared solutions offered, and the one chosen. */
  offered: string[];
  chosen: string | undefined;
  /** The call's dated promises, as their follow-ups stand: settled in time, late, or cancelled. */
  promisesKept: number;
  promisesLate: number;
  promisesCancelled: number;
  /** Deadlines (ms) of the promises still open: broken once passed. */
  openPromiseDeadlines: number[];
  /** The empathy line the agent typed, if any (for the stock-empathy nudge on later calls). */
  empathy: string | undefined;
  /** The root cause, as written and as counted (see rootCause.ts). */
  cause: string | undefined;
  causeKey: string | undefined;
}

export function categoryKey(category: string | undefined): string | undefined {
  const key = category?.trim().toLowerCase();
  return key ? key : undefined;
}

/** An unknown category on either side may be the same problem: no first-contact credit. */
export function sameCategory(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/**
 * The last instant that still counts as on time for a follow-up due at `dueMs`: the due
 * time itself, or the end of its day for an all-day one (in its own zone, else `timeZone`).
 */
export function followUpDeadline(followup: Pick<FollowUp, 'allDay' | 'timeZone'>, dueMs: number, timeZone: string): number {
  return followup.allDay ? endOfDayIn(new Date(dueMs), followup.timeZone ?? timeZone).getTime() : dueMs;
}

/**
 * How one follow-up's history counts: each completion is on time when done by the due time
 * in force then (after snoozes).
 */
export function tallyFollowUp(followup: FollowUp, timeZone: string, into: FollowUpTally): void {
  const count = (doneMs: number, dueIso: string) => {
    if (doneMs <= followUpDeadline(followup, Date.parse(dueIso), timeZone)) into.doneOnTime++;
    else into.doneLate++;
  };
  // The due time in force before the first change: the creation's, else what the first change moved.
  let due = followup.history.find((h) => h.action === 'created')?.due ?? followup.history.find((h) => h.previousDue)?.previousDue ?? followup.due;
  let doneSeen = false;
  for (const entry of followup.history) {
    if (entry.action === 'done') {
      count(Date.parse(entry.at), due);
      doneSeen = true;
    }
    if (entry.due) due = entry.due;
  }
  if (followup.status === 'done' && !doneSeen && followup.doneAt) count(Date.parse(followup.doneAt), followup.due);
  if (followup.status === 'cancelled') into.cancelled++;
  if (followup.status === 'open') into.open++;
}

/**
 * The facts of one call. `timeZone` decides the end of an all-day follow-up's day when it
 * has no zone of its own. `promises`: the call's `promiseStandings`, when the caller has them.
 */
export function callFacts(record: CallRecord, timeZone: string, promises?: readonly PromiseStanding[]): CallFacts {
  const startMs = Date.parse(record.startedAt);
  const completed = record.status === 'completed';
  const outcome = completed ? record.outcome?.trim() || '(none)' : undefined;
  let durationSeconds: number | undefined;
  if (completed && record.endedAt) {
    const seconds = (Date.parse(record.endedAt) - startMs) / 1000;
    if (seconds >= 0) durationSeconds = seconds;
  }
  const upsetStart = completed && record.mood.start !== undefined && UPSET_MOODS.includes(record.mood.start);
  const followups: FollowUpTally = { doneOnTime: 0, doneLate: 0, cancelled: 0, open: 0 };
  for (const followup of record.followups) tallyFollowUp(followup, timeZone, followups);
  const key = categoryKey(record.problem.category);
  return {
    startMs,
    completed,
    outcome,
    resolved: outcome === 'resolved',
    handedOff: outcome !== undefined && HANDED_OFF_OUTCOMES.includes(outcome),
    durationSeconds,
    upsetStart,
    turned: upsetStart && record.mood.end !== undefined && SETTLED_MOODS.includes(record.mood.end),
    categoryKey: key,
    category: key ? record.problem.category!.trim() : undefined,
    phoneKey: phoneKey(record.customer.phone),
    accountKey: accountKey(record.customer.account),
    followups,
    stageSeconds: completed ? Object.entries(record.stageSeconds) : [],
    craft: craftFacts(record, timeZone, promises),
  };
}

/** The craft facts of one call (see CraftFacts). */
export function craftFacts(record: CallRecord, timeZone: string, promises: readonly PromiseStanding[] = promiseStandings(record, timeZone)): CraftFacts {
  const { holds, overruns } = holdTally(record);
  const empathy = record.answers.find((a) => a.meaning === 'empathy')?.value;
  const cause = record.problem.rootCause?.trim();
  const key = causeKey(cause);
  return {
    coaching: [...new Set((record.coaching ?? []).map((note) => note.rule))],
    holds,
    overruns,
    offered: record.solutions?.offered ?? [],
    chosen: record.solutions?.chosen,
    promisesKept: promises.filter((p) => p.standing === 'kept').length,
    promisesLate: promises.filter((p) => p.standing === 'late').length,
    promisesCancelled: promises.filter((p) => p.standing === 'cancelled').length,
    openPromiseDeadlines: promises.filter((p) => p.standing === 'open').map((p) => Date.parse(p.deadline)),
    empathy: typeof empathy === 'string' && empathy.trim() !== '' ? empathy.trim() : undefined,
    cause: key ? cause : undefined,
    causeKey: key,
  };
}
