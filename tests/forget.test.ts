import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgetCommand, purgeCommand } from '../src/commands/forget.js';
import { UserError } from '../src/errors.js';
import { readCall, serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { sessionLockPath } from '../src/store/sessionLock.js';
import { phoneMatcher } from '../src/store/eraseCalls.js';
import { indexPathFor } from '../src/store/index/callIndex.js';
import { makeCall } from './fixtures/makeCall.js';
import { runCli, runInPty, scriptedPrompts, testContext, type TestContext, saveCall } from './helpers.js';

/** Every file under `dir` whose bytes contain any of `needles`. */
function byteSearch(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = readFileSync(path);
    if (needles.some((n) => bytes.includes(Buffer.from(n)))) hits.push(path);
  }
  return hits;
}

/** The files of the index of `dataDir`'s calls whose bytes contain any of `needles`. */
function indexFilesMentioning(dataDir: string, needles: string[]): string[] {
  const path = indexPathFor(dataDir);
  return [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file) && needles.some((n) => readFileSync(file).includes(Buffer.from(n))));
}

const ANN_PHONE = '+1 555 010 0100'; // makeCall's default customer
const ANN_NEEDLES = [ANN_PHONE, '15550100100', '555 010 0100', '5550100100'];

/** Ann: three calls (one hand-damaged), a temp file and cache entries. Bob: one call. */
async function store(ctx: TestContext) {
  const ann1 = await saveCall(ctx.dataDir, makeCall({ startedAt: '2026-10-02T09:10:00.000Z', followups: [{}, { status: 'done' }] }));
  const ann2 = await saveCall(ctx.dataDir, makeCall({ startedAt: '2026-11-20T14:52:00.000Z', customer: { name: 'Ann Smith', phone: '(555) 010-0100' } }));
  const ann3 = await saveCall(ctx.dataDir, makeCall({ startedAt: '2026-11-21T08:00:00.000Z' }));
  // Hand-edited: fails validation, but its customer is still readable.
  writeFileSync(callPath(ctx.dataDir, ann3.id), JSON.stringify({ ...ann3, status: 'finished' }));
  const bobCall = makeCall({ startedAt: '2026-11-22T10:00:00.000Z', customer: { name: 'Bob Jones', phone: '+44 20 7946 0958', account: 'AC-77' } });
  const bob = await saveCall(ctx.dataDir, { ...bobCall, answers: bobCall.answers.map((a) => ({ ...a, value: 'Bob Jones' })) });
  // Left by an interrupted save of Ann's call.
  writeFileSync(join(dirname(callPath(ctx.dataDir, ann2.id)), `.${ann2.id}.json.k2k2k2k2.tmp`), serializeCall(ann2).slice(0, 200));
  // ... and one by a csr-call from before week directories, in the month's directory.
  writeFileSync(join(dirname(dirname(callPath(ctx.dataDir, ann1.id))), `.${ann1.id}.json.m3m3m3m3.tmp`), serializeCall(ann1).slice(0, 300));
  // Derived data mentioning her.
  mkdirSync(join(ctx.dataDir, 'cache', 'summaries'), { recursive: true });
  writeFileSync(join(ctx.dataDir, 'cache', 'summaries', '2026-11.json'), JSON.stringify([{ phone: ANN_PHONE }, { phone: '+44 20 7946 0958' }]));
  return { ann1, ann2, ann3, bob };
}

const tty = (ctx: TestContext) => Object.assign(ctx.stdin, { isTTY: true });

