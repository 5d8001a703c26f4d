/**
 * Timing whole processes the way an agent meets them: spawn, wait for exit, wall clock,
 * and the process's CPU time and peak resident memory. The commands and their floor are
 * run alternately, so the machine's noise (two busy cores) falls on all of them alike.
 *
 * A process is run through bench/rusage.py (python3), which times it from its fork to its
 * exit and reads its CPU time and peak memory from wait4; without python3, through
 * /usr/bin/time (memory only), else bare.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(TIME);
const RUSAGE = join(ROOT, 'bench', 'rusage.py');
export const hasRusage = spawnSync('python3', ['-c', 'import os; os.wait4'], { stdio: 'ignore' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'csr-call-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: values.length };
}

export interface Run {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in MB (of the process and its worker threads), when it could be had. */
  peakMb?: number;
  /** CPU time in ms (user + system, every thread), when it could be had. */
  cpuMs?: number;
}

export interface Spawn {
  args: string[];
  env?: Record<string, string>;
  /** Send stdout to /dev/null instead of collecting it (exports of 100k calls). */
  discardStdout?: boolean;
  /**
   * CPU time and peak memory, through bench/rusage.py (or peak memory alone through
   * /usr/bin/time; without either, only for a script, not `-e`, through a maxRSS
   * wrapper). `false`: the process is run bare (untimed runs: warm-ups, checks).
   */
  memory?: boolean;
}

/** Runs `node <args>` once. */
export function runNode(spawn: Spawn): Run {
  let command = process.execPath;
  let args = spawn.args;
  const memFile = join(scratch, `mem-${process.hrtime.bigint()}`);
  const wrapper = spawn.memory === false ? undefined : hasRusage ? 'rusage' : hasGnuTime ? 'time' : spawn.args[0]?.startsWith('-') ? undefined : 'maxrss';
  if (wrapper === 'rusage') {
    command = 'python3';
    args = [RUSAGE, memFile, '--', process.execPath, ...spawn.args];
  } else if (wrapper === 'time') {
    command = TIME;
    args = ['-o', memFile, '-f', '%M', process.execPath, ...spawn.args];
  } else if (wrapper === 'maxrss') {
    args = [join(ROOT, 'bench', 'withMaxRss.mjs'), memFile, ...spawn.args];
  }
  const devNull = spawn.discardStdout ? openSync('/dev/null', 'w') : undefined;
  const options: SpawnSyncOptions = {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...spawn.env },
    stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  };
  const started = performance.now();
  const result = spawnSync(command, args, options);
  const ms = performance.now() - started;
  if (devNull !== undefined) closeSync(devNull);
  const run: Run = { ms, status: result.status, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  if (wrapper) {
    try {
      const text = readFileSync(memFile, 'utf8').trim();
      if (wrapper === 'rusage') {
        const usage = JSON.parse(text) as { wallMs: number; cpuMs: number; maxRssKb: number };
        run.ms = usage.wallMs; // the child's own time: the wrapper's start-up is not in it
        run.cpuMs = usage.cpuMs;
        run.peakMb = usage.maxRssKb / 1024;
      } else {
        const kb = Number(text.split('\n').pop());
        if (Number.isFinite(kb) && kb > 0) run.peakMb = kb / 1024;
      }
      rmSync(memFile, { force: true });
    } catch {
      /* no figure */
    }
  }
  return run;
}

export interface Comparison {
  cmd: Stats;
  floor: Stats;
  ratio: number;
  peakMb?: Stats;
  floorPeakMb?: Stats;
  /** CPU time (ms) of the command and of the floor, when measured. */
  cpu?: Stats;
  floorCpu?: Stats;
  /** Set when the command failed: what it said. */
  failed?: string;
}

export interface CompareOptions {
  /** Untimed runs of each first (file cache, index). */
  warmups?: number;
  /** Run before each timed run of a command (untimed): e.g. delete the index. */
  before?: () => void;
  /** Checks a timed run's output; a string is a problem, recorded with the figure. */
  check?: (run: Run) => string | undefined;
}

