/**
 * JSON text without its layout: the whitespace between tokens taken out, strings left as
 * they are. For a text written by `JSON.stringify(value, null, 2)` (a call file), the
 * result is byte for byte `JSON.stringify(value)`, made without building the value: a
 * JSON export of a large store spent more time parsing and writing records again than
 * reading them (docs/performance.md).
 *
 * Bytes, not a string: the file's UTF-8 goes out as read, never decoded and encoded again.
 * A string's bytes are copied as they are (a UTF-8 continuation byte is never a quote,
 * a backslash or whitespace). Made for valid JSON (anything else ends, with no promise of
 * its output); `out` must hold `length` bytes.
 */
export function compactJson(source: Uint8Array, length: number, out: Uint8Array): number {
  let written = 0;
  let i = 0;
  while (i < length) {
    const byte = source[i++]!;
    if (byte === SPACE || byte === NEWLINE || byte === CARRIAGE_RETURN || byte === TAB) continue;
    out[written++] = byte;
    if (byte !== QUOTE) continue;
    // A string, up to its closing quote; an escaped character is copied with its backslash.
    while (i < length) {
      const inString = source[i++]!;
      out[written++] = inString;
      if (inString === QUOTE) break;
      if (inString === BACKSLASH && i < length) out[written++] = source[i++]!;
    }
  }
  return written;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
