import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardCommand } from '../src/commands/forget.js';
import { listCommand } from '../src/commands/list.js';
import { callPath } from '../src/store/callFiles.js';
import { makeCall } from './fixtures/makeCall.js';
import { runInPty, saveCall, scriptedPrompts, tempDir, testContext } from './helpers.js';

/** A call started by mistake can be thrown away (issue 15, item 11). */

const unfinished = (startedAt: string, customer = {}) => makeCall({ startedAt, status: 'in-progress', endedAt: undefined, outcome: undefined, customer });

function callFiles(dataDir: string): string[] {
  const root = join(dataDir, 'calls');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.json') && statSync(join(root, p)).isFile());
}

describe('discard', () => {
  it('throws away your latest unfinished call, file and index rows, after showing it', async () => {
    const ctx = testContext();
    const older = await saveCall(ctx.dataDir, unfinished('2026-11-23T09:00:00.000Z'));
    const latest = await saveCall(ctx.dataDir, unfinished('2026-11-23T10:00:00.000Z', { name: 'Mis Take' }));
    await discardCommand(undefined, { yes: true }, ctx);
    expect(existsSync(callPath(ctx.dataDir, latest.id))).toBe(false);
    expect(existsSync(callPath(ctx.dataDir, older.id))).toBe(true);
    expect(ctx.out()).toContain('To throw away:');
    expect(ctx.out()).toContain(`${latest.id.slice(-6)}  Mis Take`);
    expect(ctx.out()).toMatch(/thrown away: 1 call, their index rows/);
    const list = testContext({ dataDir: ctx.dataDir });
    await listCommand({ json: true }, list);
    expect((JSON.parse(list.out()) as { calls: Array<{ id: string }> }).calls.map((c) => c.id)).toEqual([older.id]);
  });

  it('keeps a completed call, and asks before anything goes', async () => {
    const ctx = testContext();
    const done = await saveCall(ctx.dataDir, makeCall());
    await expect(discardCommand(done.id.slice(-6), { yes: true }, ctx)).rejects.toThrow(/is completed and is kept; to erase a customer's data use csr-call forget/);
    const call = await saveCall(ctx.dataDir, unfinished('2026-11-23T09:00:00.000Z'));
    const prompts = scriptedPrompts([false]);
    const no = testContext({ dataDir: ctx.dataDir, stdin: Object.assign(ctx.stdin, { isTTY: true }), prompts });
    await discardCommand(call.id, {}, no);
    expect(prompts.asked).toEqual([`Throw away call ${call.id.slice(-6)}? This cannot be undone.`]);
    expect(no.out()).toContain('nothing thrown away');
    expect(existsSync(callPath(ctx.dataDir, call.id))).toBe(true);
  });

  it('is offered at Ctrl-C on a call with nothing about a customer yet', () => {
    const home = tempDir();
    const result = runInPty(['start'], [{ expect: "Caller's name" }, { send: '\x03' }, { expect: 'Throw it away\\?' }, { send: 'y\r' }, { expect: 'thrown away' }], { CSR_CALL_HOME: home });
    expect(result.failure, result.transcript).toBeNull();
    expect(result.exitCode).toBe(130);
    expect(callFiles(home)).toEqual([]);
  });

  it('is not offered once a customer is known, and start lists the unfinished calls with how to go on or throw each away', () => {
    const home = tempDir();
    const first = runInPty(['start'], [{ expect: "Caller's name" }, { send: 'Ana Lima\r' }, { expect: 'Best number' }, { send: '\x03' }], { CSR_CALL_HOME: home });
    expect(first.exitCode).toBe(130);
    expect(first.transcript).not.toContain('Throw it away');
    expect(callFiles(home)).toHaveLength(1);
    const second = runInPty(['start'], [{ expect: "Caller's name" }, { send: '\x03' }, { expect: 'Throw it away\\?' }, { send: 'n\r' }], { CSR_CALL_HOME: home });
    expect(second.transcript).toMatch(/You have 1 unfinished call:\s+([0-9a-z]{6})  started [^,]+, Ana Lima  → csr-call resume \1 · csr-call discard \1/);
    expect(callFiles(home)).toHaveLength(2);
  });
});
