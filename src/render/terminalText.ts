import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';

/**
 * Text typed by agents (or pasted from anywhere, a customer's name from a web form) is
 * stored exactly as given, but is never replayed raw to the terminal:
 * - an escape sequence in a note could move the cursor, recolour or rewrite the screen:
 *   control characters are shown as visible marks (`\x1b`);
 * - a right-to-left override makes "Ana‮ 0010 555" read backwards, and zero-width
 *   characters hide inside a name or an id so that two look alike: both are shown escaped
 *   (`\u202e`, `\u200b`), never live. Joiners that writing needs stay: the zero-width joiner
 *   between two emoji (👩‍💻), the non-joiner between two letters (Persian, Indic scripts).
 * Columns are laid out by display width (a Japanese name or an emoji takes two columns).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Invisible or reordering characters: bidi embeddings, overrides and isolates, marks
 * (LRM, RLM, ALM), zero-width space, joiners, word joiner and invisible operators, the
 * byte-order mark, the Mongolian vowel separator, line and paragraph separators, soft hyphen.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const EMOJI = /\p{Extended_Pictographic}|[\u{1f3fb}-\u{1f3ff}\ufe0f]/u;
const LETTER = /[\p{L}\p{M}]/u;

const hex = (ch: string, digits: number) => ch.charCodeAt(0).toString(16).padStart(digits, '0');

function escapeInvisible(ch: string, offset: number, text: string): string {
  if (ch === '\u200d' || ch === '\u200c') {
    const before = String.fromCodePoint(text.codePointAt(offset - 1) ?? 0);
    const beforePair = offset >= 2 ? text.slice(offset - 2, offset) : '';
    const after = String.fromCodePoint(text.codePointAt(offset + 1) ?? 0);
    const test = ch === '\u200d' ? EMOJI : LETTER;
    if ((test.test(before) || test.test(beforePair)) && test.test(after)) return ch;
  }
  return `\\u${hex(ch, 4)}`;
}

export function sanitizeForTerminal(text: string, { keepNewlines = true } = {}): string {
  // A Windows line end is a line end, not a stray carriage return.
  const cleaned = text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, (ch) => (ch === '\t' ? '  ' : `\\x${hex(ch, 2)}`))
    .replace(INVISIBLE, escapeInvisible);
  return keepNewlines ? cleaned : cleaned.replace(/\n/g, ' ⏎ ');
}

/**
 * Words of printable characters (no control character, no white space of any kind, nothing
 * invisible) separated by single spaces: nothing for oneLine to change. Not only ASCII:
 * names like 'Zoë Ångström' are common in a list's cells.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_LINE = /^[^\s\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+(?: [^\s\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+)*$/;

/**
 * Characters one column wide each, counted without string-width (whose first call costs
 * ~25 ms of start-up, compiling its emoji expressions): Latin, Greek and Cyrillic letters,
 * and the dashes, quotes, bullets and arrows of the program's own output. Not the soft
 * hyphen (no column). tests/terminalText.test.ts holds it to string-width, code point by
 * code point.
 */
export const NARROW = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u2190-\u21ff]*$/;

/**
 * Columns the text takes on a terminal: two for a CJK character or an emoji, none for a
 * combining mark (string-width); Latin text, most of a list, is counted without it.
 */
export function displayWidth(text: string): number {
  return NARROW.test(text) ? text.length : stringWidth(text);
}

/** The longest start of `text` that fits `width` columns, never splitting a character (or an emoji's parts). */
export function fitWidth(text: string, width: number): string {
  if (NARROW.test(text)) return text.slice(0, width);
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width) break;
    out += segment;
    used += w;
  }
  return out;
}

/** `text` followed by spaces up to `width` columns. */
export function padEndWidth(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/** One line for a table cell: no newlines, cut to `width` columns with an ellipsis. */
export function oneLine(text: string, width = Infinity): string {
  // Most cells are already one clean line: a list of thousands of rows skips the rewriting.
  const flat = PLAIN_LINE.test(text) ? text : sanitizeForTerminal(text, { keepNewlines: false }).replace(/\s+/g, ' ').trim();
  if (width === Infinity) return flat;
  if (NARROW.test(flat)) return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
  return displayWidth(flat) > width ? `${fitWidth(flat, Math.max(0, width - 1))}…` : flat;
}

/**
 * Word-wraps text to `width` so continuation lines keep an indent (`indent`, five spaces
 * by default: under a tip's first word) instead of the terminal's hard wrap.
 */
export function wrap(text: string, width: number, indent = '     '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A line of a screen word-wrapped to `width` columns, colours and all: continuation lines
 * start two columns past the line's own indent, so a long line reads as one item rather
 * than breaking inside a word or an id at the terminal's edge. Escape codes take no width.
 */
export function wrapScreenLine(line: string, width: number): string {
  const visible = stripVTControlCharacters(line);
  if (width <= 0 || displayWidth(visible) <= width) return line;
  const indent = ' '.repeat(Math.min(/^ */.exec(visible)![0].length + 2, Math.floor(width / 2)));
  const widthOf = (word: string) => displayWidth(stripVTControlCharacters(word));
  const [first = '', ...rest] = line.split(' ');
  const lines: string[] = [];
  let current = first;
  let used = widthOf(first);
  for (const word of rest) {
    const w = widthOf(word);
    if (w > 0 && used + 1 + w > width && used > indent.length) {
      lines.push(current);
      current = indent + word;
      used = indent.length + w;
    } else {
      current += ` ${word}`;
      used += 1 + w;
    }
  }
  lines.push(current);
  return lines.join('\n');
}
