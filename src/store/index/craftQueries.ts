/**
 * What the craft of a call (issue 16) asks of the index: the agent's recent empathy lines,
 * how each prepared solution did, the craft's figures for `stats`, the root causes for
 * `stats --causes`. Sums come from `day_counts` (rollups.ts); the promises still open,
 * which break with time, from `promise_deadlines`.
 */
import { agentKey } from '../../domain/agents.js';
import { byCountThenName, type StatsScope } from '../../stats/callStats.js';
import { promiseTally, type CauseStats, type CraftStats } from '../../stats/craftStats.js';
import type { SolutionRecord } from '../../solutions/rankSolutions.js';
import type { CallIndex } from './callIndex.js';
import { scopeConditions } from './statsQuery.js';

/** This agent's empathy lines on their latest completed calls, newest first. */
export function recentEmpathyLines(index: CallIndex, agent: string, calls: number): string[] {
  return index
    .sql(`SELECT json_extract(craft, '$.empathy') AS line FROM calls WHERE agent_key = ? AND completed = 1 ORDER BY started DESC LIMIT ?`)
    .all(agentKey(agent), calls)
    .flatMap((row) => (typeof row.line === 'string' ? [row.line] : []));
}

/** Each solution's record over the whole store, on calls of `category` (case ignored) or of any category. */
export function solutionRecords(index: CallIndex, category?: string): Map<string, SolutionRecord> {
  const records = new Map<string, SolutionRecord>();
  const key = category?.trim().toLowerCase();
  const rows = index
    .sql(`SELECT kind, a, sum(n) AS n FROM day_counts WHERE kind IN ('offered', 'chosen', 'resolved') ${key !== undefined ? 'AND b = ?' : ''} GROUP BY kind, a`)
    .all(...(key !== undefined ? [key] : []));
  for (const row of rows) {
    const id = row.a as string;
    const entry = records.get(id) ?? { offered: 0, chosen: 0, resolved: 0 };
    entry[row.kind as keyof SolutionRecord] += row.n as number;
    records.set(id, entry);
  }
  return records;
}

/** A scope's conditions, each list to follow a WHERE of its own. */
function scopeAnd(index: CallIndex, scope: StatsScope) {
  const { days, dayParams, calls, callParams } = scopeConditions(index, scope);
  return { inDays: days.length ? `AND ${days.join(' AND ')}` : '', dayParams, inCalls: calls.length ? `AND ${calls.join(' AND ')}` : '', callParams };
}

export function craftStatsOf(index: CallIndex, scope: StatsScope): CraftStats {
  const { inDays, dayParams, inCalls, callParams } = scopeAnd(index, scope);
  const counts = index
    .sql(`SELECT agent_key, kind, a, sum(n) AS n FROM day_counts WHERE kind NOT LIKE 'cause%' ${inDays} GROUP BY agent_key, kind, a HAVING sum(n) != 0`)
    .all(...dayParams);
  const open = index
    .sql(
      `SELECT c.agent_key AS agent_key, c.solution AS solution, sum((c.deadline < ?) * c.n) AS broken, sum((c.deadline >= ?) * c.n) AS pending
       FROM promise_deadlines AS c WHERE 1 ${inCalls} GROUP BY 1, 2`,
    )
    .all(scope.now.getTime(), scope.now.getTime(), ...callParams);

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
  for (const row of counts) {
    const agent = row.agent_key as string;
    const a = row.a as string;
    const n = row.n as number;
    switch (row.kind) {
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
        solutionOf(a)[row.kind] += n;
        break;
      case 'kept':
      case 'late':
        promise(agent, a, row.kind, n);
        break;
      case 'cancelled':
        promise(agent, a, 'broken', n);
        break;
    }
  }
  for (const row of open) {
    promise(row.agent_key as string, row.solution as string, 'broken', row.broken as number);
    promise(row.agent_key as string, row.solution as string, 'pending', row.pending as number);
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

/** The root causes recorded on the calls in scope, grouped by key, with their categories, repeat calls and escalations. */
export function causeStatsOf(index: CallIndex, scope: StatsScope): CauseStats {
  const { inDays, dayParams } = scopeAnd(index, scope);
  const rows = index
    .sql(`SELECT kind, a, b, sum(n) AS n FROM day_counts WHERE kind IN ('cause', 'cause-repeat', 'cause-handoff') ${inDays} GROUP BY kind, a, b HAVING sum(n) != 0`)
    .all(...dayParams);
  const causes = new Map<string, { calls: number; repeatCalls: number; escalated: number; categories: Map<string, number> }>();
  for (const row of rows) {
    const key = row.a as string;
    const entry = causes.get(key) ?? causes.set(key, { calls: 0, repeatCalls: 0, escalated: 0, categories: new Map() }).get(key)!;
    const n = row.n as number;
    if (row.kind === 'cause') {
      entry.calls += n;
      const category = row.b as string;
      entry.categories.set(category, (entry.categories.get(category) ?? 0) + n);
    } else if (row.kind === 'cause-repeat') entry.repeatCalls += n;
    else entry.escalated += n;
  }
  // Shown as the store's earliest call wrote them.
  const causeSpelling = index.sql('SELECT cause FROM calls WHERE cause_key = ? ORDER BY started LIMIT 1');
  const categorySpelling = index.sql('SELECT category FROM calls WHERE category_key = ? ORDER BY started LIMIT 1');
  return {
    causes: [...causes]
      .map(([key, entry]) => ({
        cause: (causeSpelling.get(key)?.cause as string | undefined) ?? key,
        key,
        calls: entry.calls,
        repeatCalls: entry.repeatCalls,
        escalated: entry.escalated,
        categories: [...entry.categories]
          .map(([category, calls]) => ({ category: category === '' ? '(none)' : ((categorySpelling.get(category)?.category as string | undefined) ?? category), calls }))
          .sort((x, y) => y.calls - x.calls || (x.category < y.category ? -1 : 1)),
      }))
      .sort((x, y) => y.calls - x.calls || y.repeatCalls - x.repeatCalls || (x.key < y.key ? -1 : 1)),
  };
}
