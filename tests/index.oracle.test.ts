import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listCommand, parseListFilter, type CallListJson, type ListOptions } from '../src/commands/list.js';
import { nameKey, phonesMatch } from '../src/domain/customerKeys.js';
import type { CallFilter } from '../src/store/index/indexQueries.js';
import { boardToJson, followupsListCommand } from '../src/commands/followups.js';
import { statsCommand } from '../src/commands/stats.js';
import { parseCallText, serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { closeCallIndex } from '../src/store/index/indexAccess.js';
import { checkStore, fixStore } from '../src/store/storeCheck.js';
import { summarizeCall } from '../src/domain/callSummary.js';
import { buildFollowUpBoard, countCallsPerCustomer } from '../src/followups/followupBoard.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { statsFromRecords } from './oracle/statsFromRecords.js';
import { craftStatsFromRecords } from './oracle/craftStatsFromRecords.js';
import { saveCall, testContext } from './helpers.js';
import { pick, rngOf, type Rng } from './fixtures/random.js';

/**
 * The index's answers held to a plain scan of the files: after random writes by
 * csr-call and by other programs (new files, replaced files, deletions, damage), and
 * after the index itself is deleted, cut short, overwritten or of another version,
 * `list`, `followups` and `stats` say exactly what reading every file says.
 */

const NOW = new Date('2026-11-23T14:00:00Z');
const AGENTS = ['ann', 'bob', 'Cy'];
const PHONES = ['+1 555 010 0100', '(555) 010-0200', '5550100300', undefined];
const ACCOUNTS = ['AC-1', 'ac-2 ', undefined];
const CATEGORIES = ['billing', 'Billing', 'technical', 'delivery', undefined];
const OUTCOMES = ['resolved', 'escalated', 'callback', 'transferred', 'info', 'odd one', undefined];
const MOODS = ['angry', 'upset', 'calm', 'happy', 'neutral', undefined];
// The craft (issue 16): causes written several ways, solutions, coaching rules.
const CAUSES = ['New price not applied to old contracts', 'new prices not applied to old contracts.', 'Courier lost it', undefined];
const SOLUTIONS = ['refund-duplicate', 'credit-next-bill', 'trace-parcel'];
const RULES = ['vague-promise', 'blame', 'parroting'];


function randomCall(r: Rng): CallRecord {
  const startedAt = new Date(Date.parse('2026-09-01T00:00:00Z') + Math.floor(r() * 84 * 86_400_000)).toISOString();
  const completed = r() < 0.85;
  const phone = pick(r, PHONES);
  const account = pick(r, ACCOUNTS);
  const followups = Array.from({ length: Math.floor(r() * 3) }, () => {
    const due = new Date(Date.parse(startedAt) + Math.floor(r() * 10 * 86_400_000)).toISOString();
    const status = pick(r, ['open', 'open', 'done', 'cancelled'] as const);
    return {
      due,
      status,
      ...(r() < 0.3 ? { allDay: true } : {}),
      owner: pick(r, AGENTS),
      ...(status === 'done' ? { doneAt: due, history: [{ at: startedAt, by: 'x', action: 'created' as const }, { at: due, by: 'x', action: 'done' as const }] } : {}),
    };
  });
  const category = pick(r, CATEGORIES);
  const outcome = pick(r, OUTCOMES);
  const moodStart = pick(r, MOODS);
  const moodEnd = pick(r, MOODS);
  // Promises, each checked by one of the follow-ups above (or none: a promise with no date).
  const promises = followups.slice(0, Math.floor(r() * 3)).map((followup, i) => {
    const id = `p${i + 1}`;
    (followup as { promiseId?: string }).promiseId = id;
    return { id, text: `promise ${i}`, due: new Date(Date.parse(followup.due) + Math.floor((r() - 0.5) * 4 * 86_400_000)).toISOString() };
  });
  if (r() < 0.2) promises.push({ id: `p${promises.length + 1}`, text: 'no date', due: undefined as never });
  const offered = SOLUTIONS.filter(() => r() < 0.4);
  const chosen = offered.length && r() < 0.7 ? pick(r, offered) : undefined;
  const holds = Array.from({ length: Math.floor(r() * 3) }, () => {
    const start = Date.parse(startedAt) + Math.floor(r() * 600_000);
    const ended = r() < 0.9 ? { endedAt: new Date(start + Math.floor(r() * 400_000)).toISOString() } : {};
    return { kind: pick(r, ['hold', 'back'] as const), stage: 'facts', startedAt: new Date(start).toISOString(), backBy: new Date(start + 200_000).toISOString(), ...ended };
  });
  const cause = pick(r, CAUSES);
  const craft = {
    ...(offered.length || chosen ? { solutions: { offered, ...(chosen ? { chosen } : {}) } } : {}),
    ...(holds.length ? { holds } : {}),
    coaching: RULES.filter(() => r() < 0.3).map((rule) => ({ rule, step: 's.x', text: 'nudge', at: startedAt })),
    answers: r() < 0.5 ? [{ stepId: 'readback.empathy', question: 'Empathy', type: 'text', meaning: 'empathy', value: pick(r, ['That is hard.', 'I understand.']), answeredAt: startedAt }] : [],
  };
  return makeCall({
    ...craft,
    promises: promises.map((p) => (p.due === undefined ? { id: p.id, text: p.text } : p)),
    startedAt,
    agent: pick(r, AGENTS),
    customer: { ...(r() < 0.8 ? { name: pick(r, ['Ann Smith', 'José García', 'Bo Chen']) } : {}), ...(phone ? { phone } : {}), ...(account ? { account } : {}) },
    status: completed ? 'completed' : 'in-progress',
    ...(completed ? { endedAt: new Date(Date.parse(startedAt) + Math.floor(r() * 3_600_000)).toISOString() } : { endedAt: undefined }),
    problem: { paraphrase: `problem ${Math.floor(r() * 1000)}`, ...(category ? { category } : {}), ...(cause ? { rootCause: cause } : {}) },
    // An outcome on some calls still in progress too (answered before the call stopped).
    ...(outcome && (completed || r() < 0.5) ? { outcome } : { outcome: undefined }),
    mood: { ...(moodStart ? { start: moodStart } : {}), ...(moodEnd ? { end: moodEnd } : {}) },
    stageSeconds: completed ? { open: Math.floor(r() * 100), listen: Math.floor(r() * 300) } : {},
    playbook: pick(r, [
      { id: 'standard', version: '1', title: 'Standard' },
      { id: 'irate', version: '1', title: 'Irate' },
    ]),
    followups,
  });
}

/** Every call file read and checked, as a command with no index would. */
function scan(dataDir: string): { records: CallRecord[]; damaged: string[] } {
  const root = join(dataDir, 'calls');
  const records: CallRecord[] = [];
  const damaged: string[] = [];
  if (!existsSync(root)) return { records, damaged };
  for (const relative of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = join(root, relative);
    if (!/\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(path) || !statSync(path).isFile()) continue;
    const result = parseCallText(readFileSync(path, 'utf8'));
    if (result.ok && path.endsWith(`${result.record.id}.json`)) records.push(result.record);
    else damaged.push(path);
  }
  return { records, damaged: damaged.sort() };
}

/** `list`'s filters, by a plain test of each call (case, accents and phone formats as the domain says). */
function matches(record: CallRecord, filter: CallFilter): boolean {
  const started = Date.parse(record.startedAt);
  if (filter.from && started < filter.from.getTime()) return false;
  if (filter.to && started >= filter.to.getTime()) return false;
  if (filter.status && record.status !== filter.status) return false;
  if (filter.agent !== undefined && record.agent.trim().toLowerCase() !== filter.agent.trim().toLowerCase()) return false;
  if (filter.outcome !== undefined && (record.outcome?.trim().toLowerCase() ?? null) !== filter.outcome.trim().toLowerCase()) return false;
  if (filter.category !== undefined && record.problem.category?.trim().toLowerCase() !== filter.category.trim().toLowerCase()) return false;
  if (filter.phone !== undefined && !phonesMatch(filter.phone, record.customer.phone)) return false;
  if (filter.customer !== undefined && !(nameKey(record.customer.name) ?? '').includes(nameKey(filter.customer)!)) return false;
  return true;
}

function listOracle(records: CallRecord[], filter: CallFilter = {}): CallListJson[] {
  return records
    .filter((record) => matches(record, filter))
    .map(summarizeCall)
    .sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1))
    .map((call) => ({
      id: call.id,
      shortId: call.id.slice(-6),
      startedAt: call.startedAt,
      endedAt: call.endedAt ?? null,
      agent: call.agent,
      status: call.status,
      customer: { name: call.customer.name ?? null, phone: call.customer.phone ?? null, account: call.customer.account ?? null },
      category: call.category ?? null,
      outcome: call.outcome ?? null,
      paraphrase: call.paraphrase ?? null,
      ticket: call.ticket ?? null,
      openFollowups: call.openFollowups.length,
    }));
}

