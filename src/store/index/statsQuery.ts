/**
 * `stats` answered by SQL: sums from the per-day rollups (kept by triggers, so a range of
 * years is a few thousand rows whatever the number of calls), and from the call rows only
 * what cannot be summed (quantiles of handle time, repeat customers, what is overdue now).
 */
import { agentKey } from '../../domain/agents.js';
import { byCountThenName, outcomeList, perDaySeries, share, tenths, TOP_CATEGORIES, type CallStats, type StatsScope } from '../../stats/callStats.js';
import { dayNumbering, dayText } from './indexRows.js';
import type { CallIndex } from './callIndex.js';
import type { SqlValue } from './sqlite.js';

/**
 * A scope's conditions: on the day sums (`agent_key`, `day`: the range's days, its bounds
 * being the starts of days in the index's zone) and on call rows (`c.agent_key`,
 * `c.started`). For stats and the craft's figures alike.
 */
export function scopeConditions(index: CallIndex, scope: StatsScope): { days: string[]; dayParams: SqlValue[]; calls: string[]; callParams: SqlValue[] } {
  const dayOf = dayNumbering(index.timeZone);
  const days: string[] = [];
  const dayParams: SqlValue[] = [];
  const calls: string[] = [];
  const callParams: SqlValue[] = [];
  if (scope.agent !== undefined) {
    days.push('agent_key = ?');
    dayParams.push(agentKey(scope.agent));
    calls.push('c.agent_key = ?');
    callParams.push(agentKey(scope.agent));
  }
  if (scope.from) {
    days.push('day >= ?');
    dayParams.push(dayOf(scope.from.getTime()));
    calls.push('c.started >= ?');
    callParams.push(scope.from.getTime());
  }
  if (scope.to) {
    days.push('day < ?');
    dayParams.push(dayOf(scope.to.getTime()));
    calls.push('c.started < ?');
    callParams.push(scope.to.getTime());
  }
  return { days, dayParams, calls, callParams };
}

export function statsOf(index: CallIndex, scope: StatsScope): CallStats {
  const dayOf = dayNumbering(index.timeZone);
  const { days, dayParams, calls, callParams } = scopeConditions(index, scope);
  const inDays = days.length ? `WHERE ${days.join(' AND ')}` : '';
  const inCalls = calls.length ? `AND ${calls.join(' AND ')}` : '';
  const num = (value: SqlValue | undefined) => (typeof value === 'number' ? value : 0);

  const totals =
    index.sql(
      `SELECT sum(calls) AS calls, sum(completed) AS completed, sum(resolved) AS resolved, sum(first_contact) AS first_contact,
       sum(handed_off) AS handed_off, sum(upset) AS upset, sum(turned) AS turned, sum(fu_on_time) AS fu_on_time,
       sum(fu_late) AS fu_late, sum(fu_cancelled) AS fu_cancelled, sum(fu_open) AS fu_open FROM day_calls ${inDays}`,
    ).get(...dayParams) ?? {};

  const perDay = new Map<string, number>();
  for (const row of index.sql(`SELECT day, sum(calls) AS n FROM day_calls ${inDays} GROUP BY day HAVING sum(calls) > 0`).iterate(...dayParams)) {
    perDay.set(dayText(row.day as number), row.n as number);
  }

  const outcomes = new Map<string, number>();
  for (const row of index.sql(`SELECT outcome, sum(n) AS n FROM day_outcomes ${inDays} GROUP BY outcome HAVING sum(n) > 0`).iterate(...dayParams)) {
    outcomes.set(row.outcome as string, row.n as number);
  }

  // A category is shown as its earliest call in the store wrote it.
  const spelling = index.sql('SELECT category FROM calls WHERE category_key = ? ORDER BY started LIMIT 1');
  const categories = index
    .sql(`SELECT category_key, sum(n) AS n FROM day_categories ${inDays} GROUP BY category_key HAVING sum(n) > 0`)
    .all(...dayParams)
    .map((row) => ({ category: spelling.get(row.category_key as string)!.category as string, count: row.n as number }))
    .sort(byCountThenName((x) => x.category))
    .slice(0, TOP_CATEGORIES);

  const stages = index
    .sql(
      `SELECT playbook, stage, min(position) AS position, sum(n) AS n, sum(seconds) AS seconds FROM day_stages ${inDays}
       GROUP BY playbook, stage HAVING sum(n) > 0 ORDER BY playbook, position, stage`,
    )
    .all(...dayParams)
    .map((row) => ({
      playbook: row.playbook as string,
      stage: row.stage as string,
      calls: row.n as number,
      totalSeconds: row.seconds as number,
      meanSeconds: tenths((row.seconds as number) / (row.n as number))!,
    }));

  const handle =
    index.sql(
      `SELECT count(duration) AS n, percentile_cont(duration, 0.5) AS median, percentile_cont(duration, 0.9) AS p90
       FROM calls AS c WHERE duration IS NOT NULL ${inCalls}`,
    ).get(...callParams) ?? {};

  const overdue = index.sql(
    `SELECT count(*) AS n FROM open_followups AS f JOIN calls AS c ON c.n = f.call WHERE f.deadline < ? ${inCalls}`,
  ).get(scope.now.getTime(), ...callParams)?.n;

  const repeat =
    index.sql(
      `SELECT count(*) AS customers, sum(k) AS calls FROM (SELECT count(*) AS k FROM calls AS c WHERE customer IS NOT NULL ${inCalls} GROUP BY customer HAVING k > 1)`,
    ).get(...callParams) ?? {};

  const completed = num(totals.completed);
  const total = num(totals.calls);
  const todayDay = dayText(dayOf(scope.now.getTime()));
  return {
    calls: { total, completed, inProgress: total - completed },
    byOutcome: outcomeList(outcomes),
    firstCallResolution: { ...share(num(totals.first_contact), completed), resolved: num(totals.resolved) },
    handedOff: share(num(totals.handed_off), completed),
    handleTime: {
      calls: num(handle.n),
      medianSeconds: tenths((handle.median as number | null | undefined) ?? null),
      p90Seconds: tenths((handle.p90 as number | null | undefined) ?? null),
    },
    stages,
    followups: {
      doneOnTime: num(totals.fu_on_time),
      doneLate: num(totals.fu_late),
      overdue: num(overdue),
      open: num(totals.fu_open),
      cancelled: num(totals.fu_cancelled),
    },
    moodTurnaround: share(num(totals.turned), num(totals.upset)),
    repeatCallers: { customers: num(repeat.customers), calls: num(repeat.calls) },
    topCategories: categories,
    perDay: perDaySeries(perDay, {
      firstDay: scope.from ? dayText(dayOf(scope.from.getTime())) : undefined,
      lastDay: scope.to ? dayText(dayOf(scope.to.getTime() - 1)) : undefined,
      today: todayDay,
      openEnded: scope.to === undefined,
    }),
  };
}
