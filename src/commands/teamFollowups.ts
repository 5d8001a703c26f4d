import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import { agentKey } from '../domain/agents.js';
import { parseFollowUpIdArg, shortFollowUpId } from '../domain/ids.js';
import type { TeamSettings } from '../team/teamSettings.js';
import type { TeamAction, TeamEvent } from '../team/teamFollowUpRules.js';
import type { ActOptions } from '../team/teamFollowUps.js';
import type { TeamDb } from '../team/teamDb.js';
import { requireTeam } from './team.js';
import { writeJson } from '../render/jsonOutput.js';
import { followUpChangeJson, teamFollowUpChangeJson, type FollowUpChangeJson } from '../render/itemJson.js';
import type { OptionsOf } from '../commandSpec.js';
import type { followupsAssignOptions, followupsOwnerOptions } from '../cli.js';

/**
 * Team follow-ups: `followups --team`, `followups claim|release|assign`, and `done` /
 * `snooze` when a team database is set (followups.ts hands them here). Each change is one
 * transaction in the team database; when the call is this agent's own, its file takes the
 * change inside that transaction (files first). The database being down: the agent's own
 * follow-ups are done in their files as without a team (sent later); a teammate's say so
 * in one line, exit 1.
 */

async function connect(ctx: Context, settings: TeamSettings): Promise<TeamDb> {
  const { connectTeamDb } = await import('../team/teamDb.js');
  return connectTeamDb(settings, ctx.env, settings.connectTimeoutMs);
}

async function identity(db: TeamDb, ctx: Context) {
  const { whoAmI, checkAgentMatchesRole, claimGraceMs } = await import('../team/teamSession.js');
  const me = await whoAmI(db);
  checkAgentMatchesRole(ctx, me, db.target);
  return { me, graceMs: await claimGraceMs(db) };
}

/** The call id and follow-up id when the call is in this agent's data directory. */
async function localFollowUp(ctx: Context, parsed: ReturnType<typeof parseFollowUpIdArg>): Promise<{ callId: string; followupId: string } | undefined> {
  const { callsRoot } = await import('../paths.js');
  if (!existsSync(callsRoot(ctx.dataDir))) return undefined;
  const { resolveCallId } = await import('../store/callStore.js');
  try {
    const callId = await resolveCallId(ctx.dataDir, parsed.callPart);
    const { readCallText } = await import('../store/callStore.js');
    if ((await readCallText(ctx.dataDir, callId)) === undefined) return undefined;
    return { callId, followupId: `${callId}.f${parsed.index}` };
  } catch (error) {
    if (error instanceof UserError && error.exitCode === 1) return undefined;
    throw error;
  }
}

export interface TeamActRequest {
  action: TeamAction;
  options: Omit<ActOptions, 'at' | 'timeZone'>;
}

export interface TeamActOutcome {
  event: TeamEvent;
  text: string;
  customer: string | null;
  /** The follow-up's row in the team database, as it was before the change. */
  row: import('../team/teamFollowUps.js').TeamFollowUpRow;
  /** The call's record after the change, when it is this agent's own call. */
  record?: import('../domain/callRecord.js').CallRecord;
}

/**
 * Does one action on a team follow-up. Returns undefined when the follow-up is this
 * agent's own and the team database cannot take it now (unreachable, or the call not sent
 * yet): the caller then does it in the file alone, as without a team.
 */