async function run(dataDir: string, command: (ctx: ReturnType<typeof testContext>) => Promise<void>) {
  const ctx = testContext({ dataDir, now: () => NOW, timeZone: 'America/New_York' });
  await command(ctx);
  const warned = [...ctx.err().matchAll(/skipped damaged call file (\S+):/g)].map((m) => m[1]!).sort();
  return { out: JSON.parse(ctx.out()), warned: [...new Set(warned)] };
}

/** Every filter of `list`, alone and together. */
const LIST_FILTERS: ListOptions[] = [
  { from: '2026-10-01', to: '2026-10-31' },
  { phone: '555-010-0100' },
  { phone: '+1 (555) 010 0200', status: 'completed' },
  { customer: 'jose' },
  { customer: 'SMITH', agent: 'BOB' },
  { outcome: 'RESOLVED' },
  { outcome: 'odd one', from: '2026-11-01' },
  { category: 'billing', status: 'in-progress' },
  { agent: 'cy', to: '2026-10-15' },
];

/** The three read commands, each against the scan of the files. */
async function expectIndexToMatchFiles(dataDir: string, when: string, filters: readonly ListOptions[] = LIST_FILTERS): Promise<void> {
  const { records, damaged } = scan(dataDir);
  const list = await run(dataDir, (ctx) => listCommand({ json: true }, ctx));
  expect(list.out.calls, `list ${when}`).toEqual(listOracle(records));
  expect(list.warned, `list warnings ${when}`).toEqual(damaged);
  for (const options of filters) {
    const filter = parseListFilter(options, testContext({ now: () => NOW, timeZone: 'America/New_York' }));
    const filtered = await run(dataDir, (ctx) => listCommand({ ...options, json: true }, ctx));
    expect(filtered.out.calls, `list ${JSON.stringify(options)} ${when}`).toEqual(listOracle(records, filter));
  }

  const board = await run(dataDir, (ctx) => followupsListCommand({ all: true, json: true, days: '3660' }, ctx));
  const summaries = records.map(summarizeCall).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const expected = boardToJson(
    buildFollowUpBoard(summaries, { asOf: NOW, timeZone: 'America/New_York', days: 3660, callsPerCustomer: countCallsPerCustomer(summaries) }),
    undefined,
    3660,
  );
  expect(board.out, `followups ${when}`).toEqual({ jsonVersion: 1, ...expected });

  for (const scope of [{ all: true }, { agent: 'bob', from: '2026-10-01', to: '2026-11-15' }]) {
    const stats = await run(dataDir, (ctx) => statsCommand({ ...scope, json: true }, ctx));
    const { jsonVersion: _v, agent: _a, from, to, timeZone: _t, damagedFiles: _d, craft, ...figures } = stats.out;
    const statsScope = {
      now: NOW,
      timeZone: 'America/New_York',
      ...('agent' in scope ? { agent: scope.agent } : {}),
      ...(from ? { from: new Date(from) } : {}),
      ...(to ? { to: new Date(to) } : {}),
    };
    const oracle = statsFromRecords(records, statsScope);
    expect(JSON.parse(JSON.stringify(figures)), `stats ${JSON.stringify(scope)} ${when}`).toEqual(JSON.parse(JSON.stringify(oracle)));
    const craftOracle = craftStatsFromRecords(records, statsScope);
    expect(JSON.parse(JSON.stringify(craft)), `stats craft ${JSON.stringify(scope)} ${when}`).toEqual(JSON.parse(JSON.stringify(craftOracle.craft)));
    const causes = await run(dataDir, (ctx) => statsCommand({ ...scope, causes: true, json: true }, ctx));
    expect(causes.out.causes, `stats --causes ${JSON.stringify(scope)} ${when}`).toEqual(craftOracle.causes.causes);
  }
}

