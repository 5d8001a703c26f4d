import type { CallRecord, FollowUp } from './callRecord.js';
import { looksLikeCustomer, type Customer } from './customerKeys.js';
import { promiseStandings, type PromiseStanding } from './promiseKeeping.js';

/**
 * The few fields of a call that the lists (`followups`, `list`, the repeat-caller panel of
 * `start`) show. The index keeps one per call, so the lists never read call files; the
 * call files stay the only source of truth.
 */
export interface CallSummary {
  id: string;
  agent: string;
  startedAt: string;
  endedAt?: string;
  status: CallRecord['status'];
  customer: Customer;
  playbookId: string;
  ticket?: string;
  category?: string;
  paraphrase?: string;
  outcome?: string;
  escalatedTo?: string;
  moodStart?: string;
  moodEnd?: string;
  promiseCount: number;
  /** The call's dated promises and where they stand (for the promise record of a repeat caller). */
  promises?: PromiseStanding[];
  /** Follow-ups still open, whole (they are few): the morning list is built from these. */
  openFollowups: FollowUp[];
}

export function summarizeCall(record: CallRecord): CallSummary {
  const summary: CallSummary = {
    id: record.id,
    agent: record.agent,
    startedAt: record.startedAt,
    status: record.status,
    customer: record.customer,
    playbookId: record.playbook.id,
    promiseCount: record.promises.length,
    openFollowups: record.followups.filter((f) => f.status === 'open'),
  };
  if (record.endedAt) summary.endedAt = record.endedAt;
  if (record.ticket) summary.ticket = record.ticket;
  if (record.problem.category) summary.category = record.problem.category;
  if (record.problem.paraphrase) summary.paraphrase = record.problem.paraphrase;
  if (record.outcome) summary.outcome = record.outcome;
  if (record.escalation?.to) summary.escalatedTo = record.escalation.to;
  if (record.mood.start) summary.moodStart = record.mood.start;
  if (record.mood.end) summary.moodEnd = record.mood.end;
  return summary;
}

/**
 * The summary as the index keeps it: with the call's promises and where they stand,
 * judged in `timeZone` (the agent's, for a promise for a day with no zone of its own).
 * `promises`: those standings, when the caller has them.
 */
export function summarizeCallIn(record: CallRecord, timeZone: string, promises: PromiseStanding[] = promiseStandings(record, timeZone)): CallSummary {
  const summary = summarizeCall(record);
  if (promises.length) summary.promises = promises;
  return summary;
}

/** Earlier calls of this customer, newest first, excluding the call itself. */
export function earlierCallsOf(customer: Customer, summaries: readonly CallSummary[], excludeId?: string): CallSummary[] {
  if (!customer.phone && !customer.account) return [];
  return summaries
    .filter((s) => s.id !== excludeId && looksLikeCustomer(customer, s.customer))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** A damaged call file, as the lists report it: where, and what is wrong in one line. */
export interface DamagedFile {
  path: string;
  problem: string;
}
