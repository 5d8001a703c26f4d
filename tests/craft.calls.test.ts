/**
 * A scripted call (`--answers`) for each feature of the craft (issue 16), run in-process
 * through `start` as the CLI runs it, then read back with `show` and `show --json`.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCommand } from '../src/commands/start.js';
import { showCommand } from '../src/commands/show.js';
import { solutionsCommand } from '../src/commands/solutions.js';
import { listCalls } from '../src/store/index/indexQueries.js';
import { withCallIndex } from '../src/store/index/indexAccess.js';
import { readCall } from '../src/store/callStore.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { ranOver } from '../src/domain/holds.js';
import { tempDir, testContext, type TestContext } from './helpers.js';

/** A standard call that does the craft well: nothing to nudge, nothing to check. */
const GOOD = {
  'identify.name': 'Ana Lima',
  'identify.phone': '555 0100',
  'identify.mood': 'upset',
  'listen.story': ['Charged twice for November', '? which card'],
  'readback.paraphrase': 'You were billed two times this month and want the extra charge back.',
  'readback.empathy': 'A week without that money right before the holidays is a real worry.',
  'readback.category': 'billing',
  'facts.found': 'Duplicate charge on 2 Nov.',
  'facts.answered': ['which card'],
  'facts.fault': true,
  'resolve.options': ['refund-duplicate', 'credit-next-bill'],
  'resolve.chosen': 'refund-duplicate',
  'resolve.done': 'Refund of the second charge sent; it shows within 5 working days.',
  'outcome.code': 'resolved',
  'outcome.mood': 'calm',
};