/** Written by another program: whole new file put in place by rename (as sync tools and most editors do). */
function writeAsAnotherProgram(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.other-program`, text, { mode: 0o600 });
  renameSync(`${path}.other-program`, path);
}

type Op =
  | { kind: 'csr-call adds' }
  | { kind: 'csr-call changes' }
  | { kind: 'another program adds' }
  | { kind: 'another program changes' }
  | { kind: 'another program deletes' }
  | { kind: 'another program damages' }
  | { kind: 'index deleted' | 'index truncated' | 'index garbage' | 'index of another version' | 'index bit flipped' };

const OPS: Op['kind'][] = [
  'csr-call adds',
  'csr-call changes',
  'another program adds',
  'another program changes',
  'another program deletes',
  'another program damages',
  'index deleted',
  'index truncated',
  'index garbage',
  'index of another version',
  'index bit flipped',
];

async function apply(dataDir: string, kind: Op['kind'], r: Rng): Promise<void> {
  const { records } = scan(dataDir);
  const some = () => (records.length ? pick(r, records) : undefined);
  const index = indexPathFor(dataDir);
  const atIndex = async (damage: () => void) => {
    // Another process finds the index so: this one lets go of its connection first.
    await closeCallIndex(dataDir);
    if (existsSync(index)) damage();
  };
  switch (kind) {
    case 'csr-call adds':
      await saveCall(dataDir, randomCall(r));
      return;
    case 'csr-call changes': {
      const record = some();
      if (record) await saveCall(dataDir, { ...randomCall(r), id: record.id, startedAt: record.startedAt });
      return;
    }
    case 'another program adds': {
      const record = randomCall(r);
      writeAsAnotherProgram(callPath(dataDir, record.id), serializeCall({ ...record, revision: 1 }));
      return;
    }
    case 'another program changes': {
      const record = some();
      if (record) writeAsAnotherProgram(callPath(dataDir, record.id), serializeCall({ ...randomCall(r), id: record.id, startedAt: record.startedAt, revision: record.revision }));
      return;
    }
    case 'another program deletes': {
      const record = some();
      if (record) unlinkSync(callPath(dataDir, record.id));
      return;
    }
    case 'another program damages': {
      const record = some();
      if (record) writeAsAnotherProgram(callPath(dataDir, record.id), serializeCall(record).slice(0, 100 + Math.floor(r() * 300)));
      return;
    }
    case 'index deleted':
      return atIndex(() => {
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${index}${suffix}`)) unlinkSync(`${index}${suffix}`);
      });
    case 'index truncated':
      return atIndex(() => truncateSync(index, Math.floor(statSync(index).size * r())));
    case 'index garbage':
      return atIndex(() => writeFileSync(index, 'this is not a database, it was overwritten'.repeat(100)));
    case 'index of another version':
      return atIndex(() => {
        // SQLite keeps user_version at byte 60 of the file header.
        const fd = openSync(index, 'r+');
        writeSync(fd, Buffer.from([0, 0, 0, 99]), 0, 4, 60);
        closeSync(fd);
      });
    case 'index bit flipped':
      return atIndex(() => {
        const size = statSync(index).size;
        const at = 100 + Math.floor(r() * (size - 100));
        const fd = openSync(index, 'r+');
        const byte = Buffer.alloc(1);
        readSync(fd, byte, 0, 1, at);
        byte[0] = byte[0]! ^ (1 << Math.floor(r() * 8));
        writeSync(fd, byte, 0, 1, at);
        closeSync(fd);
      });
  }
}

