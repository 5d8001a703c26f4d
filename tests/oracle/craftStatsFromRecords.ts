/**
 * The tests' oracle for the craft's figures (`stats` coaching, holds, promises, solutions;
 * `stats --causes`): a plain scan of call records, no SQL, no rollups. The per-call rules
 * are the domain's own (callFacts, promiseKeeping, rootCause): what is checked is how the
 * index adds them up.
 */
import type { CallRecord } from '../../src/domain/callRecord.js';
import { callFacts } from '../../src/domain/callFacts.js';
import { agentKey } from '../../src/domain/agents.js';
import { promiseStandings, promiseStateAt } from '../../src/domain/promiseKeeping.js';
import { byCountThenName, type StatsScope } from '../../src/stats/callStats.js';
import { promiseTally, type CauseStats, type CraftStats } from '../../src/stats/craftStats.js';
import { repeatContactIn } from './statsFromRecords.js';

type Tally = { kept: number; late: number; broken: number; pending: number };

export function craftStatsFromRecords(records: readonly CallRecord[], scope: StatsScope): { craft: CraftStats; causes: CauseStats } {
  const all = records.map((record) => ({ record, facts: callFacts(record, scope.timeZone) }));
  const repeat = repeatContactIn(all);
  const inScope = all.filter(
    ({ record, facts: f }) =>
      (scope.agent === undefined || agentKey(record.agent) === agentKey(scope.agent)) &&
      (!scope.from || f.startMs >= scope.from.getTime()) &&
      (!scope.to || f.startMs < scope.to.getTime()),
  );
  const blank = (): Tally => ({ kept: 0, late: 0, broken: 0, pending: 0 });
  const rules = new Map<string, number>();
  const holds = { holds: 0, overruns: 0 };
  const total = blank();
  const agents = new Map<string, { coaching: number; holds: number; overruns: number; promises: Tally }>();
  const solutions = new Map<string, { offered: number; chosen: number; resolved: number; promises: Tally }>();
  const solution = (id: string) => solutions.get(id) ?? solutions.set(id, { offered: 0, chosen: 0, resolved: 0, promises: blank() }).get(id)!;
  const causes = new Map<string, { calls: number; repeatCalls: number; escalated: number; categories: Map<string, number> }>();

  for (const { record, facts: f } of inScope) {
    const craft = f.craft;
    const key = agentKey(record.agent);
    const agent = agents.get(key) ?? agents.set(key, { coaching: 0, holds: 0, overruns: 0, promises: blank() }).get(key)!;
    const isRepeat = repeat(f, record.id);
    for (const rule of craft.coaching) {
      rules.set(rule, (rules.get(rule) ?? 0) + 1);
      agent.coaching++;
    }
    holds.holds += craft.holds;
    holds.overruns += craft.overruns;
    agent.holds += craft.holds;
    agent.overruns += craft.overruns;
    for (const id of craft.offered) solution(id).offered++;
    if (craft.chosen) {
      solution(craft.chosen).chosen++;
      if (f.resolved && !isRepeat) solution(craft.chosen).resolved++;
    }
    for (const promise of promiseStandings(record, scope.timeZone)) {
      const state = promiseStateAt(promise, scope.now);
      total[state]++;
      agent.promises[state]++;
      if (craft.chosen) solution(craft.chosen).promises[state]++;
    }
    if (craft.causeKey) {
      const entry = causes.get(craft.causeKey) ?? causes.set(craft.causeKey, { calls: 0, repeatCalls: 0, escalated: 0, categories: new Map() }).get(craft.causeKey)!;
      entry.calls++;
      if (isRepeat) entry.repeatCalls++;
      if (f.handedOff) entry.escalated++;
      const category = f.categoryKey ?? '';
      entry.categories.set(category, (entry.categories.get(category) ?? 0) + 1);
    }
  }
  // Shown as the store's earliest call wrote them.
  const earliest = [...all].sort((a, b) => a.facts.startMs - b.facts.startMs);
  const spelled = (pick: (f: (typeof all)[number]['facts']) => [string | undefined, string | undefined]) => {
    const map = new Map<string, string>();
    for (const { facts: f } of earliest) {
      const [key, text] = pick(f);
      if (key && !map.has(key)) map.set(key, text!);
    }
    return map;
  };
  const causeText = spelled((f) => [f.craft.causeKey, f.craft.cause]);
  const categoryText = spelled((f) => [f.categoryKey, f.category]);
  const tally = (t: Tally) => promiseTally(t.kept, t.late, t.broken, t.pending);
  const hasFigures = (t: { coaching: number; holds: number; overruns: number; promises: Tally }) =>
    t.coaching + t.holds + t.overruns + t.promises.kept + t.promises.late + t.promises.broken + t.promises.pending > 0;
  return {
    craft: {
      coaching: [...rules].map(([rule, count]) => ({ rule, count })).sort(byCountThenName((x) => x.rule)),
      holds,
      promises: tally(total),
      byAgent: [...agents]
        .filter(([, entry]) => hasFigures(entry))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([agent, entry]) => ({ agent, coaching: entry.coaching, holds: entry.holds, overruns: entry.overruns, promises: tally(entry.promises) })),
      solutions: [...solutions]
        .map(([id, entry]) => ({ id, offered: entry.offered, chosen: entry.chosen, resolved: entry.resolved, promises: tally(entry.promises) }))
        .sort((x, y) => y.offered - x.offered || y.chosen - x.chosen || (x.id < y.id ? -1 : 1)),
    },
    causes: {
      causes: [...causes]
        .map(([key, entry]) => ({
          cause: causeText.get(key)!,
          key,
          calls: entry.calls,
          repeatCalls: entry.repeatCalls,
          escalated: entry.escalated,
          categories: [...entry.categories]
            .map(([category, calls]) => ({ category: category === '' ? '(none)' : categoryText.get(category)!, calls }))
            .sort((x, y) => y.calls - x.calls || (x.category < y.category ? -1 : 1)),
        }))
        .sort((x, y) => y.calls - x.calls || y.repeatCalls - x.repeatCalls || (x.key < y.key ? -1 : 1)),
    },
  };
}
