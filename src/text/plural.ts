/**
 * Counting words, one home for every "1 call" / "2 calls" (there were a dozen copies of
 * `${n} call${n === 1 ? '' : 's'}`, and `stats` said "(1 calls)"). Numbers of a thousand or
 * more are grouped (1,234 calls).
 */

/** The word alone, for the count: `noun(1, 'call')` is 'call', `noun(2, 'call')` 'calls'; an irregular plural is given. */
export function noun(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/** The count and its word: `plural(1, 'call')` is '1 call', `plural(1500, 'call')` '1,500 calls'. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${grouped(count)} ${noun(count, one, many)}`;
}

/** 1234567 → '1,234,567'. Whole numbers without Intl, whose number format costs 5-12 ms of start-up on first use. */
export function grouped(count: number): string {
  return Number.isInteger(count) ? String(count).replace(/\B(?=(\d{3})+$)/g, ',') : count.toLocaleString('en-US');
}
