import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCall, updateCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { withFileLock } from '../src/store/fileLock.js';
import { makeCall } from './fixtures/makeCall.js';
import { tempDir, saveCall } from './helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/updateWorker.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A pid that surely belongs to no running process: one that has just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

describe('concurrent updates of the same calls', () => {
  it('keeps every update from N processes × M concurrent updates each, even starting from stale locks', async () => {
    const N = 4;
    const M = 16;
    const dataDir = join(tempDir(), 'data');
    const calls = [];
    for (let k = 0; k < 2; k++) {
      const record = makeCall({
        startedAt: `2026-11-2${k}T09:00:00.000Z`,
        followups: Array.from({ length: N * M }, () => ({})),
      });
      calls.push(await saveCall(dataDir, record));
    }
    const ids = calls.map((c) => c.id);
    // Locks left by a process that died: every worker sees them stale at once, and only
    // one may break each (the others must not delete the fresh lock it then takes).
    const pid = await deadPid();
    for (const id of ids) {
      writeFileSync(`${callPath(dataDir, id)}.lock`, JSON.stringify({ host: hostname(), pid, who: 'crashed', at: new Date().toISOString() }));
    }

    const results = await Promise.all(Array.from({ length: N }, (_, w) => run([dataDir, String(w), String(M), ids.join(',')])));
    for (const result of results) expect(result.stderr).toBe('');
    for (const result of results) expect(result.code).toBe(0);

    for (const [k, id] of ids.entries()) {
      const record = await readCall(dataDir, id);
      const expectedNotes: string[] = [];
      const expectedDone: string[] = [];
      for (let w = 0; w < N; w++) {
        for (let j = 0; j < M; j++) {
          if (j % ids.length !== k) continue;
          expectedNotes.push(`w${w}-u${j}`);
          if (j % 2 === 0) expectedDone.push(`${id}.f${w * M + j + 1}`);
        }
      }
      expect(record.notes.map((n) => n.text).sort()).toEqual(expectedNotes.sort());
      expect(record.followups.filter((f) => f.status === 'done').map((f) => f.id).sort()).toEqual(expectedDone.sort());
      // One revision per write: no update was applied to a stale copy and then overwritten.
      expect(record.revision).toBe(calls[k]!.revision + expectedNotes.length);
    }
  }, 30_000);

  it('in one process too: concurrent updateCall calls all land', async () => {
    const dataDir = join(tempDir(), 'data');
    const saved = await saveCall(dataDir, makeCall());
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        updateCall(dataDir, saved.id, (r) => ({ ...r, queries: [...r.queries, `q${i}`] })),
      ),
    );
    const record = await readCall(dataDir, saved.id);
    expect(record.queries).toHaveLength(25);
    expect(record.revision).toBe(saved.revision + 25);
  });

  it('refuses to update a call that does not exist, in one line', async () => {
    const dataDir = join(tempDir(), 'data');
    await expect(updateCall(dataDir, '20261120-090000-abcdef', (r) => r)).rejects.toThrow(/^no call 20261120-090000-abcdef in /);
  });

  it('leaves a lock held by a live process alone and says who holds it when it gives up', async () => {
    const dir = tempDir();
    const lock = join(dir, 'x.lock');
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: process.pid, who: 'someone else', at: new Date().toISOString() }));
    await expect(withFileLock(lock, 'me', async () => 1, { timeoutMs: 100 })).rejects.toThrow(/held by another process \(someone else on /);
  });
});