function answersFile(answers: object): string {
  const file = join(tempDir(), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

async function call(answers: object, ctx: TestContext = testContext()): Promise<{ ctx: TestContext; record: CallRecord }> {
  await startCommand({ answers: answersFile(answers) }, ctx);
  const [summary] = await withCallIndex(ctx.dataDir, {}, (index) => listCalls(index, {}));
  return { ctx, record: await readCall(ctx.dataDir, summary!.id) };
}

async function shown(ctx: TestContext, id: string, json = false): Promise<string> {
  const out = testContext({ dataDir: ctx.dataDir });
  await showCommand(id.slice(-6), { json }, out);
  return out.out();
}

describe('a scripted call of the craft', () => {
  it('a call done well: no nudge, nothing left at the check, the solutions offered and chosen kept', async () => {
    const { ctx, record } = await call(GOOD);
    expect(ctx.err()).toBe('');
    expect(record.coaching ?? []).toEqual([]);
    expect(record.checklist ?? []).toEqual([]);
    expect(record.solutions).toEqual({ offered: ['refund-duplicate', 'credit-next-bill'], chosen: 'refund-duplicate' });
    expect(record.options).toEqual(['Refund the duplicate charge', 'Credit it on the next bill']);
    expect(record.chosenOption).toBe('Refund the duplicate charge');
    // The solution chosen promises something: the promise questions took it as their answers.
    expect(record.promises).toEqual([expect.objectContaining({ text: 'The refund of the duplicate charge reaches their card' })]);
    expect(record.promises[0]!.due).toBe('2026-11-28T00:00:00.000Z');
    expect(ctx.out()).toMatch(/They chose:\s+Refund the duplicate charge/);
  });

  it('coaching: one nudge per answer, kept with the step, shown by show (the script itself stays quiet)', async () => {
    const { ctx, record } = await call({
      ...GOOD,
      'readback.paraphrase': 'Charged twice for November',
      'readback.empathy': "I'm so sorry about this",
      'resolve.done': 'Billing messed up; refund will be there soon',
    });
    expect(ctx.err()).toBe('');
    expect(record.coaching?.map((note) => [note.rule, note.step])).toEqual([
      ['parroting', 'readback.paraphrase'],
      ['apology-before-facts', 'readback.empathy'],
      ['blame', 'resolve.done'],
    ]);
    const text = await shown(ctx, record.id);
    expect(text).toMatch(/Coaching on your words \(3\):\n.*parroting · The problem as you read it back.*\n\s+That read-back is mostly their words/);
    expect(JSON.parse(await shown(ctx, record.id, true)).call.coaching).toHaveLength(3);
  });

  it('coaching: a playbook switches rules off', async () => {
    const dir = tempDir();
    const playbook = join(dir, 'quiet.ts');
    writeFileSync(
      playbook,
      `import { definePlaybook } from 'csr-call';
export default definePlaybook({
  id: 'quiet', title: 'Quiet', description: 'No apology rule.', version: '1', coaching: { off: ['apology-before-facts'] },
  stages: [{ id: 'talk', title: 'Talk', tip: 'Talk.', steps: [
    { id: 'empathy', question: 'Empathy', type: 'text', meaning: 'empathy' },
    { id: 'done', question: 'Done', type: 'text', meaning: 'resolution' },
  ] }],
});
`,
    );
    const ctx = testContext();
    await startCommand({ playbook, answers: answersFile({ 'talk.empathy': 'So sorry!', 'talk.done': 'Will call you soon' }) }, ctx);
    const [summary] = await withCallIndex(ctx.dataDir, {}, (index) => listCalls(index, {}));
    const record = await readCall(ctx.dataDir, summary!.id);
    expect(record.coaching?.map((note) => note.rule)).toEqual(['vague-promise']);
  });

  it('the check before the summary: what the call left, with the reason the file gives, listed in the summary', async () => {
    const { ctx, record } = await call({
      ...GOOD,
      'identify.mood': 'angry',
      'readback.empathy': null,
      'facts.answered': [],
      'resolve.options': ['refund-duplicate'],
      'outcome.code': 'callback',
      'checklist.two-options': 'only a refund fits a duplicate charge',
    });
    expect(ctx.err()).toBe('');
    expect(record.checklist?.map((entry) => [entry.item, entry.result, entry.reason])).toEqual([
      ['parked-questions', 'left', '(no reason given in the answers file)'],
      ['empathy', 'left', '(no reason given in the answers file)'],
      ['two-options', 'left', 'only a refund fits a duplicate charge'],
    ]);
    expect(ctx.out()).toMatch(/Left at the check before the summary:\n {2}- 1 parked question neither answered nor in a follow-up: "which card" — \(no reason given in the answers file\)\n/);
    expect(ctx.out()).toContain('  - Only one option offered, and it was not solved outright: offer two when you can — only a refund fits a duplicate charge\n');
  });

  it('the check: a reason for an item the call met is not needed, and said so; a reason must be text', async () => {
    const ctx = testContext();
    await startCommand({ answers: answersFile({ ...GOOD, 'checklist.empathy': 'n/a' }) }, ctx);
    expect(ctx.err()).toMatch(/"checklist\.empathy" was not needed: the call met that check/);
    await expect(startCommand({ answers: answersFile({ ...GOOD, 'checklist.empathy': true }) }, testContext())).rejects.toThrow(/"checklist.empathy": the reason this check is left, as text/);
    await expect(startCommand({ answers: answersFile({ ...GOOD, 'checklist.empaty': 'x' }) }, testContext())).rejects.toThrow(/unknown step id "checklist.empaty".*did you mean "checklist.empathy"/);
  });

  it('time off the line: the time given and when they were back kept; a hold that ran over counts as such', async () => {
    // A clock that moves 20 s each time it is read: the facts stage takes minutes.
    const ticking = () => {
      let t = Date.parse('2026-11-23T14:00:00Z');
      return testContext({ now: () => new Date((t += 20_000)) });
    };
    const over = await call({ ...GOOD, 'facts.away': 'back', 'facts.until': '+1m' }, ticking());
    const inTime = await call({ ...GOOD, 'facts.away': 'hold', 'facts.until': '+30m' }, ticking());
    expect(over.record.holds).toEqual([expect.objectContaining({ kind: 'back', stage: 'facts', endedAt: expect.any(String) })]);
    expect(inTime.record.holds).toEqual([expect.objectContaining({ kind: 'hold', stage: 'facts', endedAt: expect.any(String) })]);
    expect(ranOver(over.record.holds![0]!)).toBe(true);
    expect(ranOver(inTime.record.holds![0]!)).toBe(false);
    expect(await shown(over.ctx, over.record.id)).toMatch(/Time off the line \(1\):\n {2}checked and came back Mon 23 Nov 2026 \d\d:\d\d–\d\d:\d\d, said back by \d\d:\d\d: (\d+ min ?)?(\d+ s)? over\n/);
    // Back on the line with what they found: the hold ends with the facts written, not at the end of the stage.
    expect(over.record.holds![0]!.endedAt).toBe(over.record.answers.find((a) => a.stepId === 'facts.found')!.answeredAt);
    expect(await shown(inTime.ctx, inTime.record.id)).toMatch(/Time off the line \(1\):\n {2}on hold .+: in time\n/);
  });

  it('time off the line: a time that is not minutes away is refused, nothing written', async () => {
    const ctx = testContext();
    await expect(startCommand({ answers: answersFile({ ...GOOD, 'facts.away': 'hold', 'facts.until': 'tomorrow' }) }, ctx)).rejects.toThrow(/time off the line is minutes/);
    await expect(startCommand({ answers: answersFile({ ...GOOD, 'facts.away': 'hold', 'facts.until': '+3h' }) }, ctx)).rejects.toThrow(/time off the line is minutes/);
  });

  it("prepared solutions: the team's file in the playbook folder rewords one and adds its own; an unknown id is the agent's own words", async () => {
    const playbooks = tempDir();
    mkdirSync(playbooks, { recursive: true });
    writeFileSync(
      join(playbooks, 'solutions.ts'),
      `import { defineSolutions } from 'csr-call';
export default defineSolutions([
  { id: 'refund-duplicate', title: 'Refund the second charge today', categories: ['billing'], script: 'It is on its way back today.' },
  { id: 'fee-holiday', title: 'A month without the fee', categories: ['billing'], script: 'Next month is on us.', promises: { text: 'No fee next month', due: '+30d' } },
]);
`,
    );
    const ctx = testContext({ env: { CSR_CALL_PLAYBOOKS: playbooks } });
    const { record } = await call({ ...GOOD, 'resolve.options': ['fee-holiday', 'refund-duplicate', 'a payment plan'], 'resolve.chosen': 'fee-holiday' }, ctx);
    expect(ctx.err()).toBe('');
    expect(record.options).toEqual(['A month without the fee', 'Refund the second charge today', 'a payment plan']);
    expect(record.solutions).toEqual({ offered: ['fee-holiday', 'refund-duplicate'], chosen: 'fee-holiday' });
    expect(record.answers.find((a) => a.stepId === 'resolve.options')?.solutions).toEqual(['fee-holiday', 'refund-duplicate', null]);
    expect(record.promises.map((p) => p.text)).toEqual(['No fee next month']);
  });

  it("prepared solutions: a broken team file is said once, and the playbook's are offered", async () => {
    const playbooks = tempDir();
    writeFileSync(join(playbooks, 'solutions.ts'), `import { defineSolutions } from 'csr-call';\nexport default defineSolutions([{ id: 'x', title: 'X', categories: [], script: 'say' }]);\n`);
    const ctx = testContext({ env: { CSR_CALL_PLAYBOOKS: playbooks } });
    const { record } = await call(GOOD, ctx);
    expect(ctx.err().trim().split('\n')).toEqual([expect.stringMatching(/solutions\.ts: \[0\]\.categories: a solution fits at least one category; offering the playbook's solutions only$/)]);
    expect(record.solutions?.chosen).toBe('refund-duplicate');
  });

  it('csr-call solutions: ranked as the options step ranks them, with what became of them, in words and --json', async () => {
    const { ctx } = await call(GOOD);
    await call({ ...GOOD, 'resolve.chosen': 'credit-next-bill', 'outcome.code': 'callback' }, testContext({ dataDir: ctx.dataDir }));
    const listed = async (opts: Parameters<typeof solutionsCommand>[0]) => {
      const out = testContext({ dataDir: ctx.dataDir });
      await solutionsCommand(opts, out);
      return out.out();
    };
    const json = JSON.parse(await listed({ category: 'billing', json: true }));
    expect(json).toMatchObject({ jsonVersion: 1, playbook: 'standard', category: 'billing', teamFile: null });
    // Offered twice, resolved once: ahead of those never offered (1 + 1) / (2 + 2) = 0.5 = (0 + 1) / (0 + 2); the written order breaks the tie.
    expect(json.solutions.slice(0, 2)).toEqual([
      expect.objectContaining({ id: 'refund-duplicate', from: 'playbook', offered: 2, chosen: 1, resolved: 1 }),
      expect.objectContaining({ id: 'payment-plan', offered: 0, chosen: 0, resolved: 0 }),
    ]);
    expect(json.solutions.at(-1)).toMatchObject({ id: 'credit-next-bill', offered: 2, chosen: 1, resolved: 0 });
    expect(json.solutions.every((s: { categories: string[] }) => s.categories.includes('billing'))).toBe(true);
    const text = await listed({ category: 'billing' });
    expect(text).toMatch(/^Prepared solutions for billing · playbook standard\n/);
    expect(text).toContain('Refund the duplicate charge  refund-duplicate\n  offered 2 · chosen 1 · resolved 1  ·  fits billing\n  Say: "I can send');
    // Every category's: more than billing's.
    expect(JSON.parse(await listed({ json: true })).solutions.length).toBeGreaterThan(json.solutions.length);
    expect(await listed({ category: 'weather' })).toContain('None fits "weather"');
  });

  it("csr-call solutions: the team's file marked as the team's; a broken one is the one line the command says", async () => {
    const playbooks = tempDir();
    const env = { CSR_CALL_PLAYBOOKS: playbooks };
    writeFileSync(join(playbooks, 'solutions.ts'), `import { defineSolutions } from 'csr-call';\nexport default defineSolutions([{ id: 'fee-holiday', title: 'A month without the fee', categories: ['billing'], script: 'Next month is on us.' }]);\n`);
    const ctx = testContext({ env });
    await solutionsCommand({ category: 'billing', json: true }, ctx);
    const json = JSON.parse(ctx.out());
    expect(json.teamFile).toBe(join(playbooks, 'solutions.ts'));
    expect(json.solutions[0]).toMatchObject({ id: 'fee-holiday', from: 'team' });
    writeFileSync(join(playbooks, 'solutions.ts'), `import { defineSolutions } from 'csr-call';\nexport default defineSolutions([{ id: 'x', title: 'X', categories: [], script: 'say' }]);\n`);
    await expect(solutionsCommand({}, testContext({ env }))).rejects.toThrow(/solutions\.ts: \[0\]\.categories: a solution fits at least one category$/);
  });

  it('an answers file of a playbook before 1.1 (the category asked at the end) still works', async () => {
    const { category, ...rest } = { ...GOOD, category: GOOD['readback.category'] };
    const old: Record<string, unknown> = { ...rest, 'wrapup.category': category };
    delete old['readback.category'];
    const { ctx, record } = await call(old);
    expect(ctx.err()).toBe('');
    expect(record.problem.category).toBe('billing');
  });
});
