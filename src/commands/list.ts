import { samePhone } from '../store/customerHistory.js';
import type { Context } from '../context.js';
import { forOption, UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { loadCallSummaries, type CallSummary } from '../store/callSummaries.js';
import { phoneDigits, startOfDayAfter } from '../followups/followupBoard.js';
import { formatDateTime } from '../dates/formatDue.js';
import { parseDay } from '../dates/parseWhen.js';
import { failIfStrict, warnDamaged } from './damagedFiles.js';

/**
 * `csr-call list`: one line per call, newest first. Reads summaries only (the cached
 * seam), and passes `--from`/`--to` down so months outside the range are never read.
 */

export interface ListOptions {
  from?: string;
  to?: string;
  customer?: string;
  phone?: string;
  status?: string;
  outcome?: string;
  category?: string;
  agent?: string;
  json?: boolean;
  strict?: boolean;
}

const STATUSES = ['in-progress', 'completed'] as const;

export interface CallFilter {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  customer?: string;
  phoneDigits?: string;
  status?: (typeof STATUSES)[number];
  outcome?: string;
  category?: string;
  agent?: string;
}

/** Turns the typed options into a filter, or a one-line error saying what is accepted. */
export function parseListFilter(opts: ListOptions, ctx: Pick<Context, 'now' | 'timeZone'>): CallFilter {
  const filter: CallFilter = {};
  const now = ctx.now();
  const timeZone = ctx.timeZone;
  if (opts.status !== undefined) {
    const status = opts.status.trim().toLowerCase();
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw new UserError(`--status must be ${STATUSES.join(' or ')} (got "${oneLine(opts.status, 30)}")`);
    }
    filter.status = status as CallFilter['status'];
  }
  if (opts.phone !== undefined) {
    const digits = phoneDigits(opts.phone);
    if (digits.length < 3) throw new UserError(`--phone needs at least 3 digits (got "${oneLine(opts.phone, 30)}")`);
    filter.phoneDigits = digits;
  }
  // Whole days in the agent's zone: --from today --to today is today's calls.
  if (opts.from !== undefined) filter.from = startOfDayAfter(forOption('--from', () => parseDay(opts.from!, { now, timeZone })).start, 0, timeZone);
  if (opts.to !== undefined) filter.to = startOfDayAfter(forOption('--to', () => parseDay(opts.to!, { now, timeZone })).start, 1, timeZone);
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new UserError(`--from (${oneLine(opts.from!, 30)}) is after --to (${oneLine(opts.to!, 30)})`);
  }
  const text = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed === '') throw new UserError(`${name} needs a value`);
    return trimmed.toLowerCase();
  };
  const customer = text(opts.customer, '--customer');
  const outcome = text(opts.outcome, '--outcome');
  const category = text(opts.category, '--category');
  const agent = text(opts.agent, '--agent');
  if (customer) filter.customer = customer;
  if (outcome) filter.outcome = outcome;
  if (category) filter.category = category;
  if (agent) filter.agent = agent;
  return filter;
}

/** Phone numbers match as they do everywhere: on their last ten digits (`phoneKey`). */
export function phonesMatch(wanted: string, stored: string | undefined): boolean {
  return samePhone(wanted, stored);
}

export function matchesFilter(call: CallSummary, filter: CallFilter): boolean {
  const started = Date.parse(call.startedAt);
  if (filter.from && started < filter.from.getTime()) return false;
  if (filter.to && started >= filter.to.getTime()) return false;
  if (filter.status && call.status !== filter.status) return false;
  if (filter.agent && call.agent.toLowerCase() !== filter.agent) return false;
  if (filter.outcome && (call.outcome ?? '').toLowerCase() !== filter.outcome) return false;
  if (filter.category && (call.category ?? '').toLowerCase() !== filter.category) return false;
  if (filter.customer && !(call.customer.name ?? '').toLowerCase().includes(filter.customer)) return false;
  if (filter.phoneDigits && !phonesMatch(filter.phoneDigits, call.customer.phone)) return false;
  return true;
}

export async function listCommand(opts: ListOptions, ctx: Context): Promise<void> {
  const filter = parseListFilter(opts, ctx);
  const range = { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}) };
  const { summaries, damaged } = await loadCallSummaries(ctx.dataDir, range);
  warnDamaged(damaged, ctx);
  const calls = summaries.filter((call) => matchesFilter(call, filter));

  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ calls: calls.map(callToJson) }, null, 2)}\n`);
  } else if (calls.length === 0) {
    const filtered = Object.keys(filter).length > 0;
    ctx.stdout.write(filtered ? 'No calls match these filters.\n' : 'No calls yet: start one with csr-call start.\n');
  } else {
    ctx.stdout.write(renderCallList(calls, ctx));
  }
  failIfStrict(damaged, opts.strict);
}

export interface CallListJson {
  id: string;
  startedAt: string;
  endedAt: string | null;
  agent: string;
  status: string;
  customer: { name: string | null; phone: string | null; account: string | null };
  category: string | null;
  outcome: string | null;
  paraphrase: string | null;
  openFollowups: number;
}

function callToJson(call: CallSummary): CallListJson {
  return {
    id: call.id,
    startedAt: call.startedAt,
    endedAt: call.endedAt ?? null,
    agent: call.agent,
    status: call.status,
    customer: { name: call.customer.name ?? null, phone: call.customer.phone ?? null, account: call.customer.account ?? null },
    category: call.category ?? null,
    outcome: call.outcome ?? null,
    paraphrase: call.paraphrase ?? null,
    openFollowups: call.openFollowups.length,
  };
}

/** The start of a text cut at a word boundary (when there is one) to fit `width`, with an ellipsis. */
export function firstWords(text: string, width: number): string {
  const flat = oneLine(text);
  if (flat.length <= width) return flat;
  const cut = flat.slice(0, width - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > width / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A padded table: fixed columns first, the paraphrase takes what is left of the line. */
function renderCallList(calls: readonly CallSummary[], ctx: Context): string {
  const color = colorsFor(ctx.stdout, ctx.env);
  const header = ['ID', 'STARTED', 'STATUS', 'CUSTOMER', 'PHONE', 'CATEGORY', 'OUTCOME'];
  const caps = [6, 40, 11, 24, 18, 16, 14];
  const rows = calls.map((call) => [
    call.id.slice(-6),
    formatDateTime(new Date(call.startedAt), ctx.timeZone),
    call.status,
    oneLine(call.customer.name ?? '-', caps[3]),
    oneLine(call.customer.phone ?? '-', caps[4]),
    oneLine(call.category ?? '-', caps[5]),
    oneLine(call.outcome ?? '-', caps[6]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  // On a terminal the problem fills the line; piped, the first 60 characters or so.
  const problemWidth = ctx.stdout.columns ? Math.max(30, ctx.stdout.columns - used - 1) : 60;
  const pad = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const lines = [color.dim(`${pad(header)}  PROBLEM`)];
  rows.forEach((row, i) => {
    const call = calls[i]!;
    const problem = firstWords(call.paraphrase ?? '', problemWidth);
    let line = `${pad(row)}  ${problem}`.trimEnd();
    if (call.status === 'in-progress') line = color.yellow(line);
    lines.push(line);
  });
  lines.push(color.dim(`${calls.length} call${calls.length === 1 ? '' : 's'}`));
  return `${lines.join('\n')}\n`;
}
