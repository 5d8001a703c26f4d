import { callPath } from '../src/store/callFiles.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followupsDoneCommand, followupsListCommand, followupsSnoozeCommand, type FollowUpBoardJson } from '../src/commands/followups.js';
import { UserError } from '../src/errors.js';
import { readCall } from '../src/store/callStore.js';
import { makeCall } from './fixtures/makeCall.js';
import { runCli, tempDir, testContext, writeFileMakingDir, type TestContext, saveCall } from './helpers.js';

// Mon 23 Nov 2026, 14:00 UTC = 09:00 in New York.
const NOW = new Date('2026-11-23T14:00:00Z');
const NY = 'America/New_York';
const A = '20261120-090000-aaaaaa';
const B = '20261121-100000-bbbbbb';
const C = '20261122-110000-cccccc';

async function store(ctx: TestContext): Promise<void> {
  await saveCall(
    ctx.dataDir,
    makeCall({
      id: A,
      customer: { name: 'Ann Smith', phone: '+1 555 010 0100' },
      promises: [{ id: 'p1', text: 'Refund the second charge by Wednesday', due: '2026-11-25T22:00:00.000Z' }],
      followups: [
        { text: 'Tell Ann the refund went through', due: '2026-11-21T15:00:00.000Z', promiseId: 'p1' },
        { text: 'Check the credit note', due: '2026-11-23T20:00:00.000Z', timeZone: 'America/Chicago' },
        { text: 'Already done', status: 'done', due: '2026-11-22T15:00:00.000Z', doneAt: '2026-11-22T15:00:00.000Z' },
      ],
    }),
  );
  await saveCall(
    ctx.dataDir,
    makeCall({
      id: B,
      startedAt: '2026-11-21T10:00:00.000Z',
      customer: { name: 'Bo Chen', phone: '020 7946 0000' },
      problem: { category: 'delivery', paraphrase: 'Parcel never arrived' },
      followups: [
        { text: 'Progress report on the parcel', due: '2026-11-25T14:00:00.000Z', repeatEveryDays: 2 },
        { text: 'Way later', due: '2026-12-20T14:00:00.000Z' },
      ],
    }),
  );
  // Someone else's follow-up in the shared directory.
  await saveCall(
    ctx.dataDir,
    makeCall({
      id: C,
      agent: 'bob',
      startedAt: '2026-11-22T11:00:00.000Z',
      customer: { name: 'Cy Okafor', phone: '555 222 3333' },
      followups: [{ text: "Bob's callback", owner: 'bob', due: '2026-11-23T16:00:00.000Z' }],
    }),
  );
}

