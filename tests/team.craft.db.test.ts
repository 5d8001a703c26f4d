import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallRecord } from '../src/domain/callRecord.js';
import { agentKey } from '../src/domain/agents.js';
import { statsCommand } from '../src/commands/stats.js';
import { makeCall } from './fixtures/makeCall.js';
import { craftStatsFromRecords } from './oracle/craftStatsFromRecords.js';
import { runCli, saveCall, testContext } from './helpers.js';
import { describeTeam, makeTeamDb, type TeamDbFixture } from './teamHelpers.js';
import { pick, rngOf, type Rng } from './fixtures/random.js';

/**
 * The craft's figures (issue 16) from the team database: `stats --team` and
 * `stats --team --causes` say what the plain scan of the records (the oracle) and the
 * agent's own index say of the same calls, for the lead and for an agent (row-level
 * security), with agent and date scope, in-process and through the built CLI; and a team
 * database from before the craft is brought up to date by `team migrate` and `team sync`.
 */

const NOW = new Date('2026-11-23T14:00:00Z');
const ZONE = 'America/New_York';
const AGENTS = ['ann', 'bob', 'Cy'];
const PHONES = ['+1 555 010 0100', '(555) 010-0200', '5550100300', undefined];
const ACCOUNTS = ['AC-1', 'ac-2 ', undefined];
const CATEGORIES = ['billing', 'Billing', 'technical', 'delivery', undefined];
const OUTCOMES = ['resolved', 'resolved', 'escalated', 'callback', 'transferred', undefined];
const CAUSES = ['New price not applied to old contracts', 'new prices not applied to old contracts.', 'Courier lost it', 'courier LOST it!', undefined];
const SOLUTIONS = ['refund-duplicate', 'credit-next-bill', 'trace-parcel'];
const RULES = ['vague-promise', 'blame', 'parroting', 'apology-before-facts'];


/** A call with a bit of every craft figure: nudges, holds that ran over or not, solutions, dated promises kept, late, broken or not due, a root cause. */
function randomCall(r: Rng): CallRecord {
  const startedAt = new Date(Date.parse('2026-09-01T00:00:00Z') + Math.floor(r() * 90 * 86_400_000)).toISOString();
  const completed = r() < 0.85;
  const followups = Array.from({ length: Math.floor(r() * 3) }, () => {
    const due = new Date(Date.parse(startedAt) + Math.floor(r() * 10 * 86_400_000)).toISOString();
    const status = pick(r, ['open', 'open', 'done', 'cancelled'] as const);
    const doneAt = new Date(Date.parse(due) + Math.floor((r() - 0.5) * 2 * 86_400_000)).toISOString();
    return {
      due,
      status,
      ...(r() < 0.3 ? { allDay: true } : {}),
      owner: pick(r, AGENTS),
      ...(status === 'done' ? { doneAt, history: [{ at: startedAt, by: 'x', action: 'created' as const }, { at: doneAt, by: 'x', action: 'done' as const }] } : {}),
    };
  });
  const promises = followups.slice(0, Math.floor(r() * 3)).map((followup, i) => {
    const id = `p${i + 1}`;
    (followup as { promiseId?: string }).promiseId = id;
    return { id, text: `promise ${i}`, due: new Date(Date.parse(followup.due) + Math.floor((r() - 0.5) * 4 * 86_400_000)).toISOString() };
  });
  const offered = SOLUTIONS.filter(() => r() < 0.5);
  const chosen = offered.length && r() < 0.8 ? pick(r, offered) : undefined;
  const holds = Array.from({ length: Math.floor(r() * 3) }, () => {
    const start = Date.parse(startedAt) + Math.floor(r() * 600_000);
    const ended = r() < 0.9 ? { endedAt: new Date(start + Math.floor(r() * 400_000)).toISOString() } : {};
    return { kind: pick(r, ['hold', 'back'] as const), stage: 'facts', startedAt: new Date(start).toISOString(), backBy: new Date(start + 200_000).toISOString(), ...ended };
  });
  const category = pick(r, CATEGORIES);
  const outcome = pick(r, OUTCOMES);
  const cause = pick(r, CAUSES);
  const phone = pick(r, PHONES);
  const account = pick(r, ACCOUNTS);
  return makeCall({
    ...(offered.length ? { solutions: { offered, ...(chosen ? { chosen } : {}) } } : {}),
    ...(holds.length ? { holds } : {}),
    coaching: RULES.filter(() => r() < 0.3).map((rule) => ({ rule, step: 's.x', text: 'nudge', at: startedAt })),
    promises,
    startedAt,
    agent: pick(r, AGENTS),
    customer: { name: 'Ann Smith', ...(phone ? { phone } : {}), ...(account ? { account } : {}) },
    status: completed ? 'completed' : 'in-progress',
    ...(completed ? { endedAt: new Date(Date.parse(startedAt) + Math.floor(r() * 3_600_000)).toISOString() } : { endedAt: undefined }),
    problem: { paraphrase: `problem ${Math.floor(r() * 1000)}`, ...(category ? { category } : {}), ...(cause ? { rootCause: cause } : {}) },
    ...(outcome && completed ? { outcome } : { outcome: undefined }),
    followups,
  });
}

