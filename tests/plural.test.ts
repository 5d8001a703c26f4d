import { describe, expect, it } from 'vitest';
import { noun, plural } from '../src/text/plural.js';

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
