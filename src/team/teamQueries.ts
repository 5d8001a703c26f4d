/**
 * The lead's view, answered by SQL in the team database: `list --team`, `search --team`,
 * `stats --team [--by agent]`. Row-level security decides whose calls a role sees (an
 * agent: their own; a lead: everyone's); these queries never filter by role themselves.
 */
import type { CallRecord } from '../domain/callRecord.js';
import type { CallSummary } from '../domain/callSummary.js';
import { agentKey } from '../domain/agents.js';
import { FIRST_CALL_WINDOW_DAYS } from '../domain/callFacts.js';
import { nameKey, phonesMatch, phoneTail } from '../domain/customerKeys.js';
import type { SearchTerm } from '../store/index/ftsQuery.js';
import type { CallFilter, SearchHit } from '../store/index/indexQueries.js';
import { HIT_END, HIT_START } from '../store/index/indexQueries.js';
import { byCountThenName, outcomeList, perDaySeries, share, tenths, TOP_CATEGORIES, type CallStats, type StatsScope } from '../stats/callStats.js';
import type { TeamDb } from './teamDb.js';
import { foldText, searchedText, unfoldSnippet } from './teamRows.js';

export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(clause: string, ...values: unknown[]): void {
    let text = clause;
    for (const value of values) {
      this.params.push(value);
      text = text.replace('?', `$${this.params.length}`);
    }
    this.clauses.push(text);
  }
  /** `$n` of one more parameter. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

export function scopeWhere(scope: { agent?: string; from?: Date; to?: Date }, alias = 'c'): Where {
  const where = new Where();
  if (scope.agent !== undefined) where.add(`${alias}.agent_key = ?`, agentKey(scope.agent));
  if (scope.from) where.add(`${alias}.started >= ?`, scope.from.toISOString());
  if (scope.to) where.add(`${alias}.started < ?`, scope.to.toISOString());
  return where;
}

export async function listTeamCalls(db: TeamDb, filter: CallFilter): Promise<CallSummary[]> {
  const where = scopeWhere(filter);
  if (filter.status) where.add('c.completed = ?', filter.status === 'completed');
  // As the local index: a call in progress that has its outcome answered is found too.
  if (filter.outcome !== undefined) {
    where.add("(lower(c.outcome) = lower(?) OR (NOT c.completed AND lower(trim(c.summary->>'outcome')) = lower(?)))", filter.outcome.trim(), filter.outcome.trim());
  }
  if (filter.category !== undefined) where.add('c.category_key = ?', filter.category.trim().toLowerCase());
  // A number is looked up as the local index does: by its last seven digits, then compared whole.
  if (filter.phone !== undefined) where.add('right(c.phone_key, 7) = ?', phoneTail(filter.phone) ?? '');
  if (filter.customer !== undefined) where.add("c.name_key LIKE ? ESCAPE '\\'", `%${(nameKey(filter.customer) ?? '').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
  const limit = where.param(filter.phone === undefined ? (filter.limit ?? 500) : 10_000);
  const rows = await db.query<{ summary: CallSummary }>(`SELECT c.summary FROM csr_call.calls AS c ${where.sql} ORDER BY c.started DESC, c.id DESC LIMIT ${limit}`, where.params);
  const calls = rows.map((r) => r.summary);
  if (filter.phone === undefined) return calls;
  return calls.filter((call) => phonesMatch(filter.phone, call.customer.phone)).slice(0, filter.limit ?? 500);
}

/** The terms as a tsquery of the 'simple' configuration over folded text: every term, phrases in order, prefix:*. */
export function tsQueryOf(terms: readonly SearchTerm[]): string {
  return terms
    .map((term) => {
      const words = term.words.map((w) => foldText(w)).filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
      if (words.length === 0) return undefined;
      if (term.prefix) words[words.length - 1] = `${words[words.length - 1]}:*`;
      return words.length === 1 ? words[0] : `(${words.join(' <-> ')})`;
    })
    .filter(Boolean)
    .join(' & ');
}

export async function searchTeamCalls(db: TeamDb, terms: readonly SearchTerm[], scope: { agent?: string; from?: Date; to?: Date; limit: number }): Promise<SearchHit[]> {
  const query = tsQueryOf(terms);
  if (!query) return [];
  const where = scopeWhere(scope);
  const q = where.param(query);
  where.add(`c.search @@ to_tsquery('simple', ${q})`);
  const limit = where.param(scope.limit);
  const rows = await db.query<{ summary: CallSummary; record: CallRecord; snippet: string; rank: number }>(
    `SELECT c.summary, c.record, ts_rank(c.search, to_tsquery('simple', ${q})) AS rank,
       ts_headline('simple', c.search_text, to_tsquery('simple', ${q}), 'StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=14, MinWords=6, MaxFragments=1') AS snippet
     FROM csr_call.calls AS c ${where.sql} ORDER BY rank DESC, c.started DESC LIMIT ${limit}`,
    where.params,
  );
  // The snippet is cut from the folded text the search looks through: shown in the call's own words.
  return rows.map((r) => ({ call: r.summary, snippet: unfoldSnippet(searchedText(r.record), r.snippet, HIT_START, HIT_END), rank: -r.rank }));
}

