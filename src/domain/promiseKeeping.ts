/**
 * Whether the promises made to a customer were kept, read from the follow-ups that check
 * them (each dated promise has one: its callback, or "check this promise was kept").
 * A promise is settled once every follow-up checking it is closed and at least one was
 * done (a repeating progress call is closed for good with `done --last`):
 * - kept: settled by its deadline (the end of the day, for a promise for a day);
 * - late: settled after it;
 * - broken: its follow-ups were cancelled, or it is still open past its deadline;
 * - pending: still open, not due yet.
 * Promises with no date are left out: nobody can say whether they were kept.
 */
import type { CallRecord } from './callRecord.js';
import { promiseDeadline } from './followUpRules.js';

/** A promise as the file says it stands; `open` turns into broken once its deadline passes. */
export interface PromiseStanding {
  text: string;
  madeAt: string;
  /** The last instant that keeps it (ISO). */
  deadline: string;
  standing: 'kept' | 'late' | 'cancelled' | 'open';
  /** When its last follow-up was done (kept or late). */
  settledAt?: string;
}

export type PromiseState = 'kept' | 'late' | 'broken' | 'pending';

/** Each dated promise of a call and where it stands by its follow-ups. `timeZone`: the agent's, for a promise for a day with no zone of its own. */
export function promiseStandings(record: Pick<CallRecord, 'promises' | 'followups'>, timeZone: string): PromiseStanding[] {
  return record.promises.flatMap((promise): PromiseStanding[] => {
    const deadline = promiseDeadline(promise, timeZone);
    if (!deadline) return [];
    const checks = record.followups.filter((f) => f.promiseId === promise.id);
    const base = { text: promise.text, madeAt: promise.madeAt, deadline: deadline.toISOString() };
    const doneTimes = checks.flatMap((f) => (f.status === 'done' && f.doneAt ? [Date.parse(f.doneAt)] : []));
    if (checks.length === 0 || checks.some((f) => f.status === 'open')) return [{ ...base, standing: 'open' }];
    if (doneTimes.length === 0) return [{ ...base, standing: 'cancelled' }];
    const settled = Math.max(...doneTimes);
    return [{ ...base, standing: settled <= deadline.getTime() ? 'kept' : 'late', settledAt: new Date(settled).toISOString() }];
  });
}

export function promiseStateAt(promise: Pick<PromiseStanding, 'standing' | 'deadline'>, now: Date): PromiseState {
  if (promise.standing === 'kept' || promise.standing === 'late') return promise.standing;
  if (promise.standing === 'cancelled') return 'broken';
  return Date.parse(promise.deadline) < now.getTime() ? 'broken' : 'pending';
}

export interface PromiseRecord {
  kept: number;
  late: number;
  broken: number;
  pending: number;
  /** The broken promises, newest first. */
  brokenPromises: PromiseStanding[];
}

/** What became of the promises made to a customer, over their calls, at `now`. */
export function promiseRecordOf(promises: readonly PromiseStanding[], now: Date): PromiseRecord {
  const record: PromiseRecord = { kept: 0, late: 0, broken: 0, pending: 0, brokenPromises: [] };
  for (const promise of promises) {
    const state = promiseStateAt(promise, now);
    record[state]++;
    if (state === 'broken') record.brokenPromises.push(promise);
  }
  record.brokenPromises.sort((a, b) => (a.madeAt < b.madeAt ? 1 : a.madeAt > b.madeAt ? -1 : 0));
  return record;
}
