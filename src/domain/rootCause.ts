/**
 * Root causes are typed freely ("New prices not applied to old contracts."), so the same
 * cause comes in many spellings. To count them together, a cause is reduced to a key:
 * lower case, accents and punctuation dropped, "&" read as "and", the little words that
 * change nothing (a, an, the, was, were, is, are, been, being) left out, and plural words
 * read as singular ("prices" → "price", "deliveries" → "delivery").
 */

const FILLER = new Set(['a', 'an', 'the', 'was', 'were', 'is', 'are', 'been', 'being']);

/** A word read as singular: "prices" → "price", "deliveries" → "delivery"; "address", "status", "analysis" stay. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The key causes are counted by; undefined for a cause with no words. */
export function causeKey(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  const words = cause
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !FILLER.has(word))
    .map(singular);
  return words.length ? words.join(' ') : undefined;
}
