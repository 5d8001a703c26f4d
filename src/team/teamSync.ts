/**
 * Sending calls to the team database and bringing teammates' actions into the call files.
 *
 * - `sendCalls`: each call as its file is now, by revision: an upsert that never
 *   overwrites a newer revision, with its follow-ups (except those a teammate changed and
 *   the file has not taken in yet) and, in the same transaction, the teammates' actions the
 *   file now holds marked as taken in. A call whose file is gone is erased there too.
 * - `takeInTeamEvents`: what teammates did to this agent's follow-ups, applied to the call
 *   files through the store's one write path (under the call's lock, on the file as it is
 *   now), which marks each call for sending.
 */
import type { CallRecord } from '../domain/callRecord.js';
import { agentKey } from '../domain/agents.js';
import type { TeamDb } from './teamDb.js';
import { teamCallRow, teamFollowUpRows, type TeamCallRow, type TeamFollowUpRow } from './teamRows.js';
import { applyTeamEvent, holdsEvent, type TeamEvent, type TeamEventAction } from './teamFollowUpRules.js';
import { sent, waitingIds } from './outbox.js';

export interface Me {
  /** Agent key = the database role. */
  agent: string;
  lead: boolean;
}

const CALL_COLUMNS = [
  'id', 'agent_key', 'revision', 'started', 'completed', 'playbook', 'outcome', 'category_key', 'category', 'phone_key', 'account_key', 'name_key',
  'duration', 'resolved', 'handed_off', 'upset', 'turned', 'fu_on_time', 'fu_late', 'fu_cancelled', 'fu_open', 'stages', 'craft', 'facts_version',
  'summary', 'record',
] as const;
const CALL_TYPES: Record<(typeof CALL_COLUMNS)[number] | 'search_text', string> = {
  id: 'text', agent_key: 'text', revision: 'integer', started: 'timestamptz', completed: 'boolean', playbook: 'text', outcome: 'text',
  category_key: 'text', category: 'text', phone_key: 'text', account_key: 'text', name_key: 'text', duration: 'double precision',
  resolved: 'boolean', handed_off: 'boolean', upset: 'boolean', turned: 'boolean', fu_on_time: 'integer', fu_late: 'integer',
  fu_cancelled: 'integer', fu_open: 'integer', stages: 'jsonb', craft: 'jsonb', facts_version: 'integer', summary: 'jsonb', record: 'jsonb', search_text: 'text',
};

const UPSERT_CALLS = `
INSERT INTO csr_call.calls (${CALL_COLUMNS.join(', ')}, search_text)
SELECT ${CALL_COLUMNS.join(', ')}, search_text
FROM jsonb_to_recordset($1::jsonb) AS r(${Object.entries(CALL_TYPES).map(([c, t]) => `${c} ${t}`).join(', ')})
ON CONFLICT (id) DO UPDATE SET ${[...CALL_COLUMNS.filter((c) => c !== 'id'), 'search_text'].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, sent_at = now()
WHERE calls.revision < EXCLUDED.revision OR (calls.revision = EXCLUDED.revision AND calls.facts_version < EXCLUDED.facts_version)
RETURNING id`;

const FOLLOWUP_COLUMNS = [
  'id', 'call_id', 'call_agent', 'owner', 'status', 'due', 'all_day', 'time_zone', 'text', 'repeat_days', 'customer_name', 'customer_phone', 'customer_account', 'revision',
] as const;
const FOLLOWUP_TYPES: Record<(typeof FOLLOWUP_COLUMNS)[number], string> = {
  id: 'text', call_id: 'text', call_agent: 'text', owner: 'text', status: 'text', due: 'timestamptz', all_day: 'boolean', time_zone: 'text',
  text: 'text', repeat_days: 'integer', customer_name: 'text', customer_phone: 'text', customer_account: 'text', revision: 'integer',
};

// A follow-up a teammate changed that the call's file has not taken in yet keeps the
// team's state: the file's (older) view of it waits until the file has the change.
const UPSERT_FOLLOWUPS = `
INSERT INTO csr_call.followups (${FOLLOWUP_COLUMNS.join(', ')})
SELECT ${FOLLOWUP_COLUMNS.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${FOLLOWUP_COLUMNS.map((c) => `${c} ${FOLLOWUP_TYPES[c]}`).join(', ')})
ON CONFLICT (id) DO UPDATE SET ${FOLLOWUP_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, changed_at = now()
WHERE followups.revision < EXCLUDED.revision
  AND NOT EXISTS (SELECT 1 FROM csr_call.followup_events AS e WHERE e.followup_id = followups.id AND e.applied_revision IS NULL)`;

