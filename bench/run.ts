/**
 * `npm run bench`: builds (or reuses) synthetic stores of 10k, 100k and 300k calls, then
 * times each figure of issue 14 ("Speed and memory") as a whole process against a floor
 * measured in the same run, alternating with it, with the peak memory of each process,
 * and prints a table (Markdown, ready for the README) and how each cost grows with the
 * store.
 *
 *   npm run bench -- --sizes 10k,100k --runs 7 --long-runs 3 --only followups,list
 *   npm run bench -- --program HEAD      # time a commit rather than the working tree
 *   npm run bench -- --only install      # `npm ci` in a fresh clone (minutes; not in the default run)
 *   npm run bench -- --only team         # the team database's figures, bench/team.ts (minutes; not in the default run)
 *   npm run bench -- --only steps        # the lookups of the live call's steps, in-process (issue 16)
 *
 * The CLI runs with the bench's own cache folder (XDG_CACHE_HOME=bench/.stores/cache), so
 * the stores' indexes are the bench's, kept between runs, and never the user's.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compare, compareMany, firstLine, hasGnuTime, hasRusage, ROOT, runNode, stats, type Comparison, type Measured, type Spawn, type Stats } from './measure.js';
import { BRANDS, ensureStore, makeExtraCall, type StoreInfo } from './generateStore.js';
import { followUpIdsIn, shortFollowUpId, StoreMutator } from './mutateStore.js';
import { EMPATHY_CALLS, markFactsFresh, storeFacts, type StoreFacts } from './storeFacts.js';

const STORES = join(ROOT, 'bench', '.stores');
/** The bench's own cache folder: the indexes of its stores live here, never in the user's. */
const CACHE_HOME = join(STORES, 'cache');
/** The user's own, for `npm ci` (node-gyp keeps Node's headers there). */
const USER_CACHE_HOME = process.env.XDG_CACHE_HOME;
process.env.XDG_CACHE_HOME = CACHE_HOME; // for the CLI runs and for the in-process autosave alike
/** Folder stamps younger than this are looked at again by the index (src/store/index/callIndex.ts, RACY_MS). */
const SETTLE_MS = 2_000;

const GROUPS = ['startup', 'followups', 'changes', 'list', 'phone', 'search', 'stats', 'rebuild', 'export', 'steps', 'autosave', 'first-question'] as const;
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10k,100k,300k' },
    runs: { type: 'string', default: '11' },
    'long-runs': { type: 'string', default: '3' },
    only: { type: 'string' },
    /** What is timed: `tree` (the working tree, uncommitted changes too) or a commit (`HEAD`, a sha, a branch). */
    program: { type: 'string', default: 'tree' },
  },
});
const sizes = values.sizes.split(',').map((s) => Number(s.trim().toLowerCase().replace(/k$/, '000')));
const RUNS = Number(values.runs);
/** Runs of the long figures (a rebuild, an export: seconds each at 100k). */
const LONG_RUNS = Number(values['long-runs']);
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
for (const group of only ?? []) {
  if (![...GROUPS, 'install', 'team'].includes(group)) throw new Error(`--only: no figure "${group}" (figures: ${[...GROUPS, 'install', 'team'].join(', ')})`);
}
const wants = (group: string) => (only ? only.has(group) : group !== 'install' && group !== 'team');
const AGENT = 'amira';
/** A word of the generated equipment names in under 1% of the calls (generateStore.ts, BRANDS), and one in most. */
const RARE_WORD = 'Plover';
const COMMON_WORD = 'refund';
/** The category whose solutions' records the options step looks up: the commonest (~30% of the calls), the most rows. */
const STEP_CATEGORY = 'billing';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  figure: string;
  group: string;
  calls?: number;
  result: Comparison;
  floorName: string;
  /** Ratio targets, by the store size they are set for (0: whatever the size). Other sizes are shown for reference. */
  targets?: Array<[number, number]>;
  /** The ratio is only reported, never judged. */
  reference?: boolean;
  /** Peak memory target (MB), by the store sizes it is set for (0: every size). */
  memTarget?: { mb: number; at: number[] };
  /** A target in milliseconds (in-process figures, no floor). */
  msTarget?: number;
  note?: string;
  /** False when a check of the output failed (the figure fails whatever its time). */
  ok?: boolean;
}
const rows: Row[] = [];
const notMeasured: string[] = [];
const storeNotes: string[] = [];

/**
 * The program timed: the bench's own build of the working tree, in bench/.stores/app/ (see
 * buildProgram), so that a build of dist/ by someone else during the run changes nothing.
 */
const APP = join(STORES, 'app');
const BIN = join(APP, 'bin', 'csr-call.cjs');
const NODE_E0: Spawn = { args: ['-e', '0'] };
const cli = (dataDir: string, args: string[], extra: Partial<Spawn> = {}): Spawn => ({
  args: [BIN, ...args],
  env: { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: AGENT, CSR_CALL_PLAYBOOKS: join(ROOT, 'bench', 'fixtures'), XDG_CACHE_HOME: CACHE_HOME },
  ...extra,
});
const readAll = (store: StoreInfo): Spawn => ({ args: [join(ROOT, 'bench', 'readAllCalls.mjs'), store.dataDir], discardStdout: true });

