import type { CoachingRule } from './coachingRule.js';
import { says } from './words.js';

/** Words that sound like a commitment but hold none, or promise more than anyone controls. */
export const VAGUE = /\b(asap|as soon as possible|soon|shortly|guarantee[ds]?|guaranteeing|definitely)\b|\b100 ?%/;

/** The agent commits to something ("we will", "I'll", "going to"). */
const COMMITS = /\b(will|we'll|i'll|they'll|going to|shall)\b/;

const DAY_WORDS = '(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?|today|tonight|tomorrow|weekend|week|month';
const MONTHS = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
const NUMBER = '(\\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty)';
/** A day, a time or a span someone can hold us to: "fri", "by 10 dec", "within 2 days", "10:30", "3pm". */
export const DATED = new RegExp(
  [
    `\\b(${DAY_WORDS})\\b`,
    `\\b${MONTHS}\\b`,
    '\\b\\d{1,2}[:.h]\\d{2}\\b',
    '\\b\\d{1,2} ?(am|pm)\\b',
    '\\b\\d{4} \\d{1,2} \\d{1,2}\\b',
    '\\b\\d{1,2} \\d{1,2}( \\d{2,4})?\\b',
    `\\b(within|in|next|for) ${NUMBER} (working |business )?(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\\b`,
    `\\b${NUMBER} (working |business )?(days?|weeks?|hours?)\\b`,
    '\\b(end of (the )?(day|week|month)|eod|eow|noon|midday|this (morning|afternoon|evening))\\b',
  ].join('|'),
);

/**
 * The craft: never promise what cannot be delivered, and give every promise a date. A
 * promise or resolution with "ASAP", "soon", "guarantee", "100%", "definitely" is nudged,
 * and so is a resolution that commits to something with no day or time in it.
 */
export const vaguePromise: CoachingRule = {
  id: 'vague-promise',
  meanings: ['promise.text', 'resolution'],
  check({ text, meaning }) {
    if (says(text, VAGUE)) return 'Swap "soon", "ASAP" or "guaranteed" for a day and time you control, and say what happens if it slips.';
    if (meaning === 'resolution' && says(text, COMMITS) && !says(text, DATED)) return 'You committed to something here: give it a day or time they can hold you to.';
    return undefined;
  },
};