interface Totals {
  calls: string;
  completed: string;
  resolved: string;
  first_contact: string;
  handed_off: string;
  upset: string;
  turned: string;
  fu_on_time: string | null;
  fu_late: string | null;
  fu_cancelled: string | null;
  fu_open: string | null;
  handled: string;
  median: number | null;
  p90: number | null;
}

/**
 * Whether call `c` is a repeat contact: the same customer (phone or account) called about
 * the same category (or an unknown one) in the days before. As the local index decides it.
 */
export const REPEAT_CONTACT = `EXISTS (
    SELECT 1 FROM csr_call.calls AS e WHERE e.id <> c.id AND e.started < c.started AND e.started >= c.started - interval '${FIRST_CALL_WINDOW_DAYS} days'
      AND ((c.phone_key IS NOT NULL AND e.phone_key = c.phone_key) OR (c.account_key IS NOT NULL AND e.account_key = c.account_key))
      AND (e.category_key IS NULL OR c.category_key IS NULL OR e.category_key = c.category_key))`;

/** The aggregate columns of a team stats query, over calls `c` (first contact: as the local index decides it). */
const TOTALS = `
  count(*) AS calls,
  count(*) FILTER (WHERE c.completed) AS completed,
  count(*) FILTER (WHERE c.resolved) AS resolved,
  count(*) FILTER (WHERE c.resolved AND NOT ${REPEAT_CONTACT}) AS first_contact,
  count(*) FILTER (WHERE c.handed_off) AS handed_off,
  count(*) FILTER (WHERE c.upset) AS upset,
  count(*) FILTER (WHERE c.turned) AS turned,
  sum(c.fu_on_time) AS fu_on_time, sum(c.fu_late) AS fu_late, sum(c.fu_cancelled) AS fu_cancelled, sum(c.fu_open) AS fu_open,
  count(c.duration) AS handled,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY c.duration) AS median,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY c.duration) AS p90`;

const n = (value: string | number | null | undefined) => Number(value ?? 0);

/** Open follow-ups of the calls in scope past their deadline (an all-day one: the end of its day). */
function overdueSql(where: Where, timeZone: string, now: Date): string {
  const tz = where.param(timeZone);
  const at = where.param(now.toISOString());
  return `SELECT ${'c.agent_key'}, count(*) AS n FROM csr_call.followups AS f JOIN csr_call.calls AS c ON c.id = f.call_id
    ${where.sql ? `${where.sql} AND` : 'WHERE'} f.status = 'open'
    AND (CASE WHEN f.all_day THEN (((f.due AT TIME ZONE coalesce(f.time_zone, ${tz}))::date + 1)::timestamp AT TIME ZONE coalesce(f.time_zone, ${tz})) - interval '1 millisecond' ELSE f.due END) < ${at}
    GROUP BY c.agent_key`;
}

