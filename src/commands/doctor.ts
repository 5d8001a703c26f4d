import { relative } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { checkStore, fixStore, type StoreProblem, type StoreReport } from '../store/storeCheck.js';
import type { OptionsOf } from '../commandSpec.js';
import type { doctorOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { plural } from '../text/plural.js';

export type DoctorOptions = OptionsOf<typeof doctorOptions>;

/**
 * `csr-call doctor [--fix]`: every problem in the store with what to do about it; with
 * --fix, repairs what is safe (never a call file) and lists what is left for a person.
 */
export async function doctorCommand(options: DoctorOptions, ctx: Context): Promise<void> {
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = (line: string) => ctx.stdout.write(`${line}\n`);
  const show = (path: string) => oneLine(relative(ctx.dataDir, path) || ctx.dataDir);

  const result = options.fix ? await fixStore(ctx.dataDir, { warn: ctx.warn }) : undefined;
  const report = result ? result.after : await checkStore(ctx.dataDir, { warn: ctx.warn });
  if (options.json) {
    writeJson(ctx, doctorJson(report, result));
    if (report.problems.length > 0) throw new UserError(`the store needs attention: ${plural(report.problems.length, 'problem')} (in the JSON above)`, 1);
    return;
  }
  if (result) {
    for (const problem of result.fixed) write(`${color.green('fixed')}  ${show(problem.path)}: ${fixedText(problem)}`);
    for (const { problem, error } of result.failed) write(`${color.red('could not fix')}  ${show(problem.path)}: ${oneLine(error)}`);
  }

  if (!report.exists) {
    write(`no store yet at ${oneLine(ctx.dataDir)} (0 calls): nothing to check`);
    return;
  }
  if (report.problems.length === 0) {
    write(`${color.green('✓')} store is healthy (${plural(report.calls, 'call')}) in ${oneLine(ctx.dataDir)}`);
    return;
  }
  for (const problem of report.problems) {
    write(`${color.red('✗')} ${show(problem.path)}: ${oneLine(problem.problem)}`);
    write(`  ${color.dim('fix:')} ${oneLine(problem.fix)}`);
  }
  const fixable = report.problems.filter((p) => p.autoFix).length;
  const hint = fixable > 0 && !options.fix ? `; ${fixable} can be repaired with csr-call doctor --fix` : '';
  write('');
  write(`${plural(report.problems.length, 'problem')} in ${oneLine(ctx.dataDir)} (${plural(report.calls, 'readable call')})${hint}`);
  throw new UserError(`the store needs attention: ${plural(report.problems.length, 'problem')} listed above`, 1);
}

/** `doctor --json`: the findings, and with --fix what was repaired and what could not be. */
function doctorJson(report: StoreReport, result: Awaited<ReturnType<typeof fixStore>> | undefined) {
  const problemJson = (p: StoreProblem) => ({ kind: p.kind, path: p.path, problem: p.problem, fix: p.fix, autoFix: p.autoFix?.action ?? null });
  return {
    dataDir: report.dataDir,
    exists: report.exists,
    calls: report.calls,
    healthy: report.problems.length === 0,
    problems: report.problems.map(problemJson),
    fixed: result ? result.fixed.map((p) => ({ ...problemJson(p), done: fixedText(p) })) : null,
    failed: result ? result.failed.map(({ problem, error }) => ({ ...problemJson(problem), error })) : null,
  };
}

function fixedText(problem: StoreProblem): string {
  const fix = problem.autoFix!;
  if (fix.action === 'chmod') return `mode set to 0${fix.mode.toString(8)}`;
  return problem.kind === 'temp-file' ? 'removed stray temporary file' : 'removed stale lock';
}
