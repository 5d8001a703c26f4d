import { describe, expect, it } from 'vitest';
import { buildFollowUpBoard, startOfDayAfter, type FollowUpBoard } from '../src/followups/followupBoard.js';
import { summarizeCall, type CallSummary } from '../src/domain/callSummary.js';
import { shortFollowUpId } from '../src/domain/ids.js';
import { makeCall } from './fixtures/makeCall.js';

const NY = 'America/New_York';

/** One call per follow-up, each due at the given instant; the follow-up's text names it. */
function callsDue(dues: Record<string, string>, extra: Parameters<typeof makeCall>[0] = {}): CallSummary[] {
  return Object.entries(dues).map(([name, due], i) =>
    summarizeCall(
      makeCall({
        id: `20261101-0900${String(i).padStart(2, '0')}-${name.padEnd(6, 'x').slice(0, 6)}`,
        startedAt: '2026-11-01T09:00:00.000Z',
        customer: { name, phone: `+1 555 000 ${String(1000 + i)}` },
        ...extra,
        followups: [{ text: name, due }],
      }),
    ),
  );
}

const texts = (board: FollowUpBoard, group: 'overdue' | 'today' | 'upcoming') => board[group].map((item) => item.followup.text);

describe('buildFollowUpBoard: which group', () => {
  // Monday 23 Nov 2026, 09:00 in New York (EST, UTC-5).
  const asOf = new Date('2026-11-23T14:00:00Z');

  it('puts 23:59 yesterday in overdue and 00:00 today in today (agent zone, not UTC)', () => {
    const board = buildFollowUpBoard(
      callsDue({
        lastnight: '2026-11-23T04:59:00.000Z', // Sun 22 Nov 23:59 EST
        midnight: '2026-11-23T05:00:00.000Z', // Mon 23 Nov 00:00 EST
        tonight: '2026-11-24T04:59:00.000Z', // Mon 23 Nov 23:59 EST
        tomorrow: '2026-11-24T05:00:00.000Z', // Tue 24 Nov 00:00 EST
      }),
      { asOf, timeZone: NY, days: 7 },
    );
    expect(texts(board, 'overdue')).toEqual(['lastnight']);
    expect(texts(board, 'today')).toEqual(['midnight', 'tonight']);
    expect(texts(board, 'upcoming')).toEqual(['tomorrow']);
  });

  it('keeps a follow-up due earlier today in today, not overdue', () => {
    const board = buildFollowUpBoard(callsDue({ morning: '2026-11-23T13:00:00.000Z' }), { asOf, timeZone: NY, days: 7 });
    expect(texts(board, 'today')).toEqual(['morning']);
    expect(board.overdue).toEqual([]);
  });

  it('upcoming covers exactly the next N days; later ones are only counted', () => {
    const dues = {
      day7end: '2026-12-01T04:59:00.000Z', // Mon 30 Nov 23:59 EST: 7th day after today
      day8: '2026-12-01T05:00:00.000Z', // Tue 1 Dec 00:00 EST
    };
    const seven = buildFollowUpBoard(callsDue(dues), { asOf, timeZone: NY, days: 7 });
    expect(texts(seven, 'upcoming')).toEqual(['day7end']);
    expect(seven.later).toBe(1);
    const one = buildFollowUpBoard(callsDue(dues), { asOf, timeZone: NY, days: 1 });
    expect(one.upcoming).toEqual([]);
    expect(one.later).toBe(2);
    const eight = buildFollowUpBoard(callsDue(dues), { asOf, timeZone: NY, days: 8 });
    expect(texts(eight, 'upcoming')).toEqual(['day7end', 'day8']);
  });

  it('ignores follow-ups that are not open', () => {
    const calls = [
      summarizeCall(makeCall({ followups: [{ text: 'done', status: 'done', due: '2026-11-20T10:00:00.000Z', doneAt: '2026-11-21T10:00:00.000Z' }] })),
      summarizeCall(makeCall({ followups: [{ text: 'cancelled', status: 'cancelled', due: '2026-11-20T10:00:00.000Z' }] })),
    ];
    const board = buildFollowUpBoard(calls, { asOf, timeZone: NY, days: 7 });
    expect(board.overdue.length + board.today.length + board.upcoming.length + board.later).toBe(0);
  });
});

