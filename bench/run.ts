/**
 * `npm run bench`: builds (or reuses) synthetic stores of 1k, 10k and 100k calls, then
 * times each figure of issue 5 as a whole process against a floor measured in the same
 * run, and prints a table (Markdown, ready for the README) and how each cost grows.
 *
 *   npm run bench -- --sizes 1k,10k --runs 7 --only followups,list
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, watch, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, compare, firstLine, ROOT, runNode, stats, type Comparison, type Spawn, type Stats } from './measure.js';
import { ensureStore, makeExtraCall, type StoreInfo } from './generateStore.js';
import { followUpIdsIn, shortFollowUpId, StoreMutator } from './mutateStore.js';
import { createCall, saveSession } from '../src/store/callStore.js';
import { ensurePrivateDir } from '../src/store/callFiles.js';
/** Folder stamps younger than this are looked at again by the index (store/index/callIndex.ts, RACY_MS). */
const SETTLE_MS = 2_000;
import { weekFolderOfDay } from '../src/domain/ids.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1k,10k,100k' },
    runs: { type: 'string', default: '11' },
    only: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map((s) => Number(s.trim().toLowerCase().replace(/k$/, '000')));
const RUNS = Number(values.runs);
const EXPORT_RUNS = 3;
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (group: string) => !only || only.has(group);
const STORES = join(ROOT, 'bench', '.stores');
const AGENT = 'amira';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  figure: string;
  group: string;
  calls?: number;
  result: Comparison;
  target: number;
  /**
   * The store size the issue sets the target for, when the ratio at smaller ones is only
   * for reference: export's floor (reading the files) is then so small that csr-call's
   * fixed start-up is most of the ratio.
   */
  targetFrom?: number;
  unit?: 'ms';
  note?: string;
  ok?: boolean;
}
const rows: Row[] = [];
const notMeasured: string[] = [];

const NODE_E0: Spawn = { args: ['-e', '0'] };
const cli = (dataDir: string, args: string[], extra: Partial<Spawn> = {}): Spawn => ({
  args: [BIN, ...args],
  env: { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: AGENT, CSR_CALL_PLAYBOOKS: join(ROOT, 'bench', 'fixtures') },
  ...extra,
});

function record(row: Row): void {
  if (row.result.failed) {
    notMeasured.push(`${row.figure}${row.calls ? ` (${label(row.calls)})` : ''}: not measured: ${row.result.failed}`);
    log(`  ${row.figure}: not measured: ${row.result.failed}`);
    return;
  }
  rows.push(row);
  log(`  ${row.figure}${row.calls ? ` @${label(row.calls)}` : ''}: ${fmt(row.result.cmd.median)} vs ${fmt(row.result.floor.median)} ms = ${row.result.ratio.toFixed(2)}x`);
}

const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const range = (s: Stats) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;

async function main(): Promise<void> {
  const started = Date.now();
  log(`csr-call bench: sizes ${sizes.map(label).join(', ')}, ${RUNS} runs per figure (export ${EXPORT_RUNS})`);
  const stores: StoreInfo[] = [];
  for (const size of sizes) {
    log(`store of ${label(size)} calls...`);
    const store = await ensureStore(STORES, size, log);
    log(
      `  ${store.builtSeconds !== undefined ? `built in ${store.builtSeconds} s` : 'reused'}: ${store.openFollowups} open follow-ups, ` +
        `${(store.averageBytes / 1024).toFixed(1)} KB per call on average`,
    );
    stores.push(store);
  }

  if (wants('help')) {
    log('--help');
    record({ figure: '`csr-call --help`', group: 'help', result: compare(cli(tmpStore(), ['--help']), NODE_E0, RUNS), target: 1.5 });
  }
  if (wants('followups')) {
    log('followups, empty store');
    record({ figure: '`followups`, empty store', group: 'followups-empty', result: compare(cli(tmpStore(), ['followups']), NODE_E0, RUNS), target: 1.5 });
  }

  for (const store of stores) {
    const n = store.calls;
    log(`store ${label(n)}`);
    if (wants('followups')) {
      // Two warm-ups: the first after a build or another bench may still find young stamps.
      record({ figure: '`followups`', group: 'followups', calls: n, result: compare(cli(store.dataDir, ['followups']), NODE_E0, RUNS, { warmups: 2 }), target: 2 });
    }
    if (wants('list')) {
      const from = new Date(Date.parse(store.endAt) - 30 * 86_400_000).toISOString().slice(0, 10);
      record({
        figure: '`list --from <a month ago>`',
        group: 'list',
        calls: n,
        result: compare(cli(store.dataDir, ['list', '--from', from], { discardStdout: true }), NODE_E0, RUNS, { warmups: 2 }),
        target: 2.5,
      });
    }
    if (wants('export')) {
      const result = compare(
        cli(store.dataDir, ['export', '--format', 'csv'], { discardStdout: true, memory: true }),
        { args: [join(ROOT, 'bench', 'readAllCalls.mjs'), store.dataDir], memory: true, discardStdout: true },
        EXPORT_RUNS,
        // A 100k export takes a while: no untimed warm-up (the files are in the page cache by now).
        { warmups: n >= 100_000 ? 0 : 1 },
      );
      const peak = result.peakMb?.max;
      record({
        figure: '`export --format csv`',
        group: 'export',
        calls: n,
        result,
        target: 1.5,
        targetFrom: 100_000,
        note: peak !== undefined ? `peak ${peak.toFixed(0)} MB (floor ${result.floorPeakMb?.max.toFixed(0)} MB; target ≤ 150 MB)` : undefined,
        ok: peak === undefined || peak <= 150,
      });
    }
    if (wants('changes')) {
      await afterTenChanges(store, false);
      await afterTenChanges(store, true);
    }
  }

  if (wants('start')) await startFigures(stores.at(-1));
  if (wants('autosave')) await autosave();
  if (wants('first-question')) firstQuestion();

  printReport(stores, Math.round((Date.now() - started) / 1000));
}

