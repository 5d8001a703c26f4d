/**
 * Small helpers the coaching rules share for reading the agent's words: lower case,
 * accents and punctuation dropped, split into words.
 */

/** The words of a text, lower case, accents and punctuation dropped ("Don't" → "don't"). */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2019\u2018`]/g, "'")
    .split(/[^\p{L}\p{N}'%$]+/u)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '');
}

/** A line as compared word for word: its words joined by one space. */
export function normalizedLine(text: string): string {
  return wordsOf(text).join(' ');
}

/** Whether `pattern` is found in the text, read as its words joined by single spaces (so line breaks and punctuation do not hide a phrase). */
export function says(text: string, pattern: RegExp): boolean {
  return pattern.test(` ${normalizedLine(text)} `);
}
