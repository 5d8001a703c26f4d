import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { oneLine, sanitizeForTerminal } from '../src/render/terminalText.js';

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
