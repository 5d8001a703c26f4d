/**
 * The tests' oracle for `stats`: the figures worked out by a plain scan of call records,
 * with none of the index's machinery (no SQL, no rollups, no stored links), so that the
 * index's answers can be held to it. The per-call rules (what counts as upset, on time...)
 * are the domain's own (domain/callFacts): what is checked here is how they add up.
 */
import type { CallRecord } from '../../src/domain/callRecord.js';
import { callFacts, FIRST_CALL_WINDOW_MS, sameCategory, type CallFacts } from '../../src/domain/callFacts.js';
import { agentKey } from '../../src/domain/agents.js';
import { followUpDeadline } from '../../src/domain/callFacts.js';
import { calendarDayIn } from '../../src/dates/zone.js';
import { byCountThenName, outcomeList, perDaySeries, share, tenths, TOP_CATEGORIES, type CallStats, type StatsScope } from '../../src/stats/callStats.js';

/** Linear interpolation between closest ranks (as spreadsheets' PERCENTILE); null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function dayOf(ms: number, timeZone: string): string {
  const { year, month, day } = calendarDayIn(new Date(ms), timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whether a call is a repeat contact: the same customer called about the same category in the week before (among `facts`, the whole store). */
export function repeatContactIn(facts: ReadonlyArray<{ record: CallRecord; facts: CallFacts }>) {
  return (f: CallFacts, id: string) =>
    facts.some(
      ({ record: other, facts: o }) =>
        other.id !== id &&
        o.startMs < f.startMs &&
        o.startMs >= f.startMs - FIRST_CALL_WINDOW_MS &&
        ((f.phoneKey !== undefined && o.phoneKey === f.phoneKey) || (f.accountKey !== undefined && o.accountKey === f.accountKey)) &&
        sameCategory(o.categoryKey, f.categoryKey),
    );
}

/** `records`: every call in the store (links between customers and first contacts span it all). */
export function statsFromRecords(records: readonly CallRecord[], scope: StatsScope): CallStats {
  const facts = records.map((record) => ({ record, facts: callFacts(record, scope.timeZone) }));

  // Customers: calls linked by a shared phone or account key, across the whole store.
  const parent = new Map<string, string>();
  const find = (key: string): string => (parent.get(key) === key ? key : find(parent.get(key)!));
  for (const { facts: f } of facts) {
    const keys = [f.phoneKey && `p:${f.phoneKey}`, f.accountKey && `a:${f.accountKey}`].filter((k): k is string => !!k);
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    if (keys.length === 2 && find(keys[0]!) !== find(keys[1]!)) parent.set(find(keys[0]!), find(keys[1]!));
  }
  const customerOf = (f: (typeof facts)[number]['facts']) => {
    const key = f.phoneKey ? `p:${f.phoneKey}` : f.accountKey ? `a:${f.accountKey}` : undefined;
    return key && find(key);
  };

  const repeatContact = repeatContactIn(facts);

  const inScope = facts.filter(
    ({ record, facts: f }) =>
      (scope.agent === undefined || agentKey(record.agent) === agentKey(scope.agent)) &&
      (!scope.from || f.startMs >= scope.from.getTime()) &&
      (!scope.to || f.startMs < scope.to.getTime()),
  );

  // A category is shown as the store's earliest call with it wrote it.
  const spelling = new Map<string, string>();
  for (const { facts: f } of [...facts].sort((a, b) => a.facts.startMs - b.facts.startMs)) {
    if (f.categoryKey && !spelling.has(f.categoryKey)) spelling.set(f.categoryKey, f.category!);
  }
  const outcomes = new Map<string, number>();
  const categories = new Map<string, { category: string; count: number }>();
  const days = new Map<string, number>();
  const customers = new Map<string, number>();
  const stages = new Map<string, { playbook: string; stage: string; position: number; calls: number; totalSeconds: number }>();
  const durations: number[] = [];
  const totals = { completed: 0, resolved: 0, first: 0, handedOff: 0, upset: 0, turned: 0 };
  const followups = { doneOnTime: 0, doneLate: 0, overdue: 0, open: 0, cancelled: 0 };
  for (const { record, facts: f } of inScope) {
    const day = dayOf(f.startMs, scope.timeZone);
    days.set(day, (days.get(day) ?? 0) + 1);
    if (f.categoryKey) {
      const entry = categories.get(f.categoryKey);
      if (entry) entry.count++;
      else categories.set(f.categoryKey, { category: spelling.get(f.categoryKey)!, count: 1 });
    }
    const customer = customerOf(f);
    if (customer) customers.set(customer, (customers.get(customer) ?? 0) + 1);
    followups.doneOnTime += f.followups.doneOnTime;
    followups.doneLate += f.followups.doneLate;
    followups.cancelled += f.followups.cancelled;
    followups.open += f.followups.open;
    for (const followup of record.followups) {
      if (followup.status === 'open' && scope.now.getTime() > followUpDeadline(followup, Date.parse(followup.due), scope.timeZone)) followups.overdue++;
    }
    if (!f.completed) continue;
    totals.completed++;
    outcomes.set(f.outcome!, (outcomes.get(f.outcome!) ?? 0) + 1);
    if (f.resolved) {
      totals.resolved++;
      if (!repeatContact(f, record.id)) totals.first++;
    }
    if (f.handedOff) totals.handedOff++;
    if (f.upsetStart) totals.upset++;
    if (f.turned) totals.turned++;
    if (f.durationSeconds !== undefined) durations.push(f.durationSeconds);
    f.stageSeconds.forEach(([stage, seconds], position) => {
      const key = `${record.playbook.id}\u0000${stage}`;
      const entry = stages.get(key) ?? { playbook: record.playbook.id, stage, position, calls: 0, totalSeconds: 0 };
      entry.calls++;
      entry.totalSeconds += seconds;
      entry.position = Math.min(entry.position, position);
      stages.set(key, entry);
    });
  }
  const sorted = durations.sort((a, b) => a - b);
  const repeat = [...customers.values()].filter((n) => n > 1);
  return {
    calls: { total: inScope.length, completed: totals.completed, inProgress: inScope.length - totals.completed },
    byOutcome: outcomeList(outcomes),
    firstCallResolution: { ...share(totals.first, totals.completed), resolved: totals.resolved },
    handedOff: share(totals.handedOff, totals.completed),
    handleTime: { calls: sorted.length, medianSeconds: tenths(quantile(sorted, 0.5)), p90Seconds: tenths(quantile(sorted, 0.9)) },
    stages: [...stages.values()]
      .sort((a, b) => (a.playbook < b.playbook ? -1 : a.playbook > b.playbook ? 1 : a.position - b.position || (a.stage < b.stage ? -1 : 1)))
      .map(({ playbook, stage, calls, totalSeconds }) => ({ playbook, stage, calls, totalSeconds, meanSeconds: tenths(totalSeconds / calls)! })),
    followups,
    moodTurnaround: share(totals.turned, totals.upset),
    repeatCallers: { customers: repeat.length, calls: repeat.reduce((a, b) => a + b, 0) },
    topCategories: [...categories.values()].sort(byCountThenName((x) => x.category)).slice(0, TOP_CATEGORIES),
    perDay: perDaySeries(days, {
      firstDay: scope.from ? dayOf(scope.from.getTime(), scope.timeZone) : undefined,
      lastDay: scope.to ? dayOf(scope.to.getTime() - 1, scope.timeZone) : undefined,
      today: dayOf(scope.now.getTime(), scope.timeZone),
      openEnded: scope.to === undefined,
    }),
  };
}
