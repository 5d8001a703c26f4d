/**
 * Team follow-ups in the team database: the list across the team, and claim, release,
 * assign, done and snooze, each one transaction: the follow-up's row is locked, the rules
 * (teamFollowUpRules) decide on what it holds now, the change and what was done (an
 * event, for the follow-up's history and for the call's own file) are written together.
 * Of two agents acting on one follow-up at once, the second waits for the first's lock and
 * then decides on the changed row: exactly one wins.
 */
import type { CallRecord } from '../domain/callRecord.js';
import { nextOccurrence, snoozedDue, type BusinessHours } from '../domain/followUpRules.js';
import { shortFollowUpId } from '../domain/ids.js';
import { OperationError, UserError } from '../errors.js';
import type { TeamDb } from './teamDb.js';
import { decideTeamAction, type Actor, type TeamAction, type TeamEvent, type TeamEventAction, type TeamFollowUp } from './teamFollowUpRules.js';

export interface TeamFollowUpRow {
  id: string;
  call_id: string;
  call_agent: string;
  owner: string | null;
  status: 'open' | 'done' | 'cancelled';
  due: Date;
  all_day: boolean;
  time_zone: string | null;
  text: string;
  repeat_days: number | null;
  customer_name: string | null;
  customer_phone: string | null;
  customer_account: string | null;
  revision: number;
  last_by: string | null;
  last_at: Date | null;
  last_action: TeamEventAction | null;
}

const SELECT_FOLLOWUP = `
SELECT f.*, e.by_agent AS last_by, e.at AS last_at, e.action AS last_action
FROM csr_call.followups AS f
LEFT JOIN LATERAL (SELECT by_agent, at, action FROM csr_call.followup_events WHERE followup_id = f.id ORDER BY seq DESC LIMIT 1) AS e ON true`;

export function teamFollowUpOf(row: TeamFollowUpRow): TeamFollowUp {
  const followup: TeamFollowUp = {
    id: row.id,
    callAgent: row.call_agent,
    owner: row.owner,
    status: row.status,
    due: row.due,
    repeatDays: row.repeat_days,
    allDay: row.all_day,
    timeZone: row.time_zone,
  };
  if (row.last_by && row.last_at && row.last_action) followup.lastChange = { by: row.last_by, at: row.last_at, action: row.last_action };
  return followup;
}

/** The full follow-up id of what the agent typed (a full id, or k3v9q2.f1). */
export async function findTeamFollowUpId(db: TeamDb, arg: { callPart: { full?: string; short?: string }; index: number }): Promise<string | undefined> {
  if (arg.callPart.full) return `${arg.callPart.full}.f${arg.index}`;
  const rows = await db.query<{ id: string }>('SELECT id FROM csr_call.followups WHERE substr(id, 17) = $1', [`${arg.callPart.short}.f${arg.index}`]);
  if (rows.length > 1) throw new UserError(`${arg.callPart.short}.f${arg.index} matches several follow-ups (${rows.map((r) => r.id).join(', ')}): give the full id`);
  return rows[0]?.id;
}

export interface ActOptions {
  at: Date;
  /** The doer's zone (a repeating follow-up's next occurrence counts days in it). */
  timeZone: string;
  note?: string;
  /** assign: agent key, or null for the team. */
  to?: string | null;
  /** done: close a repeating follow-up for good. */
  last?: boolean;
  /** snooze: the new due time. */
  until?: { at: Date; allDay?: boolean; timeZone?: string };
  /** done: the hours a repeating follow-up's next occurrence is booked within (the doer's setting). */
  businessHours?: BusinessHours;
}

export interface ActResult {
  event: TeamEvent;
  row: TeamFollowUpRow;
}

const EVENT_OF: Record<TeamAction['kind'], TeamEventAction> = { claim: 'claimed', release: 'released', assign: 'assigned', done: 'done', snooze: 'snoozed' };

/**
 * Does `action` to follow-up `id` in one transaction. `alsoInFile` runs inside it, before
 * the commit (the call's own agent's file takes the change first: files first).
 */
