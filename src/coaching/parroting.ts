import type { CoachingRule } from './coachingRule.js';
import { wordsOf } from './words.js';

/**
 * A read-back copies the notes when at least this share of its word pairs (two words in a
 * row) are found in a row in the listening notes. A paraphrase shares words with the
 * notes (the refund, the card) but seldom their order: "You were billed twice and want
 * the second charge back" shares 1 of 10 pairs with "charged twice for november, wants
 * refund of second charge".
 */
export const PARROTING_SHARE = 0.6;
/** Shorter read-backs are not judged: three words leave little room for other words. */
export const PARROTING_MIN_WORDS = 4;

function pairsOf(words: readonly string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < words.length; i++) pairs.push(`${words[i]} ${words[i + 1]}`);
  return pairs;
}

/** The share of the read-back's word pairs found in the notes (0 to 1). */
export function copiedShare(readBack: string, notes: string): number {
  const pairs = pairsOf(wordsOf(readBack));
  if (pairs.length === 0) return 0;
  const noted = new Set(pairsOf(wordsOf(notes)));
  return pairs.filter((pair) => noted.has(pair)).length / pairs.length;
}

/** The craft: summarise back in your own words (paraphrase, not parrot). */
export const parroting: CoachingRule = {
  id: 'parroting',
  meanings: ['problem.paraphrase'],
  check({ text, record }) {
    const notes = record.problem.story;
    if (!notes || wordsOf(text).length < PARROTING_MIN_WORDS) return undefined;
    if (copiedShare(text, notes) < PARROTING_SHARE) return undefined;
    return 'That read-back is mostly their words as noted: say it back in yours, so they hear that you understood.';
  },
};
