import { callPath } from '../src/store/callFiles.js';
import { describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFile, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { exportCommand, type ExportOptions } from '../src/commands/export.js';
import { neutralizeFormula } from '../src/export/neutralizeFormula.js';
import { CALL_COLUMNS, FOLLOWUP_COLUMNS, rowOf, type CsvColumn } from '../src/export/csvColumns.js';
import { callRecordSchema, type CallRecord } from '../src/domain/callRecord.js';
import { createAtomicWriteStream } from '../src/store/writeFileAtomic.js';
import { UserError } from '../src/errors.js';
import { makeCall, type MakeCallOverrides } from './fixtures/makeCall.js';
import { tempDir, testContext, writeFileMakingDir, type TestContext, saveCall } from './helpers.js';

const CALL_HEADER = CALL_COLUMNS.map((c) => c.name);

async function storeWith(calls: MakeCallOverrides[]): Promise<{ ctx: TestContext; records: CallRecord[] }> {
  const ctx = testContext();
  const records: CallRecord[] = [];
  for (const overrides of calls) records.push(await saveCall(ctx.dataDir, makeCall(overrides)));
  return { ctx, records };
}

/** Runs the export and returns the raw bytes written to stdout (BOM included). */
async function run(ctx: TestContext, opts: ExportOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  ctx.stdout.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  await exportCommand({ format: 'csv', ...opts }, ctx);
  return Buffer.concat(chunks);
}

function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: false }) as string[][];
}

/** Header and rows as objects, after checking every row has as many cells as the header. */
function table(text: string, header: string[]): Array<Record<string, string>> {
  const rows = parseCsv(text);
  expect(rows[0]).toEqual(header);
  for (const row of rows) expect(row).toHaveLength(header.length);
  return rows.slice(1).map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]!])));
}

const damagedFileIn = (dataDir: string, id = '20261120-100000-zzzzzz') => {
  const path = callPath(dataDir, id);
  writeFileMakingDir(path, '{"schemaVersion": 1, "id": ');
  return path;
};