const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const range = (s: Stats) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 2 : 1)}%`;

function targetAt(row: Row): number | undefined {
  return row.targets?.find(([size]) => size === 0 || size === row.calls)?.[1];
}

function memTargetApplies(row: Row): boolean {
  return row.memTarget !== undefined && (row.memTarget.at.includes(0) || row.memTarget.at.includes(row.calls ?? -1));
}

/** pass / FAIL / — (reference) for a row. */
function verdict(row: Row): 'pass' | 'FAIL' | '—' {
  if (row.ok === false) return 'FAIL';
  if (row.msTarget !== undefined) return row.result.cmd.median <= row.msTarget ? 'pass' : 'FAIL';
  const peak = row.result.peakMb?.max;
  const memJudged = memTargetApplies(row) && peak !== undefined;
  if (memJudged && peak > row.memTarget!.mb) return 'FAIL';
  const target = row.reference ? undefined : targetAt(row);
  if (target === undefined) return memJudged ? 'pass' : '—';
  return row.result.ratio <= target ? 'pass' : 'FAIL';
}

function record(row: Row): void {
  if (row.result.failed) {
    notMeasured.push(`${row.figure}${row.calls ? ` (${label(row.calls)})` : ''}: not measured: ${row.result.failed}`);
    log(`  ${row.figure}: not measured: ${row.result.failed}`);
    return;
  }
  rows.push(row);
  const peak = row.result.peakMb ? `, peak ${row.result.peakMb.max.toFixed(0)} MB` : '';
  if (row.msTarget !== undefined) log(`  ${row.figure}${row.calls ? ` @${label(row.calls)}` : ''}: median ${row.result.cmd.median.toFixed(2)} ms → ${verdict(row)}`);
  else {
    const cpu = cpuRatio(row.result);
    log(
      `  ${row.figure}${row.calls ? ` @${label(row.calls)}` : ''}: ${fmt(row.result.cmd.median)} vs ${fmt(row.result.floor.median)} ms = ${row.result.ratio.toFixed(2)}x` +
        `${cpu !== undefined ? ` (CPU ${cpu.toFixed(2)}x)` : ''}${peak} → ${verdict(row)}`,
    );
  }
}

/** The command's median CPU time over the floor's, when both were measured. */
function cpuRatio(result: Comparison): number | undefined {
  return result.cpu && result.floorCpu ? result.cpu.median / result.floorCpu.median : undefined;
}

/** A Measured whose checks found problems: the first one said, and the figure failed. */
function checked(m: Measured, what: string): { note: string; ok: boolean } {
  if (m.problems.length) return { note: `WRONG: ${m.problems[0]} (${m.problems.length}/${m.checks} runs)`, ok: false };
  return { note: `${what} in ${m.checks}/${m.checks} runs`, ok: true };
}

const loadAtStart = loadavg();

async function main(): Promise<void> {
  const started = Date.now();
  log(`csr-call bench: sizes ${sizes.map(label).join(', ')}, ${RUNS} runs per figure (rebuild and export ${LONG_RUNS}); cache folder ${CACHE_HOME}`);
  if (!hasRusage) log(`  (no python3 with os.wait4: no CPU times${hasGnuTime ? '' : ', and peak memory only for the script floors'})`);
  await buildProgram();
  const storeFigures = GROUPS.filter((g) => g !== 'autosave' && g !== 'first-question' && g !== 'startup' && g !== 'steps').some(wants);
  const stores: StoreInfo[] = [];
  if (storeFigures || wants('autosave') || wants('steps')) {
    for (const size of sizes) {
      log(`store of ${label(size)} calls...`);
      const store = await ensureStore(STORES, size, log);
      if (store.builtSeconds !== undefined) deleteIndex(store); // an index of the store before (another generator version) is not the bench's
      const truth = factsOf(store);
      log(
        `  ${store.builtSeconds !== undefined ? `built in ${store.builtSeconds} s` : 'reused'}: ${truth.calls} call files, ${truth.openFollowUps.length} open follow-ups, ` +
          `${(store.averageBytes / 1024).toFixed(1)} KB per call on average`,
      );
      stores.push(store);
    }
  }

  if (wants('startup')) startup();
  if (storeFigures) {
    for (const store of stores) await storeRound(store);
  }
  if (wants('steps')) for (const store of stores) await stepLookups(store);
  if (wants('autosave')) await autosave(stores.at(-1));
  if (wants('first-question')) firstQuestion();
  if (wants('install')) npmCiTime();
  // The team database's figures (issue 17): bench/team.ts, its own tables (minutes; not in the default run).
  if (wants('team')) spawnSync('npx', ['tsx', join(ROOT, 'bench', 'team.ts')], { cwd: ROOT, stdio: 'inherit' });

  printReport(stores, Math.round((Date.now() - started) / 1000));
}

/** The truth about a store's files (storeFacts), read again when the store changed. */
const facts = new Map<StoreInfo, StoreFacts>();
function factsOf(store: StoreInfo): StoreFacts {
  const truth = storeFacts(store, [RARE_WORD, COMMON_WORD, ...BRANDS], log);
  facts.set(store, truth);
  return truth;
}

/**
 * Builds the program as `npm run build` does (src/build/bundle.ts: the bundle and its code
 * caches) into bench/.stores/app/, a package folder of its own: with `--program tree`, its
 * src/, playbooks/ and tsconfig.json are links to the working tree's; with a commit, they
 * are that commit's files (git archive), built by that commit's own bundle.ts. Its
 * node_modules/ is a link to the working tree's. Checks that the code caches are taken.
 */
async function buildProgram(): Promise<void> {
  const program = values.program;
  log(`building ${program === 'tree' ? 'the working tree' : program} into ${APP}...`);
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(join(APP, 'bin'), { recursive: true });
  // The build's warm-up runs on a scratch store: its index goes to a scratch cache folder too.
  const scratchCache = mkdtempSync(join(tmpdir(), 'csr-call-bench-build-cache-'));
  const git = (...args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD').stdout.trim();
  if (program === 'tree') {
    copyFileSync(join(ROOT, 'package.json'), join(APP, 'package.json'));
    copyFileSync(join(ROOT, 'bin', 'csr-call.cjs'), BIN);
    for (const name of ['src', 'playbooks', 'tsconfig.json']) symlinkSync(join(ROOT, name), join(APP, name));
    symlinkSync(join(ROOT, 'node_modules'), join(APP, 'node_modules'));
    const { bundle } = await import('../src/build/bundle.js');
    process.env.XDG_CACHE_HOME = scratchCache;
    try {
      await bundle(APP);
    } finally {
      process.env.XDG_CACHE_HOME = CACHE_HOME;
    }
    const changed = git('status', '--porcelain', '--', 'src', 'bin', 'playbooks', 'package.json').stdout.trim().split('\n').filter(Boolean).length;
    programNote = `the working tree at ${head}${changed ? ` with ${changed} uncommitted change(s) in src/, bin/, playbooks/ or package.json` : ''}`;
  } else {
    const sha = git('rev-parse', '--short', program).stdout.trim();
    if (!sha) throw new Error(`--program: no commit ${program}`);
    const archive = spawnSync('sh', ['-c', `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, 'sh', ROOT, sha, APP], { encoding: 'utf8' });
    if (archive.status !== 0) throw new Error(`--program ${program}: git archive failed: ${firstLine(archive.stderr)}`);
    symlinkSync(join(ROOT, 'node_modules'), join(APP, 'node_modules'));
    const build = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'build', 'bundle.ts')], {
      cwd: APP,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: scratchCache },
    });
    if (build.status !== 0) throw new Error(`--program ${program}: the build failed: ${firstLine(build.stderr)}`);
    programNote = `commit ${sha}${sha === head ? ' (HEAD)' : ''}`;
  }
  const dataDir = tmpStore();
  const probe = runNode({ ...cli(dataDir, ['followups']), env: { ...cli(dataDir, []).env, XDG_CACHE_HOME: scratchCache, CSR_CALL_DEBUG_CODE_CACHE: '1' }, memory: false });
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
  rmSync(scratchCache, { recursive: true, force: true });
  if (probe.status !== 0) throw new Error(`the bench's build of csr-call does not run: ${firstLine(probe.stderr)}`);
  const cache = /code cache for \w+: (\w+)/.exec(probe.stderr)?.[1] ?? 'not reported';
  programNote += `, built by the bench (code cache ${cache})`;
  log(`  built ${programNote}`);
}
let programNote = '';