export interface Measured extends Comparison {
  problems: string[];
  checks: number;
}

/**
 * Runs each command and the floor `runs` times, in turns whose order rotates (floor first,
 * then last, ...), after `warmups` untimed runs of each. One floor serves every command:
 * all the figures are ratios to the floor of the same moments.
 */
export function compareMany(cmds: Spawn[], floor: Spawn, runs: number, options: Array<CompareOptions | undefined> = [], { warmups = 1 } = {}): Measured[] {
  const failedWith = (text: string): Measured => ({ cmd: stats([0]), floor: stats([0]), ratio: NaN, failed: text, problems: [], checks: 0 });
  for (let i = 0; i < warmups; i++) {
    runNode({ ...floor, memory: false });
    for (const [c, cmd] of cmds.entries()) {
      options[c]?.before?.();
      const warm = runNode({ ...cmd, memory: false });
      if (warm.status !== 0) return cmds.map(() => failedWith(firstLine(warm.stderr) || `exit ${warm.status}`));
    }
  }
  const cmdMs = cmds.map(() => [] as number[]);
  const cmdMb = cmds.map(() => [] as number[]);
  const cmdCpu = cmds.map(() => [] as number[]);
  const floorCpu: number[] = [];
  const problems = cmds.map(() => [] as string[]);
  const checks = cmds.map(() => 0);
  const floorMs: number[] = [];
  const floorMb: number[] = [];
  const turn = [-1, ...cmds.map((_, c) => c)];
  for (let i = 0; i < runs; i++) {
    // Floor first, then everything in the reverse order (floor last): no command always follows the floor.
    const order = i % 2 === 0 ? turn : [...turn].reverse();
    for (const which of order) {
      if (which === -1) {
        const run = runNode(floor);
        if (run.status !== 0) return cmds.map(() => failedWith(`the floor failed: ${firstLine(run.stderr) || `exit ${run.status}`}`));
        floorMs.push(run.ms);
        if (run.peakMb !== undefined) floorMb.push(run.peakMb);
        if (run.cpuMs !== undefined) floorCpu.push(run.cpuMs);
        continue;
      }
      options[which]?.before?.();
      const run = runNode(cmds[which]!);
      if (run.status !== 0) return cmds.map(() => failedWith(firstLine(run.stderr) || `exit ${run.status}`));
      cmdMs[which]!.push(run.ms);
      if (run.peakMb !== undefined) cmdMb[which]!.push(run.peakMb);
      if (run.cpuMs !== undefined) cmdCpu[which]!.push(run.cpuMs);
      const check = options[which]?.check;
      if (check) {
        checks[which]! += 1;
        const problem = check(run);
        if (problem) problems[which]!.push(`run ${i + 1}: ${problem}`);
      }
    }
  }
  const floorStats = stats(floorMs);
  return cmds.map((_, c) => {
    const cmd = stats(cmdMs[c]!);
    const result: Measured = { cmd, floor: floorStats, ratio: cmd.median / floorStats.median, problems: problems[c]!, checks: checks[c]! };
    if (cmdMb[c]!.length) result.peakMb = stats(cmdMb[c]!);
    if (floorMb.length) result.floorPeakMb = stats(floorMb);
    if (cmdCpu[c]!.length) result.cpu = stats(cmdCpu[c]!);
    if (floorCpu.length) result.floorCpu = stats(floorCpu);
    return result;
  });
}

/** One command against its floor (compareMany of one). */
export function compare(cmd: Spawn, floor: Spawn, runs: number, { warmups = 1, ...options }: CompareOptions = {}): Measured {
  return compareMany([cmd], floor, runs, [options], { warmups })[0]!;
}

/** What a failed command said, in one line; an internal error keeps the top of its stack. */
export function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  const shown = lines[0]?.includes('internal error') ? lines.slice(0, 4).join(' / ') : (lines[0] ?? '');
  return shown.slice(0, 400);
}