async function setUp(overrides: Parameters<typeof testContext>[0] = {}): Promise<TestContext> {
  const ctx = testContext({ now: () => NOW, timeZone: NY, ...overrides });
  await store(ctx);
  return ctx;
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('followups list', () => {
  it('groups with headings and counts, one block per follow-up, in the agent zone', async () => {
    const ctx = await setUp();
    await followupsListCommand({}, ctx);
    const out = ctx.out();
    expect(out).toContain('Follow-ups for test-agent, as of Mon 23 Nov 2026 09:00');
    expect(out).toMatch(/OVERDUE \(1\)\n {2}aaaaaa\.f1 {2}Sat 21 Nov 10:00 \(2 days overdue\)\n/);
    expect(out).toContain('Ann Smith · +1 555 010 0100');
    expect(out).toContain('Tell Ann the refund went through');
    expect(out).toContain('from call aaaaaa of Fri 20 Nov 2026 04:00, billing');
    // The customer's own clock next to the agent's.
    expect(out).toContain('aaaaaa.f2  Mon 23 Nov 15:00 / 14:00 America/Chicago (in 6 hours)');
    expect(out).toMatch(/UPCOMING, the next 7 days \(1\)\n {2}bbbbbb\.f1 /);
    expect(out).toContain('(every 2 days until closed)');
    expect(out).toContain('1 more due later (--days 30 to see them)');
    // Not this agent's, not open.
    expect(out).not.toContain("Bob's callback");
    expect(out).not.toContain('Already done');
    // Overdue before today before upcoming.
    expect(out.indexOf('OVERDUE')).toBeLessThan(out.indexOf('TODAY'));
    expect(out.indexOf('TODAY')).toBeLessThan(out.indexOf('UPCOMING'));
    expect(ctx.err()).toBe('');
  });

  it('--all and --agent choose whose follow-ups; both together is an error', async () => {
    const ctx = await setUp();
    await followupsListCommand({ agent: 'bob' }, ctx);
    expect(ctx.out()).toContain("Bob's callback");
    expect(ctx.out()).not.toContain('Tell Ann');
    const all = await setUp();
    await followupsListCommand({ all: true }, all);
    expect(all.out()).toContain('Follow-ups for everyone');
    expect(all.out()).toMatch(/TODAY \(2\)\n {2}cccccc\.f1 /); // 11:00 before 15:00
    expect(all.out()).toContain(' · bob');
    await expect(rejection(followupsListCommand({ all: true, agent: 'bob' }, all))).resolves.toMatchObject({ exitCode: 2 });
  });

  it('--json has a stable shape for scripts', async () => {
    const ctx = await setUp();
    await followupsListCommand({ json: true }, ctx);
    const json = JSON.parse(ctx.out()) as FollowUpBoardJson;
    expect(Object.keys(json)).toEqual(['jsonVersion', 'asOf', 'agent', 'days', 'groups']);
    expect(json.asOf).toBe(NOW.toISOString());
    expect(Object.keys(json.groups)).toEqual(['overdue', 'today', 'upcoming']);
    expect(json.groups.overdue.map((f) => f.id)).toEqual([`${A}.f1`]);
    expect(json.groups.today.map((f) => f.shortId)).toEqual(['aaaaaa.f2']);
    expect(json.groups.upcoming[0]).toEqual({
      id: `${B}.f1`,
      shortId: 'bbbbbb.f1',
      due: '2026-11-25T14:00:00.000Z',
      allDay: false,
      timeZone: null,
      text: 'Progress report on the parcel',
      owner: 'test-agent',
      promiseId: null,
      repeatEveryDays: 2,
      repeatCaller: false,
      customer: { name: 'Bo Chen', phone: '020 7946 0000', account: null },
      call: { id: B, startedAt: '2026-11-21T10:00:00.000Z', agent: 'test-agent', category: 'delivery' },
    });
  });

  it('--days widens or narrows upcoming and is validated', async () => {
    const ctx = await setUp();
    await followupsListCommand({ days: '30', json: true }, ctx);
    const json = JSON.parse(ctx.out()) as FollowUpBoardJson;
    expect(json.groups.upcoming.map((f) => f.text)).toEqual(['Progress report on the parcel', 'Way later']);
    for (const bad of ['0', '-1', 'x', '1.5', '', '99999']) {
      const error = await rejection(followupsListCommand({ days: bad }, testContext()));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^--days must be a whole number of days from 1 to \d+ \(got ".*"\)$/);
    }
  });

  it('--on shows the list as it will stand on another day', async () => {
    const ctx = await setUp();
    await followupsListCommand({ on: 'wed', json: true }, ctx); // Wed 25 Nov
    const json = JSON.parse(ctx.out()) as FollowUpBoardJson;
    expect(json.asOf).toBe('2026-11-25T05:00:00.000Z');
    expect(json.groups.overdue.map((f) => f.shortId)).toEqual(['aaaaaa.f1', 'aaaaaa.f2']);
    expect(json.groups.today.map((f) => f.shortId)).toEqual(['bbbbbb.f1']);
    const text = await setUp();
    await followupsListCommand({ on: '2026-11-25' }, text);
    expect(text.out()).toContain('as the list will stand on Wed 25 Nov 2026');
    await expect(rejection(followupsListCommand({ on: 'someday' }, text))).resolves.toMatchObject({ exitCode: 2 });
  });

  it('an empty list is one friendly line', async () => {
    const ctx = testContext({ now: () => NOW });
    await followupsListCommand({}, ctx);
    expect(ctx.out()).toBe('Nothing to follow up for test-agent: no open follow-ups overdue, today or in the next 7 days.\n');
    expect(ctx.err()).toBe('');
  });

  it('a damaged call file is one warning line; the rest is still shown; --strict fails after printing', async () => {
    const ctx = await setUp();
    const broken = callPath(ctx.dataDir, '20261001-090000-broken');
    writeFileMakingDir(broken, '{"schemaVersion": 1, "id": ');
    await followupsListCommand({}, ctx);
    expect(ctx.out()).toContain('aaaaaa.f1');
    const warnings = ctx.err().trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`skipped damaged call file ${broken}: not valid JSON`);

    const strict = testContext({ dataDir: ctx.dataDir, now: () => NOW, timeZone: NY });
    const error = await rejection(followupsListCommand({ strict: true }, strict));
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^1 damaged call file skipped \(--strict\)/);
    expect(strict.out()).toContain('aaaaaa.f1');
  });

  it('shows customer text harmlessly (no escape sequences reach the terminal)', async () => {
    const ctx = testContext({ now: () => NOW });
    await saveCall(ctx.dataDir, makeCall({ customer: { name: 'Eve\u001b[2J', phone: '1' }, followups: [{ text: 'x\u001b]0;pwned\u0007', due: '2026-11-23T15:00:00.000Z' }] }));
    await followupsListCommand({}, ctx);
    expect(ctx.out()).not.toContain('\u001b');
    expect(ctx.out()).toContain('Eve\\x1b[2J');
  });
});