/** Every figure on one store, its index built first. */
async function storeRound(store: StoreInfo): Promise<void> {
  const n = store.calls;
  let truth = factsOf(store);
  log(`store ${label(n)}`);
  // The index, built (or brought up to date) before anything is timed: a first untimed run.
  const first = runNode(cli(store.dataDir, ['followups'], { memory: true }));
  if (first.status !== 0) {
    notMeasured.push(`store ${label(n)}: the index could not be made: ${firstLine(first.stderr)}`);
    return;
  }
  // What the index did, as csr-call says it ("... building it from N call files", "reading N changed call files").
  const said = first.stderr.split('\n').find((line) => /call files/.test(line));
  const what = said ? said.replace(/^csr-call: /, '').replace(/ \(your files.*$/, '') : 'up to date';
  storeNotes.push(`${label(n)}: ${what} (${(first.ms / 1000).toFixed(1)} s, peak ${first.peakMb?.toFixed(0) ?? '?'} MB)`);
  log(`  index: ${what} (${(first.ms / 1000).toFixed(1)} s)`);
  await settle(store);

  const NODE = 'node -e 0';
  if (wants('followups')) {
    // Two warm-ups: the first after a build or another figure may still find young stamps.
    const result = compare(cli(store.dataDir, ['followups']), NODE_E0, RUNS, { warmups: 2 });
    record({ figure: '`followups`', group: 'followups', calls: n, result, floorName: NODE, targets: [[100_000, 1.6], [300_000, 1.6]] });
  }
  if (wants('list')) {
    const from = new Date(Date.parse(store.endAt) - 30 * 86_400_000).toISOString().slice(0, 10);
    const result = compare(cli(store.dataDir, ['list', '--from', from], { discardStdout: true }), NODE_E0, RUNS, { warmups: 2 });
    record({ figure: '`list --from <a month ago>`', group: 'list', calls: n, result, floorName: NODE, targets: [[100_000, 2]] });
  }
  if (wants('phone')) {
    const { phone, calls } = truth.phone;
    // Checked once, untimed: the calls listed are those with that phone in the files.
    const json = runNode(cli(store.dataDir, ['list', '--phone', phone, '--json']));
    let shown: number | undefined;
    try {
      shown = (JSON.parse(json.stdout) as { calls: unknown[] }).calls.length;
    } catch {
      /* said below */
    }
    const result = compare(cli(store.dataDir, ['list', '--phone', phone]), NODE_E0, RUNS, { warmups: 2 });
    const ok = shown === calls;
    record({
      figure: '`list --phone P` (a customer with a few calls)',
      group: 'phone',
      calls: n,
      result,
      floorName: NODE,
      targets: [[100_000, 1.6], [300_000, 1.6]],
      note: ok ? `${calls} calls listed, as in the files` : `WRONG: ${shown ?? firstLine(json.stderr)} calls listed, the files have ${calls}`,
      ok,
    });
  }
  if (wants('search')) {
    const rare = truth.wordCalls[RARE_WORD.toLowerCase()]!;
    const common = truth.wordCalls[COMMON_WORD]!;
    // Checked once, untimed: every agent's calls holding the rare word, as many as the files have (up to the limit of 10000).
    const json = runNode(cli(store.dataDir, ['search', RARE_WORD, '--all', '-n', '10000', '--json']));
    let found: number | undefined;
    try {
      found = (JSON.parse(json.stdout) as { hits: unknown[] }).hits.length;
    } catch {
      /* said below */
    }
    const [rareResult, commonResult] = compareMany(
      [cli(store.dataDir, ['search', RARE_WORD]), cli(store.dataDir, ['search', COMMON_WORD])],
      NODE_E0,
      RUNS,
      [],
      { warmups: 2 },
    );
    const ok = found === Math.min(rare, 10_000);
    record({
      figure: `\`search ${RARE_WORD}\` (in ${pct(rare, n)} of calls)`,
      group: 'search-rare',
      calls: n,
      result: rareResult!,
      floorName: NODE,
      targets: [[100_000, 2], [300_000, 2]],
      note: ok ? `\`--all\` finds its ${rare} calls, as in the files` : `WRONG: \`--all\` finds ${found ?? firstLine(json.stderr)}, the files have ${rare}`,
      ok,
    });
    record({
      figure: `\`search ${COMMON_WORD}\` (in ${pct(common, n)} of calls; for reference)`,
      group: 'search-common',
      calls: n,
      result: commonResult!,
      floorName: NODE,
      targets: [[100_000, 2], [300_000, 2]],
      reference: true,
    });
  }
  if (wants('stats')) {
    const [one, all] = compareMany([cli(store.dataDir, ['stats']), cli(store.dataDir, ['stats', '--all'])], NODE_E0, RUNS, [], { warmups: 2 });
    record({ figure: '`stats` (one agent, all time)', group: 'stats', calls: n, result: one!, floorName: NODE, targets: [[100_000, 2.5], [300_000, 3]] });
    record({ figure: '`stats --all`', group: 'stats-all', calls: n, result: all!, floorName: NODE, targets: [[300_000, 4]] });
  }
  if (wants('changes')) await afterTenChanges(store, factsOf(store));
  if (wants('rebuild')) {
    truth = factsOf(store);
    const result = compare(cli(store.dataDir, ['followups']), readAll(store), LONG_RUNS, {
      warmups: 0,
      before: () => deleteIndex(store),
      check: () => checkFollowUps(store, new Set(truth.openFollowUps)),
    });
    record({
      figure: 'rebuild of a deleted index (`followups`)',
      group: 'rebuild',
      calls: n,
      result,
      floorName: 'read+parse all',
      targets: [[100_000, 1.5], [300_000, 1.5]],
      memTarget: { mb: 200, at: [100_000, 300_000] },
      ...checked(result, 'follow-ups correct'),
    });
    await settle(store);
  }
  if (wants('export')) {
    const [csv, json] = compareMany(
      [cli(store.dataDir, ['export', '--format', 'csv'], { discardStdout: true }), cli(store.dataDir, ['export', '--format', 'json'], { discardStdout: true })],
      readAll(store),
      LONG_RUNS,
      [],
      // A 100k export takes seconds: no untimed warm-up (the files are in the page cache by now).
      { warmups: n >= 100_000 ? 0 : 1 },
    );
    const mem = { mb: 150, at: [0] };
    record({ figure: '`export --format csv`', group: 'export-csv', calls: n, result: csv!, floorName: 'read+parse all', targets: [[100_000, 1.4]], memTarget: mem });
    record({ figure: '`export --format json`', group: 'export-json', calls: n, result: json!, floorName: 'read+parse all', targets: [[100_000, 1.5]], memTarget: mem });
  }
}

/** The index files of a store in the bench's cache folder (src/store/index/callIndex.ts, indexPathFor): the database, its WAL and shared memory. */
function deleteIndex(store: StoreInfo | string): void {
  const path = indexPathOf(typeof store === 'string' ? store : store.dataDir);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

let indexPathFor: ((dataDir: string, indexDir?: string) => string) | undefined;
function indexPathOf(dataDir: string): string {
  return indexPathFor!(dataDir, join(CACHE_HOME, 'csr-call', 'index'));
}

/** Lets the folders' stamps grow older than SETTLE_MS, then lets a `followups` see them settled. */
async function settle(store: StoreInfo): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
  runNode(cli(store.dataDir, ['followups'], { memory: false }));
}

/** Everyone's open follow-ups, however far ahead, against the truth: undefined when they match. */
function checkFollowUps(store: StoreInfo, open: ReadonlySet<string>): string | undefined {
  const all = runNode(cli(store.dataDir, ['followups', '--all', '--days', '3660', '--json'], { memory: false }));
  if (all.status !== 0) return `followups --all --json failed: ${firstLine(all.stderr)}`;
  const shown = followUpIdsIn(all.stdout);
  const expected = new Set([...open].map(shortFollowUpId));
  const missing = [...expected].filter((id) => !shown.has(id));
  const extra = [...shown].filter((id) => !expected.has(id));
  return missing.length || extra.length ? `missing ${missing.length} (${missing.slice(0, 3).join(' ')}), extra ${extra.length} (${extra.slice(0, 3).join(' ')})` : undefined;
}

/**
 * `followups` right after another program changed 10 call files (plain writes, renames and
 * unlinks: mutateStore.ts); the list is checked against the truth every time. Each round
 * starts from a settled index: the previous round's changes are more than SETTLE_MS old
 * and a `followups` has seen them (otherwise their stamps, too young to be trusted, would
 * be looked at again, and a round would pay for the ones before it). The first
 * `followups` after each batch is the one timed.
 */
async function afterTenChanges(store: StoreInfo, truth: StoreFacts): Promise<void> {
  const mutator = new StoreMutator(store, truth.openFollowUps, 'ben');
  const figure = '`followups` after 10 files changed by another program';
  const group = 'changes';
  const problems: string[] = [];
  let checks = 0;
  const times: number[] = [];
  const floors: number[] = [];
  const peaks: number[] = [];
  const floorPeaks: number[] = [];
  const cpu: number[] = [];
  const floorCpu: number[] = [];
  const floorRun = () => {
    const run = runNode(NODE_E0);
    floors.push(run.ms);
    if (run.peakMb !== undefined) floorPeaks.push(run.peakMb);
    if (run.cpuMs !== undefined) floorCpu.push(run.cpuMs);
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      await settle(store);
      mutator.tenChanges(); // untimed: the other program's doing
      const floorFirst = i % 2 === 0;
      if (floorFirst) floorRun();
      const run = runNode(cli(store.dataDir, ['followups']));
      if (run.status !== 0) {
        record({ figure, group, calls: store.calls, result: failed(run.stderr), floorName: 'node -e 0' });
        return;
      }
      times.push(run.ms);
      if (run.peakMb !== undefined) peaks.push(run.peakMb);
      if (run.cpuMs !== undefined) cpu.push(run.cpuMs);
      if (!floorFirst) floorRun();
      checks += 1;
      const problem = checkFollowUps(store, mutator.open);
      if (problem) problems.push(`run ${i + 1}: ${problem}`);
    }
  } finally {
    mutator.restore();
    markFactsFresh(store); // every file is back as it was
  }
  await settle(store);
  const cmd = stats(times);
  const floor = stats(floors);
  const result: Comparison = { cmd, floor, ratio: cmd.median / floor.median };
  if (peaks.length) result.peakMb = stats(peaks);
  if (floorPeaks.length) result.floorPeakMb = stats(floorPeaks);
  if (cpu.length) result.cpu = stats(cpu);
  if (floorCpu.length) result.floorCpu = stats(floorCpu);
  record({
    figure,
    group,
    calls: store.calls,
    result,
    floorName: 'node -e 0',
    targets: [[100_000, 2.5]],
    note: problems.length ? `WRONG LIST: ${problems[0]} (${problems.length}/${checks} runs)` : `list correct in ${checks}/${checks} checks`,
    ok: problems.length === 0,
  });
}

