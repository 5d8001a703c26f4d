import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, stripAnsi, tempDir } from './helpers.js';

// End to end: the compiled CLI, as a user runs it, with playbooks in temp folders far
// from the repo (no node_modules anywhere near them).

const VALID = `import { definePlaybook, MOODS, OUTCOMES } from 'csr-call';

export default definePlaybook({
  id: 'billing-desk',
  title: 'Billing desk',
  description: 'Our own billing calls',
  version: '2.1',
  stages: [
    { id: 'open', title: 'Open', tip: 'Smile.', steps: [{ id: 'mood', question: 'Mood?', type: 'choice', choices: [...MOODS] }] },
    {
      id: 'close',
      title: 'Close',
      tip: (answers) => (answers['open.mood'] === 'angry' ? 'Slow down.' : 'Wrap up.'),
      steps: [{ id: 'code', question: 'Outcome?', type: 'choice', choices: [...OUTCOMES], required: true }],
    },
  ],
});
`;

/** The VALID playbook with one piece of source text replaced. */
const broken = (from: string, to: string) => {
  if (!VALID.includes(from)) throw new Error(`test bug: "${from}" not in VALID`);
  return VALID.replace(from, to);
};

function writePlaybook(name: string, source: string, dir = tempDir('csr-call-pb-')): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

type Result = { status: number | null; stdout: string; stderr: string };

/** runCli without blocking, so the slower cases (each compiles a playbook) run side by side. */
function runCliAsync(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) }),
    );
    child.stdin?.end();
  });
}

function expectOneLineError(result: Result, line: string) {
  // Compared whole, so a failure shows all three.
  expect(result).toEqual({ status: 2, stdout: '', stderr: `csr-call: ${line}\n` });
  expect(result.stderr).not.toMatch(/^\s+at /m); // never a stack trace
}

