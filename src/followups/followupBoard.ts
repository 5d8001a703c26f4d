import type { FollowUp } from '../domain/callRecord.js';
import type { CallSummary } from '../domain/callSummary.js';
import { customerKeys } from '../domain/customerKeys.js';
import { agentKey } from '../domain/agents.js';
import { addDaysTo, calendarDayIn, startOfDayIn, wallTimeToInstant } from '../dates/zone.js';

/**
 * The morning list as data: open follow-ups grouped into overdue / today / upcoming as
 * of one instant, in the agent's time zone. Pure: no I/O, no clock, so the edges
 * (midnight, daylight-saving changes) are tested with plain table cases.
 *
 * Kept free of zod and heavy imports: it is on the start-up path of `csr-call followups`.
 */

export interface BoardOptions {
  /** The instant the list is drawn up for (now, or the start of the `--on` day). */
  asOf: Date;
  /** The agent's IANA zone: "today" is the agent's calendar day. */
  timeZone: string;
  /** How many days after today "upcoming" covers. */
  days: number;
  /** Only follow-ups owned by this agent; undefined for everyone's. */
  owner?: string;
  /**
   * Calls per customer key in the whole store (a customer with a key counting 2 or more
   * has called before). Counted from `calls` when not given.
   */
  callsPerCustomer?: ReadonlyMap<string, number>;
}

export interface BoardItem {
  followup: FollowUp;
  call: CallSummary;
  /** `followup.due` as epoch milliseconds. */
  dueMs: number;
  /** The customer (same phone or account) has more than one call in the store. */
  repeatCaller: boolean;
}

export interface FollowUpBoard {
  asOf: Date;
  /** Start of the agent's day containing `asOf`. */
  todayStart: Date;
  /** Start of the next day: `today` is [todayStart, tomorrowStart). */
  tomorrowStart: Date;
  /** End (exclusive) of the upcoming window: `upcoming` is [tomorrowStart, upcomingEnd). */
  upcomingEnd: Date;
  overdue: BoardItem[];
  today: BoardItem[];
  upcoming: BoardItem[];
  /** Open follow-ups due after the upcoming window (counted, not listed). */
  later: number;
}

/**
 * Start of the day `n` calendar days after the day `date` falls on, in `timeZone`:
 * counted in days, not 24-hour steps, so a 23- or 25-hour day (a daylight-saving change)
 * never shifts a boundary.
 */
export function startOfDayAfter(date: Date, n: number, timeZone: string): Date {
  const day = addDaysTo(calendarDayIn(date, timeZone), n);
  return startOfDayIn(wallTimeToInstant(day, { hour: 12, minute: 0 }, timeZone), timeZone);
}

/**
 * How many calls each customer key (see `customerKeys`) has among `calls`, counting only
 * the keys of customers with open follow-ups: a 100,000-call store costs one cheap pass
 * and a tiny map. (The index counts them in the whole store for the real command.)
 */
export function countCallsPerCustomer(calls: readonly CallSummary[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.openFollowups.length > 0) for (const key of customerKeys(call.customer)) counts.set(key, 0);
  }
  if (counts.size === 0) return counts;
  for (const call of calls) {
    if (!call.customer.phone && !call.customer.account) continue;
    for (const key of customerKeys(call.customer)) {
      const count = counts.get(key);
      if (count !== undefined) counts.set(key, count + 1);
    }
  }
  return counts;
}

/** Due time first; on a tie, customers who already called more than once; then id, for a stable order. */
export function compareBoardItems(a: BoardItem, b: BoardItem): number {
  if (a.dueMs !== b.dueMs) return a.dueMs - b.dueMs;
  if (a.repeatCaller !== b.repeatCaller) return a.repeatCaller ? -1 : 1;
  return a.followup.id < b.followup.id ? -1 : a.followup.id > b.followup.id ? 1 : 0;
}

/**
 * `calls` are the calls with open follow-ups (any others are skipped over); "today" is
 * the agent's calendar day containing `asOf`, so 23:59 yesterday is overdue and 00:00
 * today is today, on 23- and 25-hour days too.
 */
export function buildFollowUpBoard(calls: readonly CallSummary[], options: BoardOptions): FollowUpBoard {
  // `timeZone` is read only once something is due: it may be resolved lazily (see emptyBoard).
  const { asOf } = options;
  const owner = options.owner === undefined ? undefined : agentKey(options.owner);
  const picked: Array<{ followup: FollowUp; call: CallSummary; dueMs: number }> = [];
  for (const call of calls) {
    for (const followup of call.openFollowups) {
      if (followup.status !== 'open') continue;
      if (owner !== undefined && agentKey(followup.owner) !== owner) continue;
      const dueMs = Date.parse(followup.due);
      if (Number.isNaN(dueMs)) continue; // validated on the way in; never guess a date
      picked.push({ followup, call, dueMs });
    }
  }

  if (picked.length === 0) return emptyBoard(options);
  const timeZone = options.timeZone;

  const todayStart = startOfDayIn(asOf, timeZone);
  const tomorrowStart = startOfDayAfter(todayStart, 1, timeZone);
  const upcomingEnd = startOfDayAfter(todayStart, 1 + options.days, timeZone);
  const counts = options.callsPerCustomer ?? countCallsPerCustomer(calls);
  const isRepeat = (call: CallSummary) => customerKeys(call.customer).some((key) => (counts.get(key) ?? 0) > 1);
  const board: FollowUpBoard = { asOf, todayStart, tomorrowStart, upcomingEnd, overdue: [], today: [], upcoming: [], later: 0 };
  for (const item of picked) {
    const full: BoardItem = { ...item, repeatCaller: isRepeat(item.call) };
    if (item.dueMs < todayStart.getTime()) board.overdue.push(full);
    else if (item.dueMs < tomorrowStart.getTime()) board.today.push(full);
    else if (item.dueMs < upcomingEnd.getTime()) board.upcoming.push(full);
    else board.later += 1;
  }
  board.overdue.sort(compareBoardItems);
  board.today.sort(compareBoardItems);
  board.upcoming.sort(compareBoardItems);
  return board;
}

/**
 * Nothing open: the day boundaries are worked out only if something reads them (a zone
 * other than the machine's own costs Intl's start-up, ~25 ms, which an empty list need not pay).
 */
function emptyBoard(options: BoardOptions): FollowUpBoard {
  const { asOf, days } = options;
  let bounds: { todayStart: Date; tomorrowStart: Date; upcomingEnd: Date } | undefined;
  const boundaries = () => {
    if (bounds) return bounds;
    const timeZone = options.timeZone;
    const todayStart = startOfDayIn(asOf, timeZone);
    bounds = { todayStart, tomorrowStart: startOfDayAfter(todayStart, 1, timeZone), upcomingEnd: startOfDayAfter(todayStart, 1 + days, timeZone) };
    return bounds;
  };
  const board = { asOf, overdue: [], today: [], upcoming: [], later: 0 } as unknown as FollowUpBoard;
  for (const key of ['todayStart', 'tomorrowStart', 'upcomingEnd'] as const) {
    Object.defineProperty(board, key, { enumerable: true, get: () => boundaries()[key] });
  }
  return board;
}
