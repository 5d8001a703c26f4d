import { describe, expect, it } from 'vitest';
import { applyTeamEvent, decideTeamAction, holdsEvent, type TeamEvent, type TeamFollowUp } from '../src/team/teamFollowUpRules.js';
import { describeTeamDb, teamSettingsFrom } from '../src/team/teamSettings.js';
import { foldText, searchedText, teamCallRow, teamFollowUpRows, unfoldSnippet } from '../src/team/teamRows.js';
import { MIGRATIONS, pendingMigrations } from '../src/team/teamSchema.js';
import { teamDbError } from '../src/team/teamDb.js';
import { makeCall } from './fixtures/makeCall.js';
import { userErrorOf } from './helpers.js';

/** The team's rules without a server: who may do what, and how a teammate's action reaches the call's file. */

const now = new Date('2026-11-23T14:00:00Z');
const HOUR = 3_600_000;
const grace = 2 * HOUR;

function followup(over: Partial<TeamFollowUp> = {}): TeamFollowUp {
  return { id: '20261120-090000-abc123.f1', callAgent: 'alice', owner: 'alice', status: 'open', due: new Date('2026-11-23T13:00:00Z'), repeatDays: null, allDay: false, timeZone: null, ...over };
}
const bob = { agent: 'bob', lead: false };
const alice = { agent: 'alice', lead: false };
const lena = { agent: 'lena', lead: true };

