/**
 * `csr-call team sync`: brings the team database level with this agent's call files.
 * Teammates' actions are taken into the files, the outbox is sent, then every call file
 * of this agent (a lead: every file) is compared by revision with what the database holds
 * and the newer ones sent, in batches read while the previous batch is being written. A
 * row an older csr-call made (without facts this one derives: `TEAM_FACTS_VERSION`) is
 * sent again too, which fills its new columns.
 */
import type { Context } from '../context.js';
import type { CallRecord } from '../domain/callRecord.js';
import { agentKey } from '../domain/agents.js';
import type { TeamDb } from './teamDb.js';
import { checkAgentMatchesRole, exchange, whoAmI } from './teamSession.js';
import { bulkUpsertCalls, upsertCalls } from './teamSync.js';
import { TEAM_FACTS_VERSION } from './teamRows.js';

export interface FullSyncResult {
  target: string;
  sent: number;
  upToDate: number;
  erased: number;
  applied: number;
  othersWaiting: number;
  unreadable: number;
}

const BATCH = 500;

export async function fullSync(db: TeamDb, ctx: Context): Promise<FullSyncResult> {
  const me = await whoAmI(db);
  checkAgentMatchesRole(ctx, me, db.target);
  const first = await exchange(db, ctx, me, Number.POSITIVE_INFINITY);

  // What the database holds of each call: its revision, and whether its row was made by a
  // csr-call that derived all of today's facts (an older one's row is sent again).
  const known = new Map<string, { revision: number; facts: number }>();
  const rows = await db.query<{ id: string; revision: number; facts_version: number }>(
    me.lead ? 'SELECT id, revision, facts_version FROM csr_call.calls' : 'SELECT id, revision, facts_version FROM csr_call.calls WHERE agent_key = $1',
    me.lead ? [] : [me.agent],
  );
  for (const row of rows) known.set(row.id, { revision: row.revision, facts: row.facts_version });
  const isUpToDate = (record: CallRecord) => {
    const held = known.get(record.id);
    return held !== undefined && (held.revision > record.revision || (held.revision === record.revision && held.facts >= TEAM_FACTS_VERSION));
  };
  const withEvents = new Set(
    (await db.query<{ call_id: string }>('SELECT DISTINCT call_id FROM csr_call.followup_events WHERE applied_revision IS NULL')).map((r) => r.call_id),
  );

  const { callIndexOf } = await import('../store/index/indexAccess.js');
  const { readCallsForExport } = await import('../export/readCalls.js');
  const index = await callIndexOf(ctx.dataDir, { warn: ctx.warn });
  let sent = first.sent;
  let upToDate = 0;
  let unreadable = 0;
  let othersWaiting = 0;
  let batch: CallRecord[] = [];
  let inFlight: Promise<unknown> | undefined;
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await inFlight;
    const slow = records.filter((r) => withEvents.has(r.id));
    const fast = slow.length ? records.filter((r) => !withEvents.has(r.id)) : records;
    if (slow.length) await upsertCalls(db, slow, ctx.timeZone);
    inFlight = bulkUpsertCalls(db, fast, ctx.timeZone);
    // Not awaited here: the next batch is read while this one is written.
    inFlight.catch(() => undefined);
    sent += records.length;
  };
  for await (const scanned of readCallsForExport(index)) {
    for (const call of scanned) {
      if (!call.ok) {
        unreadable++;
        continue;
      }
      const record = call.record;
      if (!me.lead && agentKey(record.agent) !== me.agent) {
        othersWaiting++;
        continue;
      }
      if (isUpToDate(record)) {
        upToDate++;
        continue;
      }
      batch.push(record);
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  await inFlight;
  return { target: db.target, sent, upToDate, erased: first.erased, applied: first.applied, othersWaiting: othersWaiting, unreadable: unreadable + first.unreadable };
}
