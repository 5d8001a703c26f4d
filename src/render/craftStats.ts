/**
 * The craft's sections of `stats` (coaching, time off the line, promises, prepared
 * solutions, per agent) and the table of `stats --causes`, as plain text.
 */
import type { ChalkInstance } from 'chalk';
import type { Share } from '../stats/callStats.js';
import type { CauseStats, CraftStats, PromiseTally } from '../stats/craftStats.js';
import { oneLine } from './terminalText.js';
import { plural } from '../text/plural.js';

const percent = (share: Share) => (share.rate === null ? '—' : `${Math.round(share.rate * 100)}%`);
const LABEL = 24;

/** '31 of 40  78%  (6 late, 3 broken; 5 not due yet)'. */
export function describePromises(p: PromiseTally): string {
  const settled = p.kept + p.late + p.broken;
  if (settled + p.pending === 0) return '—';
  return `${p.kept} of ${settled} kept on time  ${percent(p.keptRate)}  (${p.late} late, ${p.broken} broken${p.pending ? `; ${p.pending} not due yet` : ''})`;
}

export function renderCraftStats(craft: CraftStats, { colors: c, allAgents }: { colors: ChalkInstance; allAgents: boolean }): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(LABEL)}${value}`);
  const heading = (text: string) => lines.push('', c.bold(text));

  heading('The craft');
  const nudges = craft.coaching.reduce((sum, r) => sum + r.count, 0);
  row('Coaching nudges', nudges === 0 ? 'none' : `${nudges}: ${craft.coaching.map((r) => `${r.rule} ${r.count}`).join(', ')}`);
  const { holds, overruns } = craft.holds;
  row('Time off the line', holds === 0 ? 'none' : `${plural(holds, 'hold')}, ${overruns > 0 ? c.red(`${overruns} ran over`) : '0 ran over'} the time given`);
  row('Promises', describePromises(craft.promises));

  const solutions = craft.solutions.slice(0, 10);
  if (solutions.length) {
    heading('Prepared solutions (offered · chosen · resolved at the first contact · their promises)');
    const width = Math.min(32, Math.max(...solutions.map((s) => s.id.length)));
    for (const s of solutions) {
      const promises = s.promises.keptRate.of ? `  promises ${s.promises.kept} of ${s.promises.keptRate.of} kept` : '';
      lines.push(`  ${oneLine(s.id, 32).padEnd(width)} ${String(s.offered).padStart(5)} · ${String(s.chosen).padStart(4)} · ${String(s.resolved).padStart(4)}${promises}`);
    }
    if (craft.solutions.length > solutions.length) lines.push(c.dim(`  … and ${craft.solutions.length - solutions.length} more (--json, or csr-call solutions)`));
  }

  if (allAgents && craft.byAgent.length > 1) {
    heading('By agent (nudges · holds, ran over · promises kept)');
    const width = Math.min(24, Math.max(...craft.byAgent.map((a) => a.agent.length)));
    for (const a of craft.byAgent) {
      const kept = a.promises.keptRate.of ? `${a.promises.kept} of ${a.promises.keptRate.of}  ${percent(a.promises.keptRate)}` : '—';
      lines.push(`  ${oneLine(a.agent, 24).padEnd(width)} ${String(a.coaching).padStart(5)} · ${String(a.holds).padStart(4)}, ${String(a.overruns).padStart(3)} · ${kept}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `stats --causes`: the causes most worth fixing first, with their categories, repeat calls and escalations. */
export function renderCauses(stats: CauseStats, { colors: c, title, limit = 20 }: { colors: ChalkInstance; title: string; limit?: number }): string {
  const lines = [c.bold(title)];
  if (stats.causes.length === 0) {
    lines.push('No root cause recorded on these calls.');
    return `${lines.join('\n')}\n`;
  }
  const shown = stats.causes.slice(0, limit);
  const width = Math.min(44, Math.max(5, ...shown.map((cause) => oneLine(cause.cause, 44).length)));
  lines.push(c.dim(`  ${'cause'.padEnd(width)}  calls  repeat  escalated  categories`));
  for (const cause of shown) {
    const categories = cause.categories.map((k) => `${oneLine(k.category, 20)} ${k.calls}`).join(', ');
    const repeat = cause.repeatCalls > 0 ? c.yellow(String(cause.repeatCalls).padStart(6)) : String(cause.repeatCalls).padStart(6);
    lines.push(`  ${oneLine(cause.cause, 44).padEnd(width)}  ${String(cause.calls).padStart(5)}  ${repeat}  ${String(cause.escalated).padStart(9)}  ${categories}`);
  }
  if (stats.causes.length > shown.length) lines.push(c.dim(`  … and ${stats.causes.length - shown.length} more (--json for all)`));
  lines.push(c.dim('  Repeat: the customer had called about the same category in the week before. Causes are grouped by their words (case, punctuation, plurals aside).'));
  return `${lines.join('\n')}\n`;
}
