import { describe, expect, it } from 'vitest';
import { grouped, noun, plural } from '../src/text/plural.js';

describe('plural', () => {
  it('one, none, many, grouped thousands, irregular plurals', () => {
    expect(plural(1, 'call')).toBe('1 call');
    expect(plural(0, 'call')).toBe('0 calls');
    expect(plural(2, 'damaged call file')).toBe('2 damaged call files');
    expect(plural(12_345, 'call')).toBe('12,345 calls');
    expect(plural(3, 'reply', 'replies')).toBe('3 replies');
    expect(noun(1, 'problem')).toBe('problem');
    expect(noun(4, 'problem')).toBe('problems');
  });
});

describe('grouped', () => {
  it('groups whole numbers by thousands as en-US does, negative and large ones too', () => {
    for (const n of [0, 7, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 1_234_567_890, -1234, -999, Number.MAX_SAFE_INTEGER]) expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    expect(grouped(1234.5)).toBe('1,234.5');
  });
});