export async function actOnTeamFollowUp(
  db: TeamDb,
  id: string,
  action: TeamAction,
  actor: Actor,
  graceMs: number,
  options: ActOptions,
  alsoInFile?: (event: TeamEvent) => Promise<void>,
): Promise<ActResult> {
  return db.transaction(async () => {
    const locked = await db.query<TeamFollowUpRow>(`${SELECT_FOLLOWUP} WHERE f.id = $1 FOR UPDATE OF f`, [id]);
    // Not lockable by this role (another's, not overdue) or not there: read it to say why.
    const row = locked[0] ?? (await db.query<TeamFollowUpRow>(`${SELECT_FOLLOWUP} WHERE f.id = $1`, [id]))[0];
    if (!row) throw new OperationError(`no follow-up ${shortFollowUpId(id)} in the team database`);
    const decision = decideTeamAction(teamFollowUpOf(row), action, actor, options.at, graceMs);
    if (!decision.ok) throw new OperationError(decision.reason);
    if (!locked[0]) throw new OperationError(`the team database did not let ${actor.agent} change ${shortFollowUpId(id)}: ask the team's lead`);

    const event: TeamEvent = { seq: 0, followupId: id, callId: row.call_id, at: options.at, by: actor.agent, action: EVENT_OF[action.kind], owner: decision.owner };
    if (options.note !== undefined && options.note.trim() !== '') event.note = options.note.trim();
    let previousDue: Date | null = null;
    if (action.kind === 'done') {
      event.due = row.due;
      event.timeZone = row.time_zone ?? options.timeZone;
      if (options.last) event.last = true;
      if (row.repeat_days && !options.last) {
        const [max] = await db.query<{ n: number | null }>("SELECT max(substring(id from '\\.f(\\d+)$')::int) AS n FROM csr_call.followups WHERE call_id = $1", [row.call_id]);
        event.nextId = `${row.call_id}.f${(max?.n ?? 0) + 1}`;
        event.nextDue = nextOccurrence(options.at, row.repeat_days, row.time_zone ?? options.timeZone, row.all_day, options.businessHours);
      }
    } else if (action.kind === 'snooze') {
      const until = options.until!;
      previousDue = row.due;
      event.due = snoozedDue(until.at, {
        agentTimeZone: options.timeZone,
        ...(until.allDay ? { allDay: true } : {}),
        ...(until.timeZone ? { typedZone: until.timeZone } : {}),
        ...(row.time_zone ? { followUpZone: row.time_zone } : {}),
      });
      if (until.allDay) event.allDay = true;
      if (until.timeZone) event.timeZone = until.timeZone;
    }

    const [inserted] = await db.query<{ seq: string }>(
      `INSERT INTO csr_call.followup_events (followup_id, call_id, call_agent, at, by_agent, action, owner, note, due, previous_due, all_day, time_zone, last, next_id, next_due)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq`,
      [id, row.call_id, row.call_agent, event.at.toISOString(), actor.agent, event.action, event.owner, event.note ?? null, event.due?.toISOString() ?? null,
        previousDue?.toISOString() ?? null, event.allDay ?? null, event.timeZone ?? null, event.last ?? null, event.nextId ?? null, event.nextDue?.toISOString() ?? null],
    );
    event.seq = Number(inserted!.seq);

    if (action.kind === 'done') {
      await db.query("UPDATE csr_call.followups SET status = 'done', owner = $2, changed_at = now() WHERE id = $1", [id, decision.owner]);
      if (event.nextId && event.nextDue) {
        await db.query(
          `INSERT INTO csr_call.followups (id, call_id, call_agent, owner, status, due, all_day, time_zone, text, repeat_days, customer_name, customer_phone, customer_account, revision)
           SELECT $2, call_id, call_agent, $3, 'open', $4, all_day, time_zone, text, repeat_days, customer_name, customer_phone, customer_account, revision
           FROM csr_call.followups WHERE id = $1`,
          [id, event.nextId, decision.owner, event.nextDue.toISOString()],
        );
      }
    } else if (action.kind === 'snooze') {
      await db.query('UPDATE csr_call.followups SET due = $2, all_day = $3, time_zone = coalesce($4, time_zone), owner = $5, changed_at = now() WHERE id = $1', [
        id, event.due!.toISOString(), event.allDay === true, event.timeZone ?? null, decision.owner,
      ]);
    } else {
      await db.query('UPDATE csr_call.followups SET owner = $2, changed_at = now() WHERE id = $1', [id, decision.owner]);
    }
    if (alsoInFile) await alsoInFile(event);
    return { event, row };
  });
}

/** A follow-up on the team's board: its row without the history columns, and whether anyone may claim it. */
export type TeamBoardRow = Omit<TeamFollowUpRow, 'status' | 'revision' | 'last_by' | 'last_at' | 'last_action'> & {
  /** The agent's own follow-up is overdue past the team's grace: anyone may claim it. */
  claimable: boolean;
};

/** Every open follow-up of the team: the team's (unowned) first, then by due time. */
export async function teamBoard(db: TeamDb, limit: number): Promise<TeamBoardRow[]> {
  return db.query<TeamBoardRow>(
    `SELECT id, call_id, call_agent, owner, due, all_day, time_zone, text, repeat_days, customer_name, customer_phone, customer_account,
       (owner IS NOT NULL AND due < now() - csr_call.claim_grace()) AS claimable
     FROM csr_call.followups WHERE status = 'open'
     ORDER BY (owner IS NOT NULL), due, id LIMIT $1`,
    [limit],
  );
}

/** The record's follow-up after `event` (for what the command prints). */
export function followUpIn(record: CallRecord, id: string) {
  return record.followups.find((f) => f.id === id);
}
