import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCallText } from '../src/store/callStore.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { BIN, runCli, tempDir } from './helpers.js';
import { answersWithFollowUp, describeTeam, PASSWORD, server as runServer, sqlClient, type SqlClient } from './teamHelpers.js';
import { findPgBin, removeTestServer, restartTestServer, startTestServer, stopTestServer, type TestServer } from './teamServer.js';

/**
 * Agents working against one team database at once (new calls, notes, and on the team's
 * follow-ups: assign, claim, done, snooze, release), the database killed mid-run and
 * started again: agents keep working from their files; after one `team sync` each the
 * database and every agent's files agree, nothing anyone was told was done is lost, and
 * nothing is done twice. On its own cluster (it kills it).
 * CSR_CALL_TEAM_DB_SECONDS (default 4) and CSR_CALL_TEAM_DB_AGENTS (default 4) scale it;
 * `npm run bench` runs 20 agents for two minutes.
 */
const SECONDS = Number(process.env.CSR_CALL_TEAM_DB_SECONDS ?? 4);
const AGENTS = Number(process.env.CSR_CALL_TEAM_DB_AGENTS ?? 4);
const WORKER = fileURLToPath(new URL('./fixtures/teamDbWorker.mjs', import.meta.url));

interface Entry {
  agent: string;
  at: number;
  op: 'start' | 'note' | 'board' | 'claim' | 'release' | 'assign' | 'done' | 'snooze';
  ok: boolean;
  id?: string;
  text?: string;
  note?: string;
  callAgent?: string;
  stderr: string;
}

function callsOf(dataDir: string): CallRecord[] {
  const root = join(dataDir, 'calls');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => /\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(p))
    .map((p) => {
      const parsed = parseCallText(readFileSync(join(root, p), 'utf8'));
      if (!parsed.ok) throw new Error(`${p}: ${parsed.problem}`);
      return parsed.record;
    });
}

function runWorker(args: string[], env: Record<string, string>): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Entry)) : reject(new Error(err))));
  });
}

