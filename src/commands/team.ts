import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import { describeTeamDb, teamSettingsFrom, type TeamSettings } from '../team/teamSettings.js';
import { waitingIds } from '../team/outbox.js';
import { grouped, plural } from '../text/plural.js';
import { writeJson } from '../render/jsonOutput.js';
import type { OptionsOf } from '../commandSpec.js';
import type { teamOptions } from '../cli.js';

/**
 * `csr-call team status | sync | migrate | grace` (each with --json). Each says in one line, exit 1, when there is no
 * team database or it cannot be reached; the agent's own calls are never touched by that.
 */

export function requireTeam(ctx: Context): TeamSettings {
  const settings = teamSettingsFrom(ctx.env);
  if (!settings) {
    throw new UserError('no team database is set: csr-call config set team.db postgresql://sam@db.example/team (its URL; or CSR_CALL_TEAM_DB; see the README, Team)', 1);
  }
  return settings;
}

export type TeamOptions = OptionsOf<typeof teamOptions>;

/** What `team status` found: said as lines, or printed as --json. */
interface TeamStatus {
  target: string;
  reachable: boolean;
  /** Why it could not be reached (reachable: false). */
  problem: string | null;
  serverVersion: string | null;
  schema: { version: number; latest: number } | null;
  you: { role: string; kind: 'superuser' | 'lead' | 'agent' | 'neither'; agent: string; matchesAgent: boolean } | null;
  waiting: number;
  /** Teammates' actions on this agent's follow-ups not yet in their files (a member of the team only). */
  fromTeam: number | null;
  claimGraceMinutes: number | null;
}

export async function teamStatusCommand(opts: TeamOptions, ctx: Context): Promise<void> {
  const settings = requireTeam(ctx);
  const waiting = waitingIds(ctx.dataDir).length;
  const { connectTeamDb, TeamDbError } = await import('../team/teamDb.js');
  const { whoAmI, schemaVersion, claimGraceMs } = await import('../team/teamSession.js');
  const { LATEST_SCHEMA_VERSION } = await import('../team/teamSchema.js');
  let db;
  try {
    db = await connectTeamDb(settings, ctx.env, settings.connectTimeoutMs);
  } catch (error) {
    if (!(error instanceof TeamDbError)) throw error;
    const problem = error.message.replace(/; your calls are kept.*$/, '');
    if (opts.json) {
      const down: TeamStatus = { target: describeTeamDb(settings.url, ctx.env), reachable: false, problem, serverVersion: null, schema: null, you: null, waiting, fromTeam: null, claimGraceMinutes: null };
      writeJson(ctx, { ...down });
    }
    throw new OperationError(`${problem}; ${plural(waiting, 'call')} waiting to be sent`);
  }
  let status: TeamStatus;
  try {
    const me = await whoAmI(db);
    const version = await schemaVersion(db);
    const [server] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const member = version > 0 && me.member;
    const [pending] = member ? await db.query<{ n: string }>('SELECT count(*) AS n FROM csr_call.followup_events WHERE call_agent = $1 AND applied_revision IS NULL', [me.agent]) : [];
    status = {
      target: db.target,
      reachable: true,
      problem: null,
      serverVersion: server?.v ?? null,
      schema: { version, latest: LATEST_SCHEMA_VERSION },
      you: {
        role: me.role,
        kind: me.superuser ? 'superuser' : me.lead ? 'lead' : me.member ? 'agent' : 'neither',
        agent: me.agent,
        matchesAgent: me.lead || !me.member || me.agent === ctx.agent.trim().toLowerCase(),
      },
      waiting,
      fromTeam: member ? Number(pending?.n ?? 0) : null,
      claimGraceMinutes: member ? Math.round((await claimGraceMs(db)) / 60_000) : null,
    };
  } finally {
    await db.close();
  }
  if (opts.json) writeJson(ctx, { ...status });
  else ctx.stdout.write(statusLines(status, ctx));
}

function statusLines(status: TeamStatus, ctx: Context): string {
  const { version, latest } = status.schema!;
  const you = status.you!;
  const lines = [`Team database: ${status.target}, reachable (PostgreSQL ${oneLine(status.serverVersion ?? '?', 20)})`];
  const schema = version === 0 ? 'not set up (the owner runs csr-call team migrate)' : version < latest ? `version ${version}, older than this csr-call's ${latest} (the owner runs csr-call team migrate)` : version > latest ? `version ${version}, newer than this csr-call knows (${latest}): update csr-call` : `version ${version} (up to date)`;
  lines.push(`Schema:        ${schema}`);
  const kind = you.kind === 'neither' ? 'neither agent nor lead' : you.kind;
  lines.push(`You:           role ${you.role} (${kind})${you.matchesAgent ? '' : `, but your calls are written as agent ${oneLine(ctx.agent, 40)}: connect as your own role`}`);
  lines.push(`Waiting:       ${plural(status.waiting, 'call')} to send from ${oneLine(ctx.dataDir)}`);
  if (status.fromTeam !== null) lines.push(`From the team: ${plural(status.fromTeam, 'action')} by teammates on your follow-ups, not yet in your call files`);
  if (status.claimGraceMinutes !== null) lines.push(`Claim grace:   an agent's follow-up may be claimed by the team ${formatGrace(status.claimGraceMinutes * 60_000)} after it is due`);
  return `${lines.join('\n')}\n`;
}

