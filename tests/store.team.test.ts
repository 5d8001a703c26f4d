import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCallText } from '../src/store/callStore.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { BIN, runCli, runInPtyAsync, saveCall, tempDir, upToTheNotes } from './helpers.js';

/**
 * Eight agents' csr-calls working on one shared folder at once (notes, follow-ups done
 * and snoozed, new calls), while an agent takes a live call there and types notes, each
 * line autosaved: nothing anyone was told was done is lost, and nothing is done twice.
 * CSR_CALL_TEAM_SECONDS sets how long (default 5; CI runs a minute).
 */
const SECONDS = Number(process.env.CSR_CALL_TEAM_SECONDS ?? 5);
const AGENTS = 8;
const WORKER = fileURLToPath(new URL('./fixtures/teamWorker.mjs', import.meta.url));

interface Entry {
  op: 'start' | 'note' | 'done' | 'snooze';
  ok: boolean;
  id?: string;
  text?: string;
  followup?: string;
  saved?: string;
  stderr: string;
}

function runWorker(args: string[]): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Entry)) : reject(new Error(err))));
  });
}

function cliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', CSR_CALL_AGENT: 'supervisor' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function allCalls(dataDir: string): CallRecord[] {
  const root = join(dataDir, 'calls');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(path) && statSync(join(root, path)).isFile())
    .map((path) => {
      const result = parseCallText(readFileSync(join(root, path), 'utf8'));
      expect(result.ok ? 'ok' : `${path}: ${result.problem}`).toBe('ok');
      return (result as { record: CallRecord }).record;
    });
}

describe('a team on one shared folder', () => {
  it(`loses nothing and does nothing twice: ${AGENTS} agents for ${SECONDS} s and a live call`, async () => {
    const dir = tempDir('csr-team-');
    const dataDir = join(dir, 'data');
    for (let k = 0; k < 6; k++) {
      await saveCall(dataDir, makeCall({ startedAt: `2026-11-1${k}T09:00:00.000Z`, followups: Array.from({ length: 6 }, () => ({ repeatEveryDays: k % 2 ? 2 : undefined })) }));
    }
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify({ 'identify.name': 'Team Caller', 'readback.paraphrase': 'A problem', 'outcome.code': 'callback', 'followup.needed': true, 'followup.what': 'Ring back', 'followup.due': 'tomorrow 10:00' }));

    // The live call: a notes step typed line by line for as long as the team works.
    const lines = Array.from({ length: Math.max(8, SECONDS * 4) }, (_, i) => `live line ${i}`);
    const live = runInPtyAsync(
      ['start', '--data-dir', dataDir, '--agent', 'live'],
      [
        ...upToTheNotes('Live Caller'),
        ...lines.flatMap((line) => [{ send: `${line}\r` }, { sleep: SECONDS / lines.length }]),
        { send: '\r' }, // the end of the notes
        { expect: 'Questions to ask' },
        { send: '\x03' },
      ],
      {},
      (SECONDS * 2 + 60) * 1000,
    );
    const workers = Array.from({ length: AGENTS }, (_, k) => runWorker([BIN, dataDir, `agent${k}`, String(SECONDS), answers]));
    // A supervisor's notes on the live call while it is typed: however few the workers' tries
    // (a short run on a busy machine), the live call has notes written beside it.
    const supervisor = (async () => {
      const out: Entry[] = [];
      const deadline = Date.now() + SECONDS * 1000;
      let liveId: string | undefined;
      while (!liveId && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        liveId = allCalls(dataDir).find((call) => call.agent === 'live')?.id;
      }
      for (let k = 0; liveId && k < 3 && Date.now() < deadline; k++) {
        const text = `supervisor-note-${k}`;
        const run = await cliAsync(['note', liveId, text, '--data-dir', dataDir]);
        out.push({ op: 'note', id: liveId, text, ok: run.status === 0, stderr: run.stderr });
        await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 5));
      }
      return out;
    })();
    const [liveResult, supervised, ...logs] = await Promise.all([live, supervisor, ...workers]);
    const entries = [...logs.flat(), ...supervised];

    expect(liveResult.failure, liveResult.transcript.slice(-2000)).toBeNull();
    expect(liveResult.exitCode).toBe(130);
    // Every command either did its work or said in one line why not (someone else was first).
    for (const entry of entries) {
      if (!entry.ok) expect(entry.stderr, JSON.stringify(entry)).toMatch(/^csr-call: [^\n]+\n$/);
    }
    expect(entries.filter((e) => e.ok).length).toBeGreaterThan(AGENTS * 2);

    const calls = allCalls(dataDir);
    const byId = new Map(calls.map((call) => [call.id, call]));
    // Notes: each one reported done is there exactly once; one that failed is nowhere.
    const notes = calls.flatMap((call) => call.notes.map((note) => `${call.id} ${note.text}`));
    for (const entry of entries.filter((e) => e.op === 'note')) {
      const count = notes.filter((n) => n === `${entry.id} ${entry.text}`).length;
      expect(count, JSON.stringify(entry)).toBe(entry.ok ? 1 : 0);
    }
    // Follow-ups: one 'done' in the history per done reported, one 'snoozed' per snooze.
    const history = (followupId: string, action: string) =>
      calls.flatMap((call) => call.followups).filter((f) => f.id === followupId).flatMap((f) => f.history).filter((h) => h.action === action).length;
    for (const op of ['done', 'snooze'] as const) {
      const reported = new Map<string, number>();
      for (const entry of entries.filter((e) => e.op === op && e.ok)) reported.set(entry.followup!, (reported.get(entry.followup!) ?? 0) + 1);
      for (const [followup, times] of reported) expect(history(followup, op === 'done' ? 'done' : 'snoozed'), `${op} ${followup}`).toBe(times);
    }
    // New calls: each one reported saved is there, whole.
    for (const entry of entries.filter((e) => e.op === 'start' && e.ok)) expect(byId.has(entry.saved!.slice(entry.saved!.lastIndexOf('/') + 1, -5))).toBe(true);
    // The live call kept every line typed, and every note added to it meanwhile.
    const liveCall = calls.find((call) => call.agent === 'live')!;
    expect(liveCall.answers.find((a) => a.stepId === 'listen.story')?.value).toBe(lines.join('\n'));
    expect(entries.filter((e) => e.op === 'note' && e.ok && e.id === liveCall.id).length).toBeGreaterThan(0);
    // And the index agrees with the files: the lists show exactly what is there.
    const list = runCli(['list', '--data-dir', dataDir, '--json']);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { calls: Array<{ id: string }> }).calls.map((c) => c.id).sort()).toEqual([...byId.keys()].sort());
  }, 60_000 + SECONDS * 3_000);
});
