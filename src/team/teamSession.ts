/**
 * One command's dealings with the team database: who this agent is there (their role, a
 * lead or not), the team's claim grace, the schema's version, and the work every command
 * ends with (take in teammates' actions, send what waits in the outbox).
 */
import { existsSync } from 'node:fs';
import type { CommandSpec } from '../commandSpec.js';
import type { Context } from '../context.js';
import { agentKey } from '../domain/agents.js';
import { OperationError } from '../errors.js';
import { connectTeamDb, TeamDbError, type TeamDb } from './teamDb.js';
import { AGENT_ROLE, LEAD_ROLE } from './teamSchema.js';
import type { TeamSettings } from './teamSettings.js';
import { pendingEvents, sendOutbox, takeInTeamEvents, type Me, type OutboxResult } from './teamSync.js';
import type { TeamEvent } from './teamFollowUpRules.js';
import { checkedNow, lastCheck, waitingIds } from './outbox.js';

export interface Identity extends Me {
  role: string;
  /** A member of csr_call_agent or csr_call_lead (or the database's owner, for migrate). */
  member: boolean;
  superuser: boolean;
}

export async function whoAmI(db: TeamDb): Promise<Identity> {
  const [row] = await db.query<{ role: string; lead: boolean; agent: boolean; superuser: boolean }>(
    `SELECT current_user AS role,
       coalesce((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = '${LEAD_ROLE}'), false) AS lead,
       coalesce((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = '${AGENT_ROLE}'), false) AS agent,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
  );
  return { role: row!.role, agent: agentKey(row!.role), lead: row!.lead, member: row!.lead || row!.agent, superuser: row!.superuser };
}

/** The team database's schema version (0: not set up). */
export async function schemaVersion(db: TeamDb): Promise<number> {
  const [exists] = await db.query<{ t: string | null }>("SELECT to_regclass('csr_call.schema_migrations')::text AS t");
  if (!exists?.t) return 0;
  const [row] = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM csr_call.schema_migrations');
  return row?.v ?? 0;
}

export async function claimGraceMs(db: TeamDb): Promise<number> {
  const [row] = await db.query<{ value: string }>("SELECT value FROM csr_call.settings WHERE key = 'claim_grace_minutes'");
  return Number(row?.value ?? 120) * 60_000;
}

/**
 * A team command refuses an agent whose name is not their database role: the database
 * knows them by their role, the call files by their name.
 */
export function checkAgentMatchesRole(ctx: Pick<Context, 'agent'>, me: Identity, target: string): void {
  if (!me.member) {
    throw new OperationError(`the role ${me.role} at ${target} is neither a team agent nor a lead: the team's owner grants it ${AGENT_ROLE} or ${LEAD_ROLE}`);
  }
  if (!me.lead && agentKey(ctx.agent) !== me.agent) {
    throw new OperationError(`you are agent ${agentKey(ctx.agent)} but connected to the team database as ${me.role}: an agent connects as the role of their own name`);
  }
}

async function readForSending(dataDir: string, id: string) {
  const { readCallText, parseCallText } = await import('../store/callStore.js');
  const text = await readCallText(dataDir, id);
  if (text === undefined) return { missing: true as const };
  const parsed = parseCallText(text);
  return parsed.ok ? { record: parsed.record } : { problem: parsed.problem };
}

export interface Exchange extends OutboxResult {
  applied: number;
}

/**
 * Takes in teammates' actions on this agent's calls, then sends the outbox, by `deadline`.
 * `read`: those actions, as read earlier by this command (connectAhead).
 */
export async function exchange(db: TeamDb, ctx: Context, me: Identity, deadline: number, read?: readonly TeamEvent[]): Promise<Exchange> {
  const { callPath } = await import('../store/callFiles.js');
  const { updateCall } = await import('../store/callStore.js');
  const events = read ?? (await pendingEvents(db, me));
  const applied = await takeInTeamEvents(events, ctx.dataDir, ctx.timeZone, updateCall, (id) => existsSync(callPath(ctx.dataDir, id)));
  const sent = await sendOutbox(db, ctx.dataDir, me, ctx.timeZone, readForSending, deadline, events);
  checkedNow(ctx.dataDir);
  return { ...sent, applied };
}

