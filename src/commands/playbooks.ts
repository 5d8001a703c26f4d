/**
 * `csr-call playbooks [list]`, `playbooks show NAME`, `playbooks validate FILE`.
 */
import { mkdtemp, rm, writeFile } from '../asyncFs.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { resolvePlaybookDir } from '../paths.js';
import { colorsFor } from '../render/colors.js';
import { oneLine, sanitizeForTerminal } from '../render/terminalText.js';
import {
  describePlaybook,
  findPlaybook,
  listPlaybooks,
  loadPlaybookFile,
  PlaybookError,
  type ListedPlaybook,
  type StepDescription,
} from '../playbook/loadPlaybook.js';
import { UserError } from '../errors.js';
import type { Playbook } from '../playbook/types.js';
import type { OptionsOf } from '../commandSpec.js';
import type { playbooksListOptions, playbooksShowOptions, playbooksValidateOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { STDIN } from '../prompt/textSources.js';
import { noun, plural } from '../text/plural.js';

export type PlaybooksListOptions = OptionsOf<typeof playbooksListOptions>;
export type PlaybooksShowOptions = OptionsOf<typeof playbooksShowOptions>;
export type PlaybooksValidateOptions = OptionsOf<typeof playbooksValidateOptions>;

const stepCount = (playbook: Playbook) => playbook.stages.reduce((sum, stage) => sum + stage.steps.length, 0);

export async function playbooksListCommand(opts: PlaybooksListOptions, ctx: Context): Promise<void> {
  const dir = resolvePlaybookDir(ctx.env);
  const listed = await listPlaybooks({ ...ctx.env, CSR_CALL_HOME: ctx.dataDir });
  const broken = listed.filter((entry): entry is Extract<ListedPlaybook, { ok: false }> => !entry.ok);

  if (opts.json) {
    const playbooks = listed.map((entry) =>
      entry.ok
        ? {
            ok: true,
            id: entry.playbook.id,
            title: entry.playbook.title,
            description: entry.playbook.description,
            version: entry.playbook.version,
            kind: entry.kind,
            source: entry.source,
            stages: entry.playbook.stages.length,
            steps: stepCount(entry.playbook),
          }
        : { ok: false, source: entry.source, problem: entry.problem },
    );
    writeJson(ctx, { playbookDir: dir, playbooks });
  } else {
    const c = colorsFor(ctx.stdout, ctx.env);
    const good = listed.filter((entry): entry is Extract<ListedPlaybook, { ok: true }> => entry.ok);
    const idWidth = Math.max(8, ...good.map((entry) => entry.playbook.id.length));
    const titleWidth = Math.max(10, ...good.map((entry) => Math.min(32, entry.playbook.title.length)));
    const row = (entry: Extract<ListedPlaybook, { ok: true }>, where: string) =>
      `  ${c.bold(oneLine(entry.playbook.id).padEnd(idWidth))}  ${oneLine(entry.playbook.title, 32).padEnd(titleWidth)}  ${c.dim(where)}\n`;

    let out = `${c.bold('Built-in')}\n`;
    for (const entry of good.filter((e) => e.kind === 'built-in')) out += row(entry, 'built-in');
    out += `\n${c.bold('Yours')} ${c.dim(`(${sanitizeForTerminal(dir, { keepNewlines: false })})`)}\n`;
    const own = good.filter((e) => e.kind !== 'built-in');
    for (const entry of own) out += row(entry, sanitizeForTerminal(entry.source, { keepNewlines: false }));
    for (const entry of broken) out += `  ${c.red('✗')} ${oneLine(entry.problem)}\n`;
    if (own.length === 0 && broken.length === 0) {
      out += `  none yet: put .ts playbook files in this folder, or set CSR_CALL_PLAYBOOKS to another one\n`;
    }
    out += `\n${c.dim('Use one: csr-call start --playbook <id>   See its steps: csr-call playbooks show <id>')}\n`;
    ctx.stdout.write(out);
  }
  if (broken.length > 0) {
    ctx.warn(`${plural(broken.length, 'playbook file')} could not be loaded (see the ${noun(broken.length, 'problem')} listed)`);
  }
}

export async function playbooksShowCommand(name: string, opts: PlaybooksShowOptions, ctx: Context): Promise<void> {
  const loaded = await findPlaybook(name, { ...ctx.env, CSR_CALL_HOME: ctx.dataDir });
  const description = describePlaybook(loaded.playbook);
  if (opts.json) {
    writeJson(ctx, { ...description, stages: description.stages.map((stage) => ({ ...stage, steps: stage.steps.map(stepJson) })), kind: loaded.kind, source: loaded.source });
    return;
  }
  const c = colorsFor(ctx.stdout, ctx.env);
  const clean = (text: string) => sanitizeForTerminal(text, { keepNewlines: false });
  const where = loaded.kind === 'built-in' ? 'built-in' : loaded.source;
  let out = `${c.bold(clean(description.title))} ${c.dim(`(${clean(description.id)} v${clean(description.version)}, ${clean(where)})`)}\n`;
  out += `${clean(description.description)}\n`;
  const total = description.stages.length;
  description.stages.forEach((stage, index) => {
    const playbookStage = loaded.playbook.stages[index]!;
    // A computed tip is shown as it reads before any answer, and marked as such.
    const tip = typeof playbookStage.tip === 'function' ? `${String(playbookStage.tip({}))} ${c.dim('(changes with the answers)')}` : stage.tip;
    out += `\n${c.bold(`${index + 1}/${total} ${clean(stage.title)}`)} ${c.dim(`[${stage.id}]${stage.hasCondition ? ' only when earlier answers call for it' : ''}`)}\n`;
    out += `   ${c.cyan('Tip:')} ${clean(tip)}\n`;
    for (const step of stage.steps) out += describeStepLines(step, c).map((line) => `   ${line}\n`).join('');
  });
  const steps = description.stages.reduce((sum, stage) => sum + stage.steps.length, 0);
  out += `\n${c.dim(`${plural(total, 'stage')}, ${plural(steps, 'step')}. An --answers file uses the step ids above as keys.`)}\n`;
  ctx.stdout.write(out);
}

/** A step in `--json`: every key always there, an absent value null (the README's rule for --json). */
function stepJson(step: StepDescription) {
  return {
    id: step.id,
    question: step.question,
    type: step.type,
    required: step.required,
    hasCondition: step.hasCondition,
    meaning: step.meaning ?? null,
    choices: step.choices?.map((choice) => ({ value: choice.value, label: choice.label, hint: choice.hint ?? null })) ?? null,
    choicesFromCall: step.choicesFromCall ?? null,
    hint: step.hint ?? null,
    zone: step.zone ?? null,
    formerly: step.formerly ?? null,
    default: step.default ?? null,
    hasComputedDefault: step.hasComputedDefault === true,
  };
}

function describeStepLines(step: StepDescription, c: ReturnType<typeof colorsFor>): string[] {
  const clean = (text: string) => sanitizeForTerminal(text, { keepNewlines: false });
  const facts = [step.type, step.required ? c.yellow('required') : 'optional'];
  if (step.hasCondition) facts.push('conditional');
  if (step.meaning) facts.push(`→ ${step.meaning}`);
  if (step.zone === 'customer') facts.push("in the customer's zone");
  const lines = [`${c.bold(step.id)}  ${c.dim(facts.join(', '))}`, `    ${clean(step.question)}`];
  if (step.choices) {
    const choices = step.choices.map((choice) => (choice.label === choice.value ? choice.value : `${choice.value} (${choice.label})`));
    lines.push(`    ${c.dim('choices:')} ${clean(choices.join(', '))}`);
  }
  if (step.choicesFromCall) lines.push(`    ${c.dim(`choices: ${step.choicesFromCall} on the call`)}`);
  if (step.formerly) lines.push(`    ${c.dim(`formerly: ${clean(step.formerly.join(', '))} (answers files may still use it)`)}`);
  if (step.default !== undefined) lines.push(`    ${c.dim('default:')} ${clean(JSON.stringify(step.default))}`);
  else if (step.hasComputedDefault) lines.push(`    ${c.dim('default: computed from earlier answers')}`);
  if (step.hint) lines.push(`    ${c.dim('hint:')} ${clean(step.hint)}`);
  return lines;
}

/**
 * `playbooks validate FILE` (`-`: the playbook read from standard input, checked in a
 * private temporary folder, its compiled copy with it). `--json`: the report as one object,
 * a bad playbook's problems included (exit 2 all the same).
 */
export async function playbooksValidateCommand(file: string, opts: PlaybooksValidateOptions, ctx: Context): Promise<void> {
  const fromStdin = file === STDIN;
  const shownFile = fromStdin ? 'standard input' : file;
  let playbook: Playbook;
  try {
    playbook = fromStdin ? await validateStandardInput(ctx) : await loadPlaybookFile(file);
  } catch (error) {
    if (!(error instanceof PlaybookError)) throw error;
    if (opts.json) writeJson(ctx, { file: shownFile, ok: false, problems: error.problems, playbook: null });
    // Several problems: list them all (one per line), then fail with a summary line.
    if (error.problems.length > 1) {
      if (!opts.json) for (const problem of error.problems) ctx.stderr.write(`${oneLine(problem)}\n`);
      throw new UserError(`${error.file}: not a valid playbook (${error.problems.length} problems ${opts.json ? 'in the JSON above' : 'above'})`, 2);
    }
    throw error;
  }
  const stages = playbook.stages.length;
  const steps = stepCount(playbook);
  if (opts.json) {
    writeJson(ctx, { file: shownFile, ok: true, problems: [], playbook: { id: playbook.id, title: playbook.title, version: playbook.version, stages, steps } });
    return;
  }
  ctx.stdout.write(`ok: ${oneLine(shownFile)} (${oneLine(playbook.id)} v${oneLine(playbook.version)}, ${plural(stages, 'stage')}, ${plural(steps, 'step')})\n`);
}

/** The playbook on standard input, checked as a file of its own; its problems name "standard input". */
async function validateStandardInput(ctx: Context): Promise<Playbook> {
  const { readStandardInput } = await import('../prompt/textSources.js');
  const source = await readStandardInput(ctx, 'playbooks validate');
  const dir = await mkdtemp(join(tmpdir(), 'csr-call-playbook-'));
  const path = join(dir, 'standard-input.ts');
  try {
    await writeFile(path, source, { mode: 0o600 });
    // Its compiled copy goes in the same folder, removed with it.
    return await loadPlaybookFile(path, { ...ctx.env, CSR_CALL_HOME: join(dir, 'data') });
  } catch (error) {
    if (error instanceof PlaybookError) {
      const named = (text: string) => text.split(path).join('standard input');
      throw new PlaybookError('standard input', error.problems.map(named));
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
