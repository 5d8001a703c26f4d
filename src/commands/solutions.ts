/**
 * `csr-call solutions [--category C] [--playbook NAME] [--json]`: the prepared solutions a
 * call offers (the playbook's and the team's solutions.ts), in the order the options step
 * shows them, with how often each was offered, chosen, and resolved the call at the first
 * contact (every agent's calls in this data directory).
 */
import type { Context } from '../context.js';
import type { OptionsOf } from '../commandSpec.js';
import type { solutionsOptions } from '../cli.js';
import { findPlaybook, loadTeamSolutions } from '../playbook/loadPlaybook.js';
import { playbookEnv } from '../call/callSession.js';
import { mergeSolutions, rankSolutions } from '../solutions/rankSolutions.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { solutionRecords } from '../store/index/craftQueries.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { writeJson } from '../render/jsonOutput.js';
import { plural } from '../text/plural.js';
import type { RankedSolution } from '../engine/runCall.js';

export type SolutionsOptions = OptionsOf<typeof solutionsOptions>;

export async function solutionsCommand(opts: SolutionsOptions, ctx: Context): Promise<void> {
  const env = playbookEnv(ctx);
  const { playbook } = await findPlaybook(opts.playbook ?? ctx.settings.get('playbook') ?? 'standard', env);
  // Here a broken team file is the answer asked for: its problem is the one line (exit 2).
  const team = await loadTeamSolutions(env);
  const fromTeam = new Set(team.solutions.map((s) => s.id));
  const all = mergeSolutions(playbook.solutions ?? [], team.solutions);
  const category = opts.category?.trim() || undefined;
  const records = await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => solutionRecords(index, category));
  const ranked = rankSolutions(all, category, records, Infinity);

  if (opts.json) {
    writeJson(ctx, {
      playbook: playbook.id,
      category: category ?? null,
      teamFile: team.source ?? null,
      solutions: ranked.map(({ solution, offered, chosen, resolved }) => ({
        ...solution,
        from: fromTeam.has(solution.id) ? 'team' : 'playbook',
        offered,
        chosen,
        resolved,
      })),
    });
    return;
  }
  ctx.stdout.write(renderSolutions(ranked, { playbook: playbook.id, category, teamFile: team.source !== undefined, fromTeam, colors: colorsFor(ctx.stdout, ctx.env) }));
}

function renderSolutions(
  ranked: readonly RankedSolution[],
  { playbook, category, teamFile, fromTeam, colors: c }: { playbook: string; category: string | undefined; teamFile: boolean; fromTeam: ReadonlySet<string>; colors: ReturnType<typeof colorsFor> },
): string {
  const where = `playbook ${playbook}${teamFile ? " and your team's solutions.ts" : ''}`;
  const title = `Prepared solutions${category ? ` for ${oneLine(category, 30)}` : ''} · ${where}`;
  if (ranked.length === 0) {
    return `${c.bold(title)}\n${category ? `None fits "${oneLine(category, 30)}"; csr-call solutions lists them all.` : 'None: a playbook\'s solutions: [...] or a solutions.ts in the playbook folder adds them.'}\n`;
  }
  const lines = [c.bold(title), c.dim(`  Best first, as a call${category ? ' of this category' : ''} offers them. On earlier calls${category ? ' of this category' : ''}: offered · chosen · resolved at the first contact.`), ''];
  for (const { solution, offered, chosen, resolved } of ranked) {
    const record = offered || chosen ? `offered ${offered} · chosen ${chosen} · resolved ${resolved}` : 'not offered yet';
    lines.push(`${c.bold(oneLine(solution.title, 60))}  ${c.dim(`${solution.id}${fromTeam.has(solution.id) ? ' (team)' : ''}`)}`);
    lines.push(`  ${record}  ·  fits ${solution.categories.map((k) => oneLine(k, 20)).join(', ')}`);
    lines.push(`  Say: "${oneLine(solution.script, 200)}"`);
    if (solution.needs) lines.push(`  Needs: ${oneLine(solution.needs, 100)}`);
    if (solution.promises) lines.push(`  Promises: ${oneLine(solution.promises.text, 80)} (due ${oneLine(solution.promises.due, 20)})`);
    lines.push('');
  }
  lines.push(c.dim(`${plural(ranked.length, 'solution')}. At a call's options step, type a solution's number to offer it; in an --answers file, its id.`));
  return `${lines.join('\n')}\n`;
}