function tmpStore(): string {
  return join(mkdtempSync(join(tmpdir(), 'csr-call-bench-store-')), 'data');
}

/**
 * `followups` right after another process changed 10 call files; the list is checked
 * every time. That process is another agent's csr-call (its writes are journalled), or
 * with `direct` another program writing the files (the cache must scan those weeks).
 * Each round starts from a settled cache: the previous round's changes are more than
 * SETTLE_MS old and a `followups` has seen them (otherwise their stamps, too young to be
 * trusted, would be looked at again, and a round would pay for the ones before it).
 */
async function afterTenChanges(store: StoreInfo, direct: boolean): Promise<void> {
  const mutator = new StoreMutator(store, 'ben', direct);
  const figure = direct ? '`followups` after 10 files changed by another program' : '`followups` after 10 files changed by another csr-call';
  const group = direct ? 'changes-direct' : 'changes';
  const problems: string[] = [];
  let checks = 0;
  try {
    const times: number[] = [];
    const floors: number[] = [];
    const warm = runNode(cli(store.dataDir, ['followups']));
    if (warm.status !== 0) {
      record({ figure, group, calls: store.calls, result: failed(warm.stderr), target: 3 });
      return;
    }
    for (let i = 0; i < RUNS; i++) {
      if (i > 0) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
        runNode(cli(store.dataDir, ['followups']));
      }
      await mutator.tenChanges(); // untimed: the other agent's doing
      const floorFirst = i % 2 === 0;
      if (floorFirst) floors.push(runNode(NODE_E0).ms);
      const run = runNode(cli(store.dataDir, ['followups']));
      if (run.status !== 0) {
        record({ figure, group, calls: store.calls, result: failed(run.stderr), target: 3 });
        return;
      }
      times.push(run.ms);
      if (!floorFirst) floors.push(runNode(NODE_E0).ms);
      // Correct? Everyone's open follow-ups, however far ahead, against the truth.
      const all = runNode(cli(store.dataDir, ['followups', '--all', '--days', '3660', '--json']));
      if (all.status === 0) {
        checks += 1;
        const shown = followUpIdsIn(all.stdout);
        const expected = new Set([...mutator.open].map(shortFollowUpId));
        const missing = [...expected].filter((id) => !shown.has(id));
        const extra = [...shown].filter((id) => !expected.has(id));
        if (missing.length || extra.length) problems.push(`run ${i + 1}: missing ${missing.slice(0, 3).join(' ')} extra ${extra.slice(0, 3).join(' ')}`);
      } else {
        problems.push(`run ${i + 1}: followups --all --json failed: ${firstLine(all.stderr)}`);
      }
    }
    const cmd = stats(times);
    const floor = stats(floors);
    record({
      figure,
      group,
      calls: store.calls,
      result: { cmd, floor, ratio: cmd.median / floor.median },
      target: 3,
      note: problems.length ? `WRONG LIST: ${problems[0]}` : `list correct in ${checks}/${RUNS} checks`,
      ok: problems.length === 0,
    });
  } finally {
    await mutator.restore();
  }
}