/** Calls ($1) and their follow-ups ($2) in one statement (one round trip): the ids of the calls taken. */
const UPSERT_CALLS_WITH_FOLLOWUPS = `WITH sent AS (${UPSERT_CALLS}), followups AS (${UPSERT_FOLLOWUPS.replace('$1::jsonb', '$2::jsonb')}) SELECT id FROM sent`;

interface EventRow {
  seq: string;
  followup_id: string;
  call_id: string;
  at: Date;
  by_agent: string;
  action: TeamEventAction;
  owner: string | null;
  note: string | null;
  due: Date | null;
  all_day: boolean | null;
  time_zone: string | null;
  last: boolean | null;
  next_id: string | null;
  next_due: Date | null;
}

export function eventOf(row: EventRow): TeamEvent {
  const event: TeamEvent = {
    seq: Number(row.seq),
    followupId: row.followup_id,
    callId: row.call_id,
    at: row.at,
    by: row.by_agent,
    action: row.action,
    owner: row.owner,
  };
  if (row.note !== null) event.note = row.note;
  if (row.due !== null) event.due = row.due;
  if (row.all_day) event.allDay = true;
  if (row.time_zone !== null) event.timeZone = row.time_zone;
  if (row.last) event.last = true;
  if (row.next_id !== null) event.nextId = row.next_id;
  if (row.next_due !== null) event.nextDue = row.next_due;
  return event;
}

const EVENT_COLUMNS = 'seq, followup_id, call_id, at, by_agent, action, owner, note, due, all_day, time_zone, last, next_id, next_due';

/** The payload of one batch: rows for one JSON parameter each, whatever the batch size (the client serializes them). */
export function batchPayload(records: readonly CallRecord[], timeZone: string): { calls: TeamCallRow[]; followups: TeamFollowUpRow[] } {
  const calls: TeamCallRow[] = [];
  const followups: TeamFollowUpRow[] = [];
  for (const record of records) {
    calls.push(teamCallRow(record, timeZone));
    followups.push(...teamFollowUpRows(record));
  }
  return { calls, followups };
}

/**
 * Sends `records` (files as they are now) in one transaction; the teammates' actions they
 * hold are marked taken in. Returns the ids the team database took (the others it had at
 * that revision or newer). `known`: the actions pending on these calls, as read by this
 * command (pendingEvents, all of them this agent's); without it they are read here. When
 * none of them is held by a record, the calls and their follow-ups go in one statement:
 * one round trip instead of five, at the end of a command with a caller waiting. (An
 * action arriving meanwhile stays pending: its follow-up keeps the team's state, and the
 * next command takes it in.)
 */
