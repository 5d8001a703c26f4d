import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { stripVTControlCharacters } from 'node:util';
import { displayWidth, NARROW, oneLine, sanitizeForTerminal, wrapScreenLine } from '../src/render/terminalText.js';

/** What oneLine must equal for any text: the long way round, without its shortcut for plain text. */
const slowOneLine = (text: string) => sanitizeForTerminal(text, { keepNewlines: false }).replace(/\s+/g, ' ').trim();

describe('oneLine', () => {
  it('shows control characters as visible marks and joins lines', () => {
    expect(oneLine('Ann\u001b[2J  Lee\r\nline two\tend ')).toBe('Ann\\x1b[2J Lee ⏎ line two end');
    expect(oneLine('Refund promised last month never arrived', 20)).toBe('Refund promised las…');
  });

  it('gives the same text as the long way round, for any text (the plain-text shortcut included)', () => {
    const pieces = fc.constantFrom('a', 'Z', '9', ' ', '  ', '\t', '\n', '\r\n', '\u001b', '\u007f', '\u0085', 'é', '⏎', '-', '~', '');
    // White space beyond ASCII, which the plain-text shortcut must not take for a letter.
    const unicodePieces = fc.constantFrom('Zoë', '🎉', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\u200b', '\u1680', '\ud800');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(pieces).map((parts) => parts.join('')), fc.array(fc.oneof(pieces, unicodePieces)).map((parts) => parts.join(''))), (text) => {
        expect(oneLine(text)).toBe(slowOneLine(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('text that is not ASCII (issue 18)', () => {
  it('bidi overrides and zero-width characters are shown escaped, never live', async () => {
    const { sanitizeForTerminal, oneLine } = await import('../src/render/terminalText.js');
    expect(sanitizeForTerminal('Ana\u202e0010 555')).toBe('Ana\\u202e0010 555');
    expect(oneLine('Ana\u200bLima\u2066x\u2069\ufeff')).toBe('Ana\\u200bLima\\u2066x\\u2069\\ufeff');
    // Joiners writing needs stay: between emoji, and a non-joiner between letters.
    expect(sanitizeForTerminal('👩\u200d💻 می\u200cخواهم')).toBe('👩\u200d💻 می\u200cخواهم');
    expect(sanitizeForTerminal('a\u200db')).toBe('a\\u200db');
  });

  it('widths are display columns: CJK and emoji take two', async () => {
    const { displayWidth, oneLine, padEndWidth } = await import('../src/render/terminalText.js');
    expect(displayWidth('山田太郎')).toBe(8);
    expect(displayWidth('Zoë')).toBe(3);
    expect(displayWidth('👍🏽')).toBe(2);
    expect(oneLine('山田太郎さん', 7)).toBe('山田太…');
    expect(padEndWidth('山田', 6)).toBe('山田  ');
  });
});

describe('displayWidth', () => {
  it('counts the characters it takes for one column each as string-width does, code point by code point', () => {
    const narrowSource = NARROW.source.slice(2, -3);
    const ranges = [...narrowSource.matchAll(/\\u([0-9a-f]{4})-\\u([0-9a-f]{4})/g)].map((m) => [parseInt(m[1]!, 16), parseInt(m[2]!, 16)] as const);
    expect(ranges.length).toBeGreaterThan(5);
    const differ: string[] = [];
    for (const [from, to] of ranges) {
      for (let code = from; code <= to; code++) {
        const text = String.fromCodePoint(code);
        if (displayWidth(`a${text}b`) !== stringWidth(`a${text}b`)) differ.push(code.toString(16));
      }
    }
    expect(differ).toEqual([]);
  });

  it("gives string-width's columns for wide, zero-width and mixed text", () => {
    for (const text of ['東京', '🎉 party', 'e\u0301', 'Zoë — 12 → 14', '\u00ad', 'Ann\u200bLee']) expect(displayWidth(text)).toBe(stringWidth(text));
  });
});

describe('wrapScreenLine', () => {
  it('breaks between words, under the line indent plus two, and leaves a short line alone', () => {
    expect(wrapScreenLine('  short line', 40)).toBe('  short line');
    expect(wrapScreenLine('  → csr-call resume 1h4o21 · csr-call discard 1h4o21', 40)).toBe('  → csr-call resume 1h4o21 · csr-call\n    discard 1h4o21');
  });

  it('gives escape codes no width, and keeps them', () => {
    const red = (text: string) => `\u001b[31m${text}\u001b[39m`;
    const line = red('  ⚠ Not saved: no permission to write (EPERM). Go on: what you type is kept here');
    const wrapped = wrapScreenLine(line, 40);
    expect(wrapped.split('\n').map((part) => stripVTControlCharacters(part).length).every((n) => n <= 40)).toBe(true);
    expect(stripVTControlCharacters(wrapped).replace(/\n +/g, ' ')).toBe(stripVTControlCharacters(line));
  });
});
