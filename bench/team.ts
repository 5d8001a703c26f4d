/**
 * `npm run bench:team`: issue 17's figures for the team database, on a PostgreSQL cluster
 * of the bench's own (kept in bench/.stores/team-pg between runs, with its 1M calls):
 *
 * - 20 agents for two minutes against one database, killed and started again mid-run
 *   (tests/team.load.test.ts at full size: it checks that nothing is lost or done twice and
 *   that files and database agree); operations per second.
 * - A team database of 1M calls, bulk-loaded with COPY from the bench generator:
 *   `followups --team` against `node -e 0` (≤ 2.5x); `stats --team --by agent` against
 *   psql running the same statements on the same tables (≤ 1.5x).
 * - `team sync` of 100k local calls into an empty team database against reading and
 *   parsing those files (≤ 1.5x).
 * - A personal command with a team database set and reachable against the same without (≤ 1.3x).
 *
 *   npm run bench:team -- --calls 1000000 --sync 100000 --agents 20 --seconds 120 --runs 11 --only load,queries,sync,personal
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import postgres from 'postgres';
import { ROOT, stats, type Stats } from './measure.js';
import { AGENTS, ensureStore, GENERATOR_VERSION, storeEndAt, storeRecords } from './generateStore.js';
import { findPgBin, startTestServer, stopTestServer, type TestServer } from '../tests/teamServer.js';
import { teamCallRow, teamFollowUpRows } from '../src/team/teamRows.js';
import { byAgentStatements } from '../src/team/teamQueries.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    sync: { type: 'string', default: '100000' },
    agents: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '120' },
    runs: { type: 'string', default: '11' },
    only: { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const SYNC = Number(values.sync);
const RUNS = Number(values.runs);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (figure: string) => !only || only.has(figure);
const log = (line: string) => process.stderr.write(`${line}\n`);
const PASSWORD = 'bench-Team-pw';
const BIN = join(ROOT, 'bin', 'csr-call.cjs');
const STORES = join(ROOT, 'bench', '.stores');
const scratch = mkdtempSync(join(tmpdir(), 'csr-call-bench-team-'));

interface Row {
  figure: string;
  cmd: Stats;
  floor?: Stats;
  floorName?: string;
  target?: number;
  note?: string;
}
const rows: Row[] = [];

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const range = (s: Stats) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;

/** Times `cmd` and `floor` alternately, `runs` times each after a warm-up. */
function alternate(cmd: () => number, floor: (() => number) | undefined, runs: number): { cmd: Stats; floor?: Stats } {
  cmd();
  floor?.();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(cmd());
    if (floor) b.push(floor());
  }
  return floor ? { cmd: stats(a), floor: stats(b) } : { cmd: stats(a) };
}

function timed(command: string, args: string[], env: Record<string, string> = {}, check?: (out: string) => void): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${run.status}: ${run.stderr.slice(0, 400)}`);
  check?.(run.stdout);
  return ms;
}

const cli = (args: string[], env: Record<string, string>) => () => timed(process.execPath, [BIN, ...args], env);
const nodeE0 = () => timed(process.execPath, ['-e', '0']);

async function adminSql(server: TestServer, database: string) {
  return postgres({ host: server.socketDir, port: server.port, user: server.admin, database, max: 1, onnotice: () => undefined, fetch_types: false });
}

/** The roles and a migrated team database `name`, as the README sets one up. */
async function setUpTeam(server: TestServer, name: string): Promise<(role: string) => string> {
  const root = await adminSql(server, 'postgres');
  const ignore = (e: { code?: string }) => (['42710', '42P04'].includes(e.code ?? '') ? undefined : Promise.reject(e));
  await root.unsafe('CREATE ROLE csr_call_agent NOLOGIN').catch(ignore);
  await root.unsafe('CREATE ROLE csr_call_lead NOLOGIN').catch(ignore);
  await root.unsafe(`CREATE ROLE bench_owner LOGIN PASSWORD '${PASSWORD}'`).catch(ignore);
  await root.unsafe(`CREATE ROLE bench_lead LOGIN PASSWORD '${PASSWORD}' IN ROLE csr_call_lead`).catch(ignore);
  for (const agent of AGENTS) await root.unsafe(`CREATE ROLE ${agent} LOGIN PASSWORD '${PASSWORD}' IN ROLE csr_call_agent`).catch(ignore);
  await root.unsafe(`CREATE DATABASE ${name} OWNER bench_owner`).catch(ignore);
  await root.end();
  const url = (role: string) => `postgresql://${role}:${PASSWORD}@127.0.0.1:${server.port}/${name}`;
  timed(process.execPath, [BIN, 'team', 'migrate'], { CSR_CALL_TEAM_DB: url('bench_owner') });
  return url;
}