describe('decideTeamAction', () => {
  it.each([
    ['the team’s follow-up: anyone claims it', followup({ owner: null }), { kind: 'claim' }, bob, { ok: true, owner: 'bob' }],
    ['an agent’s own, due an hour ago: not yet claimable', followup(), { kind: 'claim' }, bob, /it can be claimed from 2026-11-23 15:00 UTC/],
    ['an agent’s own, overdue past the grace: claimable', followup({ due: new Date(now.getTime() - 3 * HOUR) }), { kind: 'claim' }, bob, { ok: true, owner: 'bob' }],
    ['claimed by a teammate, long overdue: still theirs', followup({ owner: 'carol', due: new Date('2020-01-01T00:00:00Z'), lastChange: { by: 'carol', at: now, action: 'claimed' } }), { kind: 'claim' }, bob, /carol claimed it at 2026-11-23 14:00 UTC; carol can release it/],
    ['already mine', followup({ owner: 'bob' }), { kind: 'claim' }, bob, /already yours/],
    ['a lead takes anything', followup(), { kind: 'claim' }, lena, { ok: true, owner: 'lena' }],
    ['done by someone: refused, saying who and when', followup({ status: 'done', lastChange: { by: 'carol', at: now, action: 'done' } }), { kind: 'done' }, bob, /already done by carol at 2026-11-23 14:00 UTC/],
    ['release by the holder', followup({ owner: 'bob' }), { kind: 'release' }, bob, { ok: true, owner: null }],
    ['release by another', followup({ owner: 'carol' }), { kind: 'release' }, bob, /only carol, the call's agent or a lead/],
    ['the call’s agent assigns to the team', followup(), { kind: 'assign', to: null }, alice, { ok: true, owner: null }],
    ['the holder gives it to another: only the call’s agent or a lead may', followup({ owner: 'bob' }), { kind: 'assign', to: 'carol' }, bob, /only the call's agent \(alice\) or a lead can; release it/],
    ['done on the team’s takes it', followup({ owner: null }), { kind: 'done' }, bob, { ok: true, owner: 'bob' }],
    ['snooze another’s, not overdue past grace', followup(), { kind: 'snooze' }, bob, /it is alice's until 2026-11-23 15:00 UTC/],
  ] as const)('%s', (_name, state, action, actor, expected) => {
    const decision = decideTeamAction(state, action, actor, now, grace);
    if (expected instanceof RegExp) {
      expect(decision.ok).toBe(false);
      expect((decision as { reason: string }).reason).toMatch(expected);
    } else expect(decision).toEqual(expected);
  });
});

describe('applyTeamEvent', () => {
  const call = makeCall({ agent: 'alice', followups: [{ due: '2026-11-22T10:00:00.000Z' }, { due: '2026-11-22T10:00:00.000Z', repeatEveryDays: 2 }] });
  const [f1, f2] = call.followups;
  const event = (over: Partial<TeamEvent>): TeamEvent => ({ seq: 7, followupId: f1!.id, callId: call.id, at: now, by: 'bob', action: 'claimed', owner: 'bob', ...over });

  it('a claim changes the owner and says who and when in the history; applying it again changes nothing', () => {
    const once = applyTeamEvent(call, event({}), 'UTC');
    const changed = once.followups[0]!;
    expect(changed.owner).toBe('bob');
    expect(changed.history.at(-1)).toEqual({ at: now.toISOString(), by: 'bob', action: 'claimed', note: "now bob's" });
    expect(holdsEvent(once, event({}))).toBe(true);
    expect(applyTeamEvent(once, event({}), 'UTC')).toBe(once);
  });

  it("a teammate's done on a repeating follow-up: done with their note, the next occurrence as the team database made it", () => {
    const nextDue = new Date('2026-11-25T14:00:00Z');
    const done = applyTeamEvent(call, event({ followupId: f2!.id, action: 'done', note: 'called, refund on its way', nextId: `${call.id}.f9`, nextDue }), 'UTC');
    const closed = done.followups.find((f) => f.id === f2!.id)!;
    expect(closed.status).toBe('done');
    expect(closed.history.at(-1)).toMatchObject({ by: 'bob', action: 'done', note: 'called, refund on its way' });
    const next = done.followups.find((f) => f.id === `${call.id}.f9`)!;
    expect(next).toMatchObject({ status: 'open', due: nextDue.toISOString(), owner: 'bob' });
  });

  it('an action on a follow-up already closed here is kept as a note, once', () => {
    const closed = { ...call, followups: call.followups.map((f, i) => (i === 0 ? { ...f, status: 'done' as const, doneAt: now.toISOString() } : f)) };
    const once = applyTeamEvent(closed, event({ action: 'done', note: 'I called her' }), 'UTC');
    expect(once.followups[0]!.status).toBe('done');
    expect(once.notes.at(-1)!.text).toMatch(/^\[team 7\] bob done .* not applied: it was already done here\. Their note: I called her$/);
    expect(applyTeamEvent(once, event({ action: 'done' }), 'UTC')).toBe(once);
  });
});

describe('rows and settings', () => {
  it('a call row folds accents for search and keeps the customer out of the follow-up owner', () => {
    const call = makeCall({ agent: 'Alice', customer: { name: 'José Núñez', phone: '+1 555 0100' }, followups: [{}] });
    const row = teamCallRow(call, 'UTC');
    expect(row.agent_key).toBe('alice');
    expect(row.search_text).toContain('jose nunez');
    expect(foldText('Ça Été')).toBe('ca ete');
    const [fu] = teamFollowUpRows({ ...call, followups: [{ ...call.followups[0]!, owner: 'team' }] });
    expect(fu!.owner).toBeNull();
    expect(fu!.customer_name).toBe('José Núñez');
  });

  it("a search hit cut from the folded text is shown in the call's own words, case and accents", () => {
    const [S, E] = ['\u0001', '\u0002'];
    const original = 'Customer José NÚÑEZ says: SUPERVISOR NOTE, refund approved.\nÇa été réglé';
    // As ts_headline cuts it: the folded text, hits between the marks.
    expect(unfoldSnippet(original, `jose ${S}nunez${E} says: ${S}supervisor${E} note`, S, E)).toBe(`José ${S}NÚÑEZ${E} says: ${S}SUPERVISOR${E} NOTE`);
    expect(unfoldSnippet(original, `${S}ca${E} ete regle`, S, E)).toBe(`${S}Ça${E} été réglé`);
    // Accents written as separate marks stay with their letter.
    const decomposed = 'Jose\u0301 Nun\u0303ez called';
    expect(unfoldSnippet(decomposed, `${S}jose${E} nunez called`, S, E)).toBe(`${S}Jose\u0301${E} Nun\u0303ez called`);
    // Text it cannot place (another record's): shown as the database cut it.
    expect(unfoldSnippet('something else', `${S}jose${E} nunez`, S, E)).toBe(`${S}jose${E} nunez`);
    // The same, through the text a call row folds.
    const call = makeCall({ customer: { name: 'Zoë Ærø' } });
    expect(foldText(searchedText(call))).toBe(teamCallRow(call, 'UTC').search_text);
    expect(unfoldSnippet(searchedText(call), `${S}zoe${E}`, S, E)).toBe(`${S}Zoë${E}`);
  });

  it('the database is named without its password, whatever the URL holds', () => {
    expect(describeTeamDb('postgresql://sam:s3cret@db.example:6432/team', {})).toBe('sam@db.example:6432/team');
    expect(describeTeamDb('postgresql:///team', { PGUSER: 'sam', PGHOST: '/run/postgresql' })).toBe('sam@/run/postgresql/team');
    // Several hosts, tried in turn by the client: a URL parser alone refuses them.
    expect(describeTeamDb('postgresql://sam:s3cret@db1.example:5432,db2.example:6432/team', {})).toBe('sam@db1.example:5432,db2.example:6432/team');
    expect(teamSettingsFrom({ CSR_CALL_TEAM_DB: 'postgresql://sam@db1:5432,db2:5432/team' })?.url).toBe('postgresql://sam@db1:5432,db2:5432/team');
    expect(userErrorOf(() => teamSettingsFrom({ CSR_CALL_TEAM_DB: 'postgresql://sam:pw@/team' })).message).toMatch(/does not parse as a URL.*PGHOST/);
    expect(teamDbError({ code: '28P01', message: 'password authentication failed for user "sam"' }, 'sam@db/team').message).not.toMatch(/s3cret/);
    expect(teamDbError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'sam@db/team').unreachable).toBe(true);
  });

  it('CSR_CALL_TEAM_DB must be a PostgreSQL URL; the time limit a number of seconds', () => {
    expect(teamSettingsFrom({})).toBeUndefined();
    expect(teamSettingsFrom({ CSR_CALL_TEAM_DB: 'postgresql://sam@db/team' })?.sendTimeoutMs).toBe(1500);
    expect(userErrorOf(() => teamSettingsFrom({ CSR_CALL_TEAM_DB: 'db.example' })).message).toMatch(/must be a PostgreSQL connection URL/);
    expect(userErrorOf(() => teamSettingsFrom({ CSR_CALL_TEAM_DB: 'postgres://x/y', CSR_CALL_TEAM_TIMEOUT: 'soon' })).message).toMatch(/CSR_CALL_TEAM_TIMEOUT/);
  });

  it('migrations: numbered from 1 without gaps; only the missing ones are pending', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(pendingMigrations(0)).toHaveLength(MIGRATIONS.length);
    expect(pendingMigrations(MIGRATIONS.length)).toEqual([]);
  });
});