export async function actOnFollowUp(id: string, request: TeamActRequest, ctx: Context, settings: TeamSettings): Promise<TeamActOutcome | undefined> {
  const parsed = parseFollowUpIdArg(id);
  const local = await localFollowUp(ctx, parsed);
  const { TeamDbError } = await import('../team/teamDb.js');
  let db: TeamDb;
  try {
    db = await connect(ctx, settings);
  } catch (error) {
    if (error instanceof TeamDbError && error.unreachable && local && (request.action.kind === 'done' || request.action.kind === 'snooze')) return undefined;
    throw error;
  }
  try {
    const { me, graceMs } = await identity(db, ctx);
    const { actOnTeamFollowUp, findTeamFollowUpId } = await import('../team/teamFollowUps.js');
    const followupId = local?.followupId ?? (await findTeamFollowUpId(db, parsed));
    if (!followupId) throw new OperationError(`no follow-up ${oneLine(id, 40)} in the team database nor in ${ctx.dataDir}`);
    const [known] = await db.query<{ n: number }>('SELECT 1 AS n FROM csr_call.followups WHERE id = $1', [followupId]);
    // The agent's own follow-up the team has not heard of yet: it is theirs alone.
    if (!known && local && (request.action.kind === 'done' || request.action.kind === 'snooze')) return undefined;
    let record: TeamActOutcome['record'];
    const inFile = local
      ? async (event: TeamEvent) => {
          const [{ updateCall }, { applyTeamEvent }] = await Promise.all([import('../store/callStore.js'), import('../team/teamFollowUpRules.js')]);
          record = await updateCall(ctx.dataDir, local.callId, (r) => applyTeamEvent(r, event, ctx.timeZone));
        }
      : undefined;
    const { businessHoursFromEnv } = await import('../domain/followUpRules.js');
    const businessHours = businessHoursFromEnv(ctx.env.CSR_CALL_BUSINESS_HOURS);
    const result = await actOnTeamFollowUp(db, followupId, request.action, me, graceMs, { ...request.options, at: ctx.now(), timeZone: ctx.timeZone, businessHours }, inFile);
    return { event: result.event, text: result.row.text, customer: result.row.customer_name ?? result.row.customer_phone, row: result.row, ...(record ? { record } : {}) };
  } catch (error) {
    if (error instanceof TeamDbError && error.unreachable && local && (request.action.kind === 'done' || request.action.kind === 'snooze')) return undefined;
    throw error;
  } finally {
    await db.close();
  }
}

function ownerWords(owner: string | null): string {
  return owner === null ? 'the team' : owner;
}

export type FollowupsOwnerOptions = OptionsOf<typeof followupsOwnerOptions>;
export type FollowupsAssignOptions = OptionsOf<typeof followupsAssignOptions>;

export async function followupsClaimCommand(id: string, opts: FollowupsOwnerOptions, ctx: Context): Promise<void> {
  parseFollowUpIdArg(id);
  const settings = requireTeam(ctx);
  const outcome = (await actOnFollowUp(id, { action: { kind: 'claim' }, options: opts.note !== undefined ? { note: opts.note } : {} }, ctx, settings))!;
  if (!opts.json) ctx.stdout.write(`Claimed ${shortFollowUpId(outcome.event.followupId)}: ${oneLine(outcome.text, 80)}${outcome.customer ? ` (${oneLine(outcome.customer, 40)})` : ''}: it is yours now\n`);
  await ownerChanged('claimed', opts, outcome, ctx);
}

export async function followupsReleaseCommand(id: string, opts: FollowupsOwnerOptions, ctx: Context): Promise<void> {
  parseFollowUpIdArg(id);
  const settings = requireTeam(ctx);
  const outcome = (await actOnFollowUp(id, { action: { kind: 'release' }, options: opts.note !== undefined ? { note: opts.note } : {} }, ctx, settings))!;
  if (!opts.json) ctx.stdout.write(`Released ${shortFollowUpId(outcome.event.followupId)}: it is the team's now (anyone may claim it)\n`);
  await ownerChanged('released', opts, outcome, ctx);
}

export async function followupsAssignCommand(id: string, opts: FollowupsAssignOptions, ctx: Context): Promise<void> {
  parseFollowUpIdArg(id);
  const to = opts.to.trim();
  if (!to) throw new UserError('followups assign needs --to NAME (an agent) or --to team (anyone may claim it)');
  if (!/^[\p{L}\p{N}._-]{1,63}$/u.test(to)) throw new UserError(`--to "${oneLine(to, 40)}" is not an agent's name: letters, digits, . _ - (or team)`);
  const settings = requireTeam(ctx);
  const owner = agentKey(to) === 'team' ? null : agentKey(to);
  const outcome = (await actOnFollowUp(id, { action: { kind: 'assign', to: owner }, options: { to: owner, ...(opts.note !== undefined ? { note: opts.note } : {}) } }, ctx, settings))!;
  if (!opts.json) ctx.stdout.write(`Assigned ${shortFollowUpId(outcome.event.followupId)} to ${ownerWords(owner)}\n`);
  await ownerChanged('assigned', opts, outcome, ctx);
}

