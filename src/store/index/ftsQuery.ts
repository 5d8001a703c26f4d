import { UserError } from '../../errors.js';

/**
 * What an agent types after `csr-call search`, as an FTS5 query: every word must occur
 * (in any of the searched fields), `"quoted words"` must occur together in that order, and
 * `refun*` matches any word starting so. Nothing the agent types is taken as FTS5's own
 * syntax (AND, NEAR, column filters, brackets): each word is quoted, so a customer's
 * "don't" or "C++" is searched for, not parsed. Case and accents never matter (the
 * index's tokenizer folds both).
 */
export interface SearchTerm {
  /** Words to find next to each other (one word: just that word). */
  words: string[];
  /** The last word may be the start of a longer one (`refun*`). */
  prefix: boolean;
}

/** Letters and digits in any script: what the index's tokenizer keeps of a text. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export function parseSearchText(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  // "a phrase", or a bare word (with a * right after it for a prefix).
  const part = /"([^"]*)"(\*)?|([^\s"]+)/g;
  for (const match of text.matchAll(part)) {
    const phrase = match[1];
    const raw = phrase ?? match[3]!;
    const words = raw.match(WORD) ?? [];
    if (words.length === 0) continue;
    const prefix = phrase !== undefined ? match[2] === '*' : raw.endsWith('*');
    if (phrase !== undefined) terms.push({ words, prefix });
    // A bare word with punctuation inside ("e-mail", "don't") is those words together.
    else terms.push({ words, prefix });
  }
  if (terms.length === 0) {
    throw new UserError(`nothing to search for in "${text.trim().slice(0, 40)}": give words, "a phrase" or the start of a word followed by * (refun*)`);
  }
  return terms;
}

/** The terms as an FTS5 MATCH expression: each quoted, all required. */
export function ftsMatchExpression(terms: readonly SearchTerm[]): string {
  return terms.map((term) => `"${term.words.join(' ').replace(/"/g, '""')}"${term.prefix ? '*' : ''}`).join(' ');
}
