import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstWords, listCommand, type CallListJson } from '../src/commands/list.js';
import { phonesMatch, samePhone } from '../src/domain/customerKeys.js';
import { earlierCallsOf } from '../src/domain/callSummary.js';
import { withCallIndex } from '../src/store/index/indexAccess.js';
import { customerCalls } from '../src/store/index/indexQueries.js';
import { noteCommand } from '../src/commands/note.js';
import { showCommand } from '../src/commands/show.js';
import { UserError } from '../src/errors.js';
import { callPath } from '../src/store/callFiles.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { readCall } from '../src/store/callStore.js';
import { makeCall } from './fixtures/makeCall.js';
import { runCli, tempDir, testContext, writeFileMakingDir, type TestContext, saveCall } from './helpers.js';

const NOW = new Date('2026-11-23T14:00:00Z');
const NY = 'America/New_York';
const OLD = '20260915-120000-oldold';
const LATE = '20261120-030000-latenn'; // Thu 19 Nov 22:00 in New York
const ANN = '20261120-150000-annann';
const BO = '20261122-160000-bobobo';

async function setUp(overrides: Parameters<typeof testContext>[0] = {}): Promise<TestContext> {
  const ctx = testContext({ now: () => NOW, timeZone: NY, ...overrides });
  await saveCall(ctx.dataDir, makeCall({ id: OLD, startedAt: '2026-09-15T12:00:00.000Z', customer: { name: 'Old Timer', phone: '555 999 0000' }, outcome: 'resolved' }));
  await saveCall(ctx.dataDir, makeCall({ id: LATE, startedAt: '2026-11-20T03:00:00.000Z', customer: { name: 'Night Owl', phone: '555 888 0000' }, problem: { category: 'outage', paraphrase: 'No internet since the storm' }, outcome: 'escalated' }));
  await saveCall(ctx.dataDir, makeCall({ id: ANN, startedAt: '2026-11-20T15:00:00.000Z', customer: { name: 'Ann Smith', phone: '+1 (555) 010-0100' } }));
  await saveCall(
    ctx.dataDir,
    makeCall({ id: BO, agent: 'bob', startedAt: '2026-11-22T16:00:00.000Z', status: 'in-progress', customer: { name: 'Bo Chen', phone: '020 7946 0000' }, outcome: undefined, problem: {} }),
  );
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

async function listIds(opts: Parameters<typeof listCommand>[0], ctx?: TestContext): Promise<string[]> {
  const c = ctx ?? (await setUp());
  await listCommand({ ...opts, json: true }, c);
  return (JSON.parse(c.out()) as { calls: CallListJson[] }).calls.map((call) => call.id.slice(-6));
}

describe('list', () => {
  it('one line per call, newest first, in the agent zone', async () => {
    const ctx = await setUp();
    await listCommand({}, ctx);
    const lines = ctx.out().trimEnd().split('\n');
    // Calls of more than one agent: whose each is.
    expect(lines[0]).toMatch(/^ID {6}STARTED +AGENT +STATUS +CUSTOMER +PHONE +CATEGORY +OUTCOME +PROBLEM$/);
    expect(lines.slice(1, -1).map((line) => line.slice(0, 6))).toEqual(['bobobo', 'annann', 'latenn', 'oldold']);
    expect(lines[3]).toMatch(/^latenn {2}Thu 19 Nov 2026 22:00 {2}test-agent {2}completed +Night Owl +555 888 0000 +outage +escalated +No internet since the storm$/);
    expect(lines[1]).toMatch(/^bobobo {2}Sun 22 Nov 2026 11:00 {2}bob {9}in-progress {2}Bo Chen +020 7946 0000 +- +-$/);
    expect(lines.at(-1)).toBe('4 calls');
    expect(ctx.err()).toBe('');
  });

  it('on a narrow terminal a call stays one line: the phone, then the status, give way to the problem', async () => {
    for (const [columns, header] of [
      [200, /^ID +STARTED +AGENT +STATUS +CUSTOMER +PHONE +CATEGORY +OUTCOME +PROBLEM$/],
      [120, /^ID +STARTED +AGENT +STATUS +CUSTOMER +CATEGORY +OUTCOME +PROBLEM$/],
      [110, /^ID +STARTED +AGENT +CUSTOMER +CATEGORY +OUTCOME +PROBLEM$/],
      [90, /^ID +STARTED +CUSTOMER +CATEGORY +OUTCOME +PROBLEM$/],
      [80, /^ID +STARTED +CUSTOMER +OUTCOME +PROBLEM$/],
    ] as const) {
      const ctx = await setUp();
      Object.assign(ctx.stdout, { columns });
      await listCommand({}, ctx);
      const lines = ctx.out().trimEnd().split('\n');
      expect(lines[0]).toMatch(header);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns - 1);
      expect(lines.find((line) => line.startsWith('latenn'))).toContain('No internet');
    }
  });

  it('filters: status, customer, phone by digits, outcome, category, agent', async () => {
    expect(await listIds({ status: 'in-progress' })).toEqual(['bobobo']);
    expect(await listIds({ status: 'Completed' as never })).toEqual(['annann', 'latenn', 'oldold']);
    expect(await listIds({ customer: 'smith' })).toEqual(['annann']);
    expect(await listIds({ phone: '555-010-0100' })).toEqual(['annann']); // stored as +1 (555) 010-0100
    expect(await listIds({ phone: '15550100100' })).toEqual(['annann']);
    expect(await listIds({ phone: '0100' })).toEqual([]); // a fragment is not a number
    expect(await listIds({ outcome: 'escalated' })).toEqual(['latenn']);
    expect(await listIds({ category: 'BILLING' })).toEqual(['annann', 'oldold']);
    expect(await listIds({ agent: 'bob' })).toEqual(['bobobo']);
  });

  it('--from/--to are whole days in the agent zone', async () => {
    // Thu 19 Nov 22:00 New York is already 20 Nov in UTC: it belongs to the 19th here.
    expect(await listIds({ from: '2026-11-20' })).toEqual(['bobobo', 'annann']);
    expect(await listIds({ to: '2026-11-19' })).toEqual(['latenn', 'oldold']);
    expect(await listIds({ from: '2026-11-19', to: '2026-11-19' })).toEqual(['latenn']);
    expect(await listIds({ from: 'yesterday' })).toEqual(['bobobo']);
  });

  it('--from/--to compare instants, however the start time is spelt (offsets, no milliseconds)', async () => {
    // New York's 20 Nov starts at 05:00 UTC. Text order is not time order for the offset ones.
    const ctx = testContext({ now: () => NOW, timeZone: NY });
    // Ids are the UTC start to the second, as csr-call makes them.
    const starts: Record<string, string> = {
      '20261120-050000-atbeg1': '2026-11-20T00:00:00-05:00',
      '20261120-050000-atbeg2': '2026-11-20T05:00:00Z',
      '20261120-045959-before': '2026-11-20T04:59:59.999Z',
      '20261120-045959-plus6h': '2026-11-20T10:59:59+06:00',
    };
    for (const [id, startedAt] of Object.entries(starts)) await saveCall(ctx.dataDir, makeCall({ id, startedAt }));
    expect((await listIds({ from: '2026-11-20' }, ctx)).sort()).toEqual(['atbeg1', 'atbeg2']);
    const before = testContext({ dataDir: ctx.dataDir, now: () => NOW, timeZone: NY });
    expect((await listIds({ to: '2026-11-19' }, before)).sort()).toEqual(['before', 'plus6h']);
  });

  it('--from skips older months without reading them', async () => {
    const ctx = await setUp();
    writeFileMakingDir(callPath(ctx.dataDir, '20260916-120000-broken'), 'not json');
    await listCommand({ from: '2026-11-01' }, ctx);
    expect(ctx.err()).toBe('');
    const all = testContext({ dataDir: ctx.dataDir, now: () => NOW, timeZone: NY });
    await listCommand({}, all);
    expect(all.err()).toContain('20260916-120000-broken.json: not valid JSON');
  });

  it('refuses bad filters with one line saying what is accepted', async () => {
    const ctx = testContext({ now: () => NOW });
    expect((await rejection(listCommand({ status: 'done' as never }, ctx))).message).toBe('--status must be in-progress or completed (got "done")');
    expect((await rejection(listCommand({ phone: 'abc' }, ctx))).message).toContain('--phone needs at least 4 digits');
    expect((await rejection(listCommand({ from: 'soonish' }, ctx))).message).toContain('is not a day I understand');
    expect((await rejection(listCommand({ from: '2026-11-20', to: '2026-11-19' }, ctx))).message).toBe('--from (2026-11-20) is after --to (2026-11-19): give the earlier day first');
  });

  it('--json, the empty store line, damaged files and --strict', async () => {
    const ctx = await setUp();
    await listCommand({ json: true, customer: 'bo' }, ctx);
    expect(JSON.parse(ctx.out())).toEqual({
      jsonVersion: 1,
      total: 1,
      calls: [
        {
          id: BO,
          shortId: 'bobobo',
          startedAt: '2026-11-22T16:00:00.000Z',
          endedAt: '2026-11-22T16:07:00.000Z',
          agent: 'bob',
          status: 'in-progress',
          customer: { name: 'Bo Chen', phone: '020 7946 0000', account: null },
          category: null,
          outcome: null,
          paraphrase: null,
          ticket: null,
          openFollowups: 0,
        },
      ],
    });

    const empty = testContext({ now: () => NOW });
    await listCommand({}, empty);
    expect(empty.out()).toBe('No calls yet: start one with csr-call start.\n');
    const none = await setUp();
    await listCommand({ customer: 'nobody' }, none);
    expect(none.out()).toBe('No calls match these filters.\n');

    const damaged = await setUp();
    const broken = callPath(damaged.dataDir, '20261121-000000-broken');
    writeFileMakingDir(broken, JSON.stringify({ schemaVersion: 1, id: 'x' }));
    const error = await rejection(listCommand({ strict: true }, damaged));
    expect(error.exitCode).toBe(1);
    expect(damaged.out()).toContain('4 calls');
    expect(damaged.err().trim().split('\n')).toEqual([expect.stringContaining(`skipped damaged call file ${broken}: id:`)]);
  });

  it('matches phone numbers with or without the country code', () => {
    expect(samePhone('5550100100', '+1 555 010 0100')).toBe(true);
    expect(samePhone('15550100100', '555-010-0100')).toBe(true);
    expect(samePhone('0100', '555-010-0100')).toBe(false);
    expect(samePhone('5550100100', undefined)).toBe(false);
  });

  it.each([
    ['555 0100', '+1 555 0100', true], // a local number, stored with its country code
    ['+1 555 0100', '555-0100', true],
    ['06 12 34 56 78', '+33 6 12 34 56 78', true], // trunk 0 and country code
    ['0033 6 12 34 56 78', '06 12 34 56 78', true],
    ['010 0100', '+1 (555) 010-0100', true], // the last seven, a 0 first
    ['555 0100', '+1 555 0199', false],
    ['212 555 0100', '415 555 0100', false], // same local number, other area codes
    ['0100', '+1 555 0100', false], // under seven digits: only the same key
    ['555 0100', undefined, false],
  ])('looks %j up as %j: %s', (typed, stored, expected) => {
    expect(phonesMatch(typed, stored)).toBe(expected);
  });

  it('list --phone finds a number however much of its prefix was typed or stored', async () => {
    const ctx = testContext();
    await saveCall(ctx.dataDir, makeCall({ id: '20261120-090000-local1', customer: { name: 'Ana Lima', phone: '+1 555 0100' } }));
    await saveCall(ctx.dataDir, makeCall({ id: '20261121-090000-local2', startedAt: '2026-11-21T09:00:00.000Z', customer: { name: 'Ana Lima', phone: '555-0100' } }));
    await saveCall(ctx.dataDir, makeCall({ id: '20261122-090000-other1', startedAt: '2026-11-22T09:00:00.000Z', customer: { name: 'Bo', phone: '+1 555 0199' } }));
    for (const typed of ['555 0100', '+1 555 0100', '15550100']) {
      const run = testContext({ dataDir: ctx.dataDir });
      await listCommand({ phone: typed, json: true }, run);
      expect((JSON.parse(run.out()) as { calls: CallListJson[] }).calls.map((call) => call.shortId), typed).toEqual(['local2', 'local1']);
    }
    // The known caller of `start`: the same calls.
    const known = await withCallIndex(ctx.dataDir, { warn: () => {} }, (index) => customerCalls(index, { phone: '555 0100' }));
    expect(earlierCallsOf({ phone: '555 0100' }, known).map((call) => call.id.slice(-6))).toEqual(['local2', 'local1']);
    const limited = testContext({ dataDir: ctx.dataDir });
    await listCommand({ phone: '555 0100', limit: '1', json: true }, limited);
    expect((JSON.parse(limited.out()) as { calls: CallListJson[] }).calls.map((call) => call.shortId)).toEqual(['local2']);
  });
});