function failed(stderr: string): Comparison {
  return { cmd: stats([0]), floor: stats([0]), ratio: NaN, failed: firstLine(stderr) || 'failed' };
}

/**
 * One autosave of the live call, in-process: `saveSession` (the call's lock, the file read
 * back only if it changed, the revision compared, the file written atomically and flushed).
 * Measured on a new store with no index open, and on the largest store with its index open,
 * as in `start` (which opens it for the repeat-caller lookup), so that each save updates the
 * index too: once for saves that change a searched field (a question parked for later, in
 * the full-text index) and once for saves that do not (an answer to a choice step). The call
 * made on the store is erased afterwards.
 */
async function autosave(largest: StoreInfo | undefined): Promise<void> {
  // The program under test's own modules (bench/.stores/app/src: the working tree's, or the commit's with --program).
  const load = (path: string) => import(pathToFileURL(join(APP, 'src', ...path.split('/'))).href);
  const { createCall, eraseCall, saveSession } = (await load('store/callStore.ts')) as typeof import('../src/store/callStore.js');
  const { ensurePrivateDir } = (await load('store/callFiles.ts')) as typeof import('../src/store/callFiles.js');
  const { callIndexOf, closeCallIndex } = (await load('store/index/indexAccess.ts')) as typeof import('../src/store/index/indexAccess.js');
  type Kind = 'searched' | 'answer';
  const targets: Array<{ dataDir: string; store?: StoreInfo; kind: Kind }> = [{ dataDir: tmpStore(), kind: 'searched' }];
  if (largest) targets.push({ dataDir: largest.dataDir, store: largest, kind: 'searched' }, { dataDir: largest.dataDir, store: largest, kind: 'answer' });
  const SAVES = 150;
  const WARM = 20;
  for (const { dataDir, store, kind } of targets) {
    await ensurePrivateDir(dataDir);
    if (store) await callIndexOf(dataDir);
    // A call being taken: its autosaves are those of a call not finished yet.
    const { endedAt: _ended, ...finished } = makeExtraCall(Date.now(), kind === 'answer' ? 43 : 42);
    const call: typeof finished = { ...finished, status: 'in-progress' };
    let written = await createCall(dataDir, call);
    const times: number[] = [];
    try {
      for (let i = 0; i < SAVES + WARM; i++) {
        const record = written.record;
        const next =
          kind === 'searched'
            ? { ...record, queries: [...record.queries, `q${i}`] }
            : {
                ...record,
                answers: [...record.answers, { stepId: `bench.choice${i}`, question: 'How do they sound now?', type: 'choice', value: 'calm', answeredAt: new Date().toISOString() }],
              };
        const t = performance.now();
        written = await saveSession(dataDir, written, next, new Date(), AGENT);
        if (i >= WARM) times.push(performance.now() - t);
      }
    } finally {
      if (store) {
        await eraseCall(dataDir, call.id);
        await closeCallIndex(dataDir);
        markFactsFresh(store); // the store holds what it held
      } else {
        deleteIndex(dataDir);
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
      }
    }
    const s = stats(times);
    const what = kind === 'searched' ? 'a searched field changed (a parked question)' : 'no searched field changed (a choice answered)';
    record({
      figure: store ? `one autosave (in-process saveSession), index open as in \`start\`, ${what}` : `one autosave (in-process saveSession), no index open, ${what}`,
      group: 'autosave',
      result: { cmd: s, floor: s, ratio: NaN },
      floorName: '—',
      msTarget: 2,
      note: `${times.length} saves${store ? `, store of ${label(store.calls)}` : ', new store'}`,
    });
  }
}

