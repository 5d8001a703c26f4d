import { OUTCOMES } from '../playbook/types.js';

/**
 * The figures of `csr-call stats`, and the small rules shared by whatever computes them
 * (the index's SQL; a plain scan of the files in the tests' oracle).
 *
 * Which calls count ("in scope"): started in [from, to) and, unless every agent is asked
 * for, taken by `agent`. Outcome figures (outcomes, first-contact resolution, hand-offs,
 * handle time, time per stage, mood turnaround) count completed calls only; calls per
 * day, repeat callers, categories and follow-ups count every call in scope.
 */
export interface StatsScope {
  now: Date;
  /** The agent's zone: days for "calls per day", and the end of an all-day follow-up's day. */
  timeZone: string;
  /** Only this agent's calls; undefined: every agent's. */
  agent?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export const TOP_CATEGORIES = 5;

/** A share: `count` of `of`, and `rate` = count / of (null when `of` is 0). */
export interface Share {
  count: number;
  of: number;
  rate: number | null;
}

export interface StageTime {
  playbook: string;
  stage: string;
  calls: number;
  totalSeconds: number;
  meanSeconds: number;
}

export interface CallStats {
  calls: { total: number; completed: number; inProgress: number };
  /** Completed calls by outcome: the built-in outcomes first (even at 0), then others by count; `(none)` when not recorded. */
  byOutcome: Array<{ outcome: string; count: number }>;
  /** Completed calls resolved, with no call from the same customer (phone or account) about the same category in the 7 days before. */
  firstCallResolution: Share & { resolved: number };
  /** Completed calls escalated or transferred. */
  handedOff: Share;
  /** endedAt − startedAt of completed calls, seconds to a tenth (median and 90th percentile, linear interpolation). */
  handleTime: { calls: number; medianSeconds: number | null; p90Seconds: number | null };
  /** Seconds per stage over the completed calls that went through it, per playbook (by id), stages in the order calls go through them. */
  stages: StageTime[];
  /**
   * Follow-ups of the calls in scope. Each completion (a repeating follow-up has several)
   * is on time when done by the due time in force then (after snoozes; all-day ones by the
   * end of that day); `overdue`: still open past due at `now`.
   */
  followups: { doneOnTime: number; doneLate: number; overdue: number; open: number; cancelled: number };
  /** Completed calls that started angry/upset, and how many of them ended calm, happy or neutral. */
  moodTurnaround: Share;
  /**
   * Customers with more than one call in scope, and those calls. A customer is every call
   * linked by a shared phone or account (in the whole store); calls with neither are not counted.
   */
  repeatCallers: { customers: number; calls: number };
  /** Most frequent problem categories (every call in scope, case ignored), at most five. */
  topCategories: Array<{ category: string; count: number }>;
  /** Calls per day in the agent's zone, every day of the range (zeros included). */
  perDay: Array<{ day: string; calls: number }>;
}

export function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? null : count / of };
}

/** Seconds to a tenth: enough for people, and no float noise in the JSON. */
export function tenths(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** The built-in outcomes first (even at 0), then the others by count, then name. */
export function outcomeList(counts: ReadonlyMap<string, number>): CallStats['byOutcome'] {
  const known = new Set<string>(OUTCOMES.map((o) => o.value));
  return [
    ...OUTCOMES.map((o) => ({ outcome: o.value as string, count: counts.get(o.value) ?? 0 })),
    ...[...counts]
      .filter(([outcome]) => !known.has(outcome))
      .map(([outcome, count]) => ({ outcome, count }))
      .sort(byCountThenName((x) => x.outcome)),
  ];
}

export function byCountThenName<T extends { count: number }>(name: (item: T) => string) {
  return (a: T, b: T) => b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/**
 * Every day from the first to the last of the range (`YYYY-MM-DD` in the agent's zone),
 * zeros included: from `from`'s day, or the first day with a call; to `to`'s last day, or
 * today (or the last day with a call, if later).
 */
export function perDaySeries(
  counts: ReadonlyMap<string, number>,
  bounds: { firstDay: string | undefined; lastDay: string | undefined; today: string; openEnded: boolean },
): CallStats['perDay'] {
  const keys = [...counts.keys()].sort();
  let first = bounds.firstDay ?? keys[0];
  let last = bounds.lastDay ?? keys[keys.length - 1];
  if (first === undefined || last === undefined) return [];
  if (bounds.openEnded && bounds.today > last) last = bounds.today;
  if (keys[0] !== undefined && keys[0] < first) first = keys[0];
  const series: CallStats['perDay'] = [];
  for (let day = first; day <= last; day = nextDay(day)) series.push({ day, calls: counts.get(day) ?? 0 });
  return series;
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