function failed(stderr: string): Comparison {
  return { cmd: stats([0]), floor: stats([0]), ratio: NaN, failed: firstLine(stderr) || 'failed' };
}

/**
 * `start --answers` with a user's own .ts playbook, timed to the first save of the call
 * file (seen by watching its week directory), on an empty store and on the largest one.
 */
async function startFigures(largest: StoreInfo | undefined): Promise<void> {
  const targets: Array<{ dataDir: string; calls?: number }> = [{ dataDir: tmpStore() }];
  if (largest) targets.push({ dataDir: largest.dataDir, calls: largest.calls });
  for (const { dataDir, calls } of targets) {
    const args = ['start', '--playbook', join(ROOT, 'bench', 'fixtures', 'returns.ts'), '--answers', join(ROOT, 'bench', 'fixtures', 'returns.answers.json')];
    const spec = cli(dataDir, args);
    const firstSave: number[] = [];
    const whole: number[] = [];
    const floors: number[] = [];
    let failure: string | undefined;
    for (let i = -1; i < RUNS && !failure; i++) {
      if (i % 2 === 0) floors.push(runNode(NODE_E0).ms);
      const run = await timeToFirstSave(spec, dataDir);
      if (run.status !== 0 || run.firstSaveMs === undefined) failure = run.status !== 0 ? firstLine(run.stderr) || `exit ${run.status}` : 'no call file was saved';
      else if (i >= 0) {
        firstSave.push(run.firstSaveMs);
        whole.push(run.ms);
      }
      if (i >= 0 && i % 2 === 1) floors.push(runNode(NODE_E0).ms);
    }
    if (failure) {
      notMeasured.push(`\`start --answers\`: not measured: start not available (${failure})`);
      log(`  start: not measured: start not available (${failure})`);
      return;
    }
    const cmd = stats(firstSave);
    const floor = stats(floors);
    record({
      figure: '`start --answers`, own .ts playbook, to the first saved step',
      group: 'start',
      calls: calls ?? 0,
      result: { cmd, floor, ratio: cmd.median / floor.median },
      target: 4,
      note: `whole call ${fmt(stats(whole).median)} ms`,
    });
  }
}

async function timeToFirstSave(spec: Spawn, dataDir: string): Promise<{ ms: number; firstSaveMs?: number; status: number | null; stderr: string }> {
  const now = new Date();
  const weekDir = join(dataDir, 'calls', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), weekFolderOfDay(now.getUTCDate()));
  mkdirSync(weekDir, { recursive: true, mode: 0o700 });
  const before = new Set(readdirSync(weekDir));
  return new Promise((resolve) => {
    let firstSaveMs: number | undefined;
    const started = performance.now();
    const watcher = watch(weekDir, (_event, name) => {
      if (firstSaveMs === undefined && name && /^\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(name) && !before.has(name)) firstSaveMs = performance.now() - started;
    });
    const child = spawn(process.execPath, spec.args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...spec.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (status) => {
      const ms = performance.now() - started;
      watcher.close();
      // Leave the store as it was.
      for (const name of readdirSync(weekDir)) if (!before.has(name)) unlinkSync(join(weekDir, name));
      resolve({ ms, firstSaveMs, status, stderr });
    });
  });
}

/** One autosave, in-process: saveCall of a typical record (atomic, flushed). */
/**
 * What an agent waits for: from typing `csr-call start` to the first question on screen,
 * in a real pseudo-terminal (tests/fixtures/pty_driver.py).
 */
function firstQuestion(): void {
  // Its own store: each run leaves an interrupted call behind.
  const dataDir = tmpStore();
  const script = join(mkdtempSync(join(tmpdir(), 'csr-call-bench-pty-')), 'script.json');
  writeFileSync(script, JSON.stringify([{ expect: "Caller's name", timeout: 20 }, { send: '\u0003' }]));
  const driver = join(ROOT, 'tests', 'fixtures', 'pty_driver.py');
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const run = spawnSync('python3', [driver, script, '--', process.execPath, BIN, 'start'], {
      encoding: 'utf8',
      env: { ...process.env, CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: AGENT, NO_COLOR: '1' },
    });
    const result = run.status === 0 ? (JSON.parse(run.stdout) as { marksMs: number[]; failure: string | null }) : undefined;
    if (!result || result.failure || result.marksMs.length === 0) {
      notMeasured.push(`first question of \`start\`: not measured: ${result?.failure ?? run.stderr.trim().split('\n')[0] ?? 'no python3'}`);
      return;
    }
    if (i > 0) times.push(result.marksMs[0]!); // the first run warms the file cache
  }
  const s = stats(times);
  rows.push({ figure: 'first question of `start` on screen (pseudo-terminal)', group: 'first-question', result: { cmd: s, floor: s, ratio: NaN }, target: 300, unit: 'ms', ok: s.median <= 300 });
  log(`  first question: median ${s.median.toFixed(0)} ms`);
}

