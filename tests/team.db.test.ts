import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCallText } from '../src/store/callStore.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { BIN, runCli, saveCall, tempDir } from './helpers.js';
import { answersWithFollowUp, describeTeam, makeTeamDb, PASSWORD, server, sqlClient, type TeamDbFixture } from './teamHelpers.js';
import { readFileSync } from 'node:fs';

/**
 * The team database on a real PostgreSQL: set-up and migrate (refused to agents and
 * leads), calls sent by revision, who sees what, team follow-ups (claims that collide,
 * a teammate's done reaching the call's own file with its history), forget, and the
 * database down, slow, or refusing the password while the agent works on.
 */

function callsOf(dataDir: string): CallRecord[] {
  const root = join(dataDir, 'calls');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => /\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(p))
    .map((p) => {
      const parsed = parseCallText(readFileSync(join(root, p), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.record;
    });
}

function answersFile(answers: Record<string, unknown>): string {
  const file = join(tempDir(), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

const LONG_AGO = '2020-01-04T17:00:00.000Z';

/**
 * Takes a call as `agent` (its promise checked tomorrow); `overdue`: then its follow-up is
 * made due long ago, as a call taken years back would be, and sent. Returns its record.
 */
async function takeCall(team: TeamDbFixture, agent: string, customer: string, overdue = true, extra: Record<string, unknown> = {}): Promise<CallRecord> {
  const before = new Set(callsOf(team.dataDirOf(agent)).map((c) => c.id));
  const result = team.cli(agent, ['start', '--answers', answersFile(answersWithFollowUp(customer, 'tomorrow 10:00', extra))]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const call = callsOf(team.dataDirOf(agent)).find((c) => !before.has(c.id))!;
  if (!overdue) return call;
  const old = await saveCall(team.dataDirOf(agent), {
    ...call,
    followups: call.followups.map((f) => ({ ...f, due: LONG_AGO, history: f.history.map((h) => (h.action === 'created' ? { ...h, due: LONG_AGO } : h)) })),
  });
  expect(team.cli(agent, ['team', 'sync']).status).toBe(0);
  return old;
}

async function asRole(team: TeamDbFixture, role: string, sql: string, params: unknown[] = []) {
  const client = sqlClient(team.url(role));
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describeTeam('the team database', () => {
  let team: TeamDbFixture;
  beforeAll(async () => {
    team = await makeTeamDb(['alice', 'bob', 'carol'], ['lena']);
  });
  afterAll(async () => {
    await team?.close();
  });

  it('migrate: the owner sets it up once; an agent and a lead are refused in one line', () => {
    const again = runCli(['team', 'migrate'], { env: { CSR_CALL_TEAM_DB: team.url(team.owner) } });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/up to date \(version 3\)/);
    for (const [role, kind] of [['alice', 'an agent'], ['lena', 'a lead']] as const) {
      const refused = runCli(['team', 'migrate'], { env: { CSR_CALL_TEAM_DB: team.url(role) } });
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toContain(`not as ${kind} role (you are connected as ${role})`);
    }
  });

  it('a call is sent at the end of the command that wrote it, by revision; a newer revision is never overwritten', async () => {
    const call = await takeCall(team, 'alice', 'Ana Lima', false);
    const [row] = (await team.admin.query('SELECT revision, agent_key, record FROM csr_call.calls WHERE id = $1', [call.id])).rows;
    expect(row.revision).toBe(call.revision);
    expect(row.record).toEqual(call);
    expect(readdirSync(join(team.dataDirOf('alice'), 'team', 'outbox'))).toEqual([]);
    // A later revision arrives; an older one sent afterwards (a slow machine) changes nothing.
    const noted = team.cli('alice', ['note', call.id, 'customer rang back']);
    expect(noted.status).toBe(0);
    const after = (await team.admin.query('SELECT revision, record FROM csr_call.calls WHERE id = $1', [call.id])).rows[0];
    expect(after.revision).toBe(call.revision + 1);
    const { upsertCalls } = await import('../src/team/teamSync.js');
    const { connectTeamDb } = await import('../src/team/teamDb.js');
    const db = await connectTeamDb({ url: team.url('alice'), sendTimeoutMs: 5000, connectTimeoutMs: 5000, checkEveryMs: 0 }, {}, 5000);
    try {
      expect(await upsertCalls(db, [call], 'UTC')).toEqual([]);
      // The same in one statement (no teammate's action pending, as the command read them).
      expect(await upsertCalls(db, [call], 'UTC', [])).toEqual([]);
    } finally {
      await db.close();
    }
    const still = (await team.admin.query('SELECT revision, record FROM csr_call.calls WHERE id = $1', [call.id])).rows[0];
    expect(still.revision).toBe(call.revision + 1);
    expect(JSON.stringify(still.record)).toContain('customer rang back');
  });

  it('who sees what: an agent reads their own calls and every follow-up; a lead reads every call', async () => {
    const bobs = await takeCall(team, 'bob', 'Bruno Díaz');
    await takeCall(team, 'alice', 'Alma Ruiz');
    const aliceSees = await asRole(team, 'alice', 'SELECT agent_key FROM csr_call.calls');
    expect(new Set(aliceSees.rows.map((r: { agent_key: string }) => r.agent_key))).toEqual(new Set(['alice']));
    const followups = await asRole(team, 'alice', 'SELECT call_agent, customer_name FROM csr_call.followups');
    expect(followups.rows.map((r: { call_agent: string }) => r.call_agent)).toContain('bob');
    const leadSees = await asRole(team, 'lena', 'SELECT agent_key FROM csr_call.calls');
    expect(new Set(leadSees.rows.map((r: { agent_key: string }) => r.agent_key))).toEqual(new Set(['alice', 'bob']));
    // Bob's call cannot be changed or erased by alice, even by hand.
    const update = await asRole(team, 'alice', "UPDATE csr_call.calls SET outcome = 'x' WHERE id = $1", [bobs.id]);
    expect(update.rowCount).toBe(0);
    await expect(asRole(team, 'alice', "INSERT INTO csr_call.followup_events (followup_id, call_id, call_agent, at, by_agent, action) VALUES ('x', $1, 'bob', now(), 'bob', 'done')", [bobs.id])).rejects.toThrow(/row-level security/);
  });

  it('two agents claiming the same follow-up at once: exactly one wins, the other gets one clear line', async () => {
    const call = await takeCall(team, 'alice', 'Carla Mendes');
    const id = call.followups[0]!.id;
    expect(team.cli('alice', ['followups', 'assign', id, '--to', 'team']).status).toBe(0);
    const claim = (agent: string) =>
      new Promise<{ status: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'followups', 'claim', id], {
          env: { ...process.env, NO_COLOR: '1', CSR_CALL_HOME: team.dataDirOf(agent), CSR_CALL_AGENT: agent, CSR_CALL_TEAM_DB: team.url(agent) },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += String(c)));
        child.stderr.on('data', (c) => (stderr += String(c)));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const results = await Promise.all([claim('bob'), claim('carol')]);
    const winners = results.filter((r) => r.status === 0);
    const losers = results.filter((r) => r.status !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.status).toBe(1);
    expect(losers[0]!.stderr.trim().split('\n')).toHaveLength(1);
    expect(losers[0]!.stderr).toMatch(/cannot claim .*: (bob|carol) claimed it at/);
    const owner = (await team.admin.query('SELECT owner FROM csr_call.followups WHERE id = $1', [id])).rows[0].owner;
    expect(winners[0]!.stdout).toContain('it is yours now');
    expect(['bob', 'carol']).toContain(owner);
  });

  it("a teammate's done reaches the call's own file at its agent's next command, with who did what when", async () => {
    const call = await takeCall(team, 'alice', 'Dora Silva');
    const id = call.followups[0]!.id;
    // Overdue since 2020: past the team's grace, so bob may take it.
    const done = team.cli('bob', ['followups', 'done', id, '--note', 'refund confirmed with the bank']);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('Done:');
    // Alice's file does not know yet; her next command (any) takes it in, revision-checked.
    expect(callsOf(team.dataDirOf('alice')).find((c) => c.id === call.id)!.followups[0]!.status).toBe('open');
    // A command with nothing to send looks once a minute (CSR_CALL_TEAM_CHECK): here, every time.
    expect(team.cli('alice', ['followups'], { env: { CSR_CALL_TEAM_CHECK: '0' } }).status).toBe(0);
    const record = callsOf(team.dataDirOf('alice')).find((c) => c.id === call.id)!;
    const followup = record.followups[0]!;
    expect(followup.status).toBe('done');
    expect(followup.history.at(-1)).toMatchObject({ by: 'bob', action: 'done', note: 'refund confirmed with the bank' });
    const [event] = (await team.admin.query('SELECT applied_revision FROM csr_call.followup_events WHERE followup_id = $1', [id])).rows;
    expect(event.applied_revision).toBe(record.revision);
    // Once, not twice: another command changes nothing.
    expect(team.cli('alice', ['followups'], { env: { CSR_CALL_TEAM_CHECK: '0' } }).status).toBe(0);
    expect(callsOf(team.dataDirOf('alice')).find((c) => c.id === call.id)!.revision).toBe(record.revision);
    // Closing it again: one line, exit 1.
    const again = team.cli('carol', ['followups', 'done', id]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already done by bob at/);
  });

  it("the lead's view: list, search and stats --team answered by the team database, agreeing with the agent's own index", async () => {
    await takeCall(team, 'carol', 'Zoë Ñandú', true, { 'outcome.code': 'escalated', 'decide.path': 'escalate', 'decide.to': 'Billing', 'decide.handoff': 'Refund twice over' });
    const lead = team.cli('lena', ['list', '--team', '--json']);
    expect(lead.status).toBe(0);
    const agents = new Set((JSON.parse(lead.stdout).calls as Array<{ agent: string }>).map((c) => c.agent));
    expect(agents).toEqual(new Set(['alice', 'bob', 'carol']));
    const escalated = team.cli('lena', ['list', '--team', '--outcome', 'escalated', '--json']);
    expect(escalated.status, escalated.stderr).toBe(0);
    expect((JSON.parse(escalated.stdout).calls as Array<{ outcome: string }>).map((c) => c.outcome)).toContain('escalated');
    expect(new Set((JSON.parse(escalated.stdout).calls as Array<{ outcome: string }>).map((c) => c.outcome))).toEqual(new Set(['escalated']));
    const own = JSON.parse(team.cli('carol', ['list', '--team', '--json']).stdout).calls as Array<{ agent: string }>;
    expect(new Set(own.map((c) => c.agent))).toEqual(new Set(['carol']));
    // --limit: "more" only when more calls match than are shown.
    const all = (JSON.parse(lead.stdout).calls as unknown[]).length;
    expect(JSON.parse(team.cli('lena', ['list', '--team', '--json', '--limit', String(all - 1)]).stdout)).toMatchObject({ more: true });
    expect(JSON.parse(team.cli('lena', ['list', '--team', '--json', '--limit', String(all)]).stdout)).toMatchObject({ more: false });
    expect(team.cli('lena', ['list', '--team', '--limit', String(all - 1)]).stdout).toContain(`(the newest ${all - 1}: --limit N for more)`);
    expect(team.cli('lena', ['list', '--team', '--limit', String(all)]).stdout).not.toContain('--limit N for more');
    // Accents and case folded, a prefix, as the personal search.
    const found = team.cli('lena', ['search', '--team', 'zoe', 'nandu', 'refun*']);
    expect(found.status).toBe(0);
    expect(found.stdout).toContain('Zoë Ñandú');
    // Its words shown as written, with the hits marked (the database searched them folded).
    const hit = JSON.parse(team.cli('lena', ['search', '--team', 'zoe', 'nandu', 'refun*', '--json']).stdout).hits[0];
    expect(hit.snippet).toContain('[[Zoë]] [[Ñandú]]');
    // The same calls, the same figures: carol's stats from the team database and from her own index.
    const teamStats = JSON.parse(team.cli('carol', ['stats', '--team', '--json']).stdout);
    const localStats = JSON.parse(runCli(['stats', '--json'], { env: { CSR_CALL_HOME: team.dataDirOf('carol'), CSR_CALL_AGENT: 'carol' } }).stdout);
    for (const key of ['calls', 'byOutcome', 'firstCallResolution', 'handedOff', 'handleTime', 'stages', 'followups', 'moodTurnaround', 'topCategories', 'perDay', 'craft']) {
      expect({ [key]: teamStats[key] }).toEqual({ [key]: localStats[key] });
    }
    const byAgent = team.cli('lena', ['stats', '--team', '--by', 'agent', '--json']);
    expect(byAgent.status).toBe(0);
    expect((JSON.parse(byAgent.stdout).agents as Array<{ agent: string }>).map((a) => a.agent)).toEqual(['alice', 'bob', 'carol']);
    const bad = team.cli('lena', ['stats', '--team', '--by', 'day']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--by can only be agent/);
  });

  it('forget reaches the team database; a lead erases there across the team', async () => {
    const call = await takeCall(team, 'bob', 'Erin Forget');
    const phone = call.customer.phone!;
    // A lead looks the number up as typed: with a country code put in front, it is the same one.
    const digits = phone.replace(/\D/g, '');
    const listed = team.cli('lena', ['list', '--team', '--phone', `+44 ${digits}`, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { calls: Array<{ id: string }> }).calls.map((c) => c.id)).toContain(call.id);
    const forgot = team.cli('bob', ['forget', '--phone', phone, '--yes']);
    expect(forgot.status).toBe(0);
    expect(forgot.stdout).toMatch(/erased 1 call about phone .* in the team database/);
    expect((await team.admin.query('SELECT count(*)::int AS n FROM csr_call.calls WHERE id = $1', [call.id])).rows[0].n).toBe(0);
    expect((await team.admin.query('SELECT count(*)::int AS n FROM csr_call.followups WHERE call_id = $1', [call.id])).rows[0].n).toBe(0);
    // Carol's call about another customer; an agent cannot erase it there, the lead can.
    const carols = await takeCall(team, 'carol', 'Ivo Forget');
    const byAgent = team.cli('alice', ['forget', '--phone', carols.customer.phone!, '--yes']);
    expect(byAgent.status).toBe(0);
    expect(byAgent.stdout).toMatch(/holds no call about phone .* of yours \(a lead erases other agents' calls there\)/);
    const byLead = team.cli('lena', ['forget', '--phone', carols.customer.phone!, '--yes']);
    expect(byLead.status).toBe(0);
    expect(byLead.stdout).toMatch(/erased 1 call about phone .* in the team database/);
    expect((await team.admin.query('SELECT count(*)::int AS n FROM csr_call.calls WHERE id = $1', [carols.id])).rows[0].n).toBe(0);
  });

  it('a URL naming several hosts: they are tried in turn (the first one down here), and named so', async () => {
    const url = team.url('alice').replace('@127.0.0.1:', '@127.0.0.1:1,127.0.0.1:');
    expect(url).toMatch(/@127\.0\.0\.1:1,127\.0\.0\.1:\d+\//);
    const env = { CSR_CALL_HOME: team.dataDirOf('alice'), CSR_CALL_AGENT: 'alice', CSR_CALL_TEAM_DB: url };
    const status = runCli(['team', 'status'], { env });
    expect({ status: status.status, stderr: status.stderr }).toEqual({ status: 0, stderr: '' });
    expect(status.stdout).toMatch(/alice@127\.0\.0\.1:1,127\.0\.0\.1:\d+\/\S+, reachable/);
    const call = await takeCall(team, 'alice', 'Mia Multi', false);
    const noted = runCli(['note', call.id, 'sent through the second host'], { env });
    expect({ status: noted.status, stderr: noted.stderr }).toEqual({ status: 0, stderr: '' });
    const [row] = (await team.admin.query('SELECT record FROM csr_call.calls WHERE id = $1', [call.id])).rows;
    expect(JSON.stringify(row.record)).toContain('sent through the second host');
  });

  it('the database down: personal commands work as without a team; team commands say so in one line, exit 1; sync then levels it', async () => {
    const down = `postgresql://alice:${PASSWORD}@127.0.0.1:1/${team.name}`;
    const dataDir = team.dataDirOf('alice');
    const start = Date.now();
    const taken = runCli(['start', '--answers', answersFile(answersWithFollowUp('Fay Offline', 'tomorrow 10:00'))], {
      env: { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'alice', CSR_CALL_TEAM_DB: down },
    });
    expect(taken.status).toBe(0);
    expect(taken.stderr).toBe('');
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(readdirSync(join(dataDir, 'team', 'outbox')).length).toBeGreaterThan(0);
    const status = runCli(['team', 'status'], { env: { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'alice', CSR_CALL_TEAM_DB: down } });
    expect(status.status).toBe(1);
    expect(status.stderr.trim().split('\n')).toHaveLength(1);
    expect(status.stderr).toMatch(/not reachable \(connection refused\); 1 call waiting to be sent/);
    // Every time (a connection that failed once left the command's end waiting on nothing,
    // and the process ended 0 after saying so).
    for (const args of [['followups', '--team'], ['followups', '--team', '--json'], ['list', '--team'], ['followups', '--team'], ['followups', '--team', '--json']]) {
      const refused = runCli(args, { env: { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'alice', CSR_CALL_TEAM_DB: down } });
      expect({ args, status: refused.status, stdout: refused.stdout }).toEqual({ args, status: 1, stdout: '' });
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Back: one sync sends what waited.
    const synced = team.cli('alice', ['team', 'sync']);
    expect(synced.status).toBe(0);
    expect(readdirSync(join(dataDir, 'team', 'outbox'))).toEqual([]);
    for (const record of callsOf(dataDir)) {
      const row = (await team.admin.query('SELECT revision FROM csr_call.calls WHERE id = $1', [record.id])).rows[0];
      expect(row?.revision).toBe(record.revision);
    }
  });

  it('a database that accepts and never answers costs a personal command no more than the time limit', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const dataDir = tempDir();
      const env = { CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'alice', CSR_CALL_TEAM_DB: `postgresql://alice:x@127.0.0.1:${port}/t`, CSR_CALL_TEAM_TIMEOUT: '0.5' };
      // The same command without a team, for what the machine takes anyway.
      const alone = Date.now();
      expect(runCli(['start', '--answers', answersFile(answersWithFollowUp('Gil Alone', 'tomorrow 10:00'))], { env: { CSR_CALL_HOME: tempDir(), CSR_CALL_AGENT: 'alice' } }).status).toBe(0);
      const withoutTeam = Date.now() - alone;
      const started = Date.now();
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'start', '--answers', answersFile(answersWithFollowUp('Gil Slow', 'tomorrow 10:00'))], { env: { ...process.env, NO_COLOR: '1', ...env } });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += String(c)));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      // The time limit (0.5 s, and the connection's own second at most) and some noise.
      expect(Date.now() - started - withoutTeam).toBeLessThan(2_500);
      expect(callsOf(dataDir)).toHaveLength(1);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it("the claim grace: anyone reads it, a lead sets it, an agent is refused in one line", () => {
    expect(team.cli('alice', ['team', 'grace']).stdout).toContain('2 hours after it is due');
    const refused = team.cli('alice', ['team', 'grace', '4h']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/only a lead sets the team's claim grace/);
    expect(team.cli('lena', ['team', 'grace', 'soon']).status).toBe(2);
    expect(team.cli('lena', ['team', 'grace', '4h']).stdout).toContain('4 hours after it is due');
    expect(team.cli('bob', ['team', 'grace']).stdout).toContain('4 hours');
    expect(team.cli('lena', ['team', 'grace', '2h']).status).toBe(0);
  });

  it('a wrong password: team commands say so in one line, and the password is never printed', () => {
    const wrong = team.url('alice', 'not-Her-Pass-42');
    const status = runCli(['team', 'status'], { env: { CSR_CALL_TEAM_DB: wrong, CSR_CALL_AGENT: 'alice' } });
    expect(status.status).toBe(1);
    expect(status.stderr.trim().split('\n')).toHaveLength(1);
    expect(status.stderr).toMatch(/refused the login/);
    expect(status.stderr + status.stdout).not.toContain('not-Her-Pass-42');
    const ok = runCli(['team', 'status'], { env: { CSR_CALL_TEAM_DB: team.url('alice'), CSR_CALL_AGENT: 'alice' } });
    expect(ok.stdout + ok.stderr).not.toContain(PASSWORD);
  });

  it('PGPASSWORD and .pgpass give the password when the URL has none', () => {
    const viaEnv = runCli(['team', 'status'], { env: { CSR_CALL_TEAM_DB: team.bareUrl('alice'), PGPASSWORD: PASSWORD, CSR_CALL_AGENT: 'alice' } });
    expect(viaEnv.status).toBe(0);
    const home = tempDir();
    const pgpass = join(home, '.pgpass');
    writeFileSync(pgpass, `${server!.host}:${server!.port}:${team.name}:alice:${PASSWORD}\n`, { mode: 0o600 });
    const viaFile = runCli(['team', 'status'], { env: { CSR_CALL_TEAM_DB: team.bareUrl('alice'), PGPASSFILE: pgpass, CSR_CALL_AGENT: 'alice' } });
    expect(viaFile.stderr).toBe('');
    expect(viaFile.status).toBe(0);
    expect(viaFile.stdout).toContain('role alice (agent)');
  });

  it('--json on the team commands; claim, release and assign print the follow-up and run on-followup-change, as done and snooze do', async () => {
    const call = await takeCall(team, 'alice', 'Elsa Moreno');
    const id = call.followups[0]!.id;
    const config = tempDir();
    const heard = join(config, 'heard.ndjson');
    mkdirSync(join(config, 'hooks'));
    writeFileSync(join(config, 'hooks', 'on-followup-change'), `#!/bin/sh\ncat >> "${heard}"\n`, { mode: 0o755 });
    const json = (agent: string, args: string[]) => {
      const run = team.cli(agent, [...args, '--json'], { env: { CSR_CALL_CONFIG_DIR: config } });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    const assigned = json('alice', ['followups', 'assign', id, '--to', 'team']);
    expect(assigned).toMatchObject({ jsonVersion: 1, action: 'assigned', by: 'alice', followup: { id, status: 'open', owner: null }, call: { id: call.id } });
    // bob's, of a call not in his folder: from the team database's row.
    const claimed = json('bob', ['followups', 'claim', id, '--note', 'on it']);
    expect(claimed).toMatchObject({ action: 'claimed', by: 'bob', note: 'on it', followup: { id, status: 'open', owner: 'bob' }, call: { id: call.id, customer: { name: 'Elsa Moreno' } } });
    const released = json('bob', ['followups', 'release', id]);
    expect(released).toMatchObject({ action: 'released', followup: { id, owner: null } });
    const lines = readFileSync(heard, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([assigned, claimed, released].map((change) => ({ event: 'on-followup-change', ...change })));

    expect(json('alice', ['team', 'status'])).toMatchObject({
      jsonVersion: 1,
      reachable: true,
      problem: null,
      schema: { version: 3, latest: 3 },
      you: { role: 'alice', kind: 'agent', agent: 'alice', matchesAgent: true },
      waiting: 0,
      fromTeam: expect.any(Number),
      claimGraceMinutes: 120,
    });
    expect(json('alice', ['team', 'sync'])).toMatchObject({ jsonVersion: 1, sent: expect.any(Number), upToDate: expect.any(Number), unreadable: 0 });
    expect(json('alice', ['team', 'grace'])).toEqual({ jsonVersion: 1, claimGraceMinutes: 120, changed: false });
    const migrate = runCli(['team', 'migrate', '--json'], { env: { CSR_CALL_TEAM_DB: team.url(team.owner) } });
    expect(JSON.parse(migrate.stdout)).toEqual({ jsonVersion: 1, from: 3, to: 3, applied: [] });
    // Unreachable: the report all the same, exit 1, and the one line on stderr.
    const down = runCli(['team', 'status', '--json'], { env: { CSR_CALL_TEAM_DB: 'postgresql://alice@127.0.0.1:1/team', PGPASSWORD: 'x' } });
    expect(down.status).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ jsonVersion: 1, reachable: false, problem: expect.stringContaining('not reachable'), you: null });
  });
});
