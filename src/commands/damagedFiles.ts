import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { DamagedFile } from '../domain/callSummary.js';
import { plural } from '../text/plural.js';

/**
 * How the lists treat damaged call files: one warning line each (file and problem) on
 * stderr, the rest still shown; with `--strict`, exit 1 once the output is printed.
 */
export function warnDamaged(damaged: readonly DamagedFile[], ctx: Pick<Context, 'warn'>): void {
  for (const file of damaged) ctx.warn(`skipped damaged call file ${file.path}: ${file.problem}`);
}

export function failIfStrict(damaged: readonly DamagedFile[], strict: boolean | undefined): void {
  if (strict && damaged.length > 0) {
    throw new UserError(`${plural(damaged.length, 'damaged call file')} skipped (--strict): csr-call doctor lists them`, 1);
  }
}
