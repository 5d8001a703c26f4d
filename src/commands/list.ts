import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { displayWidth, fitWidth, oneLine } from '../render/terminalText.js';
import { writeJson } from '../render/jsonOutput.js';
import { describePromiseRecord, promiseRecordOfCalls } from '../render/promiseRecord.js';
import type { OptionsOf } from '../commandSpec.js';
import type { listOptions } from '../cli.js';
import type { CallSummary } from '../domain/callSummary.js';
import { phoneDigits } from '../domain/customerKeys.js';
import { callIdSecond, shortId } from '../domain/ids.js';
import { dateTimeFormatter } from '../dates/formatDue.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { agentNameLike, damagedFiles, listCalls, type CallFilter } from '../store/index/indexQueries.js';
import { warnAgentTypo } from './agentTypo.js';
import { parseDayRange } from './dayRange.js';
import { failIfStrict, warnDamaged } from './damagedFiles.js';
import { plural } from '../text/plural.js';

/**
 * `csr-call list`: one line per call, newest first, every filter answered by the index of
 * calls (no call file is read).
 */

export type ListOptions = OptionsOf<typeof listOptions>;

const STATUSES = ['in-progress', 'completed'] as const;

/** Turns the typed options into a filter, or a one-line error saying what is accepted. */
export function parseListFilter(opts: ListOptions, ctx: Pick<Context, 'now' | 'timeZone' | 'dateOrder' | 'stderr'>): CallFilter {
  const filter: CallFilter = { ...parseDayRange(opts, ctx) };
  if (opts.status !== undefined) {
    const status = opts.status.trim().toLowerCase();
    if (!(STATUSES as readonly string[]).includes(status)) {
      throw new UserError(`--status must be ${STATUSES.join(' or ')} (got "${oneLine(opts.status, 30)}")`);
    }
    filter.status = status as CallFilter['status'];
  }
  if (opts.phone !== undefined) {
    if (phoneDigits(opts.phone).length < 4) throw new UserError(`--phone needs at least 4 digits (got "${oneLine(opts.phone, 30)}")`);
    filter.phone = opts.phone;
  }
  const text = (value: string | undefined, name: string) => {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (trimmed === '') throw new UserError(`${name} needs a value`);
    return trimmed;
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

/** `-n/--limit N`: the newest N calls; undefined for all of them. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--limit must be a whole number of calls, 1 or more (got "${oneLine(text, 20)}")`);
  return n;
}

export async function listCommand(opts: ListOptions, ctx: Context): Promise<void> {
  if (opts.team) return (await import('./teamViews.js')).teamListCommand(opts, ctx);
  const filter = parseListFilter(opts, ctx);
  // Damaged files are reported for the days asked about (a call id is its start, to the second).
  const range = {
    ...(filter.from ? { fromId: callIdSecond(filter.from) } : {}),
    ...(filter.to ? { toId: callIdSecond(new Date(Math.ceil(filter.to.getTime() / 1000) * 1000)) } : {}),
  };
  const limit = parseLimit(opts.limit);
  const ticket = opts.ticket?.trim().toLowerCase();
  const { found, damaged, like } = await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => {
    const calls = listCalls(index, filter);
    return { found: calls, damaged: damagedFiles(index, range), like: calls.length === 0 && filter.agent !== undefined ? agentNameLike(index, filter.agent) : undefined };
  });
  warnDamaged(damaged, ctx);
  warnAgentTypo(ctx, filter.agent, like);
  // A ticket is asked of few calls, and the summaries hold it: looked for here.
  const matching = ticket === undefined ? found : found.filter((call) => call.ticket?.toLowerCase() === ticket);
  const calls = limit === undefined ? matching : matching.slice(0, limit);

  // One customer asked about by phone: what became of the promises made to them (on every matching call, not only those shown).
  const promises = filter.phone !== undefined ? promiseRecordOfCalls(matching, ctx.now()) : undefined;
  if (opts.json) {
    const promiseRecord = promises && { kept: promises.kept, late: promises.late, broken: promises.broken, pending: promises.pending, brokenPromises: promises.brokenPromises.map(({ text, madeAt, deadline }) => ({ text, madeAt, deadline })) };
    writeJson(ctx, { calls: calls.map(callToJson), total: matching.length, ...(promiseRecord ? { promiseRecord } : {}) });
  } else if (calls.length === 0) {
    const filtered = Object.keys(filter).length > 0 || ticket !== undefined;
    ctx.stdout.write(filtered ? 'No calls match these filters.\n' : 'No calls yet: start one with csr-call start.\n');
  } else {
    ctx.stdout.write(renderCallList(calls, ctx, matching.length));
    const record = promises && describePromiseRecord(promises, ctx.timeZone, ctx.now());
    if (record) ctx.stdout.write(`${record.line}\n`);
  }
  failIfStrict(damaged, opts.strict);
}

export interface CallListJson {
  id: string;
  /** As the lists show it, and as every command takes it (`show uv529a`). */
  shortId: string;
  startedAt: string;
  endedAt: string | null;
  agent: string;
  status: string;
  customer: { name: string | null; phone: string | null; account: string | null };
  category: string | null;
  outcome: string | null;
  paraphrase: string | null;
  ticket: string | null;
  openFollowups: number;
}

export function callToJson(call: CallSummary): CallListJson {
  return {
    id: call.id,
    shortId: shortId(call.id),
    startedAt: call.startedAt,
    endedAt: call.endedAt ?? null,
    agent: call.agent,
    status: call.status,
    customer: { name: call.customer.name ?? null, phone: call.customer.phone ?? null, account: call.customer.account ?? null },
    category: call.category ?? null,
    outcome: call.outcome ?? null,
    paraphrase: call.paraphrase ?? null,
    ticket: call.ticket ?? null,
    openFollowups: call.openFollowups.length,
  };
}

/** The start of a text cut at a word boundary (when there is one) to fit `width`, with an ellipsis. */
export function firstWords(text: string, width: number): string {
  const flat = oneLine(text);
  if (displayWidth(flat) <= width) return flat;
  const cut = fitWidth(flat, width - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > width / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The fewest characters of the problem a terminal's line keeps. */
const MIN_PROBLEM_WIDTH = 24;
/** Left out, in this order, while a terminal is too narrow for them and the problem: `show` gives them back. */
const DROPPED_WHEN_NARROW = ['PHONE', 'STATUS', 'AGENT', 'CATEGORY', 'TICKET'];

/** A padded table: fixed columns first, the paraphrase takes what is left of the line. */
export function renderCallList(calls: readonly CallSummary[], ctx: Context, total = calls.length): string {
  const color = colorsFor(ctx.stdout, ctx.env);
  const formatStarted = dateTimeFormatter(ctx.timeZone);
  // The ticket column only when a call has one; the agent's when the calls are not all one agent's.
  const withTicket = calls.some((call) => call.ticket);
  const withAgent = calls.some((call) => call.agent !== calls[0]!.agent);
  const columnsShown: Array<[string, (call: CallSummary) => string]> = [
    ['ID', (call) => call.id.slice(-6)],
    ...(withTicket ? [['TICKET', (call: CallSummary) => oneLine(call.ticket ?? '-', 16)] as [string, (call: CallSummary) => string]] : []),
    ['STARTED', (call) => formatStarted(new Date(call.startedAt))],
    ...(withAgent ? [['AGENT', (call: CallSummary) => oneLine(call.agent, 16)] as [string, (call: CallSummary) => string]] : []),
    ['STATUS', (call) => call.status],
    ['CUSTOMER', (call) => oneLine(call.customer.name ?? '-', 24)],
    ['PHONE', (call) => oneLine(call.customer.phone ?? '-', 18)],
    ['CATEGORY', (call) => oneLine(call.category ?? '-', 16)],
    ['OUTCOME', (call) => oneLine(call.outcome ?? '-', 14)],
  ];
  const header = columnsShown.map(([name]) => name);
  // A list can have thousands of rows: one array per column rather than one per row, and
  // each column's width kept as it fills rather than found again over all its cells.
  const columns = header.map(() => new Array<string>(calls.length));
  // Each cell's width, measured once: padding it needs it again.
  const cellWidths = header.map(() => new Uint16Array(calls.length));
  const widths = header.map((name) => name.length);
  calls.forEach((call, row) => {
    for (let column = 0; column < columnsShown.length; column++) {
      const cell = columnsShown[column]![1](call);
      columns[column]![row] = cell;
      const width = displayWidth(cell);
      cellWidths[column]![row] = width;
      if (width > widths[column]!) widths[column] = width;
    }
  });
  // On a terminal the problem fills the line; piped, the first 60 characters or so. A
  // terminal too narrow for every column and some of the problem loses the columns it can
  // best do without, so that a call stays one line.
  const shown = header.map((_, column) => column);
  const usedBy = (columns: number[]) => columns.reduce((sum, column) => sum + widths[column]! + 2, 0);
  if (ctx.stdout.columns) {
    for (const name of DROPPED_WHEN_NARROW) {
      if (usedBy(shown) + MIN_PROBLEM_WIDTH < ctx.stdout.columns) break;
      const column = header.indexOf(name);
      if (column >= 0) shown.splice(shown.indexOf(column), 1);
    }
  }
  const used = usedBy(shown);
  const problemWidth = ctx.stdout.columns ? Math.max(MIN_PROBLEM_WIDTH, ctx.stdout.columns - used - 1) : 60;
  // Every cell is followed by the spaces up to its column's width and the two between columns.
  const spaces = Array.from({ length: Math.max(...widths) + 3 }, (_, n) => ' '.repeat(n));
  let text = `${color.dim(`${shown.map((column) => header[column]! + spaces[widths[column]! - header[column]!.length + 2]!).join('')}PROBLEM`)}\n`;
  calls.forEach((call, row) => {
    let line = '';
    for (const column of shown) line += columns[column]![row]! + spaces[widths[column]! - cellWidths[column]![row]! + 2]!;
    // A problem never ends in a space: only a line without one has padding to drop.
    const problem = firstWords(call.paraphrase ?? '', problemWidth);
    line = problem === '' ? line.trimEnd() : line + problem;
    text += `${call.status === 'in-progress' ? color.yellow(line) : line}\n`;
  });
  const more = total > calls.length ? ` (the newest ${calls.length} of ${total})` : '';
  return `${text}${color.dim(`${plural(calls.length, 'call')}${more}`)}\n`;
}
