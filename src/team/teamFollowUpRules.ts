/**
 * Who may do what to a team follow-up, and how what a teammate did reaches the call's own
 * file: pure, no SQL. The team database locks the follow-up's row, these functions decide
 * on what it holds (and say why not, in one line), and the database's row-level security
 * holds the same line for anyone connecting with another client.
 */
import type { CallRecord, FollowUp, HistoryEntry, Note } from '../domain/callRecord.js';
import { markDone, snooze } from '../domain/followUpRules.js';
import { shortFollowUpId } from '../domain/ids.js';
import { agentKey } from '../domain/agents.js';
import { UserError } from '../errors.js';
import { TEAM_OWNER } from './teamRows.js';

/** A follow-up as the team database has it. */
export interface TeamFollowUp {
  id: string;
  callAgent: string;
  /** Agent key; null: the team's. */
  owner: string | null;
  status: FollowUp['status'];
  due: Date;
  repeatDays: number | null;
  allDay: boolean;
  timeZone: string | null;
  /** The latest thing done to it by anyone, for the one line a refusal gives. */
  lastChange?: { by: string; at: Date; action: TeamEventAction };
}

export type TeamEventAction = 'claimed' | 'released' | 'assigned' | 'done' | 'snoozed';

export type TeamAction =
  | { kind: 'claim' }
  | { kind: 'release' }
  | { kind: 'assign'; to: string | null }
  | { kind: 'done' }
  | { kind: 'snooze' };

export interface Actor {
  /** Agent key. */
  agent: string;
  lead: boolean;
}

export type Decision = { ok: true; owner: string | null } | { ok: false; reason: string };

const VERB: Record<TeamAction['kind'], string> = { claim: 'claim', release: 'release', assign: 'assign', done: 'mark done', snooze: 'snooze' };

/** When an agent's own follow-up becomes the team's to claim. */
export function claimableFrom(followup: Pick<TeamFollowUp, 'due'>, graceMs: number): Date {
  return new Date(followup.due.getTime() + graceMs);
}