describe('show', () => {
  const ID = '20261120-150000-showme';
  const record = makeCall({
    id: ID,
    answers: [
      { stepId: 'open.name', question: "Customer's name?", type: 'text', value: 'Ann Smith', answeredAt: '2026-11-20T15:00:10.000Z' },
      { stepId: 'listen.story', question: 'What happened?', type: 'longtext', value: 'Charged twice.\nWants the money back.', answeredAt: '2026-11-20T15:02:00.000Z' },
      { stepId: 'resolve.callback', question: 'Call back when?', type: 'date', value: '2026-11-24T16:00:00.000Z', raw: 'tue 10:00 America/Chicago', timeZone: 'America/Chicago', answeredAt: '2026-11-20T15:05:00.000Z' },
      { stepId: 'close.ok', question: 'Anything else?', type: 'confirm', value: false, answeredAt: '2026-11-20T15:06:00.000Z' },
      { stepId: 'close.promise', question: 'By when?', type: 'datetime', value: '2026-12-07T22:00:00.000Z', raw: 'mondy 5pm', answeredAt: '2026-11-20T15:07:00.000Z' },
      { stepId: 'close.day', question: 'Which day?', type: 'date', value: '2026-12-08', answeredAt: '2026-11-20T15:08:00.000Z' },
      { stepId: 'listen.later', question: 'Questions for later', type: 'list', meaning: 'queries', value: null, answeredAt: '2026-11-20T15:09:00.000Z' },
    ],
    queries: ['which card was it'],
    notes: [{ at: '2026-11-21T10:00:00.000Z', by: 'bob', text: 'Refund \u001b[31marrived' }],
    followups: [
      {
        text: 'Call back about the refund',
        due: '2026-11-24T16:00:00.000Z',
        history: [
          { at: '2026-11-20T15:05:00.000Z', by: 'test-agent', action: 'created' },
          { at: '2026-11-21T09:00:00.000Z', by: 'bob', action: 'snoozed', note: 'away', due: '2026-11-24T16:00:00.000Z', previousDue: '2026-11-22T16:00:00.000Z' },
        ],
      },
    ],
  });

  it('prints the summary, every answer with its time, notes and follow-up history', async () => {
    const ctx = testContext({ now: () => NOW, timeZone: NY });
    await saveCall(ctx.dataDir, record);
    await showCommand('showme', {}, ctx);
    const out = ctx.out();
    expect(out).toContain(`Call ${ID}`);
    expect(out).toContain('Answers (7):');
    expect(out).toContain("Fri 20 Nov 2026 10:00  Customer's name?\n      Ann Smith\n");
    expect(out).toContain('What happened?\n      Charged twice.\n      Wants the money back.\n');
    expect(out).toContain('Anything else?\n      no\n');
    expect(out).toContain('(typed: tue 10:00 America/Chicago)');
    // Dates in the agent's zone (and the customer's), never the stored UTC (issue 15, item 15).
    expect(out).toContain('Call back when?\n      Tue 24 Nov 2026 11:00 (Tue 24 Nov 2026 10:00 America/Chicago) (typed: tue 10:00 America/Chicago)\n');
    expect(out).toContain('By when?\n      Mon 7 Dec 2026 17:00 (typed: mondy 5pm)\n');
    expect(out).toContain('Which day?\n      Tue 8 Dec 2026\n');
    expect(out).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    // A questions list left empty while questions were parked in the notes is not "(skipped)" (item 17).
    expect(out).toContain('Questions for later\n      which card was it (parked in the notes)\n');
    expect(out).toContain('Notes added after the call (1):');
    expect(out).toContain('Refund \\x1b[31marrived');
    expect(out).not.toContain('\u001b');
    expect(out).toContain('Follow-up history:');
    expect(out).toContain('showme.f1  [open]  Call back about the refund');
    expect(out).toContain('Sat 21 Nov 2026 04:00  snoozed by bob, from Sun 22 Nov 2026 11:00 to Tue 24 Nov 2026 11:00: away');
  });

  it('a follow-up no longer open shows when it was due, not how soon', async () => {
    const ctx = testContext({ now: () => NOW });
    const done = makeCall({ id: '20261120-100000-donefu', followups: [{ status: 'done', due: '2026-12-20T15:00:00.000Z' }] });
    await saveCall(ctx.dataDir, done);
    await showCommand('donefu', {}, ctx);
    expect(ctx.out()).toMatch(/donefu\.f1 {2}\[done\] .* due Sun 20 Dec 2026 \d\d:00\n/);
  });

  it('--json prints the stored record, in an object with its jsonVersion', async () => {
    const ctx = testContext({ now: () => NOW });
    const saved = await saveCall(ctx.dataDir, record);
    await showCommand(ID, { json: true }, ctx);
    expect(JSON.parse(ctx.out())).toEqual({ jsonVersion: 1, call: saved });
    expect(JSON.parse(ctx.out()).call).toEqual(JSON.parse(readFileSync(callPath(ctx.dataDir, ID), 'utf8')));
  });

  it('explains a damaged file: which file and what is wrong, exit 1', async () => {
    const ctx = testContext({ now: () => NOW });
    await saveCall(ctx.dataDir, record);
    const path = callPath(ctx.dataDir, ID);
    writeFileSync(path, JSON.stringify({ ...record, status: 'paused' }));
    const error = await rejection(showCommand('showme', {}, ctx));
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(path);
    expect(error.message).toContain('status');
    expect(error.message).toMatch(/damaged/);
    expect(ctx.out()).toBe('');
  });

  it('unknown and bad ids', async () => {
    const ctx = testContext({ now: () => NOW, dataDir: join(tempDir(), 'data') });
    mkdirSync(ctx.dataDir, { recursive: true });
    expect((await rejection(showCommand('zzzzzz', {}, ctx))).exitCode).toBe(1);
    for (const bad of ['../../etc/passwd', '', 'abc\u0000def', 'ABCDEF']) {
      const error = await rejection(showCommand(bad, {}, ctx));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^".*" is not a call id/);
    }
  });
});

