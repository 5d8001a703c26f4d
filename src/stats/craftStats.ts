/**
 * The figures of the craft (issue 16) that `stats` adds: coaching nudges, time off the
 * line, promises kept, prepared solutions, and (`stats --causes`) the root causes. Which
 * calls count is the same as for the other figures (callStats.ts, "in scope"): every call
 * started in the range, of the agent asked for.
 */
import { byCountThenName, share, type Share } from './callStats.js';

/** Dated promises by what became of them (promiseKeeping.ts); `keptRate`: kept of those settled or broken. */
export interface PromiseTally {
  kept: number;
  late: number;
  broken: number;
  pending: number;
  keptRate: Share;
}

export interface CraftStats {
  /** Nudges by rule, most frequent first (a rule nudges at most once a call: these are calls). */
  coaching: Array<{ rule: string; count: number }>;
  /** Times off the line, and those that ran past the time the customer was given. */
  holds: { holds: number; overruns: number };
  promises: PromiseTally;
  /** Per agent (their name as the index keys it: lower case). */
  byAgent: Array<{ agent: string; coaching: number; holds: number; overruns: number; promises: PromiseTally }>;
  /** Per prepared solution: calls it was offered on, chosen on, chosen on and resolved at the first contact; promises of the calls that chose it. */
  solutions: Array<{ id: string; offered: number; chosen: number; resolved: number; promises: PromiseTally }>;
}

export interface CauseStats {
  /** Root causes, most calls first (then most repeat calls): what to fix first. */
  causes: Array<{
    /** As the earliest call with it wrote it. */
    cause: string;
    /** What calls are grouped by (rootCause.ts). */
    key: string;
    calls: number;
    /** Calls that were a repeat contact (the same customer called about the same category in the 7 days before). */
    repeatCalls: number;
    /** Calls escalated or transferred. */
    escalated: number;
    categories: Array<{ category: string; calls: number }>;
  }>;
}

export function promiseTally(kept: number, late: number, broken: number, pending: number): PromiseTally {
  return { kept, late, broken, pending, keptRate: share(kept, kept + late + broken) };
}

/**
 * One sum of the craft's figures over the calls in scope, as an engine's SQL gives it:
 * `coaching` (a: the rule), `hold`, `overrun` (a: ''), `offered`, `chosen`, `resolved`
 * (a: the solution; agent ''), `kept`, `late`, `cancelled`, and the promises still open
 * by now `broken` or `pending` (a: the solution chosen on their call, or '').
 */
export interface CraftCount {
  agent: string;
  kind: 'coaching' | 'hold' | 'overrun' | 'offered' | 'chosen' | 'resolved' | 'kept' | 'late' | 'cancelled' | 'broken' | 'pending';
  a: string;
  n: number;
}

/** The craft's figures from their sums (the team database's: teamCraftQueries.ts), ordered as `stats` shows them. */
export function craftStatsFromCounts(counts: Iterable<CraftCount>): CraftStats {
  type Tally = { kept: number; late: number; broken: number; pending: number };
  const blank = (): Tally => ({ kept: 0, late: 0, broken: 0, pending: 0 });
  const agents = new Map<string, { coaching: number; holds: number; overruns: number; promises: Tally }>();
  const agentOf = (key: string) => agents.get(key) ?? agents.set(key, { coaching: 0, holds: 0, overruns: 0, promises: blank() }).get(key)!;
  const rules = new Map<string, number>();
  const solutions = new Map<string, { offered: number; chosen: number; resolved: number; promises: Tally }>();
  const solutionOf = (id: string) => solutions.get(id) ?? solutions.set(id, { offered: 0, chosen: 0, resolved: 0, promises: blank() }).get(id)!;
  const total = blank();
  const holds = { holds: 0, overruns: 0 };
  const promise = (agent: string, solution: string, state: keyof Tally, n: number) => {
    agentOf(agent).promises[state] += n;
    total[state] += n;
    if (solution !== '') solutionOf(solution).promises[state] += n;
  };
  for (const { agent, kind, a, n } of counts) {
    if (n === 0) continue;
    switch (kind) {
      case 'coaching':
        rules.set(a, (rules.get(a) ?? 0) + n);
        agentOf(agent).coaching += n;
        break;
      case 'hold':
        holds.holds += n;
        agentOf(agent).holds += n;
        break;
      case 'overrun':
        holds.overruns += n;
        agentOf(agent).overruns += n;
        break;
      case 'offered':
      case 'chosen':
      case 'resolved':
        solutionOf(a)[kind] += n;
        break;
      case 'kept':
      case 'late':
      case 'broken':
      case 'pending':
        promise(agent, a, kind, n);
        break;
      case 'cancelled':
        promise(agent, a, 'broken', n);
        break;
    }
  }
  const tally = (t: Tally) => promiseTally(t.kept, t.late, t.broken, t.pending);
  return {
    coaching: [...rules].map(([rule, count]) => ({ rule, count })).sort(byCountThenName((x) => x.rule)),
    holds,
    promises: tally(total),
    byAgent: [...agents]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([agent, entry]) => ({ agent, coaching: entry.coaching, holds: entry.holds, overruns: entry.overruns, promises: tally(entry.promises) })),
    solutions: [...solutions]
      .map(([id, entry]) => ({ id, offered: entry.offered, chosen: entry.chosen, resolved: entry.resolved, promises: tally(entry.promises) }))
      .sort((x, y) => y.offered - x.offered || y.chosen - x.chosen || (x.id < y.id ? -1 : 1)),
  };
}

/** The calls with one root cause (by key) and one category key ('': none), as an engine's SQL gives them. */
export interface CauseCount {
  key: string;
  category: string;
  calls: number;
  repeatCalls: number;
  escalated: number;
}

/**
 * `stats --causes` from its sums, ordered as shown. `spelling`: a cause key's and a
 * category key's text as the store's earliest call with it wrote it.
 */
export function causeStatsFromCounts(counts: Iterable<CauseCount>, spelling: { cause: (key: string) => string | undefined; category: (key: string) => string | undefined }): CauseStats {
  const causes = new Map<string, { calls: number; repeatCalls: number; escalated: number; categories: Map<string, number> }>();
  for (const row of counts) {
    if (row.calls === 0) continue;
    const entry = causes.get(row.key) ?? causes.set(row.key, { calls: 0, repeatCalls: 0, escalated: 0, categories: new Map() }).get(row.key)!;
    entry.calls += row.calls;
    entry.repeatCalls += row.repeatCalls;
    entry.escalated += row.escalated;
    entry.categories.set(row.category, (entry.categories.get(row.category) ?? 0) + row.calls);
  }
  return {
    causes: [...causes]
      .map(([key, entry]) => ({
        cause: spelling.cause(key) ?? key,
        key,
        calls: entry.calls,
        repeatCalls: entry.repeatCalls,
        escalated: entry.escalated,
        categories: [...entry.categories]
          .map(([category, calls]) => ({ category: category === '' ? '(none)' : (spelling.category(category) ?? category), calls }))
          .sort((x, y) => y.calls - x.calls || (x.category < y.category ? -1 : 1)),
      }))
      .sort((x, y) => y.calls - x.calls || y.repeatCalls - x.repeatCalls || (x.key < y.key ? -1 : 1)),
  };
}
