import { oneLine } from '../render/terminalText.js';
import { plural } from '../text/plural.js';

/**
 * The words of the morning list that need no dates: kept apart from the date and colour
 * code so that `csr-call followups` with nothing open loads neither.
 */

/** The most `--days` accepts (about ten years). */
export const MAX_DAYS = 3660;

export const windowText = (days: number) => `the next ${plural(days, 'day')}`;

/** The one line for a list with nothing in it; `when` (' on Fri 27 Nov') and `later` (' (3 due later: ...)') are ready-made. */
export function nothingDueText(options: { owner: string | undefined; days: number; when?: string; later?: string }): string {
  const { owner } = options;
  const whose = owner === undefined ? 'anyone' : oneLine(owner, 40);
  return `Nothing to follow up for ${whose}${options.when ?? ''}: no open follow-ups overdue, today or in ${windowText(options.days)}${options.later ?? ''}.\n`;
}
