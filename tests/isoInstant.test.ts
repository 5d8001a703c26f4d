import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import fc from 'fast-check';
import { isIsoInstant } from '../src/domain/isoInstant.js';

/** What the call schema accepted before the hand-written check: zod's own ISO pattern. */
const zodIso = z.iso.datetime({ offset: true });
const zodSays = (text: string) => zodIso.safeParse(text).success;

describe('isIsoInstant', () => {
  it.each([
    ['2026-11-23T14:05:09.123Z', true],
    ['2026-11-23T14:05:09Z', true],
    ['2026-11-23T14:05:09+01:00', true],
    ['2026-11-23T14:05:09.5-05:30', true],
    ['2024-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2026-04-31T00:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-11-23T24:00:00Z', false],
    ['2026-11-23T14:60:00Z', false],
    ['2026-11-23 14:05:09Z', false],
    ['2026-11-23T14:05:09', false],
    ['2026-11-23T14:05:09.Z', false],
    ['2026-11-23T14:05:09+0100', false],
    ['2026-11-23T14:05:09+24:00', false],
    ['2026-11-23', false],
    ['', false],
  ])('%s → %s, as zod says', (text, expected) => {
    expect(isIsoInstant(text)).toBe(expected);
    expect(zodSays(text)).toBe(expected);
  });

  it('agrees with zod on any instant toISOString writes, and on mangled ones', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), fc.nat(30), fc.constantFrom(...'0123456789-:TZ.+ x'), (date, at, ch) => {
        const text = date.toISOString();
        expect(isIsoInstant(text)).toBe(true);
        const mangled = text.slice(0, at % text.length) + ch + text.slice((at % text.length) + 1);
        expect(isIsoInstant(mangled)).toBe(zodSays(mangled));
      }),
      { numRuns: 2000 },
    );
  });
});