/** Claim, release, assign: printed (--json) and heard by the on-followup-change hook as done and snooze are. */
async function ownerChanged(action: FollowUpChangeJson['action'], opts: { note?: string; json?: boolean }, outcome: TeamActOutcome, ctx: Context): Promise<void> {
  const { followUpChanged } = await import('./followups.js');
  await followUpChanged(teamChangeJson(action, opts.note, outcome, ctx), opts, ctx);
}

/** A team change as JSON: from the call's file when it is this agent's, else from the team database's row. */
export function teamChangeJson(action: FollowUpChangeJson['action'], note: string | undefined, outcome: TeamActOutcome, ctx: Context): FollowUpChangeJson {
  const change = { action, at: ctx.now(), by: ctx.agent, note };
  const { event } = outcome;
  if (outcome.record?.followups.some((f) => f.id === event.followupId) && (!event.nextId || outcome.record.followups.some((f) => f.id === event.nextId))) {
    return followUpChangeJson(change, outcome.record, event.followupId, event.nextId);
  }
  return teamFollowUpChangeJson(change, event, outcome.row);
}

export type TeamListOptions = Pick<import('./followups.js').FollowupsListOptions, 'json' | 'limit'>;

export async function followupsTeamListCommand(opts: TeamListOptions, ctx: Context): Promise<void> {
  const settings = requireTeam(ctx);
  const limit = opts.limit === undefined ? 200 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UserError(`--limit must be a whole number from 1 to 100000 (got "${oneLine(String(opts.limit), 20)}")`);
  const db = await connect(ctx, settings);
  let rows;
  try {
    await identity(db, ctx);
    const { teamBoard } = await import('../team/teamFollowUps.js');
    // One more than shown: whether there are more is known, not guessed from the count.
    rows = await teamBoard(db, limit + 1);
  } finally {
    await db.close();
  }
  const more = rows.length > limit;
  rows = rows.slice(0, limit);
  if (opts.json) {
    const items = rows.map((r) => ({
      id: r.id,
      shortId: shortFollowUpId(r.id),
      due: r.due.toISOString(),
      allDay: r.all_day,
      timeZone: r.time_zone,
      text: r.text,
      owner: r.owner,
      callAgent: r.call_agent,
      claimable: r.claimable,
      repeatEveryDays: r.repeat_days,
      customer: { name: r.customer_name, phone: r.customer_phone, account: r.customer_account },
    }));
    writeJson(ctx, { followups: items });
    return;
  }
  if (rows.length === 0) {
    ctx.stdout.write('No open follow-ups in the team.\n');
    return;
  }
  const [{ formatDue }, { colorsFor }] = await Promise.all([import('../dates/formatDue.js'), import('../render/colors.js')]);
  const color = colorsFor(ctx.stdout, ctx.env);
  const now = ctx.now();
  const lines: string[] = [`Team follow-ups (${rows.length}${more ? `, the first ${limit}: --limit N for more` : ''}): the team's first, then by due time`];
  let heading: string | undefined;
  for (const r of rows) {
    const group = r.owner === null ? "The team's (claim one: csr-call followups claim ID)" : 'Owned by an agent';
    if (group !== heading) {
      lines.push('', color.bold(group));
      heading = group;
    }
    const due = formatDue(r.due, { now, timeZone: ctx.timeZone, ...(r.all_day ? { allDay: true } : {}), ...(r.time_zone && r.time_zone !== ctx.timeZone ? { customerTimeZone: r.time_zone } : {}) });
    const overdue = r.due.getTime() < now.getTime();
    const who = [r.customer_name, r.customer_phone].filter(Boolean).map((s) => oneLine(s!, 40)).join(' · ') || 'no customer details';
    const owner = r.owner === null ? '' : ` · ${oneLine(r.owner, 30)}${r.claimable ? color.yellow(' (claimable: overdue past the grace)') : ''}`;
    lines.push(`  ${color.bold(shortFollowUpId(r.id))}  ${overdue ? color.red(due) : due}${owner}`);
    lines.push(`      ${oneLine(r.text, 100)} — ${who}${r.call_agent !== r.owner ? color.dim(` (call by ${oneLine(r.call_agent, 30)})`) : ''}`);
  }
  ctx.stdout.write(`${lines.join('\n')}\n`);
}
