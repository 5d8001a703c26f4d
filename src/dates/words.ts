import { editDistance } from '../text/closestMatch.js';
/**
 * The words agents type in dates, matched case-insensitively and forgiving of the typos
 * people make while on the phone ('tomorow', 'thrusday', 'wensday').
 */

export type DateWord =
  | { kind: 'today' | 'tomorrow' | 'yesterday' | 'now' | 'noon' }
  | { kind: 'weekday'; weekday: number } // 0 = Sunday
  | { kind: 'month'; month: number }; // 1–12

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

const ALIASES: Record<string, DateWord> = {
  now: { kind: 'now' },
  noon: { kind: 'noon' },
  midday: { kind: 'noon' },
  today: { kind: 'today' },
  tdy: { kind: 'today' },
  tod: { kind: 'today' },
  tomorrow: { kind: 'tomorrow' },
  tmrw: { kind: 'tomorrow' },
  tmr: { kind: 'tomorrow' },
  tmw: { kind: 'tomorrow' },
  tmrow: { kind: 'tomorrow' },
  tomo: { kind: 'tomorrow' },
  '2moro': { kind: 'tomorrow' },
  '2morrow': { kind: 'tomorrow' },
  yesterday: { kind: 'yesterday' },
  yday: { kind: 'yesterday' },
  yest: { kind: 'yesterday' },
  ystd: { kind: 'yesterday' },
  weds: { kind: 'weekday', weekday: 3 },
  sept: { kind: 'month', month: 9 },
};

/** Words that typos are matched against (aliases shorter than this are only taken exactly). */
const TYPO_TARGETS: Array<[string, DateWord]> = [
  ['today', { kind: 'today' }],
  ['tomorrow', { kind: 'tomorrow' }],
  ['yesterday', { kind: 'yesterday' }],
  ...WEEKDAYS.map((w, weekday): [string, DateWord] => [w, { kind: 'weekday', weekday }]),
  ...MONTHS.map((m, i): [string, DateWord] => [m, { kind: 'month', month: i + 1 }]),
];

/** A date word recognised; `readAs` is set when a typo was read as that word. */
export interface DateWordMatch {
  meaning: DateWord;
  /** The word a typo was taken for ('thursday' for 'thrusday'): shown back to the agent. */
  readAs?: string;
}

/** Recognises one date word, or returns undefined. `token` must already be lower case. */
export function matchDateWord(token: string): DateWordMatch | undefined {
  const alias = ALIASES[token];
  if (alias) return { meaning: alias };
  if (!/^[a-z]+$/.test(token)) return undefined;
  // Abbreviations: 'fri', 'thurs', 'tu' (two letters are unique among weekdays), 'dec'.
  if (token.length >= 2) {
    const weekday = WEEKDAYS.findIndex((w) => w.startsWith(token));
    if (weekday >= 0 && WEEKDAYS.filter((w) => w.startsWith(token)).length === 1) return { meaning: { kind: 'weekday', weekday } };
  }
  if (token.length >= 3) {
    const month = MONTHS.findIndex((m) => m.startsWith(token));
    if (month >= 0) return { meaning: { kind: 'month', month: month + 1 } };
  }
  // Typos: accept the single closest word, and only when it is close enough for the
  // word's length — 'tusday' is Tuesday, 'tmorow' tomorrow, but 'munday' (Monday or
  // Sunday?) is refused. The word it was read as is handed back, to be shown.
  const allowed = token.length >= 6 ? 2 : token.length >= 4 ? 1 : 0;
  if (allowed === 0) return undefined;
  let best: [string, DateWord] | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const [word, meaning] of TYPO_TARGETS) {
    // Compare with the word and with the abbreviation of the same length ('thrus' ~ 'thurs').
    const distance = Math.min(editDistance(token, word), editDistance(token, word.slice(0, token.length)));
    if (distance < bestDistance) {
      best = [word, meaning];
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && !sameMeaning(best?.[1], meaning)) {
      tie = true;
    }
  }
  return best && bestDistance <= allowed && !tie ? { meaning: best[1], readAs: best[0] } : undefined;
}

function sameMeaning(a: DateWord | undefined, b: DateWord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export { editDistance };