describe('buildFollowUpBoard: daylight-saving changes (America/New_York)', () => {
  it('the 25-hour day when clocks fall back (Sun 1 Nov 2026) is one whole day', () => {
    const asOf = new Date('2026-11-01T16:00:00Z'); // 11:00 EST, after the change at 06:00Z
    const board = buildFollowUpBoard(
      callsDue({
        before: '2026-11-01T03:59:00.000Z', // Sat 31 Oct 23:59 EDT
        start: '2026-11-01T04:00:00.000Z', // Sun 1 Nov 00:00 EDT
        late: '2026-11-02T04:30:00.000Z', // Sun 1 Nov 23:30 EST: 24.5 h after midnight, still today
        next: '2026-11-02T05:00:00.000Z', // Mon 2 Nov 00:00 EST
      }),
      { asOf, timeZone: NY, days: 7 },
    );
    expect(board.todayStart.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(board.tomorrowStart.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(texts(board, 'overdue')).toEqual(['before']);
    expect(texts(board, 'today')).toEqual(['start', 'late']);
    expect(texts(board, 'upcoming')).toEqual(['next']);
  });

  it('the 23-hour day when clocks spring forward (Sun 8 Mar 2026) ends at midnight EDT', () => {
    const asOf = new Date('2026-03-08T15:00:00Z'); // 11:00 EDT
    const board = buildFollowUpBoard(
      callsDue({
        tonight: '2026-03-09T03:59:00.000Z', // Sun 8 Mar 23:59 EDT
        after: '2026-03-09T04:30:00.000Z', // Mon 9 Mar 00:30 EDT: 23.5 h after midnight, tomorrow
      }),
      { asOf, timeZone: NY, days: 7 },
    );
    expect(board.todayStart.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(board.tomorrowStart.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(texts(board, 'today')).toEqual(['tonight']);
    expect(texts(board, 'upcoming')).toEqual(['after']);
  });

  it('counts upcoming days across the change in calendar days', () => {
    // Seven days after Thu 29 Oct reach Thu 5 Nov, across the 25-hour Sunday.
    const end = startOfDayAfter(new Date('2026-10-29T16:00:00Z'), 8, NY);
    expect(end.toISOString()).toBe('2026-11-06T05:00:00.000Z'); // Fri 6 Nov 00:00 EST
  });
});

describe('buildFollowUpBoard: order within a group', () => {
  const asOf = new Date('2026-11-23T14:00:00Z');

  it('overdue: most overdue first; today and upcoming: by due time', () => {
    const board = buildFollowUpBoard(
      callsDue({
        od1: '2026-11-22T10:00:00.000Z',
        od3: '2026-11-20T10:00:00.000Z',
        od2: '2026-11-21T10:00:00.000Z',
        td2: '2026-11-23T20:00:00.000Z',
        td1: '2026-11-23T15:00:00.000Z',
        up2: '2026-11-27T15:00:00.000Z',
        up1: '2026-11-25T15:00:00.000Z',
      }),
      { asOf, timeZone: 'UTC', days: 7 },
    );
    expect(texts(board, 'overdue')).toEqual(['od3', 'od2', 'od1']);
    expect(texts(board, 'today')).toEqual(['td1', 'td2']);
    expect(texts(board, 'upcoming')).toEqual(['up1', 'up2']);
  });

  it('at the same due time, customers who called more than once (same phone or account) come first', () => {
    const due = '2026-11-23T16:00:00.000Z';
    const once = makeCall({ id: '20261120-090000-aaaaaa', customer: { name: 'Once', phone: '555 0101 999' }, followups: [{ text: 'once', due }] });
    const twice = makeCall({ id: '20261120-090000-zzzzzz', customer: { name: 'Twice', phone: '+1 (555) 777-0000' }, followups: [{ text: 'twice', due }] });
    // An earlier call from the same number, written differently.
    const earlier = makeCall({ id: '20261101-090000-bbbbbb', startedAt: '2026-11-01T09:00:00.000Z', customer: { name: 'Twice', phone: '15557770000' } });
    const account = makeCall({ id: '20261120-090000-yyyyyy', customer: { name: 'Acct', account: 'AC-9' }, followups: [{ text: 'account', due }] });
    const accountEarlier = makeCall({ id: '20261102-090000-cccccc', startedAt: '2026-11-02T09:00:00.000Z', customer: { name: 'Acct', account: 'ac-9' } });
    const board = buildFollowUpBoard([once, twice, earlier, account, accountEarlier].map(summarizeCall), { asOf, timeZone: 'UTC', days: 7 });
    expect(texts(board, 'today')).toEqual(['account', 'twice', 'once']);
    expect(board.today.map((item) => item.repeatCaller)).toEqual([true, true, false]);
  });

  it('due time comes before being a repeat caller', () => {
    const repeat = makeCall({ id: '20261120-090000-rrrrrr', followups: [{ text: 'repeat-later', due: '2026-11-23T18:00:00.000Z' }] });
    const repeatAgain = makeCall({ id: '20261110-090000-ssssss', startedAt: '2026-11-10T09:00:00.000Z' });
    const single = makeCall({ id: '20261120-090000-tttttt', customer: { name: 'B', phone: '999 1234 567' }, followups: [{ text: 'single-sooner', due: '2026-11-23T16:00:00.000Z' }] });
    const board = buildFollowUpBoard([repeat, repeatAgain, single].map(summarizeCall), { asOf, timeZone: 'UTC', days: 7 });
    expect(texts(board, 'today')).toEqual(['single-sooner', 'repeat-later']);
  });
});

describe('buildFollowUpBoard: whose follow-ups', () => {
  const asOf = new Date('2026-11-23T14:00:00Z');
  const calls = [
    makeCall({ agent: 'ann', followups: [{ text: 'ann-1', owner: 'ann', due: '2026-11-23T15:00:00.000Z' }] }),
    makeCall({ agent: 'bob', followups: [{ text: 'bob-1', owner: 'bob', due: '2026-11-23T16:00:00.000Z' }] }),
    // Taken by ann, handed to bob: it is bob's to do.
    makeCall({ agent: 'ann', followups: [{ text: 'handed', owner: 'bob', due: '2026-11-23T17:00:00.000Z' }] }),
  ].map(summarizeCall);

  it('filters by the follow-up owner; no owner means everyone', () => {
    expect(texts(buildFollowUpBoard(calls, { asOf, timeZone: 'UTC', days: 7, owner: 'ann' }), 'today')).toEqual(['ann-1']);
    expect(texts(buildFollowUpBoard(calls, { asOf, timeZone: 'UTC', days: 7, owner: 'bob' }), 'today')).toEqual(['bob-1', 'handed']);
    expect(texts(buildFollowUpBoard(calls, { asOf, timeZone: 'UTC', days: 7 }), 'today')).toEqual(['ann-1', 'bob-1', 'handed']);
  });
});

describe('shortFollowUpId', () => {
  it.each([
    ['20261123-145203-k3v9q2.f1', 'k3v9q2.f1'],
    ['20261123-145203-k3v9q2.f12', 'k3v9q2.f12'],
  ])('%s → %s', (full, short) => expect(shortFollowUpId(full)).toBe(short));
});
