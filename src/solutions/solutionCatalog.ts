/**
 * The prepared solutions of a call: its playbook's and its team's (solutions.ts in the
 * playbook folder), ranked by their records in the index. The team's file is loaded on
 * first use, never before the first question; a broken one is said once and the
 * playbook's solutions are offered alone.
 */
import type { Context } from '../context.js';
import type { Playbook, Solution } from '../playbook/types.js';
import type { SolutionCatalog } from '../engine/runCall.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { solutionRecords } from '../store/index/craftQueries.js';
import { mergeSolutions, rankSolutions, type SolutionRecord } from './rankSolutions.js';

/** Every solution a call with this playbook may offer (the team's file read now); problems with the file are warned. */
export async function solutionsFor(playbook: Pick<Playbook, 'solutions'>, ctx: Context): Promise<Solution[]> {
  return mergeSolutions(playbook.solutions ?? [], await teamSolutions(ctx));
}

/** The team's file, read once per command (a scripted call runs twice: a dry run first). */
let teamRead: { key: string; solutions: Promise<Solution[]> } | undefined;

function teamSolutions(ctx: Context): Promise<Solution[]> {
  const key = `${ctx.dataDir}\u0000${ctx.env.CSR_CALL_PLAYBOOKS ?? ''}`;
  if (teamRead?.key !== key) {
    const solutions = (async () => {
      const { loadTeamSolutions } = await import('../playbook/loadPlaybook.js');
      try {
        return (await loadTeamSolutions({ ...ctx.env, CSR_CALL_HOME: ctx.dataDir })).solutions;
      } catch (error) {
        ctx.warn(`${(error as Error).message}; offering the playbook's solutions only`);
        return [];
      }
    })();
    teamRead = { key, solutions };
  }
  return teamRead.solutions;
}

/** `records`: rank by the solutions' records in the index (else in their written order). */
export function solutionCatalog(playbook: Pick<Playbook, 'solutions'>, ctx: Context, { records: useRecords = true } = {}): SolutionCatalog {
  let all: Promise<Solution[]> | undefined;
  const load = () => (all ??= solutionsFor(playbook, ctx));
  return {
    async rankedFor(category) {
      const solutions = await load();
      if (solutions.length === 0) return [];
      const records = useRecords ? await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => solutionRecords(index, category)) : new Map<string, SolutionRecord>();
      return rankSolutions(solutions, category, records);
    },
    async byId(id) {
      return (await load()).find((s) => s.id === id);
    },
  };
}
