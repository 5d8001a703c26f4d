import type { ChalkInstance } from 'chalk';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { formatDuration } from '../dates/index.js';
import type { CallStats, Share } from '../stats/callStats.js';
import { callIdSecond } from '../domain/ids.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { agentNameLike, damagedFiles } from '../store/index/indexQueries.js';
import { warnAgentTypo } from './agentTypo.js';
import { statsOf } from '../store/index/statsQuery.js';
import { causeStatsOf, craftStatsOf } from '../store/index/craftQueries.js';
import { renderCauses, renderCraftStats } from '../render/craftStats.js';
import { formatDay } from '../dates/formatDue.js';
import { parseDayRange } from './dayRange.js';
import { warnDamaged } from './damagedFiles.js';
import type { OptionsOf } from '../commandSpec.js';
import type { statsOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { grouped, plural } from '../text/plural.js';

export type StatsCommandOptions = OptionsOf<typeof statsOptions>;

/**
 * `csr-call stats`: outcomes, first-contact resolution, handle time, follow-through, moods
 * and categories for one agent (default: you) or every agent, over a range of days, as a
 * compact table with bar charts, or `--json`. Answered by the index of calls.
 */
export async function statsCommand(opts: StatsCommandOptions, ctx: Context): Promise<void> {
  if (opts.team || opts.by !== undefined) return (await import('./teamViews.js')).teamStatsCommand(opts, ctx);
  if (opts.all && opts.agent !== undefined) throw new UserError('give --agent NAME or --all, not both');
  if (opts.agent !== undefined && opts.agent.trim() === '') throw new UserError('--agent needs a name (or use --all)');
  const range = parseDayRange(opts, ctx);
  const agent = opts.all ? undefined : (opts.agent ?? ctx.agent);
  const scope = { now: ctx.now(), timeZone: ctx.timeZone, ...(agent !== undefined ? { agent } : {}), ...range };
  // The index numbers days in one zone: stats need yours (an index in another is rebuilt).
  const { stats, craft, causes, damaged, like } = await withCallIndex(ctx.dataDir, { timeZone: ctx.timeZone, sameZone: true, warn: ctx.warn }, (index) => {
    const figures = {
      stats: opts.causes ? undefined : statsOf(index, scope),
      craft: opts.causes ? undefined : craftStatsOf(index, scope),
      causes: opts.causes ? causeStatsOf(index, scope) : undefined,
      damaged: damagedFiles(index, {
        ...(range.from ? { fromId: callIdSecond(range.from) } : {}),
        ...(range.to ? { toId: callIdSecond(range.to) } : {}),
      }),
    };
    const none = figures.stats ? figures.stats.calls.total === 0 : figures.causes?.causes.length === 0;
    // A name given with --agent that finds nothing: a typo? (Not your own: a new agent has no calls yet.)
    return { ...figures, like: none && opts.agent !== undefined ? agentNameLike(index, opts.agent) : undefined };
  });
  warnDamaged(damaged, ctx);
  warnAgentTypo(ctx, agent, like);

  const head = { agent: agent ?? null, from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null, timeZone: ctx.timeZone, damagedFiles: damaged.length };
  const colors = colorsFor(ctx.stdout, ctx.env);
  if (causes) {
    if (opts.json) writeJson(ctx, { ...head, ...causes });
    else ctx.stdout.write(renderCauses(causes, { colors, title: `Root causes · ${agent === undefined ? 'all agents' : oneLine(agent, 40)}${rangeText(range, ctx.timeZone)}` }));
  } else if (opts.json) {
    writeJson(ctx, { ...head, ...stats!, craft: craft! });
  } else {
    ctx.stdout.write(renderStats(stats!, { agent, colors, timeZone: ctx.timeZone }));
    if (stats!.calls.total > 0) ctx.stdout.write(renderCraftStats(craft!, { colors, allAgents: agent === undefined }));
  }

  if (damaged.length > 0 && opts.strict) throw new UserError(`${plural(damaged.length, 'damaged call file')} skipped (--strict)`, 1);
}

/** ' · Sun 1 Nov 2026 – Mon 30 Nov 2026' (the last day of the range), or nothing for all time. */
export function rangeText(range: { from?: Date; to?: Date }, timeZone: string): string {
  if (!range.from && !range.to) return ' · all time';
  const from = range.from ? formatDay(range.from, timeZone) : 'the first call';
  const to = range.to ? formatDay(new Date(range.to.getTime() - 1), timeZone) : 'today';
  return ` · ${from} – ${to} (${timeZone})`;
}

const LABEL = 24;
const BAR = 20;
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const SPARK_WIDTH = 56;

/** A horizontal bar of `width` cells in eighths; anything above zero shows at least a sliver. */
export function bar(value: number, max: number, width = BAR): string {
  if (value <= 0 || max <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + PARTIAL[eighths % 8];
}

/** One mark per value: ▁ for none, ▂ to █ for one call up to the busiest. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (v <= 0 || max <= 0 ? SPARKS[0] : SPARKS[1 + Math.min(6, Math.floor((v / max) * 7))])).join('');
}

const percent = (share: Share) => (share.rate === null ? '—' : `${Math.round(share.rate * 100)}%`);
const seconds = (value: number | null) => (value === null ? '—' : formatDuration(Math.round(value)));

export function renderStats(stats: CallStats, options: { agent: string | undefined; colors: ChalkInstance; timeZone: string }): string {
  const c = options.colors;
  const who = options.agent === undefined ? 'all agents' : oneLine(options.agent, 40);
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(LABEL)}${value}`);
  const heading = (text: string) => lines.push('', c.bold(text));

  const days = stats.perDay;
  const span = days.length === 0 ? 'no calls' : days.length === 1 ? days[0]!.day : `${days[0]!.day} – ${days[days.length - 1]!.day}`;
  lines.push(c.bold(`Call stats · ${who} · ${span} (${options.timeZone})`));
  if (stats.calls.total === 0) {
    lines.push(`No calls for ${who} in this range.${options.agent === undefined ? '' : ' (--all for every agent)'}`);
    return `${lines.join('\n')}\n`;
  }

  const { total, completed, inProgress } = stats.calls;
  row('Calls', `${grouped(total)}${inProgress > 0 ? `  (${grouped(completed)} completed, ${grouped(inProgress)} in progress)` : ''}`);
  if (days.length > 1) {
    const perMark = Math.ceil(days.length / SPARK_WIDTH);
    const buckets: number[] = [];
    for (let i = 0; i < days.length; i += perMark) buckets.push(days.slice(i, i + perMark).reduce((sum, d) => sum + d.calls, 0));
    const busiest = days.reduce((best, d) => (d.calls > best.calls ? d : best));
    const unit = perMark === 1 ? 'per day' : `per ${perMark} days`;
    row(`Calls ${unit}`, `${c.cyan(sparkline(buckets))}  busiest ${busiest.day}: ${grouped(busiest.calls)}`);
  }

  heading('Outcomes (completed calls)');
  const maxOutcome = Math.max(...stats.byOutcome.map((o) => o.count));
  for (const { outcome, count } of stats.byOutcome) {
    const share = completed === 0 ? '' : `${Math.round((count / completed) * 100)}%`;
    const line = `  ${oneLine(outcome, 16).padEnd(16)} ${grouped(count).padStart(7)}  ${c.cyan(bar(count, maxOutcome).padEnd(BAR))} ${share.padStart(4)}`;
    lines.push(count === 0 ? c.dim(line) : line);
  }

  heading('Figures');
  const fcr = stats.firstCallResolution;
  row('First-call resolution', `${grouped(fcr.count)} of ${grouped(fcr.of)}  ${percent(fcr)}  (${grouped(fcr.resolved)} resolved in all)`);
  row('Escalated/transferred', `${grouped(stats.handedOff.count)} of ${grouped(stats.handedOff.of)}  ${percent(stats.handedOff)}`);
  row(
    'Handle time',
    stats.handleTime.calls === 0
      ? '—'
      : `median ${seconds(stats.handleTime.medianSeconds)} · p90 ${seconds(stats.handleTime.p90Seconds)}  (${plural(stats.handleTime.calls, 'call')})`,
  );
  const f = stats.followups;
  row('Follow-ups', `${grouped(f.doneOnTime)} done on time · ${grouped(f.doneLate)} late · ${f.overdue > 0 ? c.red(`${grouped(f.overdue)} overdue`) : '0 overdue'}  (${grouped(f.open)} open)`);
  row('Mood turnaround', `${grouped(stats.moodTurnaround.count)} of ${grouped(stats.moodTurnaround.of)} angry or upset calls ended calm, happy or neutral  ${percent(stats.moodTurnaround)}`);
  row('Repeat callers', `${plural(stats.repeatCallers.customers, 'customer')}, ${plural(stats.repeatCallers.calls, 'call')}`);

  // Per playbook: stages of different playbooks are different steps, not to be mixed.
  for (const playbook of [...new Set(stats.stages.map((s) => s.playbook))]) {
    const stages = stats.stages.filter((s) => s.playbook === playbook);
    heading(`Time per stage, playbook ${oneLine(playbook, 30)} (average per call)`);
    const maxStage = Math.max(...stages.map((s) => s.meanSeconds));
    for (const stage of stages) {
      lines.push(`  ${oneLine(stage.stage, 16).padEnd(16)} ${seconds(stage.meanSeconds).padStart(11)}  ${c.cyan(bar(stage.meanSeconds, maxStage))}`);
    }
  }

  if (stats.topCategories.length > 0) {
    heading('Top problem categories');
    const maxCategory = stats.topCategories[0]!.count;
    for (const { category, count } of stats.topCategories) {
      lines.push(`  ${oneLine(category, 16).padEnd(16)} ${grouped(count).padStart(7)}  ${c.cyan(bar(count, maxCategory))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