describeTeam('a team at work on one database', () => {
  let server: TestServer;
  let admin: SqlClient;
  const database = 'load';
  const agents = Array.from({ length: AGENTS }, (_, i) => `agent${i + 1}`);
  const url = (role: string) => `postgresql://${role}:${PASSWORD}@127.0.0.1:${server.port}/${database}`;

  beforeAll(async () => {
    // Its own cluster (it is killed), beside the run's: in a folder the server's user may enter.
    server = await startTestServer(findPgBin()!, dirname(runServer!.socketDir));
    const root = sqlClient({ host: server.socketDir, port: server.port, user: server.admin, database: 'postgres' });
    await root.query('CREATE ROLE csr_call_agent NOLOGIN');
    await root.query('CREATE ROLE csr_call_lead NOLOGIN');
    await root.query(`CREATE ROLE team_owner LOGIN PASSWORD '${PASSWORD}'`);
    for (const agent of agents) await root.query(`CREATE ROLE ${agent} LOGIN PASSWORD '${PASSWORD}' IN ROLE csr_call_agent`);
    await root.query(`CREATE DATABASE ${database} OWNER team_owner`);
    await root.end();
    expect(runCli(['team', 'migrate'], { env: { CSR_CALL_TEAM_DB: url('team_owner') } }).status).toBe(0);
    admin = sqlClient({ host: server.socketDir, port: server.port, user: server.admin, database });
  });
  afterAll(async () => {
    await admin?.end();
    if (server) removeTestServer(server);
  });

  it(`${AGENTS} agents for ${SECONDS} s, the database killed and started again mid-run: nothing lost, nothing done twice, files and database agree`, async () => {
    const base = tempDir('csr-team-load-');
    const answers = join(base, 'answers.json');
    writeFileSync(answers, JSON.stringify(answersWithFollowUp('Load Customer', 'tomorrow 10:00')));
    const envOf = (agent: string) => ({ CSR_CALL_HOME: join(base, agent), CSR_CALL_TEAM_DB: url(agent), CSR_CALL_TEAM_CHECK: '0', CSR_CALL_TEAM_TIMEOUT: '1' });
    // Each agent starts with a call whose follow-up is the team's: something to collide on at once.
    for (const agent of agents) {
      const taken = runCli(['start', '--answers', answers], { env: { ...envOf(agent), CSR_CALL_AGENT: agent } });
      const id = /Call (\d{8}-\d{6}-[0-9a-z]{6})/.exec(taken.stdout)![1]!;
      expect(runCli(['followups', 'assign', `${id}.f1`, '--to', 'team'], { env: { ...envOf(agent), CSR_CALL_AGENT: agent } }).status).toBe(0);
    }
    const runs = Promise.all(agents.map((agent) => runWorker([BIN, agent, String(SECONDS), answers], envOf(agent))));
    // A third of the way in, the database dies (no shutdown: as a crash) and comes back.
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 3));
    const killedAt = Date.now();
    stopTestServer(server, 'immediate');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    restartTestServer(server);
    const backAt = Date.now();
    const entries = (await runs).flat();

    const ok = (op: Entry['op']) => entries.filter((e) => e.op === op && e.ok);
    if (process.env.CSR_CALL_TEAM_DB_REPORT) process.stderr.write(`${JSON.stringify(Object.fromEntries(['start', 'note', 'board', 'claim', 'release', 'assign', 'done', 'snooze'].map((op) => [op, `${ok(op as Entry['op']).length}/${entries.filter((e) => e.op === op).length}`])))}\n`);
    // Work went on while it was down: calls and notes done from the files.
    const duringOutage = entries.filter((e) => e.at > killedAt && e.at < backAt && (e.op === 'start' || e.op === 'note'));
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((e) => !e.ok)).toEqual([]);
    expect(ok('start').length).toBeGreaterThanOrEqual(AGENTS);
    // Some teammates' actions went through, and a refusal is one line.
    const tried = entries.filter((e) => ['claim', 'done', 'snooze', 'assign', 'release'].includes(e.op)).length;
    // (A short run on a machine busy with other work may get only a few tries in.)
    if (tried >= 10) expect(ok('claim').length + ok('done').length + ok('snooze').length + ok('assign').length).toBeGreaterThan(0);
    for (const refused of entries.filter((e) => !e.ok && e.op !== 'start' && e.op !== 'note')) expect(refused.stderr.trim().split('\n'), `${refused.op}: ${refused.stderr}`).toHaveLength(1);

    // One sync each brings the database level.
    for (const agent of agents) {
      const synced = runCli(['team', 'sync'], { env: { ...envOf(agent), CSR_CALL_AGENT: agent } });
      expect(synced.stderr).toBe('');
      expect(synced.status).toBe(0);
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM csr_call.followup_events WHERE applied_revision IS NULL')).rows[0].n).toBe(0);

    const files = new Map<string, CallRecord>();
    for (const agent of agents) {
      const mine = callsOf(join(base, agent));
      for (const record of mine) files.set(record.id, record);
      const rows = (await admin.query('SELECT id, revision, record FROM csr_call.calls WHERE agent_key = $1', [agent])).rows;
      expect(new Set(rows.map((r: { id: string }) => r.id))).toEqual(new Set(mine.map((r) => r.id)));
      for (const row of rows) expect({ id: row.id, revision: row.revision, record: row.record }).toEqual({ id: row.id, revision: files.get(row.id)!.revision, record: files.get(row.id) });
    }

    const followup = (id: string) => files.get(id.slice(0, id.lastIndexOf('.f')))?.followups.find((f) => f.id === id);
    const noteOnCall = (id: string, by: string) => files.get(id.slice(0, id.lastIndexOf('.f')))!.notes.some((n) => n.text.startsWith('[team ') && n.by === by && n.text.includes(id.slice(-9)));
    for (const e of ok('start')) expect(files.has(e.id!)).toBe(true);
    for (const e of ok('note')) expect(files.get(e.id!)!.notes.map((n) => n.text)).toContain(e.text);
    // Done in the agent's file while the database was down, then a teammate's: kept as a note.
    const lost = [...ok('done'), ...ok('snooze')].filter((e) => {
      const action = e.op === 'done' ? 'done' : 'snoozed';
      return !followup(e.id!)!.history.some((h) => h.action === action && h.by === e.agent && h.note === e.note) && !noteOnCall(e.id!, e.agent);
    });
    expect(lost.map((e) => ({ ...e, history: followup(e.id!)!.history, notes: files.get(e.id!.slice(0, e.id!.lastIndexOf('.f')))!.notes }))).toEqual([]);
    for (const e of ok('claim')) expect(followup(e.id!)!.history.some((h) => h.action === 'claimed' && h.by === e.agent) || noteOnCall(e.id!, e.agent)).toBe(true);
    // Nothing done twice: at most one completion per follow-up, in the files and in the database.
    for (const record of files.values()) {
      for (const f of record.followups) expect(f.history.filter((h) => h.action === 'done').length).toBeLessThanOrEqual(1);
    }
    const twice = await admin.query("SELECT followup_id FROM csr_call.followup_events WHERE action = 'done' GROUP BY followup_id HAVING count(*) > 1");
    expect(twice.rows).toEqual([]);
    // The follow-ups' state there is the files'.
    for (const row of (await admin.query('SELECT id, status, owner, due FROM csr_call.followups')).rows) {
      const f = followup(row.id)!;
      expect({ id: row.id, status: row.status, due: row.due.toISOString() }).toEqual({ id: row.id, status: f.status, due: f.due });
      expect(row.owner ?? 'team').toBe(f.owner.toLowerCase());
    }
    // The run, then a sync per agent and the checks: minutes for a long run on a busy machine.
  }, (SECONDS * 2 + 60 + AGENTS * 10) * 1000);
});
