import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_PLAYBOOK_IDS,
  describePlaybook,
  findPlaybook,
  listPlaybooks,
  loadBuiltIn,
  loadPlaybookFile,
  PlaybookError,
} from '../src/playbook/loadPlaybook.js';
import { checkPlaybook } from '../src/playbook/playbookSchema.js';
import { MOODS, OUTCOMES, type Answers, type Playbook } from '../src/playbook/types.js';
import { UserError } from '../src/errors.js';
import { tempDir } from './helpers.js';

const GOOD = `import { definePlaybook, MOODS } from 'csr-call';

export default definePlaybook({
  id: 'mine',
  title: 'My own call',
  description: 'written by an agent',
  version: '0.3',
  stages: [
    { id: 'open', title: 'Open', tip: 'Hello.', steps: [{ id: 'mood', question: 'Mood?', type: 'choice', choices: [...MOODS] }] },
  ],
});
`;

function write(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

async function failureOf(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const stepIds = (playbook: Playbook) => playbook.stages.flatMap((stage) => stage.steps.map((step) => `${stage.id}.${step.id}`));
const step = (playbook: Playbook, fullId: string) => {
  const [stageId, stepId] = fullId.split('.');
  const found = playbook.stages.find((s) => s.id === stageId)?.steps.find((s) => s.id === stepId);
  if (!found) throw new Error(`no step ${fullId}`);
  return found;
};

describe('built-in playbooks', () => {
  it.each(BUILT_IN_PLAYBOOK_IDS)('%s passes the same checks as a user playbook and has its own id', async (id) => {
    const playbook = await loadBuiltIn(id);
    expect(checkPlaybook(playbook)).toEqual([]);
    expect(playbook.id).toBe(id);
  });

  it.each(['standard', 'irate', 'callback'] as const)('%s covers the call craft', async (id) => {
    const playbook = await loadBuiltIn(id);
    const steps = playbook.stages.flatMap((stage) => stage.steps);
    const meanings = new Set(steps.map((s) => s.meaning));
    for (const meaning of [
      'customer.name', 'customer.phone', 'customer.account', 'mood.start', 'mood.end',
      'problem.story', 'queries', 'problem.wants', 'problem.paraphrase', 'empathy', 'facts',
      'escalation.to', 'escalation.handoff', 'options', 'resolution', 'outcome',
      'promise.text', 'promise.due', 'followup.text', 'followup.due', 'followup.repeatDays',
      'problem.category', 'problem.rootCause',
      // Issue 16: time off the line, the questions answered, the fault, the option chosen, the promise asked.
      // (A callback has no fault question: whether the promise was kept says it.)
      'hold.kind', 'hold.until', 'queries.answered', 'options.chosen', 'promise.made', ...(id === 'callback' ? [] : ['facts.fault'] as const),
    ] as const) {
      expect(meanings, `${id} has a step meaning ${meaning}`).toContain(meaning);
    }
    const byMeaning = (meaning: string) => steps.find((s) => s.meaning === meaning)!;
    // The few that must be answered.
    expect(byMeaning('problem.paraphrase').required).toBe(true);
    expect(byMeaning('outcome')).toMatchObject({ type: 'choice', required: true });
    expect(byMeaning('outcome').choices!.map((c) => (typeof c === 'string' ? c : c.value))).toEqual(OUTCOMES.map((o) => o.value));
    expect(byMeaning('mood.start').choices).toEqual([...MOODS]);
    expect(byMeaning('queries').type).toBe('list');
    expect(byMeaning('problem.story').type).toBe('longtext');
    for (const meaning of ['escalation.handoff', 'promise.due', 'followup.due']) {
      expect(byMeaning(meaning), meaning).toMatchObject({ required: true });
      expect(byMeaning(meaning).when, `${meaning} is conditional`).toBeTypeOf('function');
    }
    expect(byMeaning('escalation.handoff').type).toBe('longtext');
    expect(byMeaning('promise.due').type).toBe('datetime');
    expect(byMeaning('followup.repeatDays').type).toBe('number');
    // The category is asked before the options, so the prepared solutions that fit it are offered there.
    const order = playbook.stages.flatMap((stage) => stage.steps.map((step) => step.meaning));
    expect(order.indexOf('problem.category')).toBeLessThan(order.indexOf('options'));
    expect(playbook.solutions?.length).toBeGreaterThan(0);
    // Quick to type: most steps optional, a sensible number of them (the option chosen and
    // the questions answered are skipped when there is nothing to choose from; the time
    // back is asked only when the agent leaves the line).
    expect(steps.length).toBeLessThanOrEqual(34);
    expect(steps.filter((s) => s.required && !s.when).length).toBeLessThanOrEqual(2);
  });

  it('standard: the handoff is asked only when escalating, and the outcome then defaults to escalated', async () => {
    const playbook = await loadBuiltIn('standard');
    const handoff = step(playbook, 'decide.handoff');
    const solve: Answers = { 'decide.path': 'solve' };
    const escalate: Answers = { 'decide.path': 'escalate' };
    expect(handoff.when!(solve)).toBe(false);
    expect(handoff.when!(escalate)).toBe(true);
    const code = step(playbook, 'outcome.code');
    expect(typeof code.default === 'function' && code.default(escalate)).toBe('escalated');
    expect(step(playbook, 'promise.due').when!({ 'promise.made': true })).toBe(true);
    expect(step(playbook, 'promise.due').when!({ 'promise.made': false })).toBe(false);
    expect(step(playbook, 'followup.repeat').validate!(0)).toMatch(/whole number of days/);
    expect(step(playbook, 'followup.repeat').validate!(7)).toBe(true);
  });

  it('standard: the tips are short, and the empathy tip holds back the apology', async () => {
    const playbook = await loadBuiltIn('standard');
    for (const stage of playbook.stages) {
      const tip = typeof stage.tip === 'string' ? stage.tip : stage.tip({});
      expect(tip.length, stage.id).toBeLessThanOrEqual(160);
    }
    expect(playbook.stages.find((s) => s.id === 'readback')!.tip).toMatch(/no apology/i);
  });

  it('callback: when nobody answers, only the outcome and the next try are asked', async () => {
    const playbook = await loadBuiltIn('callback');
    const answers: Answers = { 'reach.reached': false };
    const asked = playbook.stages.filter((stage) => !stage.when || stage.when(answers)).map((stage) => stage.id);
    expect(asked).toEqual(['reach', 'outcome', 'followup']);
    const code = step(playbook, 'outcome.code');
    expect(typeof code.default === 'function' && code.default(answers)).toBe('callback');
    const needed = step(playbook, 'followup.needed');
    expect(typeof needed.default === 'function' && needed.default(answers)).toBe(true);
  });

  it('describePlaybook gives every step its full id, type, choices and required flag', async () => {
    const playbook = await loadBuiltIn('standard');
    const description = describePlaybook(playbook);
    expect(description).toMatchObject({ id: 'standard', version: playbook.version, title: playbook.title });
    expect(description.stages.flatMap((s) => s.steps.map((st) => st.id))).toEqual(stepIds(playbook));
    const steps = description.stages.flatMap((s) => s.steps);
    expect(steps.find((s) => s.id === 'identify.mood')!.choices).toEqual(MOODS.map((m) => ({ value: m, label: m })));
    expect(steps.find((s) => s.id === 'outcome.code')).toMatchObject({
      type: 'choice',
      required: true,
      meaning: 'outcome',
      hasComputedDefault: true,
      choices: OUTCOMES.map((o) => ({ value: o.value, label: o.label })),
    });
    expect(steps.find((s) => s.id === 'decide.handoff')).toMatchObject({ required: true, hasCondition: true, type: 'longtext' });
    expect(steps.find((s) => s.id === 'decide.path')!.default).toBe('solve');
    expect(description.stages.find((s) => s.id === 'decide')!.tip).toBe('(depends on answers)');
    expect(description.stages.find((s) => s.id === 'listen')!.tip).toBe(playbook.stages[1]!.tip);
    // Plain data: survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });
});

describe('loadPlaybookFile', () => {
  it("loads a playbook far from the repo that imports 'csr-call', with no node_modules beside it", async () => {
    const dir = tempDir('csr-call-pb-');
    const playbook = await loadPlaybookFile(write(dir, 'mine.ts', GOOD));
    expect(playbook.id).toBe('mine');
    expect(playbook.stages[0]!.steps[0]!.choices).toEqual([...MOODS]);
  });

  it("also resolves 'csr-call/playbook', and a file beside it", async () => {
    const dir = tempDir('csr-call-pb-');
    write(dir, 'parts.ts', `export const open = { id: 'open', title: 'Open', tip: 'Hi.', steps: [{ id: 'a', question: 'A?', type: 'text' as const }] };\n`);
    const path = write(
      dir,
      'split.ts',
      `import { definePlaybook } from 'csr-call/playbook';\nimport { open } from './parts.js';\nexport default definePlaybook({ id: 'split', title: 'S', description: 'd', version: '1', stages: [open] });\n`,
    );
    expect((await loadPlaybookFile(path)).stages[0]!.id).toBe('open');
  });

  it('loads a playbook that imports nothing', async () => {
    const dir = tempDir('csr-call-pb-');
    const path = write(dir, 'plain.ts', `export default { id: 'plain', title: 'P', description: 'd', version: '1', stages: [{ id: 'a', title: 'A', tip: 't', steps: [{ id: 'b', question: 'Q', type: 'text' }] }] };\n`);
    expect((await loadPlaybookFile(path)).id).toBe('plain');
  });

  it('a syntax error: file:line:col and the compiler message on one line', async () => {
    const dir = tempDir('csr-call-pb-');
    const path = write(dir, 'broken.ts', `export default {\n  id: 'x',,\n};\n`);
    const error = await failureOf(loadPlaybookFile(path));
    expect(error).toBeInstanceOf(PlaybookError);
    expect(error.message).toBe(`${path}:2:11: Expected identifier but found ","`);
    expect(error.exitCode).toBe(2);
  });

  it('a throw while the file runs', async () => {
    const dir = tempDir('csr-call-pb-');
    const path = write(dir, 'throws.ts', `const settings: any = undefined;\nconst x = settings.name;\nexport default { id: x };\n`);
    const error = await failureOf(loadPlaybookFile(path));
    // The line:col needs Node's own source maps, which vitest replaces: checked end to end instead.
    expect(error.message).toMatch(/^.*throws\.ts(:\d+:\d+)?: the file threw while loading: TypeError: Cannot read properties of undefined \(reading 'name'\)$/);
  });

  it('no default export, a missing file, a wrong extension', async () => {
    const dir = tempDir('csr-call-pb-');
    const noDefault = write(dir, 'named.ts', `export const playbook = {};\n`);
    expect((await failureOf(loadPlaybookFile(noDefault))).message).toBe(
      `${noDefault}: export default: missing; the file must end with \`export default definePlaybook({ ... })\``,
    );
    expect((await failureOf(loadPlaybookFile(join(dir, 'nope.ts')))).message).toBe(`${join(dir, 'nope.ts')}: no such file (a playbook is a .ts file)`);
    const yaml = write(dir, 'old.yaml', 'id: x\n');
    expect((await failureOf(loadPlaybookFile(yaml))).message).toBe(`${yaml}: a playbook is a TypeScript file ending in .ts`);
  });

  it('an import of a package that is not there', async () => {
    const dir = tempDir('csr-call-pb-');
    const path = write(dir, 'dep.ts', `import lodash from 'lodash-not-installed';\nexport default lodash;\n`);
    expect((await failureOf(loadPlaybookFile(path))).message).toBe(
      `${path}: cannot load: Cannot find package 'lodash-not-installed' imported from ${path}; a playbook may import only 'csr-call' and files beside it`,
    );
  });

  it('a wrong shape names the file and the field', async () => {
    const dir = tempDir('csr-call-pb-');
    const path = write(dir, 'shape.ts', GOOD.replace("type: 'choice', choices: [...MOODS]", "type: 'choice'"));
    expect((await failureOf(loadPlaybookFile(path))).message).toBe(`${path}: stages[0].steps[0].choices: a choice step needs at least one choice`);
  });
});

describe('findPlaybook and listPlaybooks', () => {
  function userFolder() {
    const dir = join(tempDir('csr-call-pb-'), 'playbooks');
    mkdirSync(dir);
    return { dir, env: { CSR_CALL_PLAYBOOKS: dir } };
  }

  it('a built-in by name, without looking at the user folder', async () => {
    const found = await findPlaybook('standard', { CSR_CALL_PLAYBOOKS: '/nonexistent/folder' });
    expect(found).toMatchObject({ kind: 'built-in', source: 'built-in' });
    expect(found.playbook.id).toBe('standard');
  });

  it("a user's playbook by file name or by id; a path by path", async () => {
    const { dir, env } = userFolder();
    const path = write(dir, 'my-file.ts', GOOD);
    expect(await findPlaybook('my-file', env)).toMatchObject({ kind: 'user', source: path, playbook: { id: 'mine' } });
    expect(await findPlaybook('mine', env)).toMatchObject({ kind: 'user', source: path, playbook: { id: 'mine' } });
    expect(await findPlaybook(path, {})).toMatchObject({ kind: 'file', source: path, playbook: { id: 'mine' } });
  });

  it('an unknown name lists what is available and suggests the nearest', async () => {
    const { dir, env } = userFolder();
    write(dir, 'mine.ts', GOOD);
    const error = await failureOf(findPlaybook('stnadard', env));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown playbook "stnadard" (did you mean "standard"?); available: standard, irate, callback, sales, mine, or the path of a .ts file');
  });

  it('lists built-ins, then user playbooks; a broken file is listed with its problem and hides nothing', async () => {
    const { dir, env } = userFolder();
    const good = write(dir, 'a-good.ts', GOOD);
    const broken = write(dir, 'b-broken.ts', 'export default {\n');
    const clash = write(dir, 'c-clash.ts', GOOD.replace("id: 'mine'", "id: 'standard'"));
    write(dir, 'notes.txt', 'not a playbook');
    write(dir, '_parts.ts', 'export const shared = 1;\n'); // a helper, not a playbook
    const listed = await listPlaybooks(env);
    expect(listed.map((entry) => (entry.ok ? `${entry.kind}:${entry.playbook.id}` : `broken:${entry.source}`))).toEqual([
      'built-in:standard',
      'built-in:irate',
      'built-in:callback',
      'built-in:sales',
      'user:mine',
      `broken:${broken}`,
      `broken:${clash}`,
    ]);
    expect(listed[4]).toMatchObject({ source: good });
    expect(listed[5]).toMatchObject({ problem: expect.stringMatching(new RegExp(`^${broken}:2:1: `)) });
    expect(listed[6]).toMatchObject({ problem: `${clash}: id: "standard" is already used by a built-in playbook; give this playbook its own id` });
  });

  it('no user folder yet: just the built-ins', async () => {
    const listed = await listPlaybooks({ CSR_CALL_PLAYBOOKS: join(tempDir(), 'missing') });
    expect(listed.map((entry) => entry.ok && entry.playbook.id)).toEqual(['standard', 'irate', 'callback', 'sales']);
  });
});