export async function teamStats(db: TeamDb, scope: StatsScope): Promise<CallStats> {
  const base = () => scopeWhere(scope);
  const totalsWhere = base();
  const [totals] = await db.query<Totals>(`SELECT ${TOTALS} FROM csr_call.calls AS c ${totalsWhere.sql}`, totalsWhere.params);

  const dayWhere = base();
  const tz = dayWhere.param(scope.timeZone);
  const perDay = new Map<string, number>();
  for (const row of await db.query<{ day: string; n: string }>(`SELECT to_char(c.started AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS day, count(*) AS n FROM csr_call.calls AS c ${dayWhere.sql} GROUP BY 1`, dayWhere.params)) {
    perDay.set(row.day, n(row.n));
  }

  const outcomeWhere = base();
  outcomeWhere.add('c.completed');
  const outcomes = new Map<string, number>();
  for (const row of await db.query<{ outcome: string; n: string }>(`SELECT c.outcome, count(*) AS n FROM csr_call.calls AS c ${outcomeWhere.sql} GROUP BY c.outcome`, outcomeWhere.params)) {
    outcomes.set(row.outcome, n(row.n));
  }

  const categoryWhere = base();
  categoryWhere.add('c.category_key IS NOT NULL');
  const categories = (
    await db.query<{ category: string; n: string }>(
      `SELECT (array_agg(c.category ORDER BY c.started))[1] AS category, count(*) AS n FROM csr_call.calls AS c ${categoryWhere.sql} GROUP BY c.category_key`,
      categoryWhere.params,
    )
  )
    .map((row) => ({ category: row.category, count: n(row.n) }))
    .sort(byCountThenName((x) => x.category))
    .slice(0, TOP_CATEGORIES);

  const stageWhere = base();
  stageWhere.add('c.completed');
  stageWhere.add('c.stages IS NOT NULL');
  const stages = (
    await db.query<{ playbook: string; stage: string; position: number; calls: string; seconds: number }>(
      `SELECT c.playbook, s.value->>0 AS stage, min(s.position) AS position, count(*) AS calls, sum((s.value->>1)::float8) AS seconds
       FROM csr_call.calls AS c, jsonb_array_elements(c.stages) WITH ORDINALITY AS s(value, position) ${stageWhere.sql}
       GROUP BY c.playbook, s.value->>0 ORDER BY c.playbook, position, stage`,
      stageWhere.params,
    )
  ).map((row) => ({ playbook: row.playbook, stage: row.stage, calls: n(row.calls), totalSeconds: row.seconds, meanSeconds: tenths(row.seconds / n(row.calls))! }));

  const overdueWhere = base();
  const overdue = (await db.query<{ n: string }>(overdueSql(overdueWhere, scope.timeZone, scope.now), overdueWhere.params)).reduce((sum, row) => sum + n(row.n), 0);

  const repeatWhere = base();
  repeatWhere.add('(c.phone_key IS NOT NULL OR c.account_key IS NOT NULL)');
  const [repeat] = await db.query<{ customers: string; calls: string }>(
    `SELECT count(*) AS customers, coalesce(sum(k), 0) AS calls FROM (SELECT count(*) AS k FROM csr_call.calls AS c ${repeatWhere.sql}
     GROUP BY coalesce('p:' || c.phone_key, 'a:' || c.account_key) HAVING count(*) > 1) AS r`,
    repeatWhere.params,
  );

  const [today] = await db.query<{ day: string }>(`SELECT to_char($1::timestamptz AT TIME ZONE $2, 'YYYY-MM-DD') AS day`, [scope.now.toISOString(), scope.timeZone]);
  const [bounds] = await db.query<{ first: string | null; last: string | null }>(
    `SELECT to_char($1::timestamptz AT TIME ZONE $3, 'YYYY-MM-DD') AS first, to_char(($2::timestamptz - interval '1 millisecond') AT TIME ZONE $3, 'YYYY-MM-DD') AS last`,
    [scope.from?.toISOString() ?? null, scope.to?.toISOString() ?? null, scope.timeZone],
  );
  const completed = n(totals?.completed);
  const total = n(totals?.calls);
  return {
    calls: { total, completed, inProgress: total - completed },
    byOutcome: outcomeList(outcomes),
    firstCallResolution: { ...share(n(totals?.first_contact), completed), resolved: n(totals?.resolved) },
    handedOff: share(n(totals?.handed_off), completed),
    handleTime: { calls: n(totals?.handled), medianSeconds: tenths(totals?.median ?? null), p90Seconds: tenths(totals?.p90 ?? null) },
    stages,
    followups: { doneOnTime: n(totals?.fu_on_time), doneLate: n(totals?.fu_late), overdue, open: n(totals?.fu_open), cancelled: n(totals?.fu_cancelled) },
    moodTurnaround: share(n(totals?.turned), n(totals?.upset)),
    repeatCallers: { customers: n(repeat?.customers), calls: n(repeat?.calls) },
    topCategories: categories,
    perDay: perDaySeries(perDay, { firstDay: bounds?.first ?? undefined, lastDay: bounds?.last ?? undefined, today: today!.day, openEnded: scope.to === undefined }),
  };
}

export interface AgentStats {
  agent: string;
  calls: number;
  completed: number;
  firstCallResolution: ReturnType<typeof share>;
  handedOff: ReturnType<typeof share>;
  handleTime: { calls: number; medianSeconds: number | null; p90Seconds: number | null };
  followups: { doneOnTime: number; doneLate: number; overdue: number; open: number };
  moodTurnaround: ReturnType<typeof share>;
}

/** The two statements of `stats --team --by agent` (the bench runs the same with psql). */
export function byAgentStatements(scope: StatsScope): Array<{ text: string; params: unknown[] }> {
  const where = scopeWhere(scope);
  const overdueWhere = scopeWhere(scope);
  return [
    { text: `SELECT c.agent_key, ${TOTALS} FROM csr_call.calls AS c ${where.sql} GROUP BY c.agent_key ORDER BY c.agent_key`, params: where.params },
    { text: overdueSql(overdueWhere, scope.timeZone, scope.now), params: overdueWhere.params },
  ];
}

/** `stats --team --by agent`: the same figures, one row per agent, in one pass over the calls. */
export async function teamStatsByAgent(db: TeamDb, scope: StatsScope): Promise<AgentStats[]> {
  const [totals, overdueQuery] = byAgentStatements(scope);
  const rows = await db.query<Totals & { agent_key: string }>(totals!.text, totals!.params);
  const overdue = new Map((await db.query<{ agent_key: string; n: string }>(overdueQuery!.text, overdueQuery!.params)).map((r) => [r.agent_key, n(r.n)]));
  return rows.map((r) => ({
    agent: r.agent_key,
    calls: n(r.calls),
    completed: n(r.completed),
    firstCallResolution: share(n(r.first_contact), n(r.completed)),
    handedOff: share(n(r.handed_off), n(r.completed)),
    handleTime: { calls: n(r.handled), medianSeconds: tenths(r.median), p90Seconds: tenths(r.p90) },
    followups: { doneOnTime: n(r.fu_on_time), doneLate: n(r.fu_late), overdue: overdue.get(r.agent_key) ?? 0, open: n(r.fu_open) },
    moodTurnaround: share(n(r.turned), n(r.upset)),
  }));
}
