import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeCall } from '../src/store/callStore.js';
import { callPath } from '../src/store/callFiles.js';
import { makeCall } from './fixtures/makeCall.js';
import { BIN, tempDir, writeFileMakingDir } from './helpers.js';

/**
 * `csr-call show ID | head`: the reader takes what it wants and closes the pipe while the
 * program is still writing. That must end quietly, as it does for any Unix tool.
 */
function runReadingOneChunk(args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string; got: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    const err: Buffer[] = [];
    child.stdout.once('data', (chunk: Buffer) => {
      got = chunk.length;
      child.stdout.destroy(); // as `head -1` does once it has its line
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr: Buffer.concat(err).toString('utf8'), got }));
  });
}

describe('output to a pipe the reader closes early', () => {
  it('show of a long call (more than a pipe holds): exits 0 without a word on stderr', async () => {
    const dataDir = tempDir();
    // 3,000 notes: ~350 KB of output, well past a pipe's 64 KB, so the program is still
    // writing when the reader goes.
    const record = makeCall({
      notes: Array.from({ length: 3000 }, (_, i) => ({ at: '2026-11-20T10:00:00.000Z', by: 'amira', text: `Note ${i}: the customer rang back about the refund and we went through it again` })),
    });
    writeFileMakingDir(callPath(dataDir, record.id), serializeCall(record));
    const result = await runReadingOneChunk(['show', record.id], { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'amira' });
    expect(result.got).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('output to a file that cannot take it (stdout sent to a full disk)', () => {
  it.runIf(existsSync('/dev/full'))('every listing command says so in one line and exits 1', () => {
    const dataDir = tempDir();
    const record = makeCall({ agent: 'amira' });
    writeFileMakingDir(callPath(dataDir, record.id), serializeCall(record));
    for (const args of [['list'], ['list', '--json'], ['show', record.id], ['followups', '--all'], ['search', 'refund', '--all'], ['stats']]) {
      const full = openSync('/dev/full', 'w');
      try {
        const run = spawnSync(process.execPath, [BIN, ...args], {
          env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'amira' },
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 1, stderr: 'csr-call: cannot write the output: the disk is full (ENOSPC)\n' });
      } finally {
        closeSync(full);
      }
    }
  });
});

describe("stderr's reader going away (`2>&1 | head -1`)", () => {
  it("a hook's output on it does not turn a saved call into an internal error", async () => {
    const home = tempDir();
    const config = tempDir();
    mkdirSync(join(config, 'csr-call', 'hooks'), { recursive: true });
    writeFileSync(join(config, 'csr-call', 'hooks', 'on-call-end'), '#!/bin/sh\nfor i in $(seq 1 3000); do echo "hook line $i, long enough to fill a pipe"; done\n', { mode: 0o700 });
    const answers = join(tempDir(), 'answers.json');
    writeFileSync(answers, JSON.stringify({ 'identify.name': 'Ana', 'readback.paraphrase': 'A problem', 'outcome.code': 'resolved' }));
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'start', '--answers', answers], {
        env: { ...process.env, NO_COLOR: '1', CSR_CALL_HOME: home, XDG_CONFIG_HOME: config, CSR_CALL_AGENT: 'amira' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.once('data', () => child.stderr.destroy());
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(status).toBe(0);
  });
});
