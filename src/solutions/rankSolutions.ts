/**
 * Which prepared solutions to show at the options step, and in what order: those that fit
 * the call's category, best first by how often each resolved such calls before (resolved
 * at the first contact after being offered), with a little doubt for the few-times
 * offered: (resolved + 1) / (offered + 2), so one lucky try does not outrank a solution
 * that worked 40 times in 50. Ties keep the order they are written in.
 */
import type { Solution } from '../playbook/types.js';
import type { RankedSolution } from '../engine/runCall.js';

/** How a solution did: calls it was offered on, chosen on, chosen on and resolved at the first contact. */
export interface SolutionRecord {
  offered: number;
  chosen: number;
  resolved: number;
}

/** At most this many are shown (typed by one digit). */
export const SOLUTIONS_SHOWN = 9;

export function fitsCategory(solution: Pick<Solution, 'categories'>, category: string | undefined): boolean {
  if (category === undefined) return true;
  const wanted = category.trim().toLowerCase();
  return solution.categories.some((c) => c.trim().toLowerCase() === wanted);
}

export function successScore(record: SolutionRecord | undefined): number {
  return ((record?.resolved ?? 0) + 1) / ((record?.offered ?? 0) + 2);
}

export function rankSolutions(
  solutions: readonly Solution[],
  category: string | undefined,
  records: ReadonlyMap<string, SolutionRecord>,
  limit = SOLUTIONS_SHOWN,
): RankedSolution[] {
  return solutions
    .map((solution, order) => ({ solution, order, record: records.get(solution.id) }))
    .filter(({ solution }) => fitsCategory(solution, category))
    .sort((a, b) => successScore(b.record) - successScore(a.record) || a.order - b.order)
    .slice(0, limit)
    .map(({ solution, record }) => ({ solution, offered: record?.offered ?? 0, chosen: record?.chosen ?? 0, resolved: record?.resolved ?? 0 }));
}

/** The playbook's solutions with the team's: a team solution with the same id replaces the playbook's. */
export function mergeSolutions(fromPlaybook: readonly Solution[], fromTeam: readonly Solution[]): Solution[] {
  const team = new Map(fromTeam.map((s) => [s.id, s]));
  return [...fromTeam, ...fromPlaybook.filter((s) => !team.has(s.id))];
}
