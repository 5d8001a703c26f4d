import { callPath } from '../src/store/callFiles.js';
import { describe, expect, it } from 'vitest';
import { statsCommand, bar, sparkline } from '../src/commands/stats.js';
import type { StatsScope } from '../src/stats/callStats.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { withCallIndex } from '../src/store/index/indexAccess.js';
import { statsOf } from '../src/store/index/statsQuery.js';
import { UserError } from '../src/errors.js';
import type { HistoryEntry } from '../src/domain/callRecord.js';
import { makeCall, type MakeCallOverrides } from './fixtures/makeCall.js';
import { testContext, writeFileMakingDir, type TestContext, saveCall } from './helpers.js';

const NOW = new Date('2026-11-23T14:00:00Z');
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** A completed call from `start`, `minutes` long. */
const call = (start: string, minutes: number, overrides: MakeCallOverrides = {}): MakeCallOverrides => ({
  startedAt: start,
  endedAt: at(start, minutes),
  stageSeconds: {},
  mood: {},
  ...overrides,
});

const created = (when: string): HistoryEntry => ({ at: when, by: 'test-agent', action: 'created' });

/**
 * The hand-made store. Scope for test-agent, 2026-11-10 … 2026-11-23: A B C D E I J (completed) and H (in progress).
 * F, K: before the range; G: bob's.
 */
const STORE: Record<string, MakeCallOverrides> = {
  K: call('2026-11-08T10:00:00.000Z', 5, { customer: { phone: '+1 555 0001' }, problem: { category: 'billing' }, outcome: 'callback' }),
  F: call('2026-11-05T09:00:00.000Z', 5, { customer: { phone: '+1 555 0003' }, problem: { category: 'delivery' }, outcome: 'callback' }),
  A: call('2026-11-16T10:00:00.000Z', 5, {
    customer: { name: 'Ann', phone: '+1 555 0001' },
    problem: { category: 'billing' },
    outcome: 'resolved',
    mood: { start: 'angry', end: 'calm' },
    stageSeconds: { open: 60, listen: 240 },
  }),
  B: call('2026-11-18T10:00:00.000Z', 10, {
    customer: { name: 'Ann', phone: '1-555-0001' }, // same digits as A
    problem: { category: 'Billing' },
    outcome: 'resolved',
    mood: { start: 'neutral', end: 'happy' },
    stageSeconds: { open: 120, listen: 480 },
  }),
  C: call('2026-11-18T11:00:00.000Z', 20, {
    customer: { phone: '+1 555 0002', account: 'ACC-9' },
    problem: { category: 'technical' },
    outcome: 'escalated',
    escalation: { to: 'tier 2' },
    mood: { start: 'angry', end: 'calm' },
    stageSeconds: { open: 60 },
    followups: [
      {
        due: '2026-11-19T10:00:00.000Z',
        status: 'done',
        doneAt: '2026-11-19T09:00:00.000Z',
        history: [created('2026-11-18T11:20:00.000Z'), { at: '2026-11-19T09:00:00.000Z', by: 'test-agent', action: 'done' }],
      },
    ],
  }),
  D: call('2026-11-19T09:00:00.000Z', 3, {
    customer: { account: ' acc-9 ' }, // C's account: an earlier call about the same category
    problem: { category: 'technical' },
    outcome: 'resolved',
    mood: { start: 'upset', end: 'upset' },
    followups: [{ due: '2026-11-22T10:00:00.000Z' }], // open, overdue at NOW
  }),
  E: call('2026-11-20T09:00:00.000Z', 7, {
    customer: { phone: '+1 555 0003' }, // F was 15 days earlier: outside the window
    problem: { category: 'delivery' },
    outcome: 'resolved',
    followups: [
      {
        due: '2026-11-21T10:00:00.000Z',
        status: 'done',
        doneAt: '2026-11-21T12:00:00.000Z',
        history: [created('2026-11-20T09:07:00.000Z'), { at: '2026-11-21T12:00:00.000Z', by: 'test-agent', action: 'done' }],
      },
      { due: '2026-11-25T10:00:00.000Z' }, // open, not yet due
    ],
  }),
  G: call('2026-11-19T12:00:00.000Z', 8, {
    agent: 'bob',
    customer: { phone: '+1 555 0007' },
    problem: { category: 'billing' },
    outcome: 'callback',
  }),
  J: call('2026-11-20T15:00:00.000Z', 4, {
    customer: { phone: '+1 555 0007' }, // bob took the earlier call: still not first-call
    problem: { category: 'billing' },
    outcome: 'resolved',
  }),
  I: call('2026-11-21T09:00:00.000Z', 6, {
    customer: { phone: '+1 555 0006' },
    problem: { category: 'billing' },
    outcome: 'transferred',
    mood: { start: 'angry', end: 'happy' },
    followups: [
      {
        due: '2026-11-24T10:00:00.000Z',
        status: 'done',
        doneAt: '2026-11-23T09:00:00.000Z',
        history: [
          created('2026-11-21T09:06:00.000Z'),
          { at: '2026-11-22T08:00:00.000Z', by: 'test-agent', action: 'snoozed', due: '2026-11-24T10:00:00.000Z', previousDue: '2026-11-22T10:00:00.000Z' },
          { at: '2026-11-23T09:00:00.000Z', by: 'test-agent', action: 'done' }, // after the first due, before the snoozed one
        ],
      },
    ],
  }),
  H: {
    startedAt: '2026-11-23T13:00:00.000Z',
    endedAt: undefined,
    status: 'in-progress',
    outcome: undefined,
    customer: { phone: '+1 555 0005' },
    problem: { category: 'other' },
    mood: {},
    stageSeconds: { open: 999 },
  },
};