describe('note', () => {
  it('appends a timestamped note and never rewrites the answers', async () => {
    const ctx = await setUp();
    const before = await readCall(ctx.dataDir, ANN);
    await noteCommand('annann', ['  the refund arrived  '], {}, ctx);
    expect(ctx.out()).toBe('Note added to call annann (Ann Smith).\n');
    const after = await readCall(ctx.dataDir, ANN);
    expect(after.notes).toEqual([{ at: NOW.toISOString(), by: 'test-agent', text: 'the refund arrived' }]);
    expect(after.answers).toEqual(before.answers);
    expect({ ...after, notes: [], revision: 0 }).toEqual({ ...before, notes: [], revision: 0 });
    expect(after.revision).toBe(before.revision + 1);
    await noteCommand(ANN, ['second'], {}, ctx);
    expect((await readCall(ctx.dataDir, ANN)).notes.map((n) => n.text)).toEqual(['the refund arrived', 'second']);
  });

  it('refuses an empty note and a damaged file', async () => {
    const ctx = await setUp();
    expect((await rejection(noteCommand('annann', ['   '], {}, ctx))).message).toMatch(/^the note is empty/);
    writeFileSync(callPath(ctx.dataDir, ANN), '');
    const damaged = await rejection(noteCommand('annann', ['hello'], {}, ctx));
    expect(damaged.exitCode).toBe(1);
    expect(damaged.message).toContain('the file is empty');
    expect(readFileSync(callPath(ctx.dataDir, ANN), 'utf8')).toBe('');
  });
});

