/**
 * The craft's figures (issue 16) of `stats --team` and `stats --team --causes`, summed by
 * SQL in the team database over the `craft` column each call's row carries: the call's
 * craft facts as `callFacts` decided them when it was sent (teamRows.ts). Nothing here
 * decides a rule again: SQL only counts what the facts say, in the scope of `stats`,
 * and the sums are laid out by the same code as the figures' other engine would
 * (stats/craftStats.ts). Row-level security decides whose calls a role sees.
 */
import type { StatsScope } from '../stats/callStats.js';
import { causeStatsFromCounts, craftStatsFromCounts, type CauseStats, type CraftCount, type CraftStats } from '../stats/craftStats.js';
import type { TeamDb } from './teamDb.js';
import { REPEAT_CONTACT, scopeWhere } from './teamQueries.js';
import { TEAM_FACTS_VERSION } from './teamRows.js';

const int = (key: string) => `coalesce((c.craft->>'${key}')::int, 0)`;

/** The one statement of the craft's sums: rows of (kind, agent_key, a, n), none zero. */
export function craftCountsStatement(scope: StatsScope): { text: string; params: unknown[] } {
  const where = scopeWhere(scope);
  where.add('c.craft IS NOT NULL');
  const now = where.param(scope.now.getTime());
  // A solution is "resolved" on a call resolved at the first contact (not a repeat contact).
  const text = `
WITH c AS MATERIALIZED (
  SELECT c.agent_key, c.craft, nullif(c.craft->>'chosen', '') AS chosen,
    (c.resolved AND nullif(c.craft->>'chosen', '') IS NOT NULL AND NOT ${REPEAT_CONTACT}) AS first_contact
  FROM csr_call.calls AS c ${where.sql}
)
SELECT kind, agent_key, a, n FROM (
  SELECT 'coaching' AS kind, c.agent_key, r.rule AS a, count(*) AS n FROM c, jsonb_array_elements_text(c.craft->'coaching') AS r(rule) GROUP BY c.agent_key, r.rule
  UNION ALL SELECT 'hold', c.agent_key, '', sum(${int('holds')}) FROM c GROUP BY c.agent_key
  UNION ALL SELECT 'overrun', c.agent_key, '', sum(${int('overruns')}) FROM c GROUP BY c.agent_key
  UNION ALL SELECT 'offered', '', o.id, count(*) FROM c, jsonb_array_elements_text(c.craft->'offered') AS o(id) GROUP BY o.id
  UNION ALL SELECT 'chosen', '', c.chosen, count(*) FROM c WHERE c.chosen IS NOT NULL GROUP BY c.chosen
  UNION ALL SELECT 'resolved', '', c.chosen, count(*) FROM c WHERE c.first_contact GROUP BY c.chosen
  UNION ALL SELECT 'kept', c.agent_key, coalesce(c.chosen, ''), sum(${int('promisesKept')}) FROM c GROUP BY 2, 3
  UNION ALL SELECT 'late', c.agent_key, coalesce(c.chosen, ''), sum(${int('promisesLate')}) FROM c GROUP BY 2, 3
  UNION ALL SELECT 'cancelled', c.agent_key, coalesce(c.chosen, ''), sum(${int('promisesCancelled')}) FROM c GROUP BY 2, 3
  -- A promise still open is broken once its deadline has passed.
  UNION ALL SELECT CASE WHEN d.deadline::float8 < ${now}::float8 THEN 'broken' ELSE 'pending' END, c.agent_key, coalesce(c.chosen, ''), count(*)
    FROM c, jsonb_array_elements_text(c.craft->'openPromiseDeadlines') AS d(deadline) GROUP BY 1, 2, 3
) AS counts WHERE n <> 0`;
  return { text, params: where.params };
}

/** `stats --team`'s craft: coaching nudges, time off the line, promises, prepared solutions, per agent. */
export async function teamCraftStats(db: TeamDb, scope: StatsScope): Promise<CraftStats> {
  const { text, params } = craftCountsStatement(scope);
  const rows = await db.query<{ kind: CraftCount['kind']; agent_key: string; a: string; n: string | number }>(text, params);
  return craftStatsFromCounts(rows.map((row) => ({ agent: row.agent_key, kind: row.kind, a: row.a, n: Number(row.n) })));
}

/** `stats --team --causes`: the root causes of the calls in scope, grouped by key, spelled as the team's earliest call with each wrote it. */
export async function teamCauseStats(db: TeamDb, scope: StatsScope): Promise<CauseStats> {
  const where = scopeWhere(scope);
  where.add("(c.craft->>'causeKey') IS NOT NULL");
  const rows = await db.query<{ key: string; category: string; calls: string; repeat_calls: string; escalated: string; cause: string | null; category_text: string | null }>(
    `WITH k AS (
       SELECT c.craft->>'causeKey' AS key, coalesce(c.category_key, '') AS category, count(*) AS calls,
         count(*) FILTER (WHERE ${REPEAT_CONTACT}) AS repeat_calls, count(*) FILTER (WHERE c.handed_off) AS escalated
       FROM csr_call.calls AS c ${where.sql} GROUP BY 1, 2
     )
     SELECT k.*,
       (SELECT e.craft->>'cause' FROM csr_call.calls AS e WHERE (e.craft->>'causeKey') = k.key ORDER BY e.started, e.id LIMIT 1) AS cause,
       (SELECT e.category FROM csr_call.calls AS e WHERE e.category_key = k.category ORDER BY e.started, e.id LIMIT 1) AS category_text
     FROM k`,
    where.params,
  );
  const causes = new Map(rows.map((row) => [row.key, row.cause ?? undefined]));
  const categories = new Map(rows.map((row) => [row.category, row.category_text ?? undefined]));
  return causeStatsFromCounts(
    rows.map((row) => ({ key: row.key, category: row.category, calls: Number(row.calls), repeatCalls: Number(row.repeat_calls), escalated: Number(row.escalated) })),
    { cause: (key) => causes.get(key), category: (key) => categories.get(key) },
  );
}

/** Calls in scope whose rows an older csr-call sent, without the craft's facts: left out of these figures until their agent's next `team sync`. */
export async function callsWithoutCraft(db: TeamDb, scope: StatsScope): Promise<number> {
  const where = scopeWhere(scope);
  where.add(`c.facts_version < ?`, TEAM_FACTS_VERSION);
  const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM csr_call.calls AS c ${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}
