/**
 * What the craft of a call (issue 16) asks of the index: the agent's recent empathy lines,
 * how each prepared solution did, the craft's figures for `stats`, the root causes for
 * `stats --causes`. Sums come from `day_counts`, or `total_counts` over all time
 * (rollups.ts); the promises still open, which break with time, from `promise_deadlines`.
 */
import { agentKey } from '../../domain/agents.js';
import type { StatsScope } from '../../stats/callStats.js';
import { causeStatsFromCounts, craftStatsFromCounts, type CauseCount, type CauseStats, type CraftCount, type CraftStats } from '../../stats/craftStats.js';
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
    .sql(`SELECT kind, a, sum(n) AS n FROM total_counts WHERE kind IN ('offered', 'chosen', 'resolved') ${key !== undefined ? 'AND b = ?' : ''} GROUP BY kind, a`)
    .all(...(key !== undefined ? [key] : []));
  for (const row of rows) {
    const id = row.a as string;
    const entry = records.get(id) ?? { offered: 0, chosen: 0, resolved: 0 };
    entry[row.kind as keyof SolutionRecord] += row.n as number;
    records.set(id, entry);
  }
  return records;
}

/**
 * A scope's conditions, each list to follow a WHERE of its own. `counts`: the table of
 * counters to sum, `total_counts` over all time (a few rows per agent), else `day_counts`.
 */
function scopeAnd(index: CallIndex, scope: StatsScope) {
  const { days, dayParams, calls, callParams } = scopeConditions(index, scope);
  const allTime = scope.from === undefined && scope.to === undefined;
  return {
    counts: allTime ? 'total_counts' : 'day_counts',
    // The only condition on all time is the agent's (scopeConditions' first).
    inDays: days.length ? `AND ${days.join(' AND ')}` : '',
    dayParams,
    inCalls: calls.length ? `AND ${calls.join(' AND ')}` : '',
    callParams,
  };
}

export function craftStatsOf(index: CallIndex, scope: StatsScope): CraftStats {
  const { counts: table, inDays, dayParams, inCalls, callParams } = scopeAnd(index, scope);
  const counts = index
    .sql(`SELECT agent_key, kind, a, sum(n) AS n FROM ${table} WHERE kind NOT LIKE 'cause%' ${inDays} GROUP BY agent_key, kind, a HAVING sum(n) != 0`)
    .all(...dayParams);
  const open = index
    .sql(
      `SELECT c.agent_key AS agent_key, c.solution AS solution, sum((c.deadline < ?) * c.n) AS broken, sum((c.deadline >= ?) * c.n) AS pending
       FROM promise_deadlines AS c WHERE 1 ${inCalls} GROUP BY 1, 2`,
    )
    .all(scope.now.getTime(), scope.now.getTime(), ...callParams);

  return craftStatsFromCounts(
    (function* (): Generator<CraftCount> {
      for (const row of counts) yield { agent: row.agent_key as string, kind: row.kind as CraftCount['kind'], a: row.a as string, n: row.n as number };
      for (const row of open) {
        yield { agent: row.agent_key as string, kind: 'broken', a: row.solution as string, n: row.broken as number };
        yield { agent: row.agent_key as string, kind: 'pending', a: row.solution as string, n: row.pending as number };
      }
    })(),
  );
}

/** The root causes recorded on the calls in scope, grouped by key, with their categories, repeat calls and escalations. */
export function causeStatsOf(index: CallIndex, scope: StatsScope): CauseStats {
  const { counts: table, inDays, dayParams } = scopeAnd(index, scope);
  const rows = index
    .sql(`SELECT kind, a, b, sum(n) AS n FROM ${table} WHERE kind IN ('cause', 'cause-repeat', 'cause-handoff') ${inDays} GROUP BY kind, a, b HAVING sum(n) != 0`)
    .all(...dayParams);
  // The three kinds share their keys (rollups.ts): one count per cause and category.
  const counts = new Map<string, CauseCount>();
  for (const row of rows) {
    const id = `${String(row.a)}\u0000${String(row.b)}`;
    const count = counts.get(id) ?? counts.set(id, { key: row.a as string, category: row.b as string, calls: 0, repeatCalls: 0, escalated: 0 }).get(id)!;
    const n = row.n as number;
    if (row.kind === 'cause') count.calls += n;
    else if (row.kind === 'cause-repeat') count.repeatCalls += n;
    else count.escalated += n;
  }
  // Shown as the store's earliest call wrote them.
  const causeSpelling = index.sql('SELECT cause FROM calls WHERE cause_key = ? ORDER BY started LIMIT 1');
  const categorySpelling = index.sql('SELECT category FROM calls WHERE category_key = ? ORDER BY started LIMIT 1');
  return causeStatsFromCounts(counts.values(), {
    cause: (key) => causeSpelling.get(key)?.cause as string | undefined,
    category: (key) => categorySpelling.get(key)?.category as string | undefined,
  });
}
