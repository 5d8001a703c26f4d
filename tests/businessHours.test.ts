import { describe, expect, it } from 'vitest';
import { describeHours, parseBusinessHours } from '../src/domain/businessHours.js';

describe('business hours as typed', () => {
  it('takes a hyphen or the en dash the program itself prints, and gives back what it printed', () => {
    expect(parseBusinessHours('09:00-17:00')).toEqual({ open: 540, close: 1020 });
    expect(parseBusinessHours(' 9:30 – 18:00 ')).toEqual({ open: 570, close: 1080 });
    expect(parseBusinessHours(describeHours({ open: 600, close: 960 }))).toEqual({ open: 600, close: 960 });
  });

  it('refuses other text, closing before opening, and hours outside the calling hours', () => {
    expect(() => parseBusinessHours('9 to 5')).toThrow(/like 09:00-17:00/);
    expect(() => parseBusinessHours('17:00-09:00')).toThrow(/like 09:00-17:00/);
    expect(() => parseBusinessHours('07:00-17:00')).toThrow(/08:00–21:00; got 07:00–17:00/);
  });
});