export function formatGrace(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

export async function teamMigrateCommand(opts: TeamOptions, ctx: Context): Promise<void> {
  const settings = requireTeam(ctx);
  const { withTeamDb } = await import('../team/teamDb.js');
  const { migrateTeamDb } = await import('../team/teamMigrate.js');
  const result = await withTeamDb(settings, ctx.env, 60_000, migrateTeamDb);
  if (opts.json) {
    const to = result.applied.at(-1)?.version ?? result.from;
    writeJson(ctx, { from: result.from, to, applied: result.applied.map(({ version, description }) => ({ version, description })) });
    return;
  }
  if (result.applied.length === 0) {
    ctx.stdout.write(`The team database's schema is up to date (version ${result.from}).\n`);
    return;
  }
  for (const step of result.applied) ctx.stdout.write(`Applied schema version ${step.version}: ${step.description}\n`);
}

export async function teamSyncCommand(opts: TeamOptions, ctx: Context): Promise<void> {
  const settings = requireTeam(ctx);
  const { withTeamDb } = await import('../team/teamDb.js');
  const { fullSync } = await import('../team/teamFullSync.js');
  const result = await withTeamDb(settings, ctx.env, 120_000, (db) => fullSync(db, ctx));
  if (opts.json) writeJson(ctx, { ...result });
  else {
    const parts = [`sent ${plural(result.sent, 'call')}`];
    if (result.upToDate > 0) parts.push(`${grouped(result.upToDate)} already up to date`);
    if (result.erased > 0) parts.push(`erased ${plural(result.erased, 'call')} there`);
    if (result.applied > 0) parts.push(`took in ${plural(result.applied, "teammate's action")}`);
    ctx.stdout.write(`Team database ${result.target}: ${parts.join(', ')}.\n`);
    if (result.othersWaiting > 0) ctx.stdout.write(`${plural(result.othersWaiting, 'call')} of other agents sharing this folder left for them to send.\n`);
  }
  if (result.unreadable > 0) {
    throw new OperationError(`${plural(result.unreadable, 'damaged call file')} could not be sent: csr-call doctor lists them`);
  }
}

/** A grace as typed: 90m, 4h, 2d (minutes, hours, days). */
export function parseGrace(text: string): number {
  const match = /^(\d{1,5})\s*(m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(text.trim());
  const minutes = match ? Number(match[1]) * (match[2]!.toLowerCase().startsWith('d') ? 1440 : match[2]!.toLowerCase().startsWith('h') ? 60 : 1) : NaN;
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 30 * 1440) {
    throw new UserError(`the grace must be like 90m, 4h or 2d, at most 30 days (got "${oneLine(text, 20)}")`);
  }
  return minutes;
}

/** `csr-call team grace [AGE]`: says the team's claim grace, or (a lead) sets it. */
export async function teamGraceCommand(age: string | undefined, opts: TeamOptions, ctx: Context): Promise<void> {
  const minutes = age === undefined ? undefined : parseGrace(age);
  const settings = requireTeam(ctx);
  const [{ withTeamDb }, { whoAmI, claimGraceMs }] = await Promise.all([import('../team/teamDb.js'), import('../team/teamSession.js')]);
  const say = (graceMinutes: number, changed: boolean) => {
    if (opts.json) writeJson(ctx, { claimGraceMinutes: graceMinutes, changed });
    else if (changed) ctx.stdout.write(`From now on an agent's follow-up may be claimed by the team ${formatGrace(graceMinutes * 60_000)} after it is due.\n`);
    else ctx.stdout.write(`An agent's follow-up may be claimed by the team ${formatGrace(graceMinutes * 60_000)} after it is due.\n`);
  };
  await withTeamDb(settings, ctx.env, settings.connectTimeoutMs, async (db) => {
    if (minutes === undefined) return say(Math.round((await claimGraceMs(db)) / 60_000), false);
    const me = await whoAmI(db);
    if (!me.lead && !me.superuser) throw new OperationError(`only a lead sets the team's claim grace (you are connected as ${me.role})`);
    await db.query("UPDATE csr_call.settings SET value = $1 WHERE key = 'claim_grace_minutes'", [String(minutes)]);
    say(minutes, true);
  });
}
