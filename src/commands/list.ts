import { samePhone } from '../store/customerHistory.js';
import type { Context } from '../context.js';
import { forOption, UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { loadCallSummaries, type CallSummary } from '../store/callSummaries.js';
import { phoneDigits, startOfDayAfter } from '../followups/followupBoard.js';
import { dateTimeFormatter } from '../dates/formatDue.js';
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

/** A test for `filter`, with its bounds worked out once rather than for every call. */
export function callMatcher(filter: CallFilter): (call: CallSummary) => boolean {
  const from = filter.from && instantBound(filter.from);
  const to = filter.to && instantBound(filter.to);
  return (call) => {
    if (from && compareStart(call.startedAt, from) < 0) return false;
    if (to && compareStart(call.startedAt, to) >= 0) return false;
    if (filter.status && call.status !== filter.status) return false;
    if (filter.agent && call.agent.toLowerCase() !== filter.agent) return false;
    if (filter.outcome && (call.outcome ?? '').toLowerCase() !== filter.outcome) return false;
    if (filter.category && (call.category ?? '').toLowerCase() !== filter.category) return false;
    if (filter.customer && !(call.customer.name ?? '').toLowerCase().includes(filter.customer)) return false;
    if (filter.phoneDigits && !phonesMatch(filter.phoneDigits, call.customer.phone)) return false;
    return true;
  };
}

interface InstantBound {
  ms: number;
  /** In `toISOString`'s form, unless its year has more than four digits. */
  iso?: string;
}

function instantBound(at: Date): InstantBound {
  const iso = at.toISOString();
  return isToIsoString(iso) ? { ms: at.getTime(), iso } : { ms: at.getTime() };
}

/**
 * What `toISOString` writes (and the store records): 'YYYY-MM-DDTHH:MM:SS.sssZ'. Of the
 * instants the call schema accepts (four-digit year, 'T'), only that form is 24 long and ends in 'Z'.
 */
function isToIsoString(text: string): boolean {
  return text.length === 24 && text.charCodeAt(23) === 0x5a; // 'Z'
}

/**
 * Negative, zero or positive as `startedAt` is before, at or after `bound` (NaN when it
 * cannot be read). Two instants written by `toISOString` sort as text in time order,
 * which spares a Date.parse per call; any other ISO spelling (an offset) is parsed.
 */
function compareStart(startedAt: string, bound: InstantBound): number {
  if (bound.iso !== undefined && isToIsoString(startedAt)) return startedAt < bound.iso ? -1 : startedAt === bound.iso ? 0 : 1;
  return Date.parse(startedAt) - bound.ms;
}

export async function listCommand(opts: ListOptions, ctx: Context): Promise<void> {
  const filter = parseListFilter(opts, ctx);
  const range = { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}) };
  const { summaries, damaged } = await loadCallSummaries(ctx.dataDir, range);
  warnDamaged(damaged, ctx);
  const calls = summaries.filter(callMatcher(filter));

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
  // A list can have thousands of rows: one array per column rather than one per row, and
  // each column's width kept as it fills rather than found again over all its cells.
  const columns = header.map(() => new Array<string>(calls.length));
  const widths = header.map((name) => name.length);
  const setCell = (column: number, row: number, cell: string) => {
    columns[column]![row] = cell;
    if (cell.length > widths[column]!) widths[column] = cell.length;
  };
  const formatStarted = dateTimeFormatter(ctx.timeZone);
  calls.forEach((call, row) => {
    setCell(0, row, call.id.slice(-6));
    setCell(1, row, formatStarted(new Date(call.startedAt)));
    setCell(2, row, call.status);
    setCell(3, row, oneLine(call.customer.name ?? '-', caps[3]));
    setCell(4, row, oneLine(call.customer.phone ?? '-', caps[4]));
    setCell(5, row, oneLine(call.category ?? '-', caps[5]));
    setCell(6, row, oneLine(call.outcome ?? '-', caps[6]));
  });
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  // On a terminal the problem fills the line; piped, the first 60 characters or so.
  const problemWidth = ctx.stdout.columns ? Math.max(30, ctx.stdout.columns - used - 1) : 60;
  // Every cell is followed by the spaces up to its column's width and the two between columns.
  const spaces = Array.from({ length: Math.max(...widths) + 3 }, (_, n) => ' '.repeat(n));
  const padded = (cell: string, column: number) => cell + spaces[widths[column]! - cell.length + 2]!;
  let text = `${color.dim(`${header.map(padded).join('')}PROBLEM`)}\n`;
  calls.forEach((call, row) => {
    let line = '';
    for (let column = 0; column < columns.length; column++) line += padded(columns[column]![row]!, column);
    // A problem never ends in a space: only a line without one has padding to drop.
    const problem = firstWords(call.paraphrase ?? '', problemWidth);
    line = problem === '' ? line.trimEnd() : line + problem;
    text += `${call.status === 'in-progress' ? color.yellow(line) : line}\n`;
  });
  return `${text}${color.dim(`${calls.length} call${calls.length === 1 ? '' : 's'}`)}\n`;
}
