import { describe, expect, it } from 'vitest';
import { compactJson } from '../src/export/compactJson.js';
import { serializeCall } from '../src/store/callStore.js';
import { makeCall } from './fixtures/makeCall.js';
import { pick as pickWith, rngOf } from './fixtures/random.js';

function compact(text: string): string {
  const source = Buffer.from(text);
  const out = Buffer.alloc(source.length);
  return out.toString('utf8', 0, compactJson(source, source.length, out));
}

/** Strings that end, hold or look like what compactJson steers by: quotes, backslashes, whitespace. */
const AWKWARD = ['', ' ', '"', '\\', '\\"', 'a\\\\', '": ', '\n  "x": 1', '\t\r\n', 'José Ñandú', '日本語', '👩‍💻 ok', '\u0000\u001f', '\u2028'];

describe('compactJson', () => {
  it('gives JSON.stringify(value) for the text of JSON.stringify(value, null, 2)', () => {
    const values: unknown[] = [
      {},
      [],
      { a: [], b: {}, c: [{}], d: null, e: true, f: -1.5e-7, g: 0 },
      AWKWARD,
      Object.fromEntries(AWKWARD.map((text, i) => [text, { [text]: [text, i] }])),
    ];
    for (const value of values) expect(compact(JSON.stringify(value, null, 2))).toBe(JSON.stringify(value));
    // A call file, exactly as the store writes it.
    const record = makeCall({ customer: { name: 'Zoë "Z" O\'Brien \\ Jr', phone: '+1 555 010 0100' } });
    expect(compact(serializeCall(record))).toBe(JSON.stringify(record));
  });

  it('gives the same value for any layout of valid JSON', () => {
    const random = rngOf(7);
    const pick = <T,>(items: readonly T[]): T => pickWith(random, items);
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? 0 : Math.floor(random() * 3);
      if (kind === 0) return pick<unknown>([pick(AWKWARD), 42, -0.25, true, false, null]);
      if (kind === 1) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(AWKWARD) + random().toString(36).slice(2, 4), value(depth + 1)]));
    };
    for (let i = 0; i < 200; i++) {
      const v = value(0);
      for (const indent of [0, 1, 4, '\t', ' \r\n ']) {
        const text = typeof indent === 'string' && indent.includes('\r') ? JSON.stringify(v, null, 2).replace(/\n/g, '\r\n') : JSON.stringify(v, null, indent);
        const out = compact(` ${text}\n`);
        expect(JSON.parse(out)).toEqual(v);
        expect(out).toBe(JSON.stringify(v));
      }
    }
  });

  it('ends on a text cut short, never writing more than it read', () => {
    expect(compact('{"a": "b')).toBe('{"a":"b');
    expect(compact('["\\')).toBe('["\\');
  });
});