describe('list, show and note through the real CLI', () => {
  it('bad ids: one line, exit 2, nothing touched', () => {
    const dataDir = join(tempDir(), 'data');
    for (const args of [
      ['show', '../../etc/passwd'],
      ['note', '', 'hello'],
    ]) {
      const result = runCli(['--data-dir', dataDir, ...args]);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^csr-call: ".*" is not a call id: expected like 20261123-145203-k3v9q2 or its last part k3v9q2\n$/);
      expect(result.stdout).toBe('');
    }
  });

  it('note joins the words, then list shows the call', async () => {
    const dataDir = join(tempDir(), 'data');
    await saveCall(dataDir, makeCall({ id: ANN }));
    const note = runCli(['--data-dir', dataDir, 'note', 'annann', 'customer', 'rang', 'back']);
    expect(note.status, note.stderr).toBe(0);
    expect((await readCall(dataDir, ANN)).notes.map((n) => n.text)).toEqual(['customer rang back']);
    // A few changes' log is left for SQLite to copy in with later ones.
    const log = `${indexPathFor(dataDir)}-wal`;
    expect(existsSync(log) ? statSync(log).size : 0).toBeGreaterThan(0);
    expect(runCli(['--data-dir', dataDir, 'search', 'rang', '--json']).stdout).toContain(ANN);
    const list = runCli(['--data-dir', dataDir, 'list', '--status', 'paused']);
    expect(list.status, list.stderr).toBe(2);
    expect(list.stderr).toBe('csr-call: --status: "paused" is not one of in-progress, completed\n');
  });

  it("a command that grew the index's log past 4 MB empties it as it exits (the next command would read all of it again)", async () => {
    const dataDir = join(tempDir(), 'data');
    await saveCall(dataDir, makeCall({ id: ANN }));
    expect(runCli(['--data-dir', dataDir, 'followups']).status).toBe(0);
    // Written by another program: the next command catches up with them in one transaction.
    const start = Date.parse('2026-10-01T08:00:00.000Z');
    for (let i = 0; i < 900; i++) {
      const record = makeCall({ startedAt: new Date(start + i * 3_600_000).toISOString(), problem: { paraphrase: `Problem number ${i}`, category: 'billing', story: `Story ${i}: nothing worked `.repeat(100) } });
      writeFileMakingDir(callPath(dataDir, record.id), `${JSON.stringify(record, null, 2)}\n`);
    }
    const log = `${indexPathFor(dataDir)}-wal`;
    const followups = runCli(['--data-dir', dataDir, 'followups'], { env: { CSR_CALL_INDEX_WORKERS: '0' } });
    expect(followups.status, followups.stderr).toBe(0);
    expect(existsSync(log) ? statSync(log).size : 0).toBe(0);
    expect(JSON.parse(runCli(['--data-dir', dataDir, 'list', '--json']).stdout).total).toBe(901);
  });

  it('a note starting with a dash is text, with or without --; --help still helps (issue 15, item 7)', async () => {
    const dataDir = join(tempDir(), 'data');
    await saveCall(dataDir, makeCall({ id: ANN }));
    for (const args of [['-5 credit reversed'], ['--', '-10 more'], ['-x', 'marks', 'the', 'spot']]) {
      const note = runCli(['--data-dir', dataDir, 'note', 'annann', ...args]);
      expect(note.status, note.stderr).toBe(0);
    }
    expect((await readCall(dataDir, ANN)).notes.map((n) => n.text)).toEqual(['-5 credit reversed', '-10 more', '-x marks the spot']);
    const help = runCli(['--data-dir', dataDir, 'note', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: csr-call note \[options\] <id> \[text\.\.\.\]/);
    expect(help.stdout).toContain('Examples:');
  });
});

describe('firstWords', () => {
  it.each([
    ['Charged twice for the November invoice', 20, 'Charged twice for…'],
    ['Short', 20, 'Short'],
    ['Supercalifragilisticexpialidocious', 10, 'Supercali…'],
    ['line one\nline two', 40, 'line one ⏎ line two'],
  ])('%j in %i → %j', (text, width, expected) => expect(firstWords(text, width)).toBe(expected));
});