describe('the index against a plain scan of the files', () => {
  it('agrees after every kind of change, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.constantFrom(...OPS), { minLength: 4, maxLength: 8 }), async (seed, ops) => {
        const r = rngOf(seed);
        const dataDir = testContext().dataDir;
        for (let i = 0; i < 12; i++) await saveCall(dataDir, randomCall(r));
        await expectIndexToMatchFiles(dataDir, 'at first');
        for (const [i, op] of ops.entries()) {
          await apply(dataDir, op, r);
          const when = `after ${ops.slice(0, i + 1).join(', ')}`;
          // Every filter once at the end; in between, two of them by turns.
          const filters = i === ops.length - 1 ? LIST_FILTERS : [LIST_FILTERS[(2 * i) % LIST_FILTERS.length]!, LIST_FILTERS[(2 * i + 1) % LIST_FILTERS.length]!];
          if (op !== 'index bit flipped') {
            await expectIndexToMatchFiles(dataDir, when, filters);
            continue;
          }
          // A flipped bit that neither SQLite nor a row's checksum notices may change an
          // answer: doctor must then find the index damaged, and its fix set it right.
          try {
            await expectIndexToMatchFiles(dataDir, when);
          } catch (wrong) {
            const report = await checkStore(dataDir);
            expect(report.problems.map((p) => p.kind), `doctor ${when}, after ${String(wrong)}`).toContain('index');
            await fixStore(dataDir);
            await expectIndexToMatchFiles(dataDir, `${when}, then doctor --fix`);
          }
        }
        await closeCallIndex(dataDir);
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it('a bit flipped in a row it shows is caught by the row\u2019s checksum and read again from the file', async () => {
    const r = rngOf(7);
    const dataDir = testContext().dataDir;
    const records: CallRecord[] = [];
    for (let i = 0; i < 5; i++) records.push(await saveCall(dataDir, randomCall(r)));
    await expectIndexToMatchFiles(dataDir, 'at first');
    await closeCallIndex(dataDir);
    // The paraphrase of one call, as the index stores it in its summary: one bit changed.
    const index = indexPathFor(dataDir);
    const bytes = readFileSync(index);
    const needle = Buffer.from(`"paraphrase":"${records[2]!.problem.paraphrase}"`);
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    bytes[at + needle.length - 3] = bytes[at + needle.length - 3]! ^ 0x01;
    writeFileSync(index, bytes);
    await expectIndexToMatchFiles(dataDir, 'after the flip');
  });

  it('a repeat contact changed by another program to have no phone or account is a repeat no more (its cause and first contact counted again)', async () => {
    const dataDir = testContext().dataDir;
    const call = (startedAt: string) =>
      makeCall({ startedAt, customer: { phone: '555 010 0100' }, outcome: 'resolved', problem: { paraphrase: 'p', category: 'billing', rootCause: 'Courier lost it' } });
    await saveCall(dataDir, call('2026-11-10T10:00:00.000Z'));
    const repeat = await saveCall(dataDir, call('2026-11-12T10:00:00.000Z'));
    await expectIndexToMatchFiles(dataDir, 'at first');
    writeAsAnotherProgram(callPath(dataDir, repeat.id), serializeCall({ ...repeat, customer: { name: 'no keys now' } }));
    await expectIndexToMatchFiles(dataDir, 'after its phone was taken out');
  });

  it('an open promise lost from the index behind its back is found by doctor, and its fix counts it again', async () => {
    const dataDir = testContext().dataDir;
    await saveCall(dataDir, makeCall({ promises: [{ text: 'Refund reaches the card', due: '2026-11-25T00:00:00.000Z' }, { text: 'Letter sent', due: '2026-11-25T00:00:00.000Z' }] }));
    await expectIndexToMatchFiles(dataDir, 'at first');
    expect((await checkStore(dataDir)).problems).toEqual([]);
    await closeCallIndex(dataDir);
    const { openSqlite } = await import('../src/store/index/sqlite.js');
    const db = openSqlite(indexPathFor(dataDir), { busyTimeoutMs: 1000 });
    // Two promises with one deadline are one row that counts two.
    expect(db.prepare('SELECT n FROM promise_deadlines').all()).toEqual([{ n: 2 }]);
    db.prepare('UPDATE promise_deadlines SET n = 1').run();
    db.close();
    const report = await checkStore(dataDir);
    expect(report.problems.map((p) => p.problem).join('\n')).toMatch(/open promises are not those of its calls/);
    await fixStore(dataDir);
    expect((await checkStore(dataDir)).problems).toEqual([]);
    await expectIndexToMatchFiles(dataDir, 'after doctor --fix');
  });

  it('the all-time counters changed behind the index\u2019s back are found by doctor, and its fix adds them up again', async () => {
    const dataDir = testContext().dataDir;
    await saveCall(dataDir, makeCall({ outcome: 'resolved', problem: { paraphrase: 'p', category: 'billing', rootCause: 'Courier lost it' } }));
    expect((await checkStore(dataDir)).problems).toEqual([]);
    await closeCallIndex(dataDir);
    const { openSqlite } = await import('../src/store/index/sqlite.js');
    const db = openSqlite(indexPathFor(dataDir), { busyTimeoutMs: 1000 });
    expect(db.prepare("SELECT n FROM total_counts WHERE kind = 'cause'").all()).toEqual([{ n: 1 }]);
    db.prepare("UPDATE total_counts SET n = 2 WHERE kind = 'cause'").run();
    db.close();
    expect((await checkStore(dataDir)).problems.map((p) => p.problem).join('\n')).toMatch(/totals for stats do not add up.*total cause/);
    await fixStore(dataDir);
    expect((await checkStore(dataDir)).problems).toEqual([]);
  });

  it('a call file replaced and its folder\'s time put back (rsync -a, a restore) is seen: by the folder\'s change time', async () => {
    const dataDir = testContext().dataDir;
    const record = await saveCall(dataDir, makeCall({ outcome: 'escalated' }));
    const path = callPath(dataDir, record.id);
    const minuteAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(dirname(path), minuteAgo, minuteAgo);
    await expectIndexToMatchFiles(dataDir, 'at first');
    await closeCallIndex(dataDir);
    writeAsAnotherProgram(path, serializeCall({ ...record, outcome: 'resolved' }));
    utimesSync(dirname(path), minuteAgo, minuteAgo);
    await expectIndexToMatchFiles(dataDir, 'after the file was replaced and the folder time put back');
  });

  it('a call file rewritten in place, same size and same time, is found by doctor, and doctor --fix brings the lists to it', async () => {
    const dataDir = testContext().dataDir;
    const record = await saveCall(dataDir, makeCall({ outcome: 'escalated', problem: { paraphrase: 'Router drops at night' } }));
    // File and folder a minute old, to the second: the index takes their stamps as settled.
    const path = callPath(dataDir, record.id);
    const minuteAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(path, minuteAgo, minuteAgo);
    utimesSync(dirname(path), minuteAgo, minuteAgo);
    await expectIndexToMatchFiles(dataDir, 'at first');
    await closeCallIndex(dataDir);
    const before = statSync(path);
    // The same length, written into the same file, its time put back: no stamp moves.
    const text = readFileSync(path, 'utf8').replaceAll('Router drops at night', 'Router fails at night');
    const fd = openSync(path, 'r+');
    writeSync(fd, text, 0, 'utf8');
    closeSync(fd);
    utimesSync(path, before.atime, before.mtime);
    expect(statSync(path).size).toBe(before.size);
    const found = await checkStore(dataDir);
    expect(found.problems.map((p) => p.problem).join('\n')).toMatch(new RegExp(`the row of call ${record.id} is not what its file holds now`));
    await fixStore(dataDir);
    await expectIndexToMatchFiles(dataDir, 'after doctor --fix');
  });

  it("a row whose outcome and summary were changed on disk is read again from its file, and stats' sums stay those of the files", async () => {
    const dataDir = testContext().dataDir;
    const record = await saveCall(dataDir, makeCall({ outcome: 'transferred' }));
    await saveCall(dataDir, makeCall({ startedAt: '2026-11-21T10:00:00.000Z', outcome: 'resolved' }));
    await expectIndexToMatchFiles(dataDir, 'at first');
    await closeCallIndex(dataDir);
    const { openSqlite } = await import('../src/store/index/sqlite.js');
    const db = openSqlite(indexPathFor(dataDir), { busyTimeoutMs: 1000 });
    db.prepare("UPDATE calls SET outcome = 'resolved', summary = replace(summary, 'transferred', 'resolved') WHERE id = ?").run(record.id);
    db.close();
    // The list finds the row damaged and reads its file again; the figures are the files'.
    await expectIndexToMatchFiles(dataDir, 'after the row was changed');
    expect((await checkStore(dataDir)).problems).toEqual([]);
  });

  it("a call row's JSON column damaged on disk (no longer JSON) is found when the call changes: the index is made anew", async () => {
    const dataDir = testContext().dataDir;
    const record = await saveCall(dataDir, makeCall({ coaching: [{ rule: 'blame', step: 's.x', text: 'nudge', at: '2026-11-20T09:00:00.000Z' }] }));
    await expectIndexToMatchFiles(dataDir, 'at first');
    await closeCallIndex(dataDir);
    // What a flipped bit inside the column does (a row's checksum covers its summary, not this).
    const { openSqlite } = await import('../src/store/index/sqlite.js');
    const db = openSqlite(indexPathFor(dataDir), { busyTimeoutMs: 1000 });
    db.prepare('UPDATE calls SET craft = ? WHERE id = ?').run('{"coaching":["blame"}', record.id);
    db.close();
    writeAsAnotherProgram(callPath(dataDir, record.id), serializeCall({ ...record, coaching: [] }));
    await expectIndexToMatchFiles(dataDir, 'after the call changed');
  });
});