describe('playbooks validate: a bad playbook names the file and the exact field, exit 2', () => {
  const cases: Array<[string, string, (file: string) => string]> = [
    ['a syntax error', broken("version: '2.1',", "version: '2.1',,"), (f) => `${f}:7:18: Expected identifier but found ","`],
    ['a wrong shape', broken("version: '2.1'", 'version: 2.1'), (f) => `${f}: version: must be text (the playbook version, like "1.0"), not 2.1`],
    [
      'duplicate stage ids',
      broken("id: 'close'", "id: 'open'"),
      (f) => `${f}: stages[1].id: duplicate stage id "open" (also stages[0].id); stage ids must be unique`,
    ],
    [
      'a choice step with no choices',
      broken(", choices: [...OUTCOMES]", ''),
      (f) => `${f}: stages[1].steps[0].choices: a choice step needs at least one choice`,
    ],
    [
      'a when that throws',
      broken("title: 'Close',", "title: 'Close', when: (answers) => (answers['open.mood'] as string).length > 0,"),
      (f) =>
        `${f}: stages[1].when: throws when called with no answers ({}): TypeError: Cannot read properties of undefined (reading 'length'); skipped steps have no answer, so check for a missing one first`,
    ],
    [
      'an unknown step type',
      broken("type: 'choice', choices: [...MOODS]", "type: 'mood', choices: [...MOODS]"),
      (f) =>
        `${f}: stages[0].steps[0].type: unknown step type "mood"; accepted: text, longtext, choice, multichoice, yesno, date, datetime, number, list`,
    ],
    [
      'a throw at load time',
      `const config: any = undefined;\nexport default config.playbook;\n`,
      (f) => `${f}:2:23: the file threw while loading: TypeError: Cannot read properties of undefined (reading 'playbook')`,
    ],
  ];

  it.concurrent.each(cases)('%s', async (_name, source, expected) => {
    const file = writePlaybook('bad.ts', source);
    expectOneLineError(await runCliAsync(['playbooks', 'validate', file]), expected(file));
  });

  it.concurrent('a validate that throws, met in an answers file: one line naming the step, no call to resume', async () => {
    const file = writePlaybook('throwval.ts', broken("required: true }],", "required: true, validate: () => { throw new Error('validate boom'); } }],"));
    const answers = join(tempDir(), 'answers.json');
    writeFileSync(answers, JSON.stringify({ 'open.mood': 'calm', 'close.code': 'resolved' }));
    const result = await runCliAsync(['start', '--playbook', file, '--answers', answers], { env: { CSR_CALL_HOME: tempDir() } });
    expectOneLineError(result, 'playbook billing-desk: step "code" validate failed: validate boom; fix the playbook, then: run it again');
  });

  it.concurrent('several problems: each on its own line, then a summary', async () => {
    const file = writePlaybook('many.ts', broken("id: 'close'", "id: 'open'").replace(", choices: [...OUTCOMES]", ''));
    const result = await runCliAsync(['playbooks', 'validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        `${file}: stages[1].id: duplicate stage id "open" (also stages[0].id); stage ids must be unique`,
        `${file}: stages[1].steps[0].choices: a choice step needs at least one choice`,
        `csr-call: ${file}: not a valid playbook (2 problems above)`,
        '',
      ].join('\n'),
    );
  });

  it.concurrent('a good file: ok with id, version and counts', async () => {
    const file = writePlaybook('good.ts', VALID);
    const result = await runCliAsync(['playbooks', 'validate', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`ok: ${file} (billing-desk v2.1, 2 stages, 2 steps)\n`);
    expect(result.status).toBe(0);
  });

  it.concurrent("a copy of a built-in that kept its id is refused: it would pass for the built-in in every list", async () => {
    const file = writePlaybook('mystd.ts', broken("id: 'billing-desk'", "id: 'standard'"));
    expectOneLineError(await runCliAsync(['playbooks', 'validate', file]), `${file}: id: "standard" is already used by a built-in playbook; give this playbook its own id`);
  });

  it.concurrent("what a playbook prints with console.log goes to stderr: --json on stdout stays JSON", async () => {
    const file = writePlaybook('noisy.ts', `console.log('hello from the playbook');\n${VALID}`);
    const result = await runCliAsync(['playbooks', 'validate', file, '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    expect(result.stderr).toContain('hello from the playbook');
  });

  it.concurrent('the built-in playbook sources validate too', async () => {
    const result = await runCliAsync(['playbooks', 'validate', 'playbooks/standard.ts'], { cwd: REPO });
    expect(result.stdout).toMatch(/^ok: playbooks\/standard\.ts \(standard v[\d.]+, \d+ stages, \d+ steps\)\n$/);
    expect(result.status).toBe(0);
  });
});

describe('playbooks list and show', () => {
  it.concurrent("lists a user's playbook importing 'csr-call' and a broken one with its problem, exit 0 with a warning", async () => {
    const dir = join(tempDir('csr-call-home-'), 'playbooks');
    mkdirSync(dir);
    const good = writePlaybook('billing.ts', VALID, dir);
    const bad = writePlaybook('zz-broken.ts', broken(", choices: [...OUTCOMES]", ''), dir);
    const env = { CSR_CALL_PLAYBOOKS: dir };
    const [result, listed, shown] = await Promise.all([
      runCliAsync(['playbooks'], { env }),
      runCliAsync(['playbooks', 'list', '--json'], { env }),
      runCliAsync(['playbooks', 'show', 'billing-desk', '--json'], { env }),
    ]);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    for (const id of ['standard', 'irate', 'callback']) expect(lines.some((line) => new RegExp(`^  ${id}\\s.*built-in$`).test(line)), id).toBe(true);
    expect(lines).toContain(`Yours (${dir})`);
    expect(lines.some((line) => /^  billing-desk\s+Billing desk\s+/.test(line) && line.endsWith(good))).toBe(true);
    expect(lines).toContain(`  ✗ ${bad}: stages[1].steps[0].choices: a choice step needs at least one choice`);
    expect(result.stderr).toBe('csr-call: warning: 1 playbook file could not be loaded (see the problem listed)\n');

    const json = JSON.parse(listed.stdout);
    expect(json.playbookDir).toBe(dir);
    expect(json.playbooks).toContainEqual(expect.objectContaining({ ok: true, id: 'billing-desk', kind: 'user', source: good, version: '2.1', steps: 2 }));
    expect(json.playbooks).toContainEqual({ ok: false, source: bad, problem: expect.stringContaining('stages[1].steps[0].choices') });

    // ...and it can be shown (and so started) by its id.
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'billing-desk', kind: 'user', source: good, stages: [{ id: 'open' }, { id: 'close', tip: '(depends on answers)' }] });
  });

  it.concurrent('show standard --json: every step with its full id, type, choices and required flag', async () => {
    const result = await runCliAsync(['playbooks', 'show', 'standard', '--json']);
    expect(result.status).toBe(0);
    const description = JSON.parse(result.stdout);
    const steps = description.stages.flatMap((stage: { id: string; steps: Array<{ id: string }> }) => {
      for (const step of stage.steps) expect(step.id.startsWith(`${stage.id}.`)).toBe(true);
      return stage.steps;
    });
    const ids = steps.map((step: { id: string }) => step.id);
    expect(ids).toEqual(expect.arrayContaining(['identify.name', 'readback.paraphrase', 'readback.category', 'facts.until', 'decide.handoff', 'resolve.options', 'resolve.chosen', 'outcome.code', 'followup.due']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(steps.length).toBeGreaterThanOrEqual(15);
    // Every step has every key: an absent value is null, not a missing key.
    const keys = Object.keys(steps[0]).sort();
    for (const step of steps) {
      expect(Object.keys(step).sort()).toEqual(keys);
      expect(step).toEqual(expect.objectContaining({ question: expect.any(String), type: expect.any(String), required: expect.any(Boolean), hasCondition: expect.any(Boolean) }));
      if ((step.type === 'choice' || step.type === 'multichoice') && !step.choicesFromCall) expect(step.choices.length).toBeGreaterThan(0);
    }
    // The option chosen is one of those offered on the call, not a fixed list.
    expect(steps.find((step: { id: string }) => step.id === 'resolve.chosen')).toMatchObject({ type: 'choice', choicesFromCall: 'the options offered' });
    expect(steps.find((step: { id: string }) => step.id === 'outcome.code')).toMatchObject({ required: true, type: 'choice' });
  });

  it.concurrent('show standard: stages with tips, steps with their full ids and choices, readable', async () => {
    const result = await runCliAsync(['playbooks', 'show', 'standard']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Support call \(standard v[\d.]+, built-in\)\n/);
    expect(result.stdout).toMatch(/^1\/10 Open and identify \[identify\]\n {3}Tip: .+\n {3}identify\.name {2}text, optional, → customer\.name\n {7}Caller's name\n/m);
    expect(result.stdout).toContain('   outcome.code  choice, required, → outcome\n');
    expect(result.stdout).toMatch(/decide\.handoff {2}longtext, required, conditional, → escalation\.handoff/);
    expect(result.stdout).toContain('choices: solve (Yes, I can solve it), escalate (No, escalate or hand over)');
    // The customer's zone, asked once, and the dates read in it (issue 15, item 13).
    expect(result.stdout).toContain('   identify.zone  text, optional, → customer.zone\n');
    expect(result.stdout).toContain("   followup.due  datetime, required, conditional, → followup.due, in the customer's zone\n");
  });

  it.concurrent('show with a typo: exit 2, one line, the nearest name', async () => {
    const result = await runCliAsync(['playbooks', 'show', 'irat'], { env: { CSR_CALL_PLAYBOOKS: join(tempDir(), 'none') } });
    expectOneLineError(result, 'unknown playbook "irat" (did you mean "irate"?); available: standard, irate, callback, sales, or the path of a .ts file');
  });
});

describe("the compile cache of a user's playbook", () => {
  const cacheFiles = (home: string) => {
    const dir = join(home, 'cache', 'playbooks');
    return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.mjs')).map((name) => join(dir, name)) : [];
  };

  it.concurrent('compiles once into <dataDir>/cache/playbooks (private), follows edits, and may be deleted', async () => {
    const home = join(tempDir('csr-call-home-'), 'data');
    const env = { CSR_CALL_HOME: home };
    const file = writePlaybook('desk.ts', VALID);
    const ok = (version: string) => ({ status: 0, stdout: `ok: ${file} (billing-desk v${version}, 2 stages, 2 steps)\n`, stderr: '' });

    expect(await runCliAsync(['playbooks', 'validate', file], { env })).toEqual(ok('2.1'));
    const [entry] = cacheFiles(home);
    expect(cacheFiles(home)).toHaveLength(1);
    expect(statSync(entry!).mode & 0o777).toBe(0o600);
    // 'csr-call' now points at the program's own module: no node_modules needed beside it.
    expect(readFileSync(entry!, 'utf8')).not.toMatch(/["']csr-call["']/);
    expect(await runCliAsync(['playbooks', 'validate', file], { env })).toEqual(ok('2.1'));

    // An edit is seen at once, and replaces the old entry.
    writeFileSync(file, broken("version: '2.1'", "version: '2.2'"));
    expect(await runCliAsync(['playbooks', 'validate', file], { env })).toEqual(ok('2.2'));
    expect(cacheFiles(home)).toHaveLength(1);
    expect(cacheFiles(home)[0]).not.toBe(entry);

    // An edit that breaks it is reported exactly as without a cache.
    writeFileSync(file, broken("version: '2.1',", "version: '2.1',,"));
    expectOneLineError(await runCliAsync(['playbooks', 'validate', file], { env }), `${file}:7:18: Expected identifier but found ","`);

    // Deleting the cache changes nothing but the time taken.
    writeFileSync(file, VALID);
    rmSync(join(home, 'cache'), { recursive: true, force: true });
    expect(await runCliAsync(['playbooks', 'validate', file], { env })).toEqual(ok('2.1'));
    expect(cacheFiles(home)).toHaveLength(1);
  });

  it.concurrent('a playbook importing a file beside it still loads (through tsx, not cached)', async () => {
    const home = join(tempDir('csr-call-home-'), 'data');
    const dir = tempDir('csr-call-pb-');
    writePlaybook('parts.ts', `export const tip = 'Smile.';\n`, dir);
    const file = writePlaybook('split.ts', VALID.replace("tip: 'Smile.'", 'tip').replace("from 'csr-call';", "from 'csr-call';\nimport { tip } from './parts.js';"), dir);
    const result = await runCliAsync(['playbooks', 'validate', file], { env: { CSR_CALL_HOME: home } });
    expect(result).toEqual({ status: 0, stdout: `ok: ${file} (billing-desk v2.1, 2 stages, 2 steps)\n`, stderr: '' });
    expect(cacheFiles(home)).toEqual([]);
  });
});

describe('a built-in playbook copied into the playbook folder, as the README suggests (issue 15, item 4)', () => {
  /** An answer of the step's type, for the steps an answers file must answer. */
  const answerFor = (step: { type: string; choices?: Array<{ value: string }> }): unknown =>
    ({ text: 'x', longtext: 'x', choice: step.choices?.[0]?.value, multichoice: [step.choices?.[0]?.value], yesno: false, date: 'tomorrow', datetime: 'tomorrow 10:00', number: 1, list: ['x'] })[step.type];

  it.concurrent.each(['standard', 'irate', 'callback', 'sales'])('%s runs under a new id, importing csr-call like anyone', async (id) => {
    const home = join(tempDir('csr-call-home-'), 'data');
    const dir = tempDir('csr-call-pb-');
    const source = readFileSync(join(REPO, 'playbooks', `${id}.ts`), 'utf8');
    expect(source).toContain("from 'csr-call'");
    const copy = writePlaybook(`my-${id}.ts`, source.replace(`id: '${id}'`, `id: 'my-${id}'`), dir);
    const env = { CSR_CALL_HOME: home, CSR_CALL_PLAYBOOKS: dir };

    const shown = await runCliAsync(['playbooks', 'show', `my-${id}`, '--json'], { env });
    expect(shown.stderr).toBe('');
    const steps = (JSON.parse(shown.stdout).stages as Array<{ steps: Array<{ id: string; type: string; required: boolean; choices?: Array<{ value: string }> }> }>).flatMap((s) => s.steps);
    const answers = Object.fromEntries(steps.filter((step) => step.required).map((step) => [step.id, answerFor(step)]));
    const answersFile = writePlaybook('answers.json', JSON.stringify(answers), dir);

    const started = await runCliAsync(['start', '--playbook', `my-${id}`, '--answers', answersFile], { env });
    expect(started.stderr).not.toMatch(/cannot load|error/i);
    expect(started.status).toBe(0);
    expect(started.stdout).toContain(`playbook my-${id} v`);
    const [file] = readdirSync(join(home, 'calls'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'));
    expect(JSON.parse(readFileSync(join(home, 'calls', file!), 'utf8')).playbook).toMatchObject({ id: `my-${id}`, source: copy });
  });
});

describe("the README's playbook example (issue 15, item 3)", () => {
  it.concurrent('works as printed: it validates, and its promise lands in the call with a check follow-up', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const example = /## Writing a playbook[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("meaning: 'promise.due'");
    const dir = tempDir('csr-call-pb-');
    const file = writePlaybook('returns.ts', example!, dir);
    const env = { CSR_CALL_HOME: join(dir, 'data'), CSR_CALL_PLAYBOOKS: dir };
    expect(await runCliAsync(['playbooks', 'validate', file], { env })).toMatchObject({ status: 0, stderr: '' });

    const answers = writePlaybook('answers.json', JSON.stringify({ 'identify.order': 'A-1', 'close.outcome': 'resolved', 'close.when': '2030-01-04 17:00' }), dir);
    const started = await runCliAsync(['start', '--playbook', 'returns', '--answers', answers], { env });
    expect(started).toMatchObject({ status: 0, stderr: '' });
    const [name] = readdirSync(join(dir, 'data', 'calls'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json'));
    const call = JSON.parse(readFileSync(join(dir, 'data', 'calls', name!), 'utf8'));
    expect(call.promises).toEqual([expect.objectContaining({ text: 'A prepaid return label by email', due: expect.stringMatching(/^2030-01-04T/) })]);
    expect(call.followups).toEqual([expect.objectContaining({ text: 'Check this promise was kept: A prepaid return label by email' })]);
  });
});