async function store(): Promise<TestContext> {
  const ctx = testContext({ now: () => NOW, timeZone: 'UTC' });
  for (const overrides of Object.values(STORE)) await saveCall(ctx.dataDir, makeCall(overrides));
  return ctx;
}

async function statsJson(ctx: TestContext, opts: Parameters<typeof statsCommand>[0] = {}) {
  const before = ctx.out().length;
  await statsCommand({ ...opts, json: true }, ctx);
  return JSON.parse(ctx.out().slice(before));
}

describe('stats on a hand-made store', () => {
  it('computes each figure for this agent over the range', async () => {
    const ctx = await store();
    const stats = await statsJson(ctx, { from: '2026-11-10', to: '2026-11-23' });
    expect(stats.agent).toBe('test-agent');
    expect(stats.damagedFiles).toBe(0);
    expect(stats.calls).toEqual({ total: 8, completed: 7, inProgress: 1 });
    expect(stats.byOutcome).toEqual([
      { outcome: 'resolved', count: 5 },
      { outcome: 'escalated', count: 1 },
      { outcome: 'transferred', count: 1 },
      { outcome: 'callback', count: 0 },
      { outcome: 'not-resolved', count: 0 },
      { outcome: 'info', count: 0 },
    ]);
    // A (K was 8 days before) and E (F was 15 days before); not B (A), D (C, by account), J (G, bob's).
    expect(stats.firstCallResolution).toEqual({ count: 2, of: 7, rate: 2 / 7, resolved: 5 });
    expect(stats.handedOff).toEqual({ count: 2, of: 7, rate: 2 / 7 });
    // 180 240 300 360 420 600 1200 s
    expect(stats.handleTime).toEqual({ calls: 7, medianSeconds: 360, p90Seconds: 840 });
    expect(stats.stages).toEqual([
      { playbook: 'standard', stage: 'open', calls: 3, totalSeconds: 240, meanSeconds: 80 },
      { playbook: 'standard', stage: 'listen', calls: 2, totalSeconds: 720, meanSeconds: 360 },
    ]);
    expect(stats.followups).toEqual({ doneOnTime: 2, doneLate: 1, overdue: 1, open: 2, cancelled: 0 });
    // A, C, D, I started angry/upset; D ended upset.
    expect(stats.moodTurnaround).toEqual({ count: 3, of: 4, rate: 0.75 });
    // A+B (phone), C+D (account).
    expect(stats.repeatCallers).toEqual({ customers: 2, calls: 4 });
    expect(stats.topCategories).toEqual([
      { category: 'billing', count: 4 }, // 'Billing' too
      { category: 'technical', count: 2 },
      { category: 'delivery', count: 1 },
      { category: 'other', count: 1 },
    ]);
    expect(stats.perDay).toHaveLength(14);
    expect(stats.perDay[0]).toEqual({ day: '2026-11-10', calls: 0 });
    expect(stats.perDay.at(-1)).toEqual({ day: '2026-11-23', calls: 1 });
    expect(Object.fromEntries(stats.perDay.filter((d: { calls: number }) => d.calls > 0).map((d: { day: string; calls: number }) => [d.day, d.calls]))).toEqual({
      '2026-11-16': 1,
      '2026-11-18': 2,
      '2026-11-19': 1,
      '2026-11-20': 2,
      '2026-11-21': 1,
      '2026-11-23': 1,
    });
  });

  it('--all counts every agent; --agent picks one', async () => {
    const ctx = await store();
    const all = await statsJson(ctx, { from: '2026-11-10', all: true });
    expect(all.agent).toBeNull();
    expect(all.calls).toEqual({ total: 9, completed: 8, inProgress: 1 });
    expect(all.byOutcome.find((o: { outcome: string }) => o.outcome === 'callback').count).toBe(1);
    expect(all.repeatCallers).toEqual({ customers: 3, calls: 6 }); // G+J too
    const bob = await statsJson(ctx, { agent: 'bob' });
    expect(bob.calls).toEqual({ total: 1, completed: 1, inProgress: 0 });
    expect(bob.firstCallResolution).toEqual({ count: 0, of: 1, rate: 0, resolved: 0 });
  });

  it('without --from, counts every call of the agent', async () => {
    const ctx = await store();
    const stats = await statsJson(ctx);
    expect(stats.calls.total).toBe(10); // + K and F
    expect(stats.perDay[0].day).toBe('2026-11-05');
    expect(stats.perDay.at(-1).day).toBe('2026-11-23');
  });

  it('renders a compact plain-text table when piped', async () => {
    const ctx = await store();
    let raw = '';
    ctx.stdout.on('data', (chunk) => (raw += String(chunk)));
    await statsCommand({ from: '2026-11-10', to: '2026-11-23' }, ctx);
    expect(raw).not.toMatch(/\u001b\[/);
    expect(raw).toContain('Call stats · test-agent · 2026-11-10 – 2026-11-23 (UTC)');
    expect(raw).toMatch(/^Calls per day +▁+.*busiest 2026-11-18: 2$/m);
    expect(raw).toMatch(/^ {2}resolved +5 +█+.* 71%$/m);
    expect(raw).toMatch(/^First-call resolution +2 of 7 +29%/m);
    expect(raw).toMatch(/^Escalated\/transferred +2 of 7 +29%/m);
    expect(raw).toMatch(/^Handle time +median 6 min · p90 14 min +\(7 calls\)/m);
    expect(raw).toMatch(/^Follow-ups +2 done on time · 1 late · 1 overdue +\(2 open\)/m);
    expect(raw).toMatch(/^Mood turnaround +3 of 4 angry or upset calls ended calm, happy or neutral +75%/m);
    expect(raw).toMatch(/^Repeat callers +2 customers, 4 calls/m);
    expect(raw).toMatch(/^ {2}billing +4 +█+/m);
  });

  it('uses colour on a terminal, never with NO_COLOR', async () => {
    const ctx = await store();
    Object.assign(ctx.stdout, { isTTY: true });
    let raw = '';
    ctx.stdout.on('data', (chunk) => (raw += String(chunk)));
    await statsCommand({}, ctx);
    expect(raw).toMatch(/\u001b\[/);
    const plain = testContext({ dataDir: ctx.dataDir, env: { NO_COLOR: '1' } });
    Object.assign(plain.stdout, { isTTY: true });
    let rawPlain = '';
    plain.stdout.on('data', (chunk) => (rawPlain += String(chunk)));
    await statsCommand({}, plain);
    expect(rawPlain).not.toMatch(/\u001b\[/);
  });

  it('says so in one line when there are no calls', async () => {
    const ctx = testContext();
    await statsCommand({}, ctx);
    expect(ctx.out()).toContain('No calls for test-agent in this range.');
  });

  it('warns about a damaged file, and --strict fails after printing', async () => {
    const ctx = await store();
    writeFileMakingDir(callPath(ctx.dataDir, '20261120-100000-zzzzzz'), '');
    const stats = await statsJson(ctx, { from: '2026-11-10' });
    expect(stats.damagedFiles).toBe(1);
    expect(stats.calls.total).toBe(8);
    expect(ctx.err()).toMatch(/20261120-100000-zzzzzz\.json: the file is empty/);
    const error = await statsCommand({ strict: true }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('1 damaged call file skipped (--strict)');
  });

  it('rejects --agent with --all, and a bad day', async () => {
    const ctx = testContext();
    await expect(statsCommand({ agent: 'bob', all: true }, ctx)).rejects.toThrow(/--agent NAME or --all/);
    await expect(statsCommand({ from: 'whenever' }, ctx)).rejects.toThrow(/^--from: /);
  });
});

/** Stats of these calls alone, as `stats` works them out: through the index of a store holding them. */
async function statsVia(records: CallRecord[], scope: StatsScope) {
  const ctx = testContext();
  for (const record of records) await saveCall(ctx.dataDir, record);
  return withCallIndex(ctx.dataDir, { timeZone: scope.timeZone, sameZone: true }, (index) => statsOf(index, scope));
}

describe('stats edges', () => {
  const options: StatsScope = { now: NOW, timeZone: 'UTC' };

  it('an earlier call exactly 7 days before still counts; a minute more does not', async () => {
    const first = makeCall(call('2026-11-13T10:00:00.000Z', 5, { outcome: 'callback' }));
    const exactly = makeCall(call('2026-11-20T10:00:00.000Z', 5, { outcome: 'resolved' }));
    expect((await statsVia([first, exactly], options)).firstCallResolution.count).toBe(0);
    const later = makeCall(call('2026-11-20T10:01:00.000Z', 5, { outcome: 'resolved' }));
    expect((await statsVia([first, later], options)).firstCallResolution.count).toBe(1);
  });

  it('another category is another problem; an unknown category may be the same one', async () => {
    const billing = makeCall(call('2026-11-19T10:00:00.000Z', 5, { outcome: 'callback' }));
    const tech = makeCall(call('2026-11-20T10:00:00.000Z', 5, { outcome: 'resolved', problem: { category: 'technical' } }));
    expect((await statsVia([billing, tech], options)).firstCallResolution.count).toBe(1);
    const unknown = makeCall(call('2026-11-20T10:00:00.000Z', 5, { outcome: 'resolved', problem: {} }));
    expect((await statsVia([billing, unknown], options)).firstCallResolution.count).toBe(0);
  });

  it('a customer with neither phone nor account is not matched with anyone', async () => {
    const calls = ['2026-11-19T10:00:00.000Z', '2026-11-20T10:00:00.000Z'].map((start) =>
      makeCall(call(start, 5, { outcome: 'resolved', customer: { name: 'Ann Smith' } })),
    );
    const stats = (await statsVia(calls, options));
    expect(stats.firstCallResolution.count).toBe(2);
    expect(stats.repeatCallers).toEqual({ customers: 0, calls: 0 });
  });

  it('counts each completion of a repeating follow-up against the due in force then', async () => {
    const record = makeCall(
      call('2026-11-10T10:00:00.000Z', 5, {
        followups: [
          {
            due: '2026-11-16T09:00:00.000Z',
            repeatEveryDays: 2,
            history: [
              created('2026-11-10T10:05:00.000Z'),
              { at: '2026-11-12T08:00:00.000Z', by: 'a', action: 'done' }, // due 11-12 09:00: on time
              { at: '2026-11-12T08:00:00.000Z', by: 'a', action: 'scheduled-next', due: '2026-11-14T08:00:00.000Z', previousDue: '2026-11-12T09:00:00.000Z' },
              { at: '2026-11-14T10:00:00.000Z', by: 'a', action: 'done' }, // due 11-14 08:00: late
              { at: '2026-11-14T10:00:00.000Z', by: 'a', action: 'scheduled-next', due: '2026-11-16T09:00:00.000Z', previousDue: '2026-11-14T08:00:00.000Z' },
            ],
          },
          { status: 'cancelled', due: '2026-11-01T00:00:00.000Z' },
        ],
      }),
    );
    expect((await statsVia([record], options)).followups).toEqual({ doneOnTime: 1, doneLate: 1, overdue: 1, open: 1, cancelled: 1 });
  });

  it('an all-day follow-up is on time until the end of its day, in the agent’s zone', async () => {
    const zone = 'America/New_York';
    const record = (doneAt: string) =>
      makeCall(
        call('2026-11-10T15:00:00.000Z', 5, {
          followups: [
            {
              due: '2026-11-12T05:00:00.000Z', // 2026-11-12 00:00 in New York
              allDay: true,
              status: 'done',
              doneAt,
              history: [created('2026-11-10T15:05:00.000Z'), { at: doneAt, by: 'a', action: 'done' }],
            },
          ],
        }),
      );
    const { followups: onTime } = (await statsVia([record('2026-11-13T04:59:00.000Z')], { ...options, timeZone: zone }));
    expect([onTime.doneOnTime, onTime.doneLate]).toEqual([1, 0]);
    const { followups: late } = (await statsVia([record('2026-11-13T05:00:00.000Z')], { ...options, timeZone: zone }));
    expect([late.doneOnTime, late.doneLate]).toEqual([0, 1]);
  });

  it('calls per day follow the agent’s zone', async () => {
    const late = makeCall(call('2026-11-20T03:00:00.000Z', 5)); // 19 Nov, 22:00 in New York
    const stats = (await statsVia([late], { now: new Date('2026-11-20T12:00:00Z'), timeZone: 'America/New_York' }));
    expect(stats.perDay).toEqual([
      { day: '2026-11-19', calls: 1 },
      { day: '2026-11-20', calls: 0 },
    ]);
  });

  it.each([
    [[], null, null],
    [[7], 420, 420],
    [[1, 2, 3, 4], 150, 222],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 330, 546],
  ])('handle time of calls of %j minutes: median %d s, p90 %d s (spreadsheet PERCENTILE)', async (minutes, median, p90) => {
    const calls = minutes.map((m, i) => makeCall(call(`2026-11-${String(10 + i).padStart(2, '0')}T10:00:00.000Z`, m)));
    const { handleTime } = await statsVia(calls, options);
    expect(handleTime).toEqual({ calls: minutes.length, medianSeconds: median, p90Seconds: p90 });
  });
});

describe('terminal charts', () => {
  it.each([
    [0, 10, 20, ''],
    [10, 10, 4, '████'],
    [5, 10, 4, '██'],
    [1, 10, 4, '▍'], // 3.2 eighths → 3
    [0.01, 10, 4, '▏'], // never invisible when above zero
  ])('bar(%d, %d, %d) = %j', (value, max, width, expected) => {
    expect(bar(value, max, width)).toBe(expected);
  });

  it('sparkline: ▁ for no calls, ▂ at least for one, █ for the busiest day', () => {
    expect(sparkline([0, 1, 5, 10])).toBe('▁▂▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([3])).toBe('█');
  });
});
