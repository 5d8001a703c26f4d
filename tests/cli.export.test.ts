import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { callRecordSchema, type CallRecord } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { BIN, tempDir, saveCall } from './helpers.js';

/**
 * `csr-call export` end to end: the built CLI over a small store whose text is awkward
 * for CSV (commas, quotes, line breaks, formula starts, non-ASCII), read back with a real
 * CSV parser.
 */

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCliAsync(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Each awkward name, and what its cell must read (a formula start gets a leading '). */
const PEOPLE = [
  { id: '20261118-080000-comma1', name: 'Smith, Ann', cell: 'Smith, Ann' },
  { id: '20261118-090000-quote1', name: 'Ann "Nan" Smith', cell: 'Ann "Nan" Smith' },
  { id: '20261118-100000-break1', name: 'Ann\nSmith\r\nJr', cell: 'Ann\nSmith\r\nJr' },
  { id: '20261118-110000-equal1', name: '=HYPERLINK("http://x.test","click")', cell: `'=HYPERLINK("http://x.test","click")` },
  { id: '20261118-120000-plus01', name: '+1 555 0100', cell: `'+1 555 0100` },
  { id: '20261118-130000-minus1', name: '-2+3', cell: `'-2+3` },
  { id: '20261118-140000-atsig1', name: '@SUM(A1)', cell: `'@SUM(A1)` },
  { id: '20261118-150000-wide01', name: '＝cmd|calc', cell: `'＝cmd|calc` },
  { id: '20261118-160000-utf8x1', name: 'Zoë Ñúñez 山田 🙂', cell: 'Zoë Ñúñez 山田 🙂' },
];

const CALL_HEADER = [
  'id', 'started', 'ended', 'duration_seconds', 'status', 'agent', 'customer_name', 'phone', 'account', 'playbook', 'category',
  'problem', 'outcome', 'escalated_to', 'promises', 'open_followups', 'next_followup_due', 'mood_start', 'mood_end', 'notes',
  'listening_notes', 'facts', 'options_offered', 'handoff_note',
];
const FOLLOWUP_HEADER = [
  'followup_id', 'call_id', 'agent', 'customer_name', 'phone', 'account', 'text', 'due', 'time_zone', 'status', 'owner',
  'created_at', 'done_at', 'repeat_every_days', 'promise_due', 'history_count',
];

function records(): CallRecord[] {
  return PEOPLE.map((person, i) =>
    makeCall({
      id: person.id,
      startedAt: `2026-11-18T${String(8 + i).padStart(2, '0')}:00:00.000Z`,
      customer: { name: person.name, phone: i % 2 ? '+1 555 010 0100' : '555 0100' },
      problem: { paraphrase: `Billing, "twice"\non ${person.name}`, category: 'billing' },
      notes: i === 0 ? [{ at: '2026-11-19T10:00:00.000Z', by: 'lead', text: 'rang back | twice, =1' }] : [],
      followups: i % 3 === 0 ? [{ text: `Call ${person.name}, "soon"` }, { status: 'done', doneAt: '2026-11-19T09:00:00.000Z' }] : [],
    }),
  );
}

let dir: string;
let env: Record<string, string>;
let calls: CallRecord[];

beforeAll(async () => {
  dir = tempDir('csr-export-');
  const dataDir = join(dir, 'data');
  env = { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'test-agent' };
  calls = records();
  for (const call of calls) await saveCall(dataDir, call);
});

const parseCsv = (text: string) => parse(text, { bom: true, relax_column_count: false, record_delimiter: '\r\n' }) as string[][];

describe('export through the real CLI', () => {
  it('--out with a relative path writes beside where the command ran, nothing left over', async () => {
    const cwd = tempDir();
    const result = await runCliAsync(['export', '--out', 'report.csv'], env, cwd);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['report.csv']);
    expect(parseCsv(readFileSync(join(cwd, 'report.csv'), 'utf8')).length).toBeGreaterThan(1);
  });

  it('CSV to stdout, --out (0600, atomic), --followups and NDJSON read back whole', async () => {
    const out = join(dir, 'calls.csv');
    writeFileSync(out, 'an older export\n', { mode: 0o644 });
    const [csv, toFile, followups, ndjson] = await Promise.all([
      runCliAsync(['export'], env, dir),
      runCliAsync(['export', '--out', out, '--bom'], env, dir),
      runCliAsync(['export', '--followups'], env, dir),
      runCliAsync(['export', '--format', 'ndjson'], env, dir),
    ]);
    for (const [what, result] of Object.entries({ csv, toFile, followups, ndjson })) {
      expect(result.status, `${what}: ${result.stderr}`).toBe(0);
      expect(result.stderr, what).toBe('');
    }

    // CSV: a header, one row per call, the same column count on every row (csv-parse
    // refuses otherwise), CRLF between records, each cell as stored apart from the '.
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual(CALL_HEADER);
    expect(rows).toHaveLength(PEOPLE.length + 1);
    for (const row of rows) expect(row).toHaveLength(CALL_HEADER.length);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    const column = (name: string) => CALL_HEADER.indexOf(name);
    const byId = new Map(rows.slice(1).map((row) => [row[column('id')], row]));
    for (const person of PEOPLE) {
      const row = byId.get(person.id)!;
      expect(row, person.id).toBeDefined();
      expect(row[column('customer_name')]).toBe(person.cell);
      expect(row[column('problem')]).toBe(`Billing, "twice"\non ${person.name}`);
      const call = calls.find((c) => c.id === person.id)!;
      expect(row[column('phone')]).toBe(call.customer.phone!.startsWith('+') ? `'${call.customer.phone}` : call.customer.phone);
      expect(row[column('started')]).toBe(`${call.startedAt.slice(0, 19)}Z`);
      expect(row[column('duration_seconds')]).toBe('420');
      expect(row[column('open_followups')]).toBe(String(call.followups.filter((f) => f.status === 'open').length));
    }
    expect(byId.get(PEOPLE[0]!.id)![column('notes')]).toBe('2026-11-19T10:00:00Z lead: rang back | twice, =1');

    // --out: the same bytes after a BOM, mode 0600 (the older file replaced whole), no temp file left.
    const written = readFileSync(out);
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.subarray(3).toString('utf8')).toBe(csv.stdout);
    expect(toFile.stdout).toBe(`Exported ${PEOPLE.length} calls to ${out}\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    // --followups: one row per follow-up, whatever its status.
    const frows = parseCsv(followups.stdout);
    expect(frows[0]).toEqual(FOLLOWUP_HEADER);
    const allFollowups = calls.flatMap((call) => call.followups.map((f) => ({ call, f })));
    expect(frows).toHaveLength(allFollowups.length + 1);
    for (const row of frows) expect(row).toHaveLength(FOLLOWUP_HEADER.length);
    const fcol = (name: string) => FOLLOWUP_HEADER.indexOf(name);
    for (const { call, f } of allFollowups) {
      const row = frows.find((r) => r[fcol('followup_id')] === f.id)!;
      expect(row, f.id).toBeDefined();
      expect(row[fcol('call_id')]).toBe(call.id);
      expect(row[fcol('status')]).toBe(f.status);
      expect(row[fcol('customer_name')]).toBe(PEOPLE.find((p) => p.id === call.id)!.cell);
      expect(row[fcol('text')]).toBe(f.text);
    }

    // NDJSON: one whole, valid record per line, text exactly as stored (no ' in JSON).
    expect(ndjson.stdout.endsWith('\n')).toBe(true);
    const lines = ndjson.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(calls.length);
    const parsed = lines.map((line) => callRecordSchema().parse(JSON.parse(line)));
    expect(new Map(parsed.map((r) => [r.id, r.customer.name]))).toEqual(new Map(PEOPLE.map((p) => [p.id, p.name])));
    // The whole record as saved (saveCall moved the revision on by one).
    for (const record of parsed) expect(record).toEqual({ ...calls.find((c) => c.id === record.id)!, revision: 1 });
  });
});
