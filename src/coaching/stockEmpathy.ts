import type { CoachingRule } from './coachingRule.js';
import { normalizedLine } from './words.js';

/** How many of the agent's latest calls are looked at for an empathy line used again. */
export const STOCK_EMPATHY_RECENT_CALLS = 20;
/** The same line, word for word, in this many of those calls makes it a stock phrase. */
export const STOCK_EMPATHY_MIN_USES = 3;

/**
 * The craft: one sincere, personal sentence, no script voice. The same empathy line, word
 * for word (case and punctuation aside), in several of this agent's recent calls is nudged.
 */
export const stockEmpathy: CoachingRule = {
  id: 'stock-empathy',
  meanings: ['empathy'],
  check({ text, recentEmpathy }) {
    const line = normalizedLine(text);
    if (line === '') return undefined;
    const uses = recentEmpathy.filter((earlier) => normalizedLine(earlier) === line).length;
    if (uses < STOCK_EMPATHY_MIN_USES) return undefined;
    return `You said exactly this on ${uses} of your last ${STOCK_EMPATHY_RECENT_CALLS} calls: make it about what this means for this customer.`;
  },
};