/** The scopes asked: everyone, one agent over a range of days, one agent (any case) from a day on. */
const SCOPES: Array<{ agent?: string; from?: string; to?: string }> = [{}, { agent: 'bob', from: '2026-10-01', to: '2026-11-15' }, { agent: 'CY', from: '2026-11-01' }];

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describeTeam('the craft from the team database', () => {
  let team: TeamDbFixture;
  let records: CallRecord[];
  const leadEnv = () => ({ TZ: ZONE });

  beforeAll(async () => {
    team = await makeTeamDb(['ann', 'bob', 'cy'], ['lena']);
    const r = rngOf(16);
    records = [];
    // The lead's folder holds every agent's calls; her `team sync` sends them all.
    for (let i = 0; i < 160; i++) records.push(await saveCall(team.dataDirOf('lena'), randomCall(r)));
    const synced = team.cli('lena', ['team', 'sync', '--json'], { env: leadEnv() });
    expect(synced.stderr).toBe('');
    expect(JSON.parse(synced.stdout)).toMatchObject({ sent: 160 });
  });
  afterAll(async () => {
    await team?.close();
  });

  /** `stats` run in-process as `agent` (with the team database as their role), `--json`, parsed. */
  async function statsJson(agent: string, opts: Record<string, unknown>): Promise<{ out: Record<string, any>; err: string }> {
    const ctx = testContext({ dataDir: team.dataDirOf(agent), agent, now: () => NOW, timeZone: ZONE, env: { CSR_CALL_TEAM_DB: team.url(agentKey(agent)) } });
    await statsCommand({ json: true, ...opts }, ctx);
    return { out: JSON.parse(ctx.out()) as Record<string, any>, err: ctx.err() };
  }

  it('stats --team and --causes (command functions): the same craft as the oracle and as the local index, for the lead, with agent and date scope', async () => {
    let solutionsSeen = 0;
    for (const scope of SCOPES) {
      const teamStats = await statsJson('lena', { team: true, ...scope });
      expect(teamStats.err).toBe('');
      const statsScope = {
        now: NOW,
        timeZone: ZONE,
        ...(scope.agent ? { agent: scope.agent } : {}),
        ...(teamStats.out.from ? { from: new Date(teamStats.out.from) } : {}),
        ...(teamStats.out.to ? { to: new Date(teamStats.out.to) } : {}),
      };
      const oracle = craftStatsFromRecords(records, statsScope);
      expect(teamStats.out.craft, `stats --team ${JSON.stringify(scope)}`).toEqual(roundTrip(oracle.craft));
      solutionsSeen += oracle.craft.solutions.length;

      const local = await statsJson('lena', scope.agent ? scope : { ...scope, all: true });
      expect(teamStats.out.craft, `stats --team against the local index ${JSON.stringify(scope)}`).toEqual(local.out.craft);

      const causes = await statsJson('lena', { team: true, causes: true, ...scope });
      expect(causes.out.causes, `stats --team --causes ${JSON.stringify(scope)}`).toEqual(roundTrip(oracle.causes.causes));
      const localCauses = await statsJson('lena', { causes: true, ...(scope.agent ? scope : { ...scope, all: true }) });
      expect(causes.out.causes).toEqual(localCauses.out.causes);
      expect(causes.out).toMatchObject({ team: true, agent: scope.agent ?? null });
    }
    // The calls are such that every figure is exercised (a test that compares empty lists proves nothing).
    const all = craftStatsFromRecords(records, { now: NOW, timeZone: ZONE });
    expect(solutionsSeen).toBeGreaterThan(0);
    expect(all.craft.coaching.length).toBe(RULES.length);
    expect(all.craft.holds.overruns).toBeGreaterThan(0);
    expect(all.craft.byAgent.map((a) => a.agent)).toEqual(['ann', 'bob', 'cy']);
    const p = all.craft.promises;
    expect(Math.min(p.kept, p.late, p.broken)).toBeGreaterThan(0);
    expect(all.craft.solutions.some((s) => s.resolved > 0 && s.resolved < s.chosen)).toBe(true);
    expect(all.causes.causes.map((c) => c.key).length).toBe(2);
    expect(all.causes.causes.some((c) => c.repeatCalls > 0 && c.escalated > 0)).toBe(true);
  });

  it("an agent's stats --team: their own calls only (row-level security), as the oracle says of them", async () => {
    const own = records.filter((record) => agentKey(record.agent) === 'bob');
    const teamStats = await statsJson('bob', { team: true });
    expect(teamStats.out.craft).toEqual(roundTrip(craftStatsFromRecords(own, { now: NOW, timeZone: ZONE }).craft));
    expect(teamStats.out.craft.byAgent.map((a: { agent: string }) => a.agent)).toEqual(['bob']);
    const causes = await statsJson('bob', { team: true, causes: true });
    expect(causes.out.causes).toEqual(roundTrip(craftStatsFromRecords(own, { now: NOW, timeZone: ZONE }).causes.causes));
  });

  it('through the CLI: stats --team --json and --causes --json agree with the local stats; the text shows the craft; bad input is one line', () => {
    for (const scope of [[], ['--agent', 'bob', '--from', '2026-10-01', '--to', '2026-11-15']]) {
      const local = runCli(['stats', ...(scope.length ? scope : ['--all']), '--json'], { env: { CSR_CALL_HOME: team.dataDirOf('lena'), CSR_CALL_AGENT: 'lena', TZ: ZONE } });
      const fromTeam = team.cli('lena', ['stats', '--team', ...scope, '--json'], { env: leadEnv() });
      expect(fromTeam.stderr).toBe('');
      expect(fromTeam.status).toBe(0);
      expect(JSON.parse(fromTeam.stdout).craft).toEqual(JSON.parse(local.stdout).craft);
      expect(JSON.parse(fromTeam.stdout).craft.solutions.length).toBeGreaterThan(0);

      const localCauses = runCli(['stats', '--causes', ...(scope.length ? scope : ['--all']), '--json'], { env: { CSR_CALL_HOME: team.dataDirOf('lena'), CSR_CALL_AGENT: 'lena', TZ: ZONE } });
      const teamCauses = team.cli('lena', ['stats', '--team', '--causes', ...scope, '--json'], { env: leadEnv() });
      expect(teamCauses.status).toBe(0);
      expect(JSON.parse(teamCauses.stdout).causes).toEqual(JSON.parse(localCauses.stdout).causes);
    }
    const text = team.cli('lena', ['stats', '--team'], { env: leadEnv() });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('The craft');
    expect(text.stdout).toMatch(/Coaching nudges +\d+: /);
    expect(text.stdout).toContain('Prepared solutions (offered · chosen · resolved at the first contact · their promises)');
    expect(text.stdout).toContain('By agent (nudges · holds, ran over · promises kept)');
    const causes = team.cli('lena', ['stats', '--team', '--causes', '--from', '2026-09-01'], { env: leadEnv() });
    expect(causes.status).toBe(0);
    expect(causes.stdout).toMatch(/^Root causes · the team · /);
    // Spelled as the earliest call with it wrote it, with its figures.
    const [first] = craftStatsFromRecords(records, { now: NOW, timeZone: ZONE, from: new Date('2026-09-01T04:00:00Z') }).causes.causes;
    expect(causes.stdout).toContain(`  ${first!.cause}`);
    expect(causes.stdout).toMatch(new RegExp(`${first!.calls} +${first!.repeatCalls} +${first!.escalated} +\\S`));

    const both = team.cli('lena', ['stats', '--team', '--causes', '--by', 'agent']);
    expect(both.status).toBe(2);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
    expect(both.stderr).toMatch(/--causes .* --by agent/);
  });

  it('a team database from before the craft: refused in one line until team migrate, then filled by team sync', async () => {
    // As it was at schema version 1: the calls' rows without the craft's columns.
    await team.admin.query('ALTER TABLE csr_call.calls DROP COLUMN craft, DROP COLUMN facts_version');
    await team.admin.query('DROP INDEX csr_call.calls_phone_tail');
    await team.admin.query('DELETE FROM csr_call.schema_migrations WHERE version >= 2');
    for (const args of [['stats', '--team', '--causes'], ['team', 'sync']]) {
      const old = team.cli('lena', args, { env: leadEnv() });
      expect(old.status, args.join(' ')).toBe(1);
      expect(old.stderr.trim().split('\n')).toHaveLength(1);
      expect(old.stderr).toMatch(/has tables older than this csr-call: the team's owner runs csr-call team migrate/);
    }
    const migrated = runCli(['team', 'migrate'], { env: { CSR_CALL_TEAM_DB: team.url(team.owner) } });
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/Applied schema version 2: the craft's facts/);

    // The rows already there have no craft yet: said on stderr, and left out of the figures.
    const before = await statsJson('lena', { team: true });
    expect(before.err).toMatch(/160 calls in the team database were sent by an older csr-call: .* csr-call team sync/);
    expect(before.out.craft.coaching).toEqual([]);
    expect(before.out.calls.total).toBe(160);

    const synced = team.cli('lena', ['team', 'sync', '--json'], { env: leadEnv() });
    expect(synced.status).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ sent: 160, upToDate: 0 });
    const after = await statsJson('lena', { team: true });
    expect(after.err).toBe('');
    expect(after.out.craft).toEqual(roundTrip(craftStatsFromRecords(records, { now: NOW, timeZone: ZONE }).craft));
    // And once filled, a sync has nothing more to send.
    expect(JSON.parse(team.cli('lena', ['team', 'sync', '--json'], { env: leadEnv() }).stdout)).toMatchObject({ sent: 0, upToDate: 160 });
  });
});
