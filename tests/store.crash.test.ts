import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCallText, readCall, updateCall } from '../src/store/callStore.js';
import { callPath, listCallFilesIn, listMonthDirs } from '../src/store/callFiles.js';
import { checkStore, fixStore } from '../src/store/storeCheck.js';
import { isTempFileName } from '../src/store/writeFileAtomic.js';
import { makeCall } from './fixtures/makeCall.js';
import { tempDir, saveCall } from './helpers.js';

/**
 * Kills a process that saves ~200 KB calls in a loop with SIGKILL at random moments, a
 * few hundred times, and checks that no call file is ever torn: every one parses and
 * validates, and the temporary files the kills leave behind are never read as calls.
 * (What SIGKILL cannot show is a power cut: that is the fsyncs' job, not tested here.)
 * CSR_CALL_CRASH_KILLS sets the number of kills (default 300) and CSR_CALL_CRASH_SECONDS
 * the time allowed for them (default 5): on a slow or busy machine fewer kills fit, and
 * the test says how many it managed.
 */
const CHILD = fileURLToPath(new URL('./fixtures/saveLoop.mjs', import.meta.url));
const KILLS = Number(process.env.CSR_CALL_CRASH_KILLS ?? 300);
const SECONDS = Number(process.env.CSR_CALL_CRASH_SECONDS ?? 5);
const PARALLEL = 3;
/** However busy the machine, this many kills happen before the test may stop. */
const MIN_KILLS = Math.min(KILLS, 20);

/** What each child has written to stdout so far. */
const childOutput = new WeakMap<ChildProcess, string>();

/** Resolves once the child says it has finished its first save (or has ended). */
function saved(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!childOutput.get(child)?.includes('saved')) return;
      child.stdout!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    child.once('exit', () => resolve());
    check();
  });
}

function startChild(dataDir: string, ids: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, ids.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    child.stdout!.on('data', (chunk) => childOutput.set(child, (childOutput.get(child) ?? '') + String(chunk)));
    child.stdout!.once('data', () => resolve(child));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`saver ended by itself (${code ?? signal}): ${stderr}`));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function allFiles(dataDir: string): string[] {
  return listFilesRecursive(dataDir);
}

function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFilesRecursive(path));
    else out.push(path);
  }
  return out;
}

describe('crash safety', () => {
  it('survives SIGKILL at random moments while saving large calls, again and again', async () => {
    const dataDir = join(tempDir(), 'data');
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) {
      const record = makeCall({ startedAt: `2026-11-2${k}T10:00:00.000Z` });
      ids.push((await saveCall(dataDir, record)).id);
    }
    const initialRevisions = await Promise.all(ids.map(async (id) => (await readCall(dataDir, id)).revision));

    let killed = 0;
    let readsWhileWriting = 0;
    const deadline = Date.now() + SECONDS * 1000;
    // A kill lands mid-write by chance (the write is a fraction of each save): on a busy
    // machine the kills that fit in SECONDS may all miss, so they go on until one has hit.
    const hardDeadline = Date.now() + 60_000;
    const hitMidWrite = () => allFiles(dataDir).some((path) => isTempFileName(path.slice(path.lastIndexOf('/') + 1)));
    const worker = async () => {
      while (killed < KILLS && (Date.now() < deadline || killed < MIN_KILLS || (!hitMidWrite() && Date.now() < hardDeadline))) {
        killed += 1;
        const child = await startChild(dataDir, ids);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Mostly killed within moments of starting, mid-write; every fourth child lives
        // until it has finished a save (up to 300 ms: a busy machine must not stretch the
        // test), and a little more.
        if (killed % 4 === 0) await Promise.race([saved(child), sleep(300)]);
        await sleep(killed % 4 === 0 ? Math.random() * 100 : Math.random() * 40);
        // Meanwhile a reader must always see a whole old or whole new file.
        for (const id of ids) {
          const result = parseCallText(readFileSync(callPath(dataDir, id), 'utf8'));
          expect(result.ok ? 'ok' : result.problem).toBe('ok');
          readsWhileWriting += 1;
        }
        child.kill('SIGKILL');
        await exited;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(killed).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(readsWhileWriting).toBeGreaterThan(0);

    // Every call file parses and validates, and the saves really happened.
    const files = (await Promise.all((await listMonthDirs(dataDir)).map((m) => listCallFilesIn(m.path)))).flat();
    const problems = files.map((file) => parseCallText(readFileSync(file.path, 'utf8'))).filter((result) => !result.ok);
    expect(problems).toEqual([]);
    expect(files.map((file) => file.id).sort()).toEqual([...ids].sort());
    // On a busy machine a child may be killed before it reaches every call, but saves did land.
    const moved = await Promise.all(ids.map(async (id, k) => (await readCall(dataDir, id)).revision > initialRevisions[k]!));
    expect(moved).toContain(true);

    // Kills during a write leave temporary files: never listed as calls, all found by doctor.
    const temps = allFiles(dataDir).filter((path) => isTempFileName(path.slice(path.lastIndexOf('/') + 1)));
    const listed = (await Promise.all((await listMonthDirs(dataDir)).map((m) => listCallFilesIn(m.path)))).flat();
    expect(listed.map((f) => f.id).sort()).toEqual([...ids].sort());
    const report = await checkStore(dataDir);
    expect(report.calls).toBe(ids.length);
    expect(report.problems.filter((p) => p.kind === 'temp-file').map((p) => p.path).sort()).toEqual(temps.sort());
    expect(report.problems.filter((p) => !['temp-file', 'stale-lock'].includes(p.kind))).toEqual([]);

    // A minute later doctor --fix clears them (and any lock a killed process held), and
    // never touches a call file.
    const before = ids.map((id) => readFileSync(callPath(dataDir, id), 'utf8'));
    const fixed = await fixStore(dataDir, { now: Date.now() + 2 * 60_000 });
    expect(fixed.after.problems).toEqual([]);
    expect(ids.map((id) => readFileSync(callPath(dataDir, id), 'utf8'))).toEqual(before);
    // And the store works on: an update takes over nothing stale and lands.
    await updateCall(dataDir, ids[0]!, (r) => ({ ...r, queries: ['after the crashes'] }));
    expect((await readCall(dataDir, ids[0]!)).queries).toEqual(['after the crashes']);
    // Kills did land mid-write (each leftover temporary file is one), or the test proved nothing.
    expect(temps.length).toBeGreaterThan(0);
    console.log(`crash test: ${killed} kills, ${temps.length} of them mid-write`);
  }, 300_000);
});
