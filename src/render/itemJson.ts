import type { CallRecord, FollowUp } from '../domain/callRecord.js';
import { shortFollowUpId, shortId } from '../domain/ids.js';
import { HANDED_OFF_OUTCOMES } from '../playbook/types.js';
import { TEAM_OWNER } from '../team/teamRows.js';

/**
 * The JSON of what a write changed, one shape for its --json output and for the hook that
 * hears of it (src/hooks/runHook.ts): a call that ended (`start --json`, `resume --json`,
 * hooks on-call-end and on-escalation) and a follow-up changed (`followups
 * done|snooze|claim|release|assign --json`, hook on-followup-change). Absent values are null, never missing
 * keys; fields are only ever added (see the README, --json).
 */

export interface CallEndJson {
  callId: string;
  shortId: string;
  status: CallRecord['status'];
  ticket: string | null;
  outcome: string | null;
  /** Whom the call was handed to (escalated or transferred), and the note for them. */
  escalation: { to: string; handoffNote: string | null } | null;
  /** The end-of-call summary as it goes into the ticket (plain text, as `show ID --summary`). */
  summary: string;
  /** The whole call record, as `show ID --json` has it. */
  call: CallRecord;
}

export function callEndJson(record: CallRecord, summary: string): CallEndJson {
  return {
    callId: record.id,
    shortId: shortId(record.id),
    status: record.status,
    ticket: record.ticket ?? null,
    outcome: record.outcome ?? null,
    escalation: record.escalation ? { to: record.escalation.to, handoffNote: record.escalation.handoffNote ?? null } : null,
    summary,
    call: record,
  };
}

/** Handed off at its end: escalated or transferred, or someone named to take it over. */
export function wasHandedOff(record: CallRecord): boolean {
  return record.escalation !== undefined || (record.outcome !== undefined && HANDED_OFF_OUTCOMES.includes(record.outcome));
}

export interface FollowUpStateJson {
  id: string;
  shortId: string;
  status: FollowUp['status'];
  due: string;
  allDay: boolean;
  timeZone: string | null;
  text: string;
  /** Who holds it: an agent, or null for the team's (anyone may claim it). */
  owner: string | null;
  promiseId: string | null;
  repeatEveryDays: number | null;
}

export interface FollowUpChangeJson {
  /** claimed, released and assigned: a team follow-up's owner changed (`followup.owner`: null is the team's). */
  action: 'done' | 'snoozed' | 'claimed' | 'released' | 'assigned';
  at: string;
  by: string;
  note: string | null;
  followup: FollowUpStateJson;
  /** A repeating follow-up done: the next occurrence booked. */
  next: FollowUpStateJson | null;
  call: { id: string; shortId: string; ticket: string | null; customer: { name: string | null; phone: string | null; account: string | null } };
}

export function followUpStateJson(f: FollowUp): FollowUpStateJson {
  return {
    id: f.id,
    shortId: shortFollowUpId(f.id),
    status: f.status,
    due: f.due,
    allDay: f.allDay === true,
    timeZone: f.timeZone ?? null,
    text: f.text,
    // The team's is null here, as in the team database's rows (a call file says 'team').
    owner: f.owner === TEAM_OWNER ? null : f.owner,
    promiseId: f.promiseId ?? null,
    repeatEveryDays: f.repeatEveryDays ?? null,
  };
}

/** A follow-up of `record` (as saved after the change), and the next one booked if any. */
export function followUpChangeJson(
  change: { action: FollowUpChangeJson['action']; at: Date; by: string; note?: string | undefined },
  record: CallRecord,
  followupId: string,
  nextId?: string,
): FollowUpChangeJson {
  const find = (id: string) => {
    const found = record.followups.find((f) => f.id === id);
    if (!found) throw new Error(`follow-up ${id} is not in call ${record.id}`);
    return followUpStateJson(found);
  };
  return {
    action: change.action,
    at: change.at.toISOString(),
    by: change.by,
    note: change.note ?? null,
    followup: find(followupId),
    next: nextId === undefined ? null : find(nextId),
    call: {
      id: record.id,
      shortId: shortId(record.id),
      ticket: record.ticket ?? null,
      customer: { name: record.customer.name ?? null, phone: record.customer.phone ?? null, account: record.customer.account ?? null },
    },
  };
}

/**
 * The same from the team database, for a follow-up of a teammate's call (whose file is not
 * here): what the change and its row say.
 */
export function teamFollowUpChangeJson(
  change: { action: FollowUpChangeJson['action']; at: Date; by: string; note?: string | undefined },
  event: { followupId: string; callId: string; owner: string | null; due?: Date; allDay?: boolean; timeZone?: string; nextId?: string; nextDue?: Date },
  row: { text: string; due: Date; all_day: boolean; time_zone: string | null; repeat_days: number | null; customer_name: string | null; customer_phone: string | null; customer_account: string | null },
): FollowUpChangeJson {
  const state = (id: string, status: FollowUp['status'], due: Date, allDay: boolean, timeZone: string | null): FollowUpStateJson => ({
    id,
    shortId: shortFollowUpId(id),
    status,
    due: due.toISOString(),
    allDay,
    timeZone,
    text: row.text,
    owner: event.owner,
    promiseId: null,
    repeatEveryDays: row.repeat_days,
  });
  // The row is as it was before the change: the change's own fields win.
  const followup =
    change.action === 'snoozed'
      ? state(event.followupId, 'open', event.due ?? row.due, event.allDay ?? false, event.timeZone ?? null)
      : state(event.followupId, change.action === 'done' ? 'done' : 'open', row.due, row.all_day, row.time_zone);
  return {
    action: change.action,
    at: change.at.toISOString(),
    by: change.by,
    note: change.note ?? null,
    followup,
    next: event.nextId && event.nextDue ? state(event.nextId, 'open', event.nextDue, row.all_day, row.time_zone) : null,
    call: {
      id: event.callId,
      shortId: shortId(event.callId),
      ticket: null,
      customer: { name: row.customer_name, phone: row.customer_phone, account: row.customer_account },
    },
  };
}