export async function upsertCalls(db: TeamDb, records: readonly CallRecord[], timeZone: string, known?: readonly TeamEvent[]): Promise<string[]> {
  if (records.length === 0) return [];
  const ids = records.map((r) => r.id);
  const heldIn = (events: readonly TeamEvent[]): Array<{ seq: number; revision: number }> => {
    const byId = new Map(records.map((r) => [r.id, r]));
    const taken: Array<{ seq: number; revision: number }> = [];
    for (const event of events) {
      const record = byId.get(event.callId);
      if (record && holdsEvent(record, event)) taken.push({ seq: event.seq, revision: record.revision });
    }
    return taken;
  };
  const payload = batchPayload(records, timeZone);
  const takenOfKnown = known && heldIn(known);
  if (takenOfKnown?.length === 0) {
    const rows = await db.query<{ id: string }>(UPSERT_CALLS_WITH_FOLLOWUPS, [payload.calls, payload.followups]);
    return rows.map((row) => row.id);
  }
  return db.transaction(async () => {
    const taken =
      takenOfKnown ??
      heldIn(
        (
          await db.query<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM csr_call.followup_events WHERE call_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND applied_revision IS NULL`,
            [ids],
          )
        ).map(eventOf),
      );
    if (taken.length > 0) {
      await db.query(
        'UPDATE csr_call.followup_events AS e SET applied_revision = t.revision FROM jsonb_to_recordset($1::jsonb) AS t(seq bigint, revision integer) WHERE e.seq = t.seq',
        [taken],
      );
    }
    const written = await db.query<{ id: string }>(UPSERT_CALLS, [payload.calls]);
    await db.query(UPSERT_FOLLOWUPS, [payload.followups]);
    return written.map((row) => row.id);
  });
}

/**
 * Sends calls no teammate has acted on (a full sync's bulk) in one statement: calls and
 * follow-ups together, so batches can be pipelined (the next read while this one runs).
 */
export function bulkUpsertCalls(db: TeamDb, records: readonly CallRecord[], timeZone: string): Promise<unknown> {
  const payload = batchPayload(records, timeZone);
  return db.query(UPSERT_CALLS_WITH_FOLLOWUPS, [payload.calls, payload.followups]);
}

/** Erases calls from the team database (their follow-ups and history go with them). */
export async function eraseTeamCalls(db: TeamDb, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db.query('DELETE FROM csr_call.calls WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING id', [ids]);
  return rows.length;
}

export interface OutboxResult {
  sent: number;
  erased: number;
  /** Calls of other agents sharing this data directory: theirs to send. */
  othersWaiting: number;
  /** Call files that could not be read (damaged): sent once repaired. */
  unreadable: number;
}

type ReadCall = (dataDir: string, id: string) => Promise<{ record: CallRecord } | { missing: true } | { problem: string }>;

/**
 * Sends what the outbox holds, in batches, each call as its file is now. `known`: the
 * actions pending on this agent's calls, as read by this command (pendingEvents).
 */
export async function sendOutbox(db: TeamDb, dataDir: string, me: Me, timeZone: string, read: ReadCall, deadline: number, known?: readonly TeamEvent[]): Promise<OutboxResult> {
  const result: OutboxResult = { sent: 0, erased: 0, othersWaiting: 0, unreadable: 0 };
  const ids = waitingIds(dataDir);
  const BATCH = 200;
  for (let start = 0; start < ids.length; start += BATCH) {
    if (Date.now() > deadline) break;
    const records: CallRecord[] = [];
    const gone: string[] = [];
    for (const id of ids.slice(start, start + BATCH)) {
      const found = await read(dataDir, id);
      if ('missing' in found) gone.push(id);
      else if ('problem' in found) result.unreadable++;
      else if (!me.lead && agentKey(found.record.agent) !== me.agent) result.othersWaiting++;
      else records.push(found.record);
    }
    // (A lead may send others' calls: the actions pending on those were not read.)
    const allMine = records.every((record) => agentKey(record.agent) === me.agent);
    await upsertCalls(db, records, timeZone, allMine ? known : undefined);
    result.erased += await eraseTeamCalls(db, gone);
    for (const record of records) sent(dataDir, record.id);
    for (const id of gone) sent(dataDir, id);
    result.sent += records.length;
  }
  return result;
}

/** Teammates' actions on this agent's calls that their files have not taken in, oldest first. */
export async function pendingEvents(db: TeamDb, me: Me): Promise<TeamEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM csr_call.followup_events WHERE call_agent = $1 AND applied_revision IS NULL ORDER BY seq`,
    [me.agent],
  );
  return rows.map(eventOf);
}

type UpdateCall = (dataDir: string, id: string, change: (record: CallRecord) => CallRecord) => Promise<CallRecord>;

/**
 * Applies teammates' actions to the call files (each call once, all its actions in order).
 * A call whose file is not in this data directory is left for the machine that has it.
 */
export async function takeInTeamEvents(events: readonly TeamEvent[], dataDir: string, timeZone: string, update: UpdateCall, exists: (id: string) => boolean): Promise<number> {
  const byCall = new Map<string, TeamEvent[]>();
  for (const event of events) {
    if (!exists(event.callId)) continue;
    byCall.set(event.callId, [...(byCall.get(event.callId) ?? []), event]);
  }
  let applied = 0;
  for (const [id, list] of byCall) {
    await update(dataDir, id, (record) => list.reduce((r, event) => applyTeamEvent(r, event, timeZone), record));
    applied += list.length;
  }
  return applied;
}
