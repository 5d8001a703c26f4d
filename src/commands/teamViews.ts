import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import { colorsFor } from '../render/colors.js';
import { formatDuration } from '../dates/index.js';
import type { TeamDb } from '../team/teamDb.js';
import { requireTeam } from './team.js';
import { parseDayRange } from './dayRange.js';
import { writeJson } from '../render/jsonOutput.js';
import { plural } from '../text/plural.js';

/**
 * The lead's view: `list --team`, `search --team`, `stats --team [--by agent]`, each one
 * question to the team database (SQL there), shown as the personal commands show theirs.
 * An agent's role sees their own calls there; a lead's every agent's.
 */

async function withDb<T>(ctx: Context, work: (db: TeamDb) => Promise<T>): Promise<T> {
  const settings = requireTeam(ctx);
  const [{ connectTeamDb }, { whoAmI, checkAgentMatchesRole }] = await Promise.all([import('../team/teamDb.js'), import('../team/teamSession.js')]);
  const db = await connectTeamDb(settings, ctx.env, Math.max(settings.connectTimeoutMs, 30_000));
  try {
    checkAgentMatchesRole(ctx, await whoAmI(db), db.target);
    return await work(db);
  } finally {
    await db.close();
  }
}

export async function teamListCommand(opts: import('./list.js').ListOptions, ctx: Context): Promise<void> {
  const { parseListFilter, renderCallList, callToJson } = await import('./list.js');
  const filter = parseListFilter(opts, ctx);
  const limit = opts.limit === undefined ? 500 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new UserError(`--limit must be a whole number from 1 to 1000000 (got "${oneLine(String(opts.limit), 20)}")`);
  const { listTeamCalls } = await import('../team/teamQueries.js');
  // One more than shown: whether there are more is known, not guessed from the count.
  const found = await withDb(ctx, (db) => listTeamCalls(db, { ...filter, limit: limit + 1 }));
  const calls = found.slice(0, limit);
  const more = found.length > limit;
  if (opts.json) writeJson(ctx, { calls: calls.map(callToJson), more });
  else if (calls.length === 0) ctx.stdout.write('No calls in the team database match.\n');
  else {
    ctx.stdout.write(renderCallList(calls, ctx));
    if (more) ctx.stdout.write(`(the newest ${limit}: --limit N for more)\n`);
  }
}

export async function teamSearchCommand(words: string[], opts: import('./search.js').SearchOptions, ctx: Context): Promise<void> {
  const [{ parseSearchText }, { parseLimit, renderHits, hitToJson }, { searchTeamCalls }] = await Promise.all([
    import('../store/index/ftsQuery.js'),
    import('./search.js'),
    import('../team/teamQueries.js'),
  ]);
  if (opts.all) throw new UserError('--all is for a shared folder; with --team a lead sees every agent already (--agent NAME for one)');
  const terms = parseSearchText(words.join(' '));
  const limit = parseLimit(opts.limit);
  const range = parseDayRange(opts, ctx);
  const agent = opts.agent?.trim() || undefined;
  // One more than shown, as in search: whether there are more is known.
  const found = await withDb(ctx, (db) => searchTeamCalls(db, terms, { ...range, ...(agent ? { agent } : {}), limit: limit + 1 }));
  const hits = found.slice(0, limit);
  const more = found.length > limit;
  if (opts.json) writeJson(ctx, { query: words.join(' '), agent: agent ?? null, hits: hits.map(hitToJson), more });
  else if (hits.length === 0) ctx.stdout.write(`No call in the team database mentions ${oneLine(words.join(' '), 60)}.\n`);
  else ctx.stdout.write(renderHits(hits, ctx, more));
}

