/**
 * Which choices match what the agent typed in a choice list. Letters match anywhere in a
 * choice ('los' finds 'America/Los_Angeles'), but a choice that starts with them comes
 * first, then one with a word that starts with them, then the rest, each in list order:
 * typing the first letters still picks what it always picked.
 */

/** Positions (in `names`) of the choices that contain `typed`, best first; every position for nothing typed. */
export function rankChoices(typed: string, names: readonly string[]): number[] {
  const term = typed.trim().toLowerCase();
  if (term === '') return names.map((_, index) => index);
  const ranked: Array<{ index: number; rank: number }> = [];
  names.forEach((name, index) => {
    const text = name.toLowerCase();
    const at = text.indexOf(term);
    if (at < 0) return;
    const rank = text.startsWith(term) ? 0 : startsAWord(text, term) ? 1 : 2;
    ranked.push({ index, rank });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map((r) => r.index);
}

/** Whether `term` starts one of the words of `text` (after a space, '/', '_', '-', '(' ...). */
function startsAWord(text: string, term: string): boolean {
  for (let at = text.indexOf(term, 1); at > 0; at = text.indexOf(term, at + 1)) {
    if (!/[\p{L}\p{N}]/u.test(text[at - 1]!)) return true;
  }
  return false;
}

/** The choice a typed number picks (1 = the first), or undefined when it is not a number of the list. */
export function choiceByNumber(typed: string, count: number): number | undefined {
  if (!/^\d+$/.test(typed.trim())) return undefined;
  const number = Number(typed.trim());
  return number >= 1 && number <= count ? number - 1 : undefined;
}