describe('forget', () => {
  it('erases every call, temp file and cache entry of the customer; a byte search then finds nothing', async () => {
    const ctx = testContext();
    const { ann1, ann2, bob } = await store(ctx);
    expect(byteSearch(ctx.dataDir, ANN_NEEDLES).length).toBeGreaterThan(0);
    const bobBefore = readFileSync(callPath(ctx.dataDir, bob.id), 'utf8');

    await forgetCommand({ phone: '555-010-0100', yes: true }, ctx);

    expect(byteSearch(ctx.dataDir, ANN_NEEDLES)).toEqual([]);
    expect(byteSearch(ctx.dataDir, ['Ann Smith'])).toEqual([]);
    expect(readFileSync(callPath(ctx.dataDir, bob.id), 'utf8')).toBe(bobBefore);
    // The hand-made cache of earlier versions is gone; the index holds her nowhere.
    expect(existsSync(join(ctx.dataDir, 'cache', 'summaries'))).toBe(false);
    expect(indexFilesMentioning(ctx.dataDir, [...ANN_NEEDLES, 'Ann Smith'])).toEqual([]);
    const out = ctx.out();
    expect(out).toContain('To erase for phone 555-010-0100:');
    expect(out).toContain(`2026-10-02 09:10  ${ann1.id.slice(-6)}  Ann Smith, +1 555 010 0100, 2 follow-ups (1 open)`);
    expect(out).toContain(`2026-11-20 14:52  ${ann2.id.slice(-6)}  Ann Smith, (555) 010-0100`);
    expect(out).toMatch(/\[damaged: status: /);
    expect(out).toContain('= 3 calls with 2 follow-ups (1 still open)');
    expect(out).toContain('+ 2 temporary files left by interrupted saves');
    expect(out).toContain('+ their rows in the index of calls (overwritten, not just unlinked)');
    expect(out).toContain('erased 3 calls (with 2 follow-ups), 2 temporary files, their index rows');
    expect(out).toMatch(/a search of .* and of the index of calls finds phone 555-010-0100 nowhere/);
  });

  it('by account or exact name (case and spacing aside)', async () => {
    const ctx = testContext();
    const { ann1, bob } = await store(ctx);
    await forgetCommand({ account: 'ac-77', yes: true }, ctx);
    await expect(readCall(ctx.dataDir, bob.id)).rejects.toThrow(/no call/);
    await readCall(ctx.dataDir, ann1.id);

    const ctx2 = testContext({ dataDir: ctx.dataDir });
    await forgetCommand({ customer: '  ann   SMITH ', yes: true }, ctx2);
    await expect(readCall(ctx.dataDir, ann1.id)).rejects.toThrow(/no call/);
    expect(byteSearch(ctx.dataDir, ['Ann Smith', 'AC-77'])).toEqual([]);
  });

  it('says what else still mentions the number, keeps it, and exits 1', async () => {
    const ctx = testContext();
    const { bob } = await store(ctx);
    await saveCall(ctx.dataDir, { ...(await readCall(ctx.dataDir, bob.id)), notes: [{ at: bob.startedAt, by: 'x', text: 'his sister Ann is on 555.010.0100' }] });
    const error = await forgetCommand({ phone: '+1 555 010 0100', yes: true }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(/still appears in 1 file listed above/);
    expect(ctx.out()).toContain(`Not erased, but 1 more file mentions phone +1 555 010 0100 (another customer's call, or a file csr-call cannot attribute):\n  calls/2026/11/22-28/${bob.id}.json  (review it: csr-call show ${bob.id.slice(-6)})`);
    await readCall(ctx.dataDir, bob.id); // another customer's call is never erased for a mention
  });

  it('asks first: no erases nothing, yes erases', async () => {
    const ctx = testContext();
    tty(ctx);
    const { ann1 } = await store(ctx);
    const no = scriptedPrompts([false]);
    await forgetCommand({ phone: ANN_PHONE }, { ...ctx, prompts: no });
    expect(no.asked).toEqual(['Erase 3 calls about phone +1 555 010 0100? This cannot be undone.']);
    expect(ctx.out()).toMatch(/nothing erased\n$/);
    await readCall(ctx.dataDir, ann1.id);
    await forgetCommand({ phone: ANN_PHONE }, { ...ctx, prompts: scriptedPrompts([true]) });
    await expect(readCall(ctx.dataDir, ann1.id)).rejects.toThrow(/no call/);
  });

  it('refuses to ask on a non-terminal without --yes (exit 2), erasing nothing', async () => {
    const ctx = testContext();
    const { ann1 } = await store(ctx);
    const error = await forgetCommand({ phone: ANN_PHONE }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/use --yes to confirm in scripts/);
    await readCall(ctx.dataDir, ann1.id);
  });

  it.each([
    [{}, /exactly one of --phone <number>, --account <id> or --customer <exact name>/],
    [{ phone: '1', account: 'x' }, /give only one of --phone, --account or --customer \(got --phone and --account\)/],
    [{ customer: '   ' }, /--customer is empty/],
    [{ phone: 'abc' }, /--phone "abc" has too few digits/],
  ])('bad selectors: %o', async (options, message) => {
    const error = await forgetCommand({ ...options, yes: true }, testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });

  it('nothing stored: says so', async () => {
    const ctx = testContext();
    await store(ctx);
    await forgetCommand({ phone: '+1 555 999 9999', yes: true }, ctx);
    expect(ctx.out()).toBe('nothing stored for phone +1 555 999 9999: no call has this customer\n');
  });

  it('will not erase a call someone has open on another computer', async () => {
    const ctx = testContext();
    const { ann1 } = await store(ctx);
    writeFileSync(sessionLockPath(ctx.dataDir, ann1.id), JSON.stringify({ host: 'desk-42', pid: 9, agent: 'carol', since: '2026-11-23T13:00:00Z', token: 't' }));
    await expect(forgetCommand({ phone: ANN_PHONE, yes: true }, ctx)).rejects.toThrow(/is open for editing by carol on desk-42 .*finish it there first/);
    await readCall(ctx.dataDir, ann1.id);
    expect(hostname()).not.toBe('desk-42');
  });
});

describe('purge', () => {
  it('erases calls started before now minus the age, damaged ones included, and nothing newer', async () => {
    const ctx = testContext(); // now: 2026-11-23T14:00Z
    const old = await saveCall(ctx.dataDir, makeCall({ startedAt: '2024-11-20T09:00:00.000Z', followups: [{}] }));
    const recent = await saveCall(ctx.dataDir, makeCall({ startedAt: '2024-11-24T09:00:00.000Z' }));
    const damagedOld = callPath(ctx.dataDir, '20230501-120000-zzzzzz');
    mkdirSync(join(damagedOld, '..'), { recursive: true });
    writeFileSync(damagedOld, '{"trunc');
    await purgeCommand({ olderThan: '2y', yes: true }, ctx);
    await expect(readCall(ctx.dataDir, old.id)).rejects.toThrow(/no call/);
    expect(existsSync(damagedOld)).toBe(false);
    await readCall(ctx.dataDir, recent.id);
    const out = ctx.out();
    expect(out).toContain('To erase: calls started before 2024-11-23 14:00 (older than 2y):');
    expect(out).toContain('erased 2 calls (with 1 follow-up)');
  });

  it('nothing old enough: says so', async () => {
    const ctx = testContext();
    await saveCall(ctx.dataDir, makeCall());
    await purgeCommand({ olderThan: '90d', yes: true }, ctx);
    expect(ctx.out()).toBe('no call started before 2026-08-25 14:00: nothing to purge\n');
  });

  it('a bad age is a one-line user error', async () => {
    await expect(purgeCommand({ olderThan: 'soon', yes: true }, testContext())).rejects.toThrow(UserError);
  });
});

describe('forget through the real CLI', () => {
  it('without --yes and no terminal: exit 2, nothing erased; with --yes: erased', async () => {
    const ctx = testContext();
    const { ann1 } = await store(ctx);
    const env = { CSR_CALL_HOME: ctx.dataDir };
    const refused = runCli(['forget', '--phone', ANN_PHONE], { env });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('csr-call: erasing needs confirmation and stdin is not a terminal: use --yes to confirm in scripts\n');
    await readCall(ctx.dataDir, ann1.id);
    const done = runCli(['forget', '--phone', ANN_PHONE, '--yes'], { env });
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(byteSearch(ctx.dataDir, ANN_NEEDLES)).toEqual([]);
  });

  it('on a terminal: Ctrl-C or Ctrl-D at the question stops it (exit 130, no trace), a typo is asked again, y erases', async () => {
    const ctx = testContext();
    const { ann1 } = await store(ctx);
    const env = { CSR_CALL_HOME: ctx.dataDir };
    for (const key of ['\x03', '\x04']) {
      const stopped = runInPty(['forget', '--phone', ANN_PHONE], [{ expect: '\\(y/N\\)' }, { send: key }], env);
      expect(stopped.exitCode, stopped.transcript).toBe(130);
      expect(stopped.transcript).not.toMatch(/internal error|\bat \S+ \(/);
      await readCall(ctx.dataDir, ann1.id);
    }
    const erased = runInPty(['forget', '--phone', ANN_PHONE], [{ expect: '\\(y/N\\)' }, { send: 'yse\r' }, { expect: 'answer y or n' }, { send: '\u0015y\r' }, { expect: 'rased' }], env);
    expect(erased.failure, erased.transcript).toBeNull();
    expect(erased.exitCode).toBe(0);
    expect(byteSearch(ctx.dataDir, ANN_NEEDLES)).toEqual([]);
  });
});

describe('phoneMatcher (how forget searches for a number)', () => {
  const ann = phoneMatcher('+1 555 010 0100');
  it.each([
    ['"phone": "+1 (555) 010-0100"', true],
    ['sister on 555.010.0100', true],
    ['15550100100', true],
    ['010 0100', true], // the last seven digits, as samePhone compares
    ['order 9915550100100', false], // inside a longer number
    ['+2 555 010 0100', false], // another country code
    ['555 010 01001', false],
  ])('%s → %s', (text, found) => {
    expect(ann(text)).toBe(found);
  });
  it('typed without a country code, finds the number stored with one (a mention to show: the same customer, likely)', () => {
    const local = phoneMatcher('555-0139');
    expect(local('"phone": "+1 555 0139"')).toBe(true);
    expect(local('call 0044 555 0139 back')).toBe(true);
    expect(local('order 4 555 0139')).toBe(false); // digits before it, but no country code
    expect(local('5550139')).toBe(true);
    expect(phoneMatcher('020 7946 0958')('+44 20 7946 0958')).toBe(true);
    // Typed with a country code, another country's is another number.
    expect(ann('+2 555 010 0100')).toBe(false);
  });
  it('short numbers are matched as typed only', () => {
    expect(phoneMatcher('0100')('x 0100 y')).toBe(true);
    expect(phoneMatcher('0100')('x 01-00 y')).toBe(false);
  });
});

describe('forget leaves nothing in the index either', () => {
  it('after forget, no byte of the data directory or the index holds the phone in any form or the name with or without accents', async () => {
    const ctx = testContext();
    const phoneForms = ['+1 (555) 010-0777', '555.010.0777', '15550100777', '5550100777', '555 010 0777'];
    const nameForms = ['José García', 'Jose Garcia', 'JOSÉ GARCÍA', 'jose garcia', 'José', 'García'];
    for (const [i, phone] of phoneForms.slice(0, 3).entries()) {
      await saveCall(
        ctx.dataDir,
        makeCall({
          startedAt: `2026-11-1${i}T10:00:00.000Z`,
          customer: { name: 'José García', phone },
          problem: { story: `José García says the router at 555 010 0777 drops; call José back`, paraphrase: 'Router drops every evening' },
          notes: [{ at: '2026-11-20T10:00:00.000Z', by: 'x', text: 'García rang back from 5550100777' }],
        }),
      );
    }
    const other = await saveCall(ctx.dataDir, makeCall({ customer: { name: 'Bo Chen', phone: '+44 20 7946 0958' }, problem: { story: 'Unrelated' } }));
    // The index holds them (full text included), with its log not yet checkpointed.
    const found = runCli(['search', 'garcia', '--all', '--json'], { env: { CSR_CALL_HOME: ctx.dataDir } });
    expect((JSON.parse(found.stdout) as { hits: unknown[] }).hits).toHaveLength(3);

    await forgetCommand({ customer: 'jose garcia', yes: true }, ctx);

    const needles = [...phoneForms, ...nameForms];
    expect(byteSearch(ctx.dataDir, needles)).toEqual([]);
    expect(indexFilesMentioning(ctx.dataDir, needles)).toEqual([]);
    // Case-insensitively too, in the index (its full text is folded to lower case, accents removed).
    const index = indexPathFor(ctx.dataDir);
    for (const file of [index, `${index}-wal`]) {
      if (!existsSync(file)) continue;
      const text = readFileSync(file).toString('latin1').toLowerCase();
      for (const needle of ['garcia', 'garc\u00c3\u00ada'.toLowerCase(), '0100777', '010-0777']) expect(text.includes(needle), `${file}: ${needle}`).toBe(false);
    }
    // The other customer is untouched and still found.
    await readCall(ctx.dataDir, other.id);
    const still = runCli(['search', 'unrelated', '--all', '--json'], { env: { CSR_CALL_HOME: ctx.dataDir } });
    expect((JSON.parse(still.stdout) as { hits: unknown[] }).hits).toHaveLength(1);
  });
});