/** The team database reached, and who this agent is there (and, read ahead, teammates' actions on their calls); or why not. */
export type TeamConnection = { db: TeamDb; me: Identity; events?: TeamEvent[] } | { db?: TeamDb; error: unknown };

/** Whether a command's end has something to do with the team database: changes wait to be sent, or a look is due. */
function exchangeDue(dataDir: string, settings: TeamSettings): boolean {
  return waitingIds(dataDir).length > 0 || Date.now() - lastCheck(dataDir) >= settings.checkEveryMs;
}

async function connect(ctx: Context, settings: TeamSettings, readEvents = false): Promise<TeamConnection> {
  let db: TeamDb | undefined;
  try {
    // Who this agent is there is the first statement: it makes the connection.
    db = await connectTeamDb(settings, ctx.env, settings.sendTimeoutMs, { probe: false });
    // Sent together (one round trip), the actions for the agent this command runs as: kept
    // only if that is who the database says this is. (Not read: the end reads them, and
    // says what failed.)
    const agent = agentKey(ctx.agent);
    const [me, events] = await Promise.all([whoAmI(db), readEvents ? pendingEvents(db, { agent, lead: false }).catch(() => undefined) : undefined]);
    return { db, me, ...(events && me.member && me.agent === agent ? { events } : {}) };
  } catch (error) {
    return { ...(db ? { db } : {}), error };
  }
}

/**
 * Opens, as a command starts, the connection its end will need (`CommandSpec.teamAhead`):
 * the server forks and checks the login, and teammates' actions are read, while the
 * command does its own work. Undefined when the end will not connect. Never rejects: a
 * failure is the end's to report.
 */
export async function connectAhead(ctx: Context, settings: TeamSettings, kind: NonNullable<CommandSpec['teamAhead']>): Promise<TeamConnection | undefined> {
  if (kind === 'maybe' && !exchangeDue(ctx.dataDir, settings)) return undefined;
  // A command that may act on a team follow-up reads its teammates' actions at its end, its own among them.
  return connect(ctx, settings, kind !== 'acts');
}

/**
 * The end of every command when a team database is set: within the send time limit, take
 * in what teammates did and send what waits. The database being down changes nothing for
 * the agent (it is all kept for the next command); a refused login or a database not set
 * up is said in one warning line. `ahead`: the connection opened as the command started.
 */
export async function endOfCommand(ctx: Context, settings: TeamSettings, ahead?: Promise<TeamConnection | undefined>): Promise<void> {
  // Nothing to send and a recent look: no connection (it costs a command tens of ms).
  if (!exchangeDue(ctx.dataDir, settings)) {
    // Opened for nothing (the command failed, or changed nothing): not waited for, even
    // when the database does not answer; whatever it opens is dropped.
    void ahead?.then((connection) => connection?.db?.destroy());
    return;
  }
  const deadline = Date.now() + settings.sendTimeoutMs;
  let db: TeamDb | undefined;
  const timer = setTimeout(() => db?.destroy(), settings.sendTimeoutMs);
  try {
    const connection = (await ahead) ?? (await connect(ctx, settings));
    db = connection.db;
    if ('error' in connection) throw connection.error;
    const { me } = connection;
    if (!me.member || (!me.lead && agentKey(ctx.agent) !== me.agent)) return;
    await exchange(db!, ctx, me, deadline, connection.events);
    checkedNow(ctx.dataDir);
  } catch (error) {
    // The agent's own work is done and in their files whatever happens here.
    if (error instanceof TeamDbError && error.unreachable) return;
    const message = error instanceof Error ? error.message : String(error);
    if (waitingIds(ctx.dataDir).length > 0 || !(error instanceof TeamDbError)) ctx.warn(`team database: ${message} (csr-call team status says more)`);
  } finally {
    clearTimeout(timer);
    await db?.close();
  }
}