/**
 * The index lookups the live call makes at two steps (issue 16), in-process on a store with
 * its index open as in `start`: at the options step, how each prepared solution did over
 * the whole store for the call's category (`solutionRecords`, to rank them); at the empathy
 * step, the agent's lines on their latest calls (`recentEmpathyLines`, for the stock-empathy
 * nudge). Each is asked while the agent waits for the next question, so each must take no
 * longer than an autosave. Timed on the open index with its statements prepared (the call
 * asks them again and again); the first ask of each, and the ask as the step makes it (the
 * index brought up to date with the files first: `withCallIndex`), are given in the note.
 * Both answers are checked against the files (storeFacts).
 */
async function stepLookups(store: StoreInfo): Promise<void> {
  const load = (path: string) => import(pathToFileURL(join(APP, 'src', ...path.split('/'))).href);
  let modules;
  try {
    modules = {
      ...((await load('store/index/indexAccess.ts')) as typeof import('../src/store/index/indexAccess.js')),
      ...((await load('store/index/craftQueries.ts')) as typeof import('../src/store/index/craftQueries.js')),
    };
  } catch (error) {
    notMeasured.push(`the steps' lookups: not measured: the program's modules could not be loaded: ${firstLine((error as Error).message)}`);
    return;
  }
  const { callIndexOf, closeCallIndex, withCallIndex, solutionRecords, recentEmpathyLines } = modules;
  const truth = factsOf(store);
  // The index made (or brought up to date) by the program itself first, untimed, as the other figures'.
  const first = runNode(cli(store.dataDir, ['followups'], { memory: false }));
  if (first.status !== 0) {
    notMeasured.push(`the steps' lookups (${label(store.calls)}): not measured: the index could not be made: ${firstLine(first.stderr)}`);
    return;
  }
  const index = await callIndexOf(store.dataDir);
  type Index = typeof index;
  /** Times `ask` on the open index (after a first, checked ask, and warm-ups), and now and then as the step makes it. */
  const timeLookup = async <T>(figure: string, group: string, ask: (ix: Index) => T, check: (answer: T) => string) => {
    const SAMPLES = 201;
    const WARM = 20;
    let t = performance.now();
    const answer = ask(index);
    const firstMs = performance.now() - t;
    const said = check(answer);
    const times: number[] = [];
    const asStep: number[] = [];
    for (let i = 0; i < SAMPLES + WARM; i++) {
      t = performance.now();
      ask(index);
      if (i >= WARM) times.push(performance.now() - t);
      if (i % 10 === 0) {
        t = performance.now();
        await withCallIndex(store.dataDir, {}, ask);
        if (i >= WARM) asStep.push(performance.now() - t);
      }
    }
    const s = stats(times);
    record({
      figure: `${figure}, index open as in \`start\``,
      group,
      calls: store.calls,
      result: { cmd: s, floor: s, ratio: NaN },
      floorName: '—',
      msTarget: 2,
      note: `${said}; ${times.length} asks; first ask ${firstMs.toFixed(2)} ms; as the step asks it (the index brought up to date first) median ${stats(asStep).median.toFixed(2)} ms`,
      ok: !said.startsWith('WRONG'),
    });
  };
  try {
    await timeLookup(
      `solutions' records for a category (options step: \`solutionRecords\`, ${STEP_CATEGORY})`,
      'steps-solutions',
      (ix) => solutionRecords(ix, STEP_CATEGORY),
      (records) => {
        const expected = truth.solutions[STEP_CATEGORY] ?? {};
        const ids = new Set([...records.keys(), ...Object.keys(expected)]);
        const wrong = [...ids].filter((id) => records.get(id)?.offered !== expected[id]?.offered || records.get(id)?.chosen !== expected[id]?.chosen);
        const offered = Object.values(expected).reduce((sum, e) => sum + e.offered, 0);
        return wrong.length ? `WRONG: ${wrong.length} solutions' counts differ from the files' (${wrong.slice(0, 3).join(', ')})` : `${records.size} solutions offered ${offered} times, as in the files`;
      },
    );
    await timeLookup(
      `the agent's recent empathy lines (empathy step: \`recentEmpathyLines\`, ${EMPATHY_CALLS} calls)`,
      'steps-empathy',
      (ix) => recentEmpathyLines(ix, AGENT, EMPATHY_CALLS),
      (lines) => {
        const expected = truth.empathy[AGENT] ?? [];
        return JSON.stringify(lines) === JSON.stringify(expected) ? `${lines.length} lines, as in the files` : `WRONG: ${lines.length} lines, not the ${expected.length} of the files (or not in their order)`;
      },
    );
  } finally {
    await closeCallIndex(store.dataDir);
  }
}