const csv = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
};

/** COPYs `calls` generated calls (and their follow-ups) into the team database, as a bulk load. */
async function bulkLoad(server: TestServer, database: string, calls: number): Promise<void> {
  const sql = await adminSql(server, database);
  const endAt = storeEndAt(Date.now());
  const columns = ['id', 'agent_key', 'revision', 'started', 'completed', 'playbook', 'outcome', 'category_key', 'category', 'phone_key', 'account_key', 'name_key', 'duration', 'resolved', 'handed_off', 'upset', 'turned', 'fu_on_time', 'fu_late', 'fu_cancelled', 'fu_open', 'stages', 'summary', 'record', 'search_text'] as const;
  const fuColumns = ['id', 'call_id', 'call_agent', 'owner', 'status', 'due', 'all_day', 'time_zone', 'text', 'repeat_days', 'customer_name', 'customer_phone', 'customer_account', 'revision'] as const;
  const followups: string[] = [];
  const started = Date.now();
  const records = storeRecords(calls, endAt);
  let n = 0;
  const callLines = Readable.from(
    (function* () {
      let batch = '';
      for (const record of records) {
        const row = teamCallRow(record, 'UTC') as unknown as Record<string, unknown>;
        batch += `${columns.map((c) => csv(row[c])).join(',')}\n`;
        for (const f of teamFollowUpRows(record) as unknown as Array<Record<string, unknown>>) followups.push(`${fuColumns.map((c) => csv(f[c])).join(',')}\n`);
        if (++n % 1000 === 0) {
          yield batch;
          batch = '';
          if (n % 100_000 === 0) log(`  ${n.toLocaleString('en-US')} calls copied (${Math.round((Date.now() - started) / 1000)} s)`);
        }
      }
      if (batch) yield batch;
    })(),
  );
  await new Promise<void>(async (resolve, reject) => {
    const stream = await sql.unsafe(`COPY csr_call.calls (${columns.join(', ')}) FROM STDIN (FORMAT csv)`).writable();
    callLines.pipe(stream).on('finish', resolve).on('error', reject);
  });
  await new Promise<void>(async (resolve, reject) => {
    const stream = await sql.unsafe(`COPY csr_call.followups (${fuColumns.join(', ')}) FROM STDIN (FORMAT csv)`).writable();
    Readable.from(followups).pipe(stream).on('finish', resolve).on('error', reject);
  });
  await sql.unsafe('ANALYZE');
  await sql.end();
  log(`  loaded ${calls.toLocaleString('en-US')} calls and ${followups.length.toLocaleString('en-US')} follow-ups in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main(): Promise<void> {
  const bin = findPgBin();
  if (!bin) throw new Error('bench:team needs PostgreSQL server programs (Debian: apt-get install postgresql)');
  mkdirSync(STORES, { recursive: true });
  const server = await startTestServer(bin, STORES, join(STORES, `team-pg-v${GENERATOR_VERSION}`));
  try {
    if (wants('load')) {
      log(`load: ${values.agents} agents for ${values.seconds} s, the database killed and started again mid-run…`);
      const run = spawnSync('npx', ['vitest', 'run', 'tests/team.load.test.ts'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CSR_CALL_TEAM_DB_AGENTS: values.agents, CSR_CALL_TEAM_DB_SECONDS: values.seconds, CSR_CALL_TEAM_DB_REPORT: '1' },
      });
      const report = /\{"start":[^\n]*\}/.exec(run.stderr + run.stdout)?.[0];
      const counts = report ? (JSON.parse(report) as Record<string, string>) : {};
      const [done, tried] = Object.values(counts).reduce(([a, b], v) => [a + Number(v.split('/')[0]), b + Number(v.split('/')[1])], [0, 0]);
      const seconds = Number(values.seconds);
      rows.push({
        figure: `${values.agents} agents × ${seconds} s, database killed mid-run: ${run.status === 0 ? 'nothing lost, nothing twice, files = database' : 'CHECKS FAILED'}`,
        cmd: { median: tried / seconds, min: done / seconds, max: tried / seconds, runs: 1 },
        note: `${tried} commands (${done} done, the rest refused or while down), ${(tried / seconds).toFixed(1)} commands/s; by kind done/tried: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      });
      if (run.status !== 0) log(run.stdout.slice(-3000));
    }

    if (wants('queries')) {
      const database = `calls_${CALLS}`;
      const root = await adminSql(server, 'postgres');
      const exists = (await root.unsafe('SELECT 1 FROM pg_database WHERE datname = $1', [database])).length > 0;
      await root.end();
      const url = await setUpTeam(server, database);
      const sql = await adminSql(server, database);
      const [{ n }] = (await sql.unsafe('SELECT count(*)::int AS n FROM csr_call.calls')) as unknown as [{ n: number }];
      await sql.end();
      if (!exists || n !== CALLS) {
        log(`queries: bulk-loading ${CALLS.toLocaleString('en-US')} calls with COPY (once; kept in bench/.stores)…`);
        const clean = await adminSql(server, database);
        await clean.unsafe('TRUNCATE csr_call.calls CASCADE');
        await clean.end();
        await bulkLoad(server, database, CALLS);
      }
      const lead = { CSR_CALL_TEAM_DB: url('bench_lead'), CSR_CALL_AGENT: 'bench_lead', CSR_CALL_HOME: join(scratch, 'lead') };
      const board = alternate(cli(['followups', '--team'], lead), nodeE0, RUNS);
      rows.push({ figure: '`followups --team`', ...board, floorName: 'node -e 0', target: 2.5, note: `${CALLS.toLocaleString('en-US')} calls` });
      // The statements stats --team --by agent sends (src/team/teamQueries.ts), as psql runs them.
      const statements = byAgentSql(process.env.TZ ?? 'UTC');
      const statsFig = alternate(cli(['stats', '--team', '--by', 'agent'], { ...lead, TZ: process.env.TZ ?? 'UTC' }), () => timed('psql', [url('bench_lead'), '-X', '-q', '-o', '/dev/null', '-c', statements]), Math.max(3, Math.round(RUNS / 2)));
      rows.push({ figure: '`stats --team --by agent`', ...statsFig, floorName: 'psql -c (the same SELECTs)', target: 1.5, note: `${CALLS.toLocaleString('en-US')} calls` });
    }

    if (wants('sync')) {
      log(`sync: a ${SYNC.toLocaleString('en-US')}-call store…`);
      const store = await ensureStore(STORES, SYNC, log);
      const url = await setUpTeam(server, 'sync_target');
      const env = { CSR_CALL_TEAM_DB: url('bench_lead'), CSR_CALL_AGENT: 'bench_lead', CSR_CALL_HOME: store.dataDir, XDG_CACHE_HOME: join(STORES, 'cache') };
      // The index of the store is built first (not part of the figure).
      timed(process.execPath, [BIN, 'list', '--from', 'today'], env);
      const empty = async () => {
        const sql = await adminSql(server, 'sync_target');
        await sql.unsafe('TRUNCATE csr_call.calls CASCADE');
        await sql.end();
      };
      const runs = 3;
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < runs; i++) {
        await empty();
        a.push(timed(process.execPath, [BIN, 'team', 'sync'], env, (out) => {
          if (!out.includes(`sent ${SYNC.toLocaleString('en-US')} calls`)) throw new Error(`team sync: ${out}`);
        }));
        b.push(timed(process.execPath, [join(ROOT, 'bench', 'readAllCalls.mjs'), store.dataDir]));
      }
      rows.push({ figure: '`team sync` into an empty team database', cmd: stats(a), floor: stats(b), floorName: 'read+parse all files', target: 1.5, note: `${SYNC.toLocaleString('en-US')} calls` });
    }

    if (wants('personal')) {
      const url = await setUpTeam(server, 'personal');
      const home = join(scratch, 'amira');
      const answers = join(scratch, 'answers.json');
      writeFileSync(answers, JSON.stringify({ 'identify.name': 'Ana Lima', 'identify.phone': '+1 555 010 0100', 'readback.paraphrase': 'Charged twice', 'outcome.code': 'callback', 'promise.made': true, 'promise.what': 'Refund', 'promise.due': 'tomorrow 10:00' }));
      const solo = { CSR_CALL_HOME: home, CSR_CALL_AGENT: 'amira' };
      const team = { ...solo, CSR_CALL_TEAM_DB: url('amira') };
      for (let i = 0; i < 20; i++) timed(process.execPath, [BIN, 'start', '--answers', answers], team);
      const list = alternate(cli(['followups'], team), cli(['followups'], solo), RUNS);
      rows.push({ figure: '`followups`, team set and reachable (nothing to send: no connection)', ...list, floorName: 'the same without a team', target: 1.3 });
      const look = alternate(cli(['followups'], { ...team, CSR_CALL_TEAM_CHECK: '0' }), cli(['followups'], solo), RUNS);
      rows.push({ figure: "`followups`, looking for teammates' actions every time", ...look, floorName: 'the same without a team', target: 1.3, note: 'CSR_CALL_TEAM_CHECK=0' });
      const id = /(\d{8}-\d{6}-[0-9a-z]{6})/.exec(spawnSync(process.execPath, [BIN, 'list', '--json'], { env: { ...process.env, ...solo }, encoding: 'utf8' }).stdout)![1]!;
      const note = alternate(cli(['note', id, 'called back'], team), cli(['note', id, 'called back'], solo), RUNS);
      rows.push({ figure: '`note` (a change: connects and sends)', ...note, floorName: 'the same without a team', target: 1.3 });
    }
  } finally {
    stopTestServer(server);
  }
  print();
}

/** The statements `stats --team --by agent` sends (teamQueries.ts), with their parameters written in, for psql. */
function byAgentSql(timeZone: string): string {
  return byAgentStatements({ now: new Date(), timeZone })
    .map(({ text, params }) => text.replace(/\$(\d+)/g, (_, i: string) => `'${String(params[Number(i) - 1]).replace(/'/g, "''")}'`))
    .join(';\n');
}

function print(): void {
  const lines = [
    `Machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| figure | ms (median, min–max) or ops/s | floor | ratio | target | result |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    if (!row.floor) {
      lines.push(`| ${row.figure}${row.note ? `; ${row.note}` : ''} | ${row.cmd.median.toFixed(1)} commands/s | — | — | — | ${row.figure.includes('FAILED') ? 'FAIL' : 'pass'} |`);
      continue;
    }
    const ratio = row.cmd.median / row.floor.median;
    lines.push(
      `| ${row.figure}${row.note ? ` (${row.note})` : ''} | ${range(row.cmd)} | ${range(row.floor)} (${row.floorName}) | ${ratio.toFixed(2)}x | ≤ ${row.target}x | ${ratio <= row.target! ? 'pass' : 'FAIL'} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
