import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { oneLine, sanitizeForTerminal } from '../render/terminalText.js';
import { shortId } from '../domain/ids.js';
import { dateTimeFormatter } from '../dates/formatDue.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { agentNameLike, HIT_END, HIT_START, searchCalls, type SearchHit } from '../store/index/indexQueries.js';
import { warnAgentTypo } from './agentTypo.js';
import { ftsMatchExpression, parseSearchText } from '../store/index/ftsQuery.js';
import { parseDayRange } from './dayRange.js';
import type { OptionsOf } from '../commandSpec.js';
import type { searchOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { plural } from '../text/plural.js';

export type SearchOptions = OptionsOf<typeof searchOptions>;

const DEFAULT_LIMIT = 20;

/**
 * `csr-call search TEXT`: the calls whose notes, problem, facts, options, resolution,
 * handoff or parked questions hold every word (or "phrase", or prefix*), best match
 * first, each with the words found in their context. Accents and case do not matter.
 */
export async function searchCommand(words: string[], opts: SearchOptions, ctx: Context): Promise<void> {
  if (opts.team) return (await import('./teamViews.js')).teamSearchCommand(words, opts, ctx);
  if (opts.all && opts.agent !== undefined) throw new UserError('give --agent NAME or --all, not both');
  const terms = parseSearchText(words.join(' '));
  const limit = parseLimit(opts.limit);
  const range = parseDayRange(opts, ctx);
  const agent = opts.all ? undefined : (opts.agent?.trim() || ctx.agent);
  // One more than shown: whether there are more to see is then known, not guessed. A name
  // given with --agent that finds nothing is looked at for a typo (not your own: a new
  // agent has no calls yet).
  const { found, like } = await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => {
    const rows = searchCalls(index, ftsMatchExpression(terms), { ...range, ...(agent !== undefined ? { agent } : {}), limit: limit + 1 });
    return { found: rows, like: rows.length === 0 && opts.agent !== undefined && agent !== undefined ? agentNameLike(index, agent) : undefined };
  });
  warnAgentTypo(ctx, agent, like);
  const hits = found.slice(0, limit);
  const more = found.length > limit;
  if (opts.json) {
    writeJson(ctx, { query: words.join(' '), agent: agent ?? null, hits: hits.map(hitToJson), more });
    return;
  }
  if (hits.length === 0) {
    const asked = oneLine(words.join(' '), 60);
    ctx.stdout.write(`No call${agent === undefined ? '' : ` of ${oneLine(agent, 40)}`} mentions ${asked}${asked.endsWith('…') ? '' : '.'}${agent === undefined ? '' : ' (--all for every agent)'}\n`);
    return;
  }
  ctx.stdout.write(renderHits(hits, ctx, more));
}

export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UserError(`--limit must be a whole number from 1 to 10000 (got "${oneLine(text, 20)}")`);
  return n;
}

export function hitToJson(hit: SearchHit) {
  const { call } = hit;
  return {
    id: call.id,
    startedAt: call.startedAt,
    agent: call.agent,
    customer: { name: call.customer.name ?? null, phone: call.customer.phone ?? null, account: call.customer.account ?? null },
    outcome: call.outcome ?? null,
    // The words found, marked with [[ ]] for scripts.
    snippet: hit.snippet.replaceAll(HIT_START, '[[').replaceAll(HIT_END, ']]'),
    rank: hit.rank,
  };
}

/** `more`: other calls match too, past the limit. */
export function renderHits(hits: readonly SearchHit[], ctx: Context, more = false): string {
  const color = colorsFor(ctx.stdout, ctx.env);
  const when = dateTimeFormatter(ctx.timeZone);
  // Without colour the words found are bracketed, so they still stand out.
  const mark = (word: string) => (color.level > 0 ? color.bold.yellow(word) : `[${word}]`);
  const lines: string[] = [];
  for (const { call, snippet } of hits) {
    const who = [call.customer.name, call.customer.phone].filter(Boolean).map((s) => oneLine(s!, 40)).join(' · ') || 'no customer details';
    lines.push(`${color.bold(shortId(call.id))}  ${when(new Date(call.startedAt))}  ${who}${call.outcome ? color.dim(`  → ${oneLine(call.outcome, 20)}`) : ''}`);
    // Pieces between the marks alternate: text, found word, text...; each made safe to show, on one line.
    const flat = (piece: string) => sanitizeForTerminal(piece.replace(/\s*\n\s*/g, ' · '), { keepNewlines: false }).replace(/\s+/g, ' ');
    const pieces = snippet.split(new RegExp(`${HIT_START}|${HIT_END}`));
    lines.push(`    ${pieces.map((piece, i) => (i % 2 === 1 ? mark(flat(piece)) : flat(piece))).join('').trim()}`);
  }
  lines.push(color.dim(`${plural(hits.length, 'call')}${more ? ` (the best ${hits.length}: --limit N for more)` : ''}`));
  return `${lines.join('\n')}\n`;
}
