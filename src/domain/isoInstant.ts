/**
 * Whether a text is an ISO 8601 instant as the call files hold them
 * (`2026-11-23T14:05:09.123Z`, or with an offset `+01:00`): a real calendar date and time.
 * Written out rather than zod's `iso.datetime()` pattern (one regular expression with
 * every month's days): a call file holds some forty of these, and checking them was most
 * of the time spent checking a file. tests/isoInstant.test.ts holds it to zod's answers.
 */
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in `text` at [from, from + length) when all of it is digits, else -1. */
function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

export function isIsoInstant(text: string): boolean {
  if (text.length < 20) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1]!)) return false;
  let at = 19;
  if (text[at] === '.') {
    const start = ++at;
    while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    if (at === start) return false;
  }
  if (at === text.length - 1) return text[at] === 'Z';
  if (at !== text.length - 6 || (text[at] !== '+' && text[at] !== '-') || text[at + 3] !== ':') return false;
  const offsetHours = digits(text, at + 1, 2);
  const offsetMinutes = digits(text, at + 4, 2);
  return offsetHours >= 0 && offsetHours <= 23 && offsetMinutes >= 0 && offsetMinutes <= 59;
}