function when(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * Decides an action on `followup` by `actor` at `now`. `ok` gives the owner it leaves the
 * follow-up with (done and snooze by a teammate on the team's follow-up take it).
 */
export function decideTeamAction(followup: TeamFollowUp, action: TeamAction, actor: Actor, now: Date, graceMs: number): Decision {
  const shown = shortFollowUpId(followup.id);
  const verb = VERB[action.kind];
  if (followup.status !== 'open') {
    const last = followup.lastChange;
    const by = last && (last.action === 'done' || followup.status === 'cancelled') ? ` by ${last.by} at ${when(last.at)}` : '';
    return { ok: false, reason: `cannot ${verb} ${shown}: it is already ${followup.status === 'done' ? 'done' : 'cancelled'}${by}` };
  }
  const me = actor.agent;
  const owner = followup.owner;
  // VICIdial's rule: an agent's own follow-up left overdue past the grace is anyone's to
  // take. One a teammate claimed is theirs (a lead can reassign it).
  const overdueForTeam = owner === followup.callAgent && now.getTime() >= claimableFrom(followup, graceMs).getTime();
  const ownersWord = owner === null ? 'the team' : owner;
  const claimedBy = (who: string) => {
    const last = followup.lastChange;
    return last && last.action === 'claimed' && last.by === who ? `${who} claimed it at ${when(last.at)}` : `it is ${who}'s`;
  };

  switch (action.kind) {
    case 'claim': {
      if (owner === me) return { ok: false, reason: `${shown} is already yours` };
      if (owner === null || overdueForTeam || actor.lead) return { ok: true, owner: me };
      if (owner !== followup.callAgent) return { ok: false, reason: `cannot claim ${shown}: ${claimedBy(owner)}; ${owner} can release it or assign it to you` };
      return {
        ok: false,
        reason: `cannot claim ${shown}: it is ${owner}'s; it can be claimed from ${when(claimableFrom(followup, graceMs))} (overdue past the team's grace), or ${owner} can assign it to you`,
      };
    }
    case 'release': {
      if (owner === null) return { ok: false, reason: `${shown} is already the team's` };
      if (owner === me || actor.lead || followup.callAgent === me) return { ok: true, owner: null };
      return { ok: false, reason: `cannot release ${shown}: ${claimedBy(owner)}, and only ${owner}, the call's agent or a lead can release it` };
    }
    case 'assign': {
      // The call's agent and a lead give it to anyone; whoever holds it, or anyone while it
      // is the team's, only back to the team or to themselves.
      if (followup.callAgent === me || actor.lead) return { ok: true, owner: action.to };
      if ((owner === me || owner === null) && (action.to === null || action.to === me)) return { ok: true, owner: action.to };
      if (owner === me || owner === null) return { ok: false, reason: `cannot assign ${shown} to ${action.to}: only the call's agent (${followup.callAgent}) or a lead can; release it to the team instead` };
      return { ok: false, reason: `cannot assign ${shown}: ${claimedBy(owner)}; ask ${owner} (or a lead)` };
    }
    case 'done':
    case 'snooze': {
      if (owner === me || owner === null || actor.lead) return { ok: true, owner: owner ?? me };
      if (overdueForTeam) return { ok: true, owner: me };
      if (owner !== followup.callAgent) return { ok: false, reason: `cannot ${verb} ${shown}: ${claimedBy(ownersWord)}; ask ${owner} (or a lead)` };
      return { ok: false, reason: `cannot ${verb} ${shown}: it is ${owner}'s until ${when(claimableFrom(followup, graceMs))} (then overdue past the team's grace, anyone's); ask ${owner}` };
    }
  }
}

/** What a teammate did, as the team database records it. */
export interface TeamEvent {
  seq: number;
  followupId: string;
  callId: string;
  at: Date;
  by: string;
  action: TeamEventAction;
  /** The owner it left (agent key; null: the team's). */
  owner: string | null;
  note?: string;
  /** snoozed: the new due time; done: the due time it was done against. */
  due?: Date;
  allDay?: boolean;
  /** The zone the new due time was given in (snoozed), or the doer's (done: counts the next occurrence's days). */
  timeZone?: string;
  /** done: close a repeating follow-up for good. */
  last?: boolean;
  /** done on a repeating follow-up: the next occurrence the team database made. */
  nextId?: string;
  nextDue?: Date;
}

const HISTORY_ACTION: Record<TeamEventAction, HistoryEntry['action']> = {
  claimed: 'claimed',
  released: 'released',
  assigned: 'assigned',
  done: 'done',
  snoozed: 'snoozed',
};

/** The note kept on a call when a teammate's action came too late for its follow-up. */
function notAppliedMarker(event: TeamEvent): string {
  return `[team ${event.seq}]`;
}

/** True when the call file already holds the event (its history entry, or the note saying it was not applied). */
export function holdsEvent(record: CallRecord, event: TeamEvent): boolean {
  const at = event.at.toISOString();
  const followup = record.followups.find((f) => f.id === event.followupId);
  if (followup?.history.some((h) => h.at === at && agentKey(h.by) === event.by && h.action === HISTORY_ACTION[event.action])) return true;
  const marker = notAppliedMarker(event);
  return record.notes.some((n) => n.text.startsWith(marker));
}

/** The owner written in a call file: the agent's key, or `team`. */
export function ownerInFile(owner: string | null): string {
  return owner ?? TEAM_OWNER;
}

/**
 * Brings a teammate's action into the call's own file (run inside the store's one write
 * path, on the file as it is now): the follow-up's owner, status or due time, and its
 * history saying who did what and when. An action the file already holds changes nothing;
 * one that no longer fits (the agent closed the follow-up meanwhile, before the team heard
 * of it) is kept as a note on the call instead, so nothing a teammate did is lost.
 */
export function applyTeamEvent(record: CallRecord, event: TeamEvent, agentTimeZone: string): CallRecord {
  if (holdsEvent(record, event)) return record;
  const index = record.followups.findIndex((f) => f.id === event.followupId);
  const followup = record.followups[index];
  const at = event.at.toISOString();
  if (!followup || followup.status !== 'open') {
    const what = followup ? `it was already ${followup.status} here` : 'the call has no such follow-up';
    const note: Note = {
      at,
      by: event.by,
      text: `${notAppliedMarker(event)} ${event.by} ${event.action} ${shortFollowUpId(event.followupId)} at ${at} in the team database; not applied: ${what}${event.note ? `. Their note: ${event.note}` : ''}`,
    };
    return { ...record, notes: [...record.notes, note] };
  }
  const withOwner = (r: CallRecord): CallRecord => {
    const followups = r.followups.slice();
    const i = followups.findIndex((f) => f.id === event.followupId);
    followups[i] = { ...followups[i]!, owner: ownerInFile(event.owner) };
    return { ...r, followups };
  };
  try {
    switch (event.action) {
      case 'claimed':
      case 'released':
      case 'assigned': {
        const entry: HistoryEntry = { at, by: event.by, action: HISTORY_ACTION[event.action], note: event.note ?? `now ${ownerInFile(event.owner)}'s` };
        const followups = record.followups.slice();
        followups[index] = { ...followup, owner: ownerInFile(event.owner), history: [...followup.history, entry] };
        return { ...record, followups };
      }
      case 'done': {
        const result = markDone(record, event.followupId, {
          at: event.at,
          by: event.by,
          timeZone: event.timeZone ?? agentTimeZone,
          ...(event.note !== undefined ? { note: event.note } : {}),
          ...(event.last ? { last: true } : {}),
        });
        let next = withOwner(result.record);
        if (result.next && event.nextId && event.nextDue) {
          // The team database made the next occurrence already: the file takes its id and due time.
          const nextId = event.nextId;
          const nextDue = event.nextDue.toISOString();
          const taken = next.followups.some((f) => f.id === nextId && f !== result.next);
          if (!taken) {
            next = {
              ...next,
              followups: next.followups.map((f) =>
                f.id === result.next!.id ? { ...f, id: nextId, due: nextDue, owner: ownerInFile(event.owner), history: f.history.map((h) => ({ ...h, due: nextDue })) } : f,
              ),
            };
          }
        }
        return next;
      }
      case 'snoozed': {
        const result = snooze(record, event.followupId, {
          at: event.at,
          until: event.due ?? event.at,
          agentTimeZone,
          by: event.by,
          ...(event.allDay ? { allDay: true } : {}),
          ...(event.timeZone ? { timeZone: event.timeZone } : {}),
          ...(event.note !== undefined ? { note: event.note } : {}),
        });
        return withOwner(result.record);
      }
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const note: Note = { at, by: event.by, text: `${notAppliedMarker(event)} ${event.by} ${event.action} ${shortFollowUpId(event.followupId)} at ${at}; not applied: ${error.message}` };
    return { ...record, notes: [...record.notes, note] };
  }
}