function tmpStore(): string {
  return join(mkdtempSync(join(tmpdir(), 'csr-call-bench-store-')), 'data');
}

/**
 * What an agent waits for: from typing `csr-call start` to the first question on screen,
 * in a real pseudo-terminal (tests/fixtures/pty_driver.py), against `node -e` writing one
 * line through the same driver, alternately.
 */
/** What every command pays before it does anything: `--help`, and the morning list with no calls yet. */
function startup(): void {
  const empty = mkdtempSync(join(tmpdir(), 'csr-call-bench-empty-'));
  try {
    const help = compare(cli(empty, ['--help'], { discardStdout: true }), NODE_E0, RUNS, { warmups: 2 });
    record({ figure: '`csr-call --help`', group: 'startup', result: help, floorName: 'node -e 0', targets: [[0, 1.5]] });
    const followups = compare(cli(join(empty, 'data'), ['followups']), NODE_E0, RUNS, { warmups: 2 });
    record({ figure: '`followups`, no calls yet', group: 'startup', result: followups, floorName: 'node -e 0', targets: [[0, 1.5]] });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

function firstQuestion(): void {
  // Its own store. Each run is stopped by SIGTERM once the question is on screen, which
  // saves the call as in progress: removed after each run, so every run starts alike.
  // (Ctrl-C would ask whether to throw the empty call away.)
  const dataDir = tmpStore();
  const scratch = mkdtempSync(join(tmpdir(), 'csr-call-bench-pty-'));
  const startScript = join(scratch, 'start.json');
  const floorScript = join(scratch, 'floor.json');
  writeFileSync(startScript, JSON.stringify([{ expect: "Caller's name", timeout: 20 }, { signal: 'SIGTERM' }]));
  writeFileSync(floorScript, JSON.stringify([{ expect: 'ready', timeout: 20 }]));
  const driver = join(ROOT, 'tests', 'fixtures', 'pty_driver.py');
  const env = { ...process.env, CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: AGENT, NO_COLOR: '1' };
  const once = (script: string, command: string[]): number | string => {
    const run = spawnSync('python3', [driver, script, '--', ...command], { encoding: 'utf8', env });
    let result: { marksMs: number[]; failure: string | null } | undefined;
    try {
      result = run.status === 0 ? (JSON.parse(run.stdout) as { marksMs: number[]; failure: string | null }) : undefined;
    } catch {
      /* said below */
    }
    if (!result || result.failure || result.marksMs.length === 0) return result?.failure ?? (run.stderr.trim().split('\n')[0] || 'no python3');
    return result.marksMs[0]!;
  };
  const removeCalls = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) removeCalls(path);
      else unlinkSync(path);
    }
  };
  const start = () => {
    const ms = once(startScript, [process.execPath, BIN, 'start']);
    if (existsSync(join(dataDir, 'calls'))) removeCalls(join(dataDir, 'calls'));
    return ms;
  };
  const floor = () => once(floorScript, [process.execPath, '-e', "process.stdout.write('ready\\n')"]);
  const times: number[] = [];
  const floors: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    const order = i % 2 === 0 ? [floor, start] : [start, floor];
    for (const step of order) {
      const ms = step();
      if (typeof ms === 'string') {
        notMeasured.push(`first question of \`start\`: not measured: ${ms}`);
        deleteIndex(dataDir);
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
        return;
      }
      if (i >= 0) (step === start ? times : floors).push(ms); // the first turn warms the file cache
    }
  }
  deleteIndex(dataDir); // before the folder goes: its name is made from the folder's real path
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  const cmd = stats(times);
  const fl = stats(floors);
  record({
    figure: 'first question of `start` on screen (pseudo-terminal)',
    group: 'first-question',
    result: { cmd, floor: fl, ratio: cmd.median / fl.median },
    floorName: 'node -e, one line, same pty',
    targets: [[0, 1.8]],
  });
}

