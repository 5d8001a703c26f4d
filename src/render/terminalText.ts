/**
 * Text typed by agents (or pasted from anywhere) is stored exactly as given, but is never
 * replayed raw to the terminal: an escape sequence in a note could otherwise move the
 * cursor, recolour or rewrite the screen. Control characters are shown as visible marks.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function sanitizeForTerminal(text: string, { keepNewlines = true } = {}): string {
  // A Windows line end is a line end, not a stray carriage return.
  const cleaned = text.replace(/\r\n/g, '\n').replace(CONTROL, (ch) => (ch === '\t' ? '  ' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return keepNewlines ? cleaned : cleaned.replace(/\n/g, ' ⏎ ');
}

/**
 * Words of printable characters (no control character, no white space of any kind)
 * separated by single spaces: nothing for oneLine to change. Not only ASCII: names like
 * 'Zoë Ångström' are common in a list's cells.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_LINE = /^[^\s\u0000-\u001f\u007f-\u009f]+(?: [^\s\u0000-\u001f\u007f-\u009f]+)*$/;

/** One line for a table cell: no newlines, trimmed to `width` characters with an ellipsis. */
export function oneLine(text: string, width = Infinity): string {
  // Most cells are already one clean line: a list of thousands of rows skips the rewriting.
  const flat = PLAIN_LINE.test(text) ? text : sanitizeForTerminal(text, { keepNewlines: false }).replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}