export async function teamStatsCommand(opts: import('./stats.js').StatsCommandOptions, ctx: Context): Promise<void> {
  if (!opts.team) throw new UserError('--by is for the team: csr-call stats --team --by agent');
  if (opts.by !== undefined && opts.by !== 'agent') throw new UserError(`--by can only be agent (got "${oneLine(opts.by, 20)}")`);
  if (opts.all) throw new UserError('--all is for a shared folder; with --team a lead sees every agent already (--agent NAME for one)');
  const range = parseDayRange(opts, ctx);
  const agent = opts.agent?.trim() || undefined;
  const scope = { now: ctx.now(), timeZone: ctx.timeZone, ...(agent ? { agent } : {}), ...range };
  if (opts.causes && opts.by !== undefined) throw new UserError('--causes groups the root causes and --by agent the figures per agent: give one of them');
  const [{ teamStats, teamStatsByAgent }, { teamCraftStats, teamCauseStats, callsWithoutCraft }] = await Promise.all([
    import('../team/teamQueries.js'),
    import('../team/teamCraftQueries.js'),
  ]);
  const head = { agent: agent ?? null, team: true, from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null, timeZone: ctx.timeZone };
  if (opts.by === 'agent') {
    const rows = await withDb(ctx, (db) => teamStatsByAgent(db, scope));
    if (opts.json) {
      writeJson(ctx, { from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null, timeZone: ctx.timeZone, agents: rows });
      return;
    }
    ctx.stdout.write(renderByAgent(rows, ctx));
    return;
  }
  const { renderStats, rangeText } = await import('./stats.js');
  const { renderCauses, renderCraftStats } = await import('../render/craftStats.js');
  const colors = colorsFor(ctx.stdout, ctx.env);
  if (opts.causes) {
    const { causes, withoutCraft } = await withDb(ctx, async (db) => ({ causes: await teamCauseStats(db, scope), withoutCraft: await callsWithoutCraft(db, scope) }));
    warnWithoutCraft(withoutCraft, ctx);
    if (opts.json) writeJson(ctx, { ...head, ...causes });
    else ctx.stdout.write(renderCauses(causes, { colors, title: `Root causes · ${agent === undefined ? 'the team' : oneLine(agent, 40)}${rangeText(range, ctx.timeZone)}` }));
    return;
  }
  const { stats, craft, withoutCraft } = await withDb(ctx, async (db) => ({
    stats: await teamStats(db, scope),
    craft: await teamCraftStats(db, scope),
    withoutCraft: await callsWithoutCraft(db, scope),
  }));
  warnWithoutCraft(withoutCraft, ctx);
  if (opts.json) {
    writeJson(ctx, { ...head, ...stats, craft });
    return;
  }
  ctx.stdout.write(renderStats(stats, { agent: agent ?? 'the team', colors, timeZone: ctx.timeZone }));
  if (stats.calls.total > 0) ctx.stdout.write(renderCraftStats(craft, { colors, allAgents: agent === undefined }));
}

/** Rows sent by a csr-call from before the craft's columns (team schema 2) have none of it until their agent's next `team sync`. */
function warnWithoutCraft(calls: number, ctx: Context): void {
  if (calls > 0) {
    ctx.warn(`${plural(calls, 'call')} in the team database ${calls === 1 ? 'was' : 'were'} sent by an older csr-call: the craft's figures leave ${calls === 1 ? 'it' : 'them'} out until ${calls === 1 ? 'its agent runs' : 'their agents run'} csr-call team sync`);
  }
}

function renderByAgent(rows: import('../team/teamQueries.js').AgentStats[], ctx: Context): string {
  const color = colorsFor(ctx.stdout, ctx.env);
  if (rows.length === 0) return 'No calls in the team database for this range.\n';
  const pct = (s: { rate: number | null }) => (s.rate === null ? '—' : `${Math.round(s.rate * 100)}%`);
  const secs = (v: number | null) => (v === null ? '—' : formatDuration(Math.round(v)));
  const header = ['AGENT', 'CALLS', 'DONE', 'FCR', 'HANDED OFF', 'MEDIAN HANDLE', 'FOLLOW-UPS ON TIME/LATE/OVERDUE/OPEN', 'MOOD TURNED'];
  const table = rows.map((r) => [
    oneLine(r.agent, 24),
    String(r.calls),
    String(r.completed),
    pct(r.firstCallResolution),
    pct(r.handedOff),
    secs(r.handleTime.medianSeconds),
    `${r.followups.doneOnTime}/${r.followups.doneLate}/${r.followups.overdue}/${r.followups.open}`,
    pct(r.moodTurnaround),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return `${color.dim(line(header))}\n${table.map(line).join('\n')}\n`;
}