/**
 * `npm ci` in a fresh clone of this repository (HEAD), timed: what a new user waits for
 * after `git clone` (better-sqlite3 compiles from source where no prebuilt binary can be
 * fetched; the `prepare` build runs too). Uses npm's own cache as it is on this machine.
 */
function npmCiTime(): void {
  const dir = mkdtempSync(join(tmpdir(), 'csr-call-fresh-'));
  const clone = join(dir, 'csr-call');
  log(`npm ci in a fresh clone (${clone}): minutes...`);
  const git = spawnSync('git', ['clone', '-q', ROOT, clone], { encoding: 'utf8' });
  if (git.status !== 0) {
    notMeasured.push(`npm ci: not measured: git clone failed: ${firstLine(git.stderr)}`);
    return;
  }
  const t = performance.now();
  const env = { ...process.env };
  if (USER_CACHE_HOME === undefined) delete env.XDG_CACHE_HOME;
  else env.XDG_CACHE_HOME = USER_CACHE_HOME;
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, encoding: 'utf8', env });
  const seconds = (performance.now() - t) / 1000;
  const compiled = existsSync(join(clone, 'node_modules', 'better-sqlite3', 'build', 'Release', 'obj.target'));
  rmSync(dir, { recursive: true, force: true });
  if (ci.status !== 0) {
    notMeasured.push(`npm ci: not measured: ${firstLine(ci.stderr)}`);
    return;
  }
  const s = stats([seconds * 1000]);
  rows.push({
    figure: `\`npm ci\` in a fresh clone (better-sqlite3 ${compiled ? 'compiled from source' : 'prebuilt'}, then the build), seconds`,
    group: 'install',
    result: { cmd: s, floor: s, ratio: NaN },
    floorName: '—',
  });
  log(`  npm ci: ${seconds.toFixed(0)} s`);
}