describe('followups done', () => {
  it('marks it done in the call file, by short or full id, with history', async () => {
    const ctx = await setUp();
    await followupsDoneCommand('aaaaaa.f1', { note: 'refund confirmed' }, ctx);
    expect(ctx.out()).toBe('Done: aaaaaa.f1 Tell Ann the refund went through (Ann Smith)\n');
    const record = await readCall(ctx.dataDir, A);
    expect(record.followups[0]).toMatchObject({ status: 'done', doneAt: NOW.toISOString() });
    expect(record.followups[0]!.history.at(-1)).toEqual({
      at: NOW.toISOString(),
      by: 'test-agent',
      action: 'done',
      note: 'refund confirmed',
      due: '2026-11-21T15:00:00.000Z',
    });
    await followupsDoneCommand(`${A}.f2`, {}, ctx);
    expect((await readCall(ctx.dataDir, A)).followups[1]!.status).toBe('done');
    // And the list no longer shows them.
    const after = testContext({ dataDir: ctx.dataDir, now: () => NOW, timeZone: NY });
    await followupsListCommand({}, after);
    expect(after.out()).not.toContain('aaaaaa.f');
  });

  it('schedules the next progress report of a repeating follow-up', async () => {
    const ctx = await setUp();
    await followupsDoneCommand('bbbbbb.f1', {}, ctx);
    expect(ctx.out()).toContain('Next progress call bbbbbb.f3: Wed 25 Nov 09:00 (in 2 days)');
    const record = await readCall(ctx.dataDir, B);
    expect(record.followups.map((f) => [f.id.slice(-2), f.status, f.due])).toEqual([
      ['f1', 'done', '2026-11-25T14:00:00.000Z'],
      ['f2', 'open', '2026-12-20T14:00:00.000Z'],
      ['f3', 'open', '2026-11-25T14:00:00.000Z'],
    ]);
  });

  it('books the next progress report inside business hours, set by CSR_CALL_BUSINESS_HOURS (issue 15, item 14)', async () => {
    // Done at 18:52 in New York: the next is not at 18:52 two days later, but at the next opening.
    const late = await setUp({ now: () => new Date('2026-11-23T23:52:00Z') });
    await followupsDoneCommand('bbbbbb.f1', {}, late);
    expect(late.out()).toContain('Next progress call bbbbbb.f3: Thu 26 Nov 09:00 (in 3 days)');
    const team = await setUp({ now: () => new Date('2026-11-23T23:52:00Z'), env: { CSR_CALL_BUSINESS_HOURS: '10:00-16:00' } });
    await followupsDoneCommand('bbbbbb.f1', {}, team);
    expect(team.out()).toContain('Next progress call bbbbbb.f3: Thu 26 Nov 10:00 (in 3 days)');
    // A setting that is no hours is refused before anything changes.
    const wrong = await setUp({ env: { CSR_CALL_BUSINESS_HOURS: 'nine to five' } });
    expect((await rejection(followupsDoneCommand('bbbbbb.f1', {}, wrong))).message).toMatch(/^CSR_CALL_BUSINESS_HOURS must be opening and closing times like 09:00-17:00/);
    expect((await readCall(wrong.dataDir, B)).followups[0]!.status).toBe('open');
  });

  it('refuses an already done or unknown follow-up with one line', async () => {
    const ctx = await setUp();
    const done = await rejection(followupsDoneCommand('aaaaaa.f3', {}, ctx));
    expect(done.message).toBe('cannot mark done aaaaaa.f3: it is already done on 2026-11-22');
    const unknown = await rejection(followupsDoneCommand('aaaaaa.f9', {}, ctx));
    expect(unknown.message).toBe('call aaaaaa has no follow-up aaaaaa.f9: it has aaaaaa.f1, aaaaaa.f2, aaaaaa.f3');
    const noCall = await rejection(followupsDoneCommand('zzzzzz.f1', {}, ctx));
    expect(noCall.exitCode).toBe(1);
    expect(noCall.message).toContain('no call zzzzzz');
  });

  it("takes a call's id for its one open follow-up; several or none: one line naming them", async () => {
    const ctx = await setUp();
    // Bob's call has one open follow-up; aaaaaa has two (f1, f2) and one done.
    await followupsDoneCommand(C.slice(-6), {}, ctx);
    expect(ctx.out()).toContain(`Done: ${C.slice(-6)}.f1`);
    expect((await readCall(ctx.dataDir, C)).followups[0]!.status).toBe('done');
    const several = await rejection(followupsSnoozeCommand('aaaaaa', { until: 'tomorrow' }, ctx));
    expect(several.message).toBe('call aaaaaa has 2 open follow-ups (aaaaaa.f1, aaaaaa.f2): give the one you mean');
    expect(several.exitCode).toBe(1);
    await followupsDoneCommand('aaaaaa.f1', {}, ctx);
    await followupsDoneCommand('aaaaaa.f2', {}, ctx);
    expect((await rejection(followupsDoneCommand(A, {}, ctx))).message).toBe('call aaaaaa has no open follow-up');
  });

  it('rejects a bad id before touching the file system', async () => {
    const ctx = testContext({ dataDir: join(tempDir(), 'does-not-exist') });
    for (const bad of ['../../etc/passwd', '', 'aaaaaa.f1\u0000', 'aaaaaa.f', 'aaaaaa.f1/../x']) {
      const error = await rejection(followupsDoneCommand(bad, {}, ctx));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('is not a follow-up id');
      expect(error.message).not.toMatch(/[\u0000\n]/);
    }
  });
});