async function autosave(): Promise<void> {
  const dataDir = tmpStore();
  await ensurePrivateDir(dataDir);
  let written = await createCall(dataDir, makeExtraCall(Date.now(), 42));
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    const t = performance.now();
    written = await saveSession(dataDir, written, { ...written.record, queries: [...written.record.queries, `q${i}`] }, new Date(), AGENT);
    if (i >= 20) times.push(performance.now() - t);
  }
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
  const s = stats(times);
  rows.push({ figure: 'one autosave (in-process saveCall)', group: 'autosave', result: { cmd: s, floor: s, ratio: NaN }, target: 3, unit: 'ms', ok: s.median <= 3 });
  log(`  autosave: median ${s.median.toFixed(2)} ms`);
}

function printReport(stores: StoreInfo[], seconds: number): void {
  const cpu = cpus();
  const out: string[] = [];
  out.push('');
  out.push(
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Linux ${release()}, Node ${process.version}; ` +
      `load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${new Date().toISOString().slice(0, 10)}; bench took ${seconds} s.`,
  );
  out.push(`Stores: ${stores.map((s) => `${label(s.calls)} calls (${s.openFollowups} open follow-ups, ${(s.averageBytes / 1024).toFixed(1)} KB/call)`).join('; ')}.`);
  out.push('Times in ms: median (min–max) over the runs; the floor is measured in the same run, alternating with the command.');
  out.push('');
  out.push('| figure | calls | csr-call ms | floor ms | ratio | target | result |');
  out.push('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    if (row.unit === 'ms') {
      out.push(`| ${row.figure} | — | ${row.result.cmd.median.toFixed(2)} (${row.result.cmd.min.toFixed(2)}–${row.result.cmd.max.toFixed(2)}) | — | — | median ≤ ${row.target} ms | ${row.ok ? 'pass' : 'FAIL'} |`);
      continue;
    }
    const floorName = row.group === 'export' ? 'read+parse all' : 'node -e 0';
    const pass = row.result.ratio <= row.target && row.ok !== false;
    const forReference = row.targetFrom !== undefined && (row.calls ?? 0) < row.targetFrom;
    const target = forReference ? `(≤ ${row.target}x at ${label(row.targetFrom!)})` : `≤ ${row.target}x`;
    const result = forReference ? (row.ok === false ? 'FAIL' : '—') : pass ? 'pass' : 'FAIL';
    out.push(
      `| ${row.figure}${row.note ? `; ${row.note}` : ''} | ${row.calls === undefined ? '—' : row.calls === 0 ? 'empty' : label(row.calls)} | ${range(row.result.cmd)} | ${fmt(row.result.floor.median)} (${floorName}) | ${row.result.ratio.toFixed(2)}x | ${target} | ${result} |`,
    );
  }
  for (const line of notMeasured) out.push(`\n${line}`);

  const groups = [...new Set(rows.filter((r) => r.calls).map((r) => r.group))];
  if (stores.length > 1 && groups.length) {
    out.push('');
    out.push(`Growth with the store (median ms, and ratio to the floor):`);
    out.push('');
    out.push(`| figure | ${stores.map((s) => label(s.calls)).join(' | ')} | ${label(stores[0]!.calls)} → ${label(stores.at(-1)!.calls)} |`);
    out.push(`|---|${stores.map(() => '---|').join('')}---|`);
    for (const group of groups) {
      const byCalls = new Map(rows.filter((r) => r.group === group && r.calls).map((r) => [r.calls!, r]));
      const cells = stores.map((s) => {
        const row = byCalls.get(s.calls);
        return row ? `${fmt(row.result.cmd.median)} (${row.result.ratio.toFixed(2)}x)` : '—';
      });
      const first = byCalls.get(stores[0]!.calls);
      const last = byCalls.get(stores.at(-1)!.calls);
      const growth = first && last ? `×${(last.result.cmd.median / first.result.cmd.median).toFixed(2)}` : '—';
      out.push(`| ${[...byCalls.values()][0]!.figure} | ${cells.join(' | ')} | ${growth} |`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
