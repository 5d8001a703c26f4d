import { describe, expect, it } from 'vitest';
import { choiceByNumber, rankChoices } from '../src/prompt/choiceMatch.js';

const zones = ['America/Chicago', 'America/Los_Angeles', 'Europe/London', 'Los Gatos office', 'Asia/Tokyo'];
const outcomes = ['resolved', 'escalated', 'transferred', 'callback', 'not-resolved', 'info'];

describe('rankChoices: letters match anywhere, beginnings first (issue 15, item 16)', () => {
  it.each([
    ['los', zones, [3, 1]], // starts with it, then a word starting with it
    ['LOS', zones, [3, 1]],
    ['ang', zones, [1]], // 'Los_Angeles': a word after '_'
    ['on', zones, [2]], // 'Europe/London': inside a word
    ['a', zones, [0, 1, 4, 3]], // 'America/…' ×2, 'Asia/Tokyo', then 'Los Gatos' (inside)
    ['c', outcomes, [3, 1]], // 'callback' first: typing the first letters still picks it
    ['res', outcomes, [0, 4]], // 'not-resolved': a word after '-'
    ['xyz', outcomes, []],
    ['', outcomes, [0, 1, 2, 3, 4, 5]],
    ['  ', outcomes, [0, 1, 2, 3, 4, 5]],
  ])('%j', (typed, names, expected) => {
    expect(rankChoices(typed, names)).toEqual(expected);
  });
});

describe('choiceByNumber', () => {
  it.each([
    ['1', 6, 0],
    ['6', 6, 5],
    [' 2 ', 6, 1],
    ['12', 12, 11],
    ['0', 6, undefined],
    ['7', 6, undefined],
    ['1a', 6, undefined],
    ['', 6, undefined],
  ])('%j of %i', (typed, count, expected) => {
    expect(choiceByNumber(typed, count)).toBe(expected);
  });
});