describe('followups snooze', () => {
  it('moves the due time, keeps the history and prints the new time', async () => {
    const ctx = await setUp();
    await followupsSnoozeCommand('aaaaaa.f1', { until: 'tomorrow 10:00', note: 'customer at work' }, ctx);
    expect(ctx.out()).toBe('Snoozed aaaaaa.f1 to Tue 24 Nov 10:00 (due tomorrow)\n');
    expect(ctx.err()).toBe('');
    const f1 = (await readCall(ctx.dataDir, A)).followups[0]!;
    expect(f1.due).toBe('2026-11-24T15:00:00.000Z');
    expect(f1.history.at(-1)).toEqual({
      at: NOW.toISOString(),
      by: 'test-agent',
      action: 'snoozed',
      note: 'customer at work',
      due: '2026-11-24T15:00:00.000Z',
      previousDue: '2026-11-21T15:00:00.000Z',
    });
  });

  it('a day with no zone is that day in the follow-up\'s own zone, not the agent\'s midnight (the day before west of the agent)', async () => {
    const ctx = await setUp();
    // aaaaaa.f2 is booked in America/Chicago; the agent works in New York.
    await followupsSnoozeCommand('aaaaaa.f2', { until: 'fri' }, ctx);
    const f2 = (await readCall(ctx.dataDir, A)).followups[1]!;
    expect(f2).toMatchObject({ due: '2026-11-27T06:00:00.000Z', allDay: true, timeZone: 'America/Chicago' });
    expect(ctx.out()).toMatch(/^Snoozed aaaaaa\.f2 to Fri 27 Nov\b/);
  });

  it('warns that snoozing past the promised date breaks a promise, and does it', async () => {
    const ctx = await setUp();
    await followupsSnoozeCommand('aaaaaa.f1', { until: 'fri' }, ctx);
    expect(ctx.out()).toBe('Snoozed aaaaaa.f1 to Fri 27 Nov (in 4 days)\n');
    expect(ctx.err()).toBe(
      'csr-call: warning: this breaks a promise to Ann Smith: "Refund the second charge by Wednesday" was promised by Wed 25 Nov 17:00 (in 2 days); let the customer know\n',
    );
    expect((await readCall(ctx.dataDir, A)).followups[0]).toMatchObject({ due: '2026-11-27T05:00:00.000Z', allDay: true });
  });

  it('warns when the new time is outside the hours the customer may be called, their time (issue 15, item 14)', async () => {
    const ctx = await setUp();
    await followupsSnoozeCommand('bbbbbb.f2', { until: 'tomorrow 9pm America/Los_Angeles' }, ctx);
    expect(ctx.err()).toBe('');
    await followupsSnoozeCommand('bbbbbb.f2', { until: 'tomorrow 10pm America/Chicago' }, ctx);
    expect(ctx.err()).toBe(
      'csr-call: warning: Tue 24 Nov 2026 22:00 America/Chicago is outside the hours Bo Chen may be called (08:00–21:00 their time); pick another time with --until\n',
    );
  });

  it('takes a callback time in the customer zone and shows both', async () => {
    const ctx = await setUp();
    await followupsSnoozeCommand('bbbbbb.f1', { until: 'wed 10:00 America/Chicago' }, ctx);
    expect(ctx.out()).toBe('Snoozed bbbbbb.f1 to Wed 25 Nov 11:00 / 10:00 America/Chicago (in 2 days)\n');
    expect((await readCall(ctx.dataDir, B)).followups[0]).toMatchObject({ due: '2026-11-25T16:00:00.000Z', timeZone: 'America/Chicago' });
  });

  it('refuses a bad date (listing the accepted forms) and the past, before changing anything', async () => {
    const ctx = await setUp();
    const bad = await rejection(followupsSnoozeCommand('aaaaaa.f1', { until: 'someday' }, ctx));
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toContain('tomorrow');
    const past = await rejection(followupsSnoozeCommand('aaaaaa.f1', { until: 'yesterday' }, ctx));
    expect(past.message).toMatch(/in the past/);
    expect((await readCall(ctx.dataDir, A)).followups[0]!.history).toHaveLength(1);
  });
});