function printReport(stores: StoreInfo[], seconds: number): void {
  const cpu = cpus();
  const out: string[] = [];
  out.push('');
  out.push(
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Linux ${release()}, Node ${process.version}; ` +
      `load average (1, 5, 15 min) at the start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
      `${new Date().toISOString().slice(0, 10)}; bench took ${seconds} s.`,
  );
  if (stores.length) {
    out.push(
      `Stores: ${stores
        .map((s) => {
          const f = facts.get(s)!;
          const others = f.calls !== s.calls ? `, ${f.calls - s.calls > 0 ? '+' : ''}${f.calls - s.calls} call files written by someone else` : '';
          return `${label(s.calls)} calls (${f.openFollowUps.length} open follow-ups, ${(s.averageBytes / 1024).toFixed(1)} KB/call; P has ${f.phone.calls} calls${others})`;
        })
        .join('; ')}.`,
    );
  }
  if (programNote) out.push(`Program: ${programNote}.`);
  if (storeNotes.length) out.push(`Indexes before timing: ${storeNotes.join('; ')}.`);
  out.push(
    'Times in ms: median (min–max) over the runs, wall clock from start to exit; each floor is measured in the same run, alternating with its commands; ' +
      'the targets judge the ratio of the medians. CPU: the ratio of the median CPU times (user + system, every thread), for reading the figures ' +
      'on a busy machine (it moves less with the load than the wall clock). Peak MB: the largest resident set of the process (worker threads ' +
      'included) over the runs, floor in brackets.',
  );
  out.push('');
  out.push('| figure | calls | csr-call ms | floor ms | ratio | CPU | target | peak MB | result |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const calls = row.calls === undefined ? '—' : label(row.calls);
    const note = row.note ? `; ${row.note}` : '';
    if (row.group === 'install') {
      out.push(`| ${row.figure} | — | ${(row.result.cmd.median / 1000).toFixed(0)} s | — | — | — | — | — | — |`);
      continue;
    }
    if (row.msTarget !== undefined) {
      const r = row.result.cmd;
      out.push(`| ${row.figure}${note} | ${calls} | ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)}) | — | — | — | median ≤ ${row.msTarget} ms | — | ${verdict(row)} |`);
      continue;
    }
    const target = targetAt(row);
    const all = (row.targets ?? []).map(([size, ratio]) => `≤ ${ratio}x${size ? ` at ${label(size)}` : ''}`).join(', ');
    let targetText = row.reference ? (all ? `(${all})` : '—') : target !== undefined ? `≤ ${target}x` : all ? `(${all})` : '—';
    if (memTargetApplies(row)) targetText += `; ≤ ${row.memTarget!.mb} MB`;
    const peak = row.result.peakMb ? `${row.result.peakMb.max.toFixed(0)}${row.result.floorPeakMb ? ` (${row.result.floorPeakMb.max.toFixed(0)})` : ''}` : '—';
    const cpu = cpuRatio(row.result);
    out.push(
      `| ${row.figure}${note} | ${calls} | ${range(row.result.cmd)} | ${fmt(row.result.floor.median)} (${row.floorName}) | ${row.result.ratio.toFixed(2)}x | ${cpu !== undefined ? `${cpu.toFixed(2)}x` : '—'} | ${targetText} | ${peak} | ${verdict(row)} |`,
    );
  }
  for (const line of notMeasured) out.push(`\n${line}`);

  const groups = [...new Set(rows.filter((r) => r.calls !== undefined).map((r) => r.group))];
  if (stores.length > 1 && groups.length) {
    const first = stores[0]!.calls;
    const last = stores.at(-1)!.calls;
    out.push('');
    out.push(
      `Growth with the store (median ms · ratio to the floor · peak MB). Memory is flat when the peak at ${label(last)} is at most ` +
        `${FLAT_GROWTH}x the peak at ${label(first)} (+${FLAT_SLACK_MB} MB for the measuring noise), and export stays ≤ 150 MB:`,
    );
    out.push('');
    out.push(`| figure | ${stores.map((s) => label(s.calls)).join(' | ')} | time ${label(first)} → ${label(last)} | memory ${label(first)} → ${label(last)} |`);
    out.push(`|---|${stores.map(() => '---|').join('')}---|---|`);
    for (const group of groups) {
      const byCalls = new Map(rows.filter((r) => r.group === group && r.calls !== undefined).map((r) => [r.calls!, r]));
      const cells = stores.map((s) => {
        const row = byCalls.get(s.calls);
        if (!row) return '—';
        if (row.msTarget !== undefined) return `${row.result.cmd.median.toFixed(2)} ms`;
        return `${fmt(row.result.cmd.median)} · ${row.result.ratio.toFixed(2)}x · ${row.result.peakMb ? `${row.result.peakMb.max.toFixed(0)} MB` : '?'}`;
      });
      const a = byCalls.get(first);
      const b = byCalls.get(last);
      const growth = a && b ? `×${(b.result.cmd.median / a.result.cmd.median).toFixed(2)}` : '—';
      let memory = '—';
      if (a?.result.peakMb && b?.result.peakMb) {
        const from = a.result.peakMb.max;
        const to = b.result.peakMb.max;
        const cap = group.startsWith('export') ? 150 : Infinity;
        const maxPeak = Math.max(...[...byCalls.values()].map((r) => r.result.peakMb?.max ?? 0));
        const flat = to <= from * FLAT_GROWTH + FLAT_SLACK_MB && maxPeak <= cap;
        memory = `${from.toFixed(0)} → ${to.toFixed(0)} MB (×${(to / from).toFixed(2)}): ${flat ? 'flat' : 'GROWS'}`;
      }
      const name = [...byCalls.values()][0]!.figure.replace(/ \(in [^)]*\)/, '');
      out.push(`| ${name} | ${cells.join(' | ')} | ${growth} | ${memory} |`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

const FLAT_GROWTH = 1.2;
const FLAT_SLACK_MB = 5;

// The index's file name comes from the program (a hash of the data directory's real path); loaded with the cache folder already set.
indexPathFor = (await import('../src/store/index/callIndex.js')).indexPathFor;
await main();