describe('neutralizeFormula', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+15550100', "'+15550100"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['\nx', "'\nx"],
    ['\0x', "'\0x"],
    ['＝1+1', "'＝1+1"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠x', "'＠x"],
    ['-12.5', "'-12.5"], // text that looks like a number is still text
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['José', 'José'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it.each([[-12.5], [0], [42], [null], [undefined]])('leaves %j alone', (value) => {
    expect(neutralizeFormula(value)).toBe(value);
  });
});

describe('csv columns', () => {
  it('never neutralises a numeric column, even a negative amount', () => {
    const columns: CsvColumn<number>[] = [
      { name: 'amount', kind: 'number', description: '', get: (n) => n },
      { name: 'label', kind: 'text', description: '', get: (n) => String(n) },
    ];
    expect(rowOf(columns, -12.5)).toEqual([-12.5, "'-12.5"]);
  });

  it("is the README's list of columns, in order", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const listed = /Columns, one row per call[^:]*:\n`([^`]+)`/.exec(readme)?.[1]?.split(/,\s*/);
    expect(listed).toEqual(CALL_HEADER);
  });

  it('has unique column names', () => {
    expect(new Set(CALL_HEADER).size).toBe(CALL_HEADER.length);
    expect(new Set(FOLLOWUP_COLUMNS.map((c) => c.name)).size).toBe(FOLLOWUP_COLUMNS.length);
  });
});

describe('export --format csv', () => {
  // Each value goes into several text cells of its own call; [value, expected cell].
  const tricky: Array<[string, string]> = [
    ['Smith, Ann', 'Smith, Ann'],
    ['She said "refund"', 'She said "refund"'],
    ['line one\nline two', 'line one\nline two'],
    ['carriage\rreturn', 'carriage\rreturn'],
    ['windows\r\nbreak', 'windows\r\nbreak'],
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ['+1 555 0100', "'+1 555 0100"],
    ['-2+3+cmd', "'-2+3+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
    ['\nstarts with LF', "'\nstarts with LF"],
    ['＝1+1', "'＝1+1"],
    ['José Núñez', 'José Núñez'],
    ['山田 太郎', '山田 太郎'],
    ['Zoë 😀👍🏽', 'Zoë 😀👍🏽'],
    ['', ''],
  ];

  it('round-trips awkward cells, with the same column count on every row', async () => {
    const { ctx, records } = await storeWith(
      tricky.map(([value], i) => ({
        startedAt: new Date(Date.UTC(2026, 10, 20, 9, i)).toISOString(),
        customer: { name: value, phone: value, account: value },
        problem: { paraphrase: value, category: value, story: value },
        facts: value,
        escalation: { to: value, handoffNote: value },
        notes: [{ at: '2026-11-21T10:00:00.000Z', by: 'ann', text: value }],
      })),
    );
    const text = (await run(ctx)).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = table(text, CALL_HEADER);
    expect(rows).toHaveLength(tricky.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    tricky.forEach(([, expected], i) => {
      const row = byId.get(records[i]!.id)!;
      for (const column of ['customer_name', 'phone', 'account', 'problem', 'category', 'escalated_to', 'listening_notes', 'facts', 'handoff_note']) {
        expect(row[column], `${column} of ${JSON.stringify(tricky[i]![0])}`).toBe(expected);
      }
      // Joined cells start with the note's time, so only the text's own content matters.
      expect(row.notes).toBe(`2026-11-21T10:00:00Z ann: ${tricky[i]![0]}`);
    });
    expect(ctx.err()).toBe('');
  });

  it('quotes bare CR and bare LF inside cells', async () => {
    const { ctx } = await storeWith([{ customer: { name: 'a\rb' }, problem: { paraphrase: 'c\nd' } }]);
    const text = (await run(ctx)).toString('utf8');
    expect(text).toContain('"a\rb"');
    expect(text).toContain('"c\nd"');
  });

  it('writes every documented column of a call', async () => {
    const { ctx, records } = await storeWith([
      {
        startedAt: '2026-11-20T10:15:30.000+01:00',
        endedAt: '2026-11-20T09:27:00.000Z',
        customer: { name: 'Ann Smith', phone: '555 0100', account: 'A-17' },
        outcome: 'escalated',
        problem: { paraphrase: 'Charged twice for the November invoice', category: 'billing', story: 'Charged twice.\n? which card\nWants it back by Friday.' },
        facts: 'Two charges of 40.00 on 3 Nov',
        options: ['Refund to the card', 'Credit on the next bill'],
        escalation: { to: 'billing team', handoffNote: 'Refund one charge; customer upset.' },
        promises: [{ text: 'Refund', due: '2026-11-25T17:00:00.000Z' }, { text: 'Email the invoice' }],
        followups: [
          { due: '2026-11-26T09:00:00.000Z' },
          { due: '2026-11-24T09:00:00.000Z' },
          { due: '2026-11-22T09:00:00.000Z', status: 'done', doneAt: '2026-11-22T08:00:00.000Z' },
        ],
        mood: { start: 'angry', end: 'calm' },
        notes: [
          { at: '2026-11-21T10:00:00.000Z', by: 'ann', text: 'Refund arrived' },
          { at: '2026-11-22T10:00:00.000Z', by: 'bob', text: 'Customer rang back' },
        ],
      },
    ]);
    const [row] = table((await run(ctx)).toString('utf8'), CALL_HEADER);
    expect(row).toEqual({
      id: records[0]!.id,
      started: '2026-11-20T09:15:30Z',
      ended: '2026-11-20T09:27:00Z',
      duration_seconds: '690',
      status: 'completed',
      agent: 'test-agent',
      customer_name: 'Ann Smith',
      phone: '555 0100',
      account: 'A-17',
      playbook: 'standard',
      category: 'billing',
      problem: 'Charged twice for the November invoice',
      outcome: 'escalated',
      escalated_to: 'billing team',
      promises: 'Refund (due 2026-11-25T17:00:00Z) | Email the invoice',
      open_followups: '2',
      next_followup_due: '2026-11-24T09:00:00Z',
      mood_start: 'angry',
      mood_end: 'calm',
      notes: '2026-11-21T10:00:00Z ann: Refund arrived | 2026-11-22T10:00:00Z bob: Customer rang back',
      // The story of the call (issue 15, item 12), after the first columns.
      listening_notes: 'Charged twice.\n? which card\nWants it back by Friday.',
      facts: 'Two charges of 40.00 on 3 Nov',
      options_offered: 'Refund to the card | Credit on the next bill',
      handoff_note: 'Refund one charge; customer upset.',
    });
  });

  it('leaves a negative number in a numeric column alone', async () => {
    // Clock skew between machines: ended 12 s before it started.
    const { ctx } = await storeWith([{ startedAt: '2026-11-20T09:00:12.000Z', endedAt: '2026-11-20T09:00:00.000Z' }]);
    const [row] = table((await run(ctx)).toString('utf8'), CALL_HEADER);
    expect(row!.duration_seconds).toBe('-12');
  });

  it('leaves the cells of an in-progress call empty where nothing is known', async () => {
    const { ctx } = await storeWith([{ status: 'in-progress', endedAt: undefined, outcome: undefined, mood: {} }]);
    const [row] = table((await run(ctx)).toString('utf8'), CALL_HEADER);
    expect(row).toMatchObject({ ended: '', duration_seconds: '', status: 'in-progress', outcome: '', mood_end: '', open_followups: '0' });
  });

  it('writes only the header for an empty store', async () => {
    const ctx = testContext();
    const text = (await run(ctx)).toString('utf8');
    expect(text).toBe(`${CALL_HEADER.join(',')}\r\n`);
  });

  it('--bom starts with a UTF-8 byte-order mark, and only then', async () => {
    const { ctx } = await storeWith([{ customer: { name: 'José' } }]);
    const bytes = await run(ctx, { bom: true });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(table(bytes.toString('utf8'), CALL_HEADER)[0]!.customer_name).toBe('José');
    const plain = await run((await storeWith([{}])).ctx);
    expect(plain[0]).toBe('i'.charCodeAt(0));
  });

  it('--from/--to keep the calls started on those days', async () => {
    const { ctx, records } = await storeWith([
      { startedAt: '2026-10-31T23:59:59.000Z' },
      { startedAt: '2026-11-01T00:00:00.000Z' },
      { startedAt: '2026-11-15T12:00:00.000Z' },
      { startedAt: '2026-11-20T23:59:59.000Z' },
      { startedAt: '2026-11-21T00:00:00.000Z' },
    ]);
    const rows = table((await run(ctx, { from: '2026-11-01', to: '2026-11-20' })).toString('utf8'), CALL_HEADER);
    expect(rows.map((r) => r.id)).toEqual([records[1]!.id, records[2]!.id, records[3]!.id]);
  });

  it('--to at the end of a month does not read the next month, and stdout is left open', async () => {
    const { ctx } = await storeWith([{ startedAt: '2026-11-30T23:00:00.000Z' }]);
    writeFileMakingDir(callPath(ctx.dataDir, '20261201-000000-zzzzzz'), 'not json');
    const rows = table((await run(ctx, { to: '2026-11-30' })).toString('utf8'), CALL_HEADER);
    expect(rows).toHaveLength(1);
    expect(ctx.err()).toBe('');
    expect(ctx.stdout.writableEnded).toBe(false);
  });

  it('rejects a bad --from or --to with a clear message (a bad --format: tests/badInput.test.ts)', async () => {
    const ctx = testContext();
    await expect(exportCommand({ format: 'csv', from: 'someday' }, ctx)).rejects.toThrow(/^--from: /);
    await expect(exportCommand({ format: 'csv', to: 'nope' }, ctx)).rejects.toThrow(/^--to: /);
    await expect(exportCommand({ format: 'csv', from: '2026-11-20', to: '2026-11-01' }, ctx)).rejects.toThrow(/--from .* is after --to/);
    await expect(exportCommand({ format: 'json', bom: true }, ctx)).rejects.toBeInstanceOf(UserError);
  });
});

describe('export --followups', () => {
  it('writes one row per follow-up, whatever its status', async () => {
    const { ctx, records } = await storeWith([
      {
        startedAt: '2026-11-20T09:00:00.000Z',
        customer: { name: '=Evil, "Inc"', phone: '+44 20 7946 0000' },
        promises: [{ id: 'p1', text: 'Refund', due: '2026-11-25T17:00:00.000+01:00' }],
        followups: [
          { text: 'Check refund\nthen call', due: '2026-11-24T15:00:00.000Z', promiseId: 'p1', repeatEveryDays: 2, timeZone: 'America/Chicago' },
          {
            text: 'Send letter',
            status: 'done',
            doneAt: '2026-11-21T08:00:00.000Z',
            history: [
              { at: '2026-11-20T09:00:00.000Z', by: 'test-agent', action: 'created' },
              { at: '2026-11-21T08:00:00.000Z', by: 'test-agent', action: 'done', note: 'sent' },
            ],
          },
        ],
      },
      { startedAt: '2026-11-21T09:00:00.000Z' }, // no follow-ups: no rows
      { startedAt: '2026-11-22T09:00:00.000Z', followups: [{ status: 'cancelled' }] },
    ]);
    const header = FOLLOWUP_COLUMNS.map((c) => c.name);
    const rows = table((await run(ctx, { followups: true })).toString('utf8'), header);
    expect(rows).toHaveLength(3);
    const call = records[0]!;
    expect(rows[0]).toEqual({
      followup_id: `${call.id}.f1`,
      call_id: call.id,
      agent: 'test-agent',
      customer_name: '\'=Evil, "Inc"',
      phone: "'+44 20 7946 0000",
      account: '',
      text: 'Check refund\nthen call',
      due: '2026-11-24T15:00:00Z',
      time_zone: 'America/Chicago',
      status: 'open',
      owner: 'test-agent',
      created_at: '2026-11-20T09:00:00Z',
      done_at: '',
      repeat_every_days: '2',
      promise_due: '2026-11-25T16:00:00Z',
      history_count: '1',
    });
    expect(rows[1]).toMatchObject({ followup_id: `${call.id}.f2`, status: 'done', done_at: '2026-11-21T08:00:00Z', history_count: '2', promise_due: '' });
    expect(rows[2]).toMatchObject({ call_id: records[2]!.id, status: 'cancelled' });
  });
});

describe('export --format json / ndjson', () => {
  const calls: MakeCallOverrides[] = [
    { startedAt: '2026-11-19T09:00:00.000Z', customer: { name: '山田, "Taro"\r\n' } },
    { startedAt: '2026-11-20T09:00:00.000Z', followups: [{}, {}] },
  ];

  it('json is an array of the full validated records', async () => {
    const { ctx, records } = await storeWith(calls);
    const parsed = JSON.parse((await run(ctx, { format: 'json' })).toString('utf8')) as unknown[];
    expect(parsed).toHaveLength(2);
    for (const item of parsed) expect(callRecordSchema().safeParse(item).success).toBe(true);
    expect(parsed).toEqual(records);
  });

  it('json of an empty store is []', async () => {
    expect(JSON.parse((await run(testContext(), { format: 'json' })).toString('utf8'))).toEqual([]);
  });

  it('ndjson has one record per line', async () => {
    const { ctx, records } = await storeWith(calls);
    const text = (await run(ctx, { format: 'ndjson' })).toString('utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => callRecordSchema().parse(JSON.parse(line)))).toEqual(records);
  });

  it('--followups gives the follow-ups with their call', async () => {
    const { ctx, records } = await storeWith(calls);
    const lines = (await run(ctx, { format: 'ndjson', followups: true })).toString('utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      records[1]!.followups.map((f) => ({ ...f, callId: records[1]!.id, agent: 'test-agent', customer: records[1]!.customer })),
    );
  });
});

describe('export --out', () => {
  it('writes the file atomically with mode 0600, replacing an earlier one', async () => {
    const { ctx } = await storeWith([{ customer: { name: 'José' } }, {}]);
    const dir = tempDir();
    const out = join(dir, 'calls.csv');
    writeFileSync(out, 'old export', { mode: 0o644 });
    await exportCommand({ format: 'csv', out }, ctx);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const fromFile = readFileSync(out, 'utf8');
    expect(table(fromFile, CALL_HEADER)).toHaveLength(2);
    expect(ctx.out()).toBe(`Exported 2 calls to ${out}\n`);
    expect(fromFile).toBe((await run(ctx)).toString('utf8'));
    expect(readdirSync(dir)).toEqual(['calls.csv']);
  });

  it('says clearly when the file cannot be written, and leaves nothing behind', async () => {
    const { ctx } = await storeWith([{}]);
    const out = join(tempDir(), 'missing-dir', 'calls.csv');
    await expect(exportCommand({ format: 'csv', out }, ctx)).rejects.toThrow(/cannot write .*calls\.csv/);
  });

  it('follows a symbolic link: the file it points to is replaced and the link kept', async () => {
    const { ctx } = await storeWith([{}, {}]);
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'target.csv'), 'old export');
    symlinkSync(join('real', 'target.csv'), join(dir, 'link.csv'));
    // And a link to a file not made yet.
    symlinkSync(join('real', 'new.csv'), join(dir, 'dangling.csv'));
    await exportCommand({ format: 'csv', out: join(dir, 'link.csv') }, ctx);
    await exportCommand({ format: 'csv', out: join(dir, 'dangling.csv') }, ctx);
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'dangling.csv')).isSymbolicLink()).toBe(true);
    for (const name of ['target.csv', 'new.csv']) expect(table(readFileSync(join(dir, 'real', name), 'utf8'), CALL_HEADER)).toHaveLength(2);
    expect(readdirSync(join(dir, 'real')).sort()).toEqual(['new.csv', 'target.csv']);
  });

  it('writes into a FIFO or a device rather than putting a file in its place', async () => {
    const { ctx } = await storeWith([{}, {}]);
    const fifo = join(tempDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolve, reject) => readFile(fifo, 'utf8', (error, text) => (error ? reject(error) : resolve(text))));
    await exportCommand({ format: 'csv', out: fifo }, ctx);
    expect(table(await reader, CALL_HEADER)).toHaveLength(2);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // A full device: the disk-full error, said of the file asked for.
    if (existsSync('/dev/full')) {
      await expect(exportCommand({ format: 'csv', out: '/dev/full' }, ctx)).rejects.toThrow(/^cannot write \/dev\/full: the disk is full \(ENOSPC\)$/);
      expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    }
  });

  it('--out - is stdout; a folder or an empty name is refused in one line', async () => {
    const { ctx } = await storeWith([{}]);
    await exportCommand({ format: 'csv', out: '-' }, ctx);
    expect(table(ctx.out(), CALL_HEADER)).toHaveLength(1);
    const dir = tempDir();
    const folder = await exportCommand({ format: 'csv', out: dir }, ctx).catch((e: unknown) => e);
    expect(folder).toBeInstanceOf(UserError);
    expect((folder as Error).message).toBe(`--out ${dir} is a folder: give a file name in it, like ${join(dir, 'calls.csv')}`);
    const empty = await exportCommand({ format: 'csv', out: '' }, ctx).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(UserError);
    expect((empty as Error).message).toBe('--out needs a file name, like november.csv (or - for stdout)');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an aborted write leaves the earlier file intact and no temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'calls.csv');
    writeFileSync(target, 'previous');
    const atomic = await createAtomicWriteStream(target);
    atomic.stream.write('half an exp');
    await atomic.abort();
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['calls.csv']);
  });
});

describe('export with damaged files and progress', () => {
  it('warns once per damaged file and exports the rest', async () => {
    const { ctx } = await storeWith([{}, {}]);
    const damaged = damagedFileIn(ctx.dataDir);
    const rows = table((await run(ctx)).toString('utf8'), CALL_HEADER);
    expect(rows).toHaveLength(2);
    const warnings = ctx.err().trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(damaged);
    expect(warnings[0]).toMatch(/not valid JSON/);
  });

  it('a copy of a call under another name is damaged, as the lists say: skipped, warned, and --strict fails', async () => {
    const { ctx, records } = await storeWith([{}, {}]);
    const original = callPath(ctx.dataDir, records[0]!.id);
    const copy = original.replace(/-[0-9a-z]{6}\.json$/, '-qqqqq9.json');
    writeFileSync(copy, readFileSync(original));
    const out = join(tempDir(), 'calls.csv');
    const error = await exportCommand({ format: 'csv', out, strict: true }, ctx).catch((e: unknown) => e);
    expect((error as UserError).message).toBe('1 damaged call file skipped (--strict)');
    expect(ctx.err()).toMatch(/holds call .*, not .*-qqqqq9/);
    expect(table(readFileSync(out, 'utf8'), CALL_HEADER)).toHaveLength(2);
  });

  it('--strict fails after exporting everything else', async () => {
    const { ctx } = await storeWith([{}, {}]);
    damagedFileIn(ctx.dataDir);
    const out = join(tempDir(), 'calls.ndjson');
    const error = await exportCommand({ format: 'ndjson', out, strict: true }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('1 damaged call file skipped (--strict)');
    expect((error as UserError).exitCode).toBe(1);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const { ctx } = await storeWith([{}, {}]);
    Object.assign(ctx.stderr, { isTTY: true });
    const text = (await run(ctx)).toString('utf8');
    expect(text).not.toContain('export [');
    expect(ctx.err()).toContain('export [');
    const plain = (await storeWith([{}])).ctx;
    await run(plain);
    expect(plain.err()).toBe('');
  });
});
