/**
 * Timing whole processes the way an agent meets them: spawn, wait for exit, wall clock.
 * The command and its floor are run alternately, so the machine's noise (two busy cores)
 * falls on both alike.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'csr-call.cjs');
const TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(TIME);
const scratch = mkdtempSync(join(tmpdir(), 'csr-call-bench-'));

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
  /** Peak resident memory in MB, when asked for. */
  peakMb?: number;
}

export interface Spawn {
  args: string[];
  env?: Record<string, string>;
  /** Send stdout to /dev/null instead of collecting it (exports of 100k calls). */
  discardStdout?: boolean;
  /** Measure peak memory too (via /usr/bin/time, else a maxRSS wrapper). */
  memory?: boolean;
}

/** Runs `node <args>` once. */
export function runNode(spawn: Spawn): Run {
  let command = process.execPath;
  let args = spawn.args;
  const memFile = join(scratch, `mem-${process.hrtime.bigint()}`);
  if (spawn.memory) {
    if (hasGnuTime) {
      command = TIME;
      args = ['-o', memFile, '-f', '%M', process.execPath, ...spawn.args];
    } else {
      args = [join(ROOT, 'bench', 'withMaxRss.mjs'), memFile, ...spawn.args];
    }
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
  if (spawn.memory) {
    try {
      const kb = Number(readFileSync(memFile, 'utf8').trim().split('\n').pop());
      if (Number.isFinite(kb)) run.peakMb = kb / 1024;
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
  /** Set when the command failed: what it said. */
  failed?: string;
}

/**
 * Runs the command and its floor `runs` times each, alternately, after one untimed
 * warm-up of each (file cache, summary cache).
 */
export function compare(
  cmd: Spawn,
  floor: Spawn,
  runs: number,
  { warmups = 1 }: { warmups?: number } = {},
): Comparison {
  for (let i = 0; i < warmups; i++) {
    runNode(floor);
    const warm = runNode(cmd);
    if (warm.status !== 0) {
      return { cmd: stats([0]), floor: stats([0]), ratio: NaN, failed: firstLine(warm.stderr) || `exit ${warm.status}` };
    }
  }
  const cmdMs: number[] = [];
  const floorMs: number[] = [];
  const cmdMb: number[] = [];
  const floorMb: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['floor', 'cmd'] : ['cmd', 'floor'];
    for (const which of order) {
      if (which === 'floor') {
        const run = runNode(floor);
        floorMs.push(run.ms);
        if (run.peakMb !== undefined) floorMb.push(run.peakMb);
      } else {
        const run = runNode(cmd);
        if (run.status !== 0) return { cmd: stats([0]), floor: stats([0]), ratio: NaN, failed: firstLine(run.stderr) || `exit ${run.status}` };
        cmdMs.push(run.ms);
        if (run.peakMb !== undefined) cmdMb.push(run.peakMb);
      }
    }
  }
  const result: Comparison = { cmd: stats(cmdMs), floor: stats(floorMs), ratio: stats(cmdMs).median / stats(floorMs).median };
  if (cmdMb.length) result.peakMb = stats(cmdMb);
  if (floorMb.length) result.floorPeakMb = stats(floorMb);
  return result;
}

/** What a failed command said, in one line; an internal error keeps the top of its stack. */
export function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  const shown = lines[0]?.includes('internal error') ? lines.slice(0, 4).join(' / ') : (lines[0] ?? '');
  return shown.slice(0, 400);
}