describe('followups through the real CLI', () => {
  // A NUL cannot be passed in argv at all (the OS takes it as the end of the argument):
  // that case is covered in-process above.
  it('rejects bad ids with one line and exit 2', () => {
    const dataDir = join(tempDir(), 'data');
    for (const args of [
      ['followups', 'done', '../../etc/passwd'],
      ['followups', 'snooze', '', '--until', 'tomorrow'],
    ]) {
      const result = runCli(['--data-dir', dataDir, ...args]);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(/^csr-call: ".*" is not a follow-up id/);
      expect(result.stdout).toBe('');
    }
  });

  it('lists, marks done and reports --days errors as a user would see them', async () => {
    const ctx = testContext({ dataDir: join(tempDir(), 'data') });
    const due = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await saveCall(ctx.dataDir, makeCall({ id: A, followups: [{ text: 'Ring Ann back', due }] }));
    const env = { TZ: 'UTC', CSR_CALL_AGENT: 'test-agent' };
    const list = runCli(['--data-dir', ctx.dataDir, 'followups'], { env });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/OVERDUE \(1\)\n {2}aaaaaa\.f1 .*\(3 days overdue\)/);
    const days = runCli(['--data-dir', ctx.dataDir, 'followups', '--days', 'soon'], { env });
    expect(days.status, days.stderr).toBe(2);
    expect(days.stderr).toBe('csr-call: --days must be a whole number of days from 1 to 3660 (got "soon")\n');
    const done = runCli(['--data-dir', ctx.dataDir, 'followups', 'done', 'aaaaaa.f1', '--note', 'rang back'], { env });
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toBe('Done: aaaaaa.f1 Ring Ann back (Ann Smith)\n');
    expect((await readCall(ctx.dataDir, A)).followups[0]!.status).toBe('done');
  });
});
