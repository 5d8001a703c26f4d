import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCallText } from '../src/store/callStore.js';
import { callFileWriter, storeEndAt, storeRecords } from '../bench/generateStore.js';
import { BIN, runCli, tempDir } from './helpers.js';

/**
 * A csr-call killed (SIGKILL) while it builds or updates the index: the next command's
 * answers are still right. What the killed one committed stays (SQLite's transactions),
 * the build it left half done is carried on, and nothing half written is believed.
 */
const CALLS = 1_500;

function idsInFiles(dataDir: string): string[] {
  const root = join(dataDir, 'calls');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(path) && statSync(join(root, path)).isFile())
    .filter((path) => parseCallText(readFileSync(join(root, path), 'utf8')).ok)
    .map((path) => path.slice(path.lastIndexOf('/') + 1, -'.json'.length))
    .sort();
}

/** Starts a command and kills it after `ms`, whatever it is doing then. */
function killedAfter(args: string[], env: Record<string, string>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('killed in the middle of an index update', () => {
  it('leaves the next command right, whether it was building the index or adding to it', async () => {
    const home = tempDir('csr-kill-');
    const dataDir = join(home, 'data');
    const env = { CSR_CALL_HOME: dataDir, XDG_CACHE_HOME: join(home, 'cache'), CSR_CALL_AGENT: 'amira' };
    const writer = callFileWriter(dataDir);
    for (const record of storeRecords(CALLS, storeEndAt())) writer.write(record);
    const expected = idsInFiles(dataDir);

    // Builds cut short at random moments, one after another (each carries on the last).
    for (const ms of [150, 400, 250, 700, 100 + Math.floor(Math.random() * 900)]) await killedAfter(['list'], env, ms);
    const list = runCli(['list', '--json'], { env });
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { calls: Array<{ id: string }> }).calls.map((c) => c.id).sort()).toEqual(expected);

    // Notes added while others are killed mid-way: the index still shows every call, once.
    const notes = Array.from({ length: 6 }, (_, i) => killedAfter(['note', expected[i * 7]!.slice(-6), `note ${i}`], env, 30 + i * 40));
    await Promise.all(notes);
    const again = runCli(['list', '--json'], { env });
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { calls: Array<{ id: string }> }).calls.map((c) => c.id).sort()).toEqual(idsInFiles(dataDir));
    const doctor = runCli(['doctor'], { env });
    expect(doctor.stdout, doctor.stdout).toMatch(/(store is healthy|stale-lock|temporary file|update lock left)/);
    expect(doctor.stdout).not.toMatch(/the index of calls/);
  }, 120_000);
});
