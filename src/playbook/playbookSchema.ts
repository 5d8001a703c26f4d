/**
 * Checks a loaded playbook before anyone relies on it: first its shape (zod), then what
 * a shape cannot say — unique ids, choices that fit the step type, defaults that fit
 * their step, and author functions that do not throw before any answer is given.
 * Every problem is a line `<file>: <path.to.field>: <message>`.
 */
import { closestMatch } from '../text/closestMatch.js';
import { noun } from '../text/plural.js';
import { parseWhen } from '../dates/parseWhen.js';
import { parseTimeZone } from '../dates/zone.js';
import * as z from '../zod.js';
import { UserError, formatIssuePath } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import { COACHING_RULE_IDS, MEANINGS, STEP_TYPES, type AnswerValue, type Playbook, type Solution, type Stage, type Step } from './types.js';

/** Playbook, stage and step ids: they appear in `stage.step` keys and on the command line. */
export const ID_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** A playbook that cannot be used; `problems` holds every line, `message` the first. */
export class PlaybookError extends UserError {
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    const [first = `${file}: not a usable playbook`, ...rest] = problems;
    // One line for the agent; `playbooks validate` prints them all.
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${noun(rest.length, 'problem')}: csr-call playbooks validate ${file})`;
    super(`${first}${more}`, 2);
    this.name = 'PlaybookError';
    this.file = file;
    this.problems = problems;
  }
}

export interface PlaybookProblem {
  path: PropertyKey[];
  message: string;
}

// ---------------------------------------------------------------------------------------
// Shape

const FIELDS = {
  playbook: ['id', 'title', 'description', 'version', 'stages', 'solutions', 'coaching'],
  stage: ['id', 'title', 'tip', 'steps', 'when'],
  step: ['id', 'question', 'type', 'choices', 'required', 'default', 'when', 'validate', 'meaning', 'hint', 'zone', 'formerly'],
  choice: ['value', 'label', 'hint'],
  solution: ['id', 'title', 'categories', 'script', 'needs', 'promises'],
} as const;

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

const text = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `missing: ${what}` : `must be text (${what}), not ${kindOf(issue.input)}`) })
    .check(z.refine((value) => value.trim() !== '', `must not be empty (${what})`));

const optionalText = (what: string) => z.optional(z.string({ error: (issue) => `must be text (${what}), not ${kindOf(issue.input)}` }));

const id = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `missing: ${what}` : `must be text (${what}), not ${kindOf(issue.input)}`) })
    .check(
      z.regex(ID_PATTERN, {
        error: (issue) =>
          `"${oneLine(String(issue.input), 40)}" is not a valid id: use lowercase letters, digits, "-" and "_", starting with a letter (like "check-account")`,
      }),
    );

const authorFunction = (what: string) =>
  z.optional(z.custom<(...args: never[]) => unknown>(isFunction, { error: (issue) => `must be a function ${what}, not ${kindOf(issue.input)}` }));

// A plain-text choice is short for { value }, so both forms get the same checks and messages.
const Choice = z.pipe(
  z.transform((value: unknown) => (typeof value === 'string' ? { value } : value)),
  z.strictObject(
    { value: text('the value stored when chosen'), label: optionalText('what the agent sees'), hint: optionalText('a short explanation') },
    { error: (issue) => (issue.code === 'invalid_type' ? `a choice is text or { value, label?, hint? }, not ${kindOf(issue.input)}` : undefined) },
  ),
);

const Step = z.strictObject(
  {
  id: id('the step id'),
  question: text('the question the agent reads'),
  type: z.enum(STEP_TYPES, {
    error: (issue) =>
      issue.input === undefined
        ? `missing: the step type (one of ${STEP_TYPES.join(', ')})`
        : `unknown step type ${JSON.stringify(issue.input)}${suggestion(issue.input, STEP_TYPES)}; accepted: ${STEP_TYPES.join(', ')}`,
  }),
  choices: z.optional(z.array(Choice, { error: (issue) => `must be a list of choices, not ${kindOf(issue.input)}` })),
  required: z.optional(z.boolean({ error: (issue) => `must be true or false, not ${kindOf(issue.input)}` })),
  default: z.optional(
    z.custom<AnswerValue | ((...args: never[]) => unknown)>(
      (value) =>
        value === null ||
        isFunction(value) ||
        ['string', 'number', 'boolean'].includes(typeof value) ||
        (Array.isArray(value) && value.every((item) => typeof item === 'string')),
      { error: (issue) => `must be an answer value (text, number, true/false, a list of texts) or a function of the answers, not ${kindOf(issue.input)}` },
    ),
  ),
  when: authorFunction('of the answers so far returning true or false'),
  validate: authorFunction('of the answer returning true or a message'),
  meaning: z.optional(
    z.enum(MEANINGS, {
      error: (issue) => `unknown meaning ${JSON.stringify(issue.input)}${suggestion(issue.input, MEANINGS)}; accepted: ${MEANINGS.join(', ')}`,
    }),
  ),
  hint: optionalText('a short hint shown under the question'),
  zone: z.optional(z.literal('customer', { error: (issue) => `must be 'customer' (dates read in the customer's zone), not ${kindOf(issue.input)}` })),
  formerly: z.optional(z.array(text('a full step id this step had before, like "wrapup.category"'), { error: (issue) => `must be a list of full step ids, not ${kindOf(issue.input)}` })),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? `a step is an object ({ id, question, type, ... }), not ${kindOf(issue.input)}` : undefined) },
);

const Stage = z.strictObject(
  {
  id: id('the stage id'),
  title: text('the stage title'),
  tip: z.custom<Stage['tip']>((value) => (typeof value === 'string' && value.trim() !== '') || isFunction(value), {
    error: (issue) =>
      issue.input === undefined
        ? 'missing: the coaching tip shown before the stage (text, or a function of the answers returning text)'
        : `must be text or a function of the answers returning text, not ${kindOf(issue.input)}`,
  }),
  steps: z
    .array(Step, { error: (issue) => (issue.input === undefined ? 'missing: the steps of this stage' : `must be a list of steps, not ${kindOf(issue.input)}`) })
    .check(z.minLength(1, 'a stage needs at least one step')),
  when: authorFunction('of the answers so far returning true or false'),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? `a stage is an object ({ id, title, tip, steps }), not ${kindOf(issue.input)}` : undefined) },
);

/** A prepared solution, in a playbook's `solutions` or a team's solutions file. */
export const SolutionSchema = z.strictObject(
  {
    id: id('the solution id'),
    title: text('what the solution is, in a few words'),
    categories: z
      .array(text('a problem category'), { error: (issue) => (issue.input === undefined ? 'missing: the categories it fits (like ["billing"])' : `must be a list of categories, not ${kindOf(issue.input)}`) })
      .check(z.minLength(1, 'a solution fits at least one category')),
    script: text('one line of what to say'),
    needs: optionalText('what it takes, like "refund ≤ $50"'),
    promises: z.optional(
      z.strictObject(
        { text: text('what choosing it promises'), due: text('by when, like "+5d" or "fri 17:00"') },
        { error: (issue) => (issue.code === 'invalid_type' ? `must be { text, due }, not ${kindOf(issue.input)}` : undefined) },
      ),
    ),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? `a solution is an object ({ id, title, categories, script, needs?, promises? }), not ${kindOf(issue.input)}` : undefined) },
);

export const SolutionListSchema = z.array(SolutionSchema, { error: (issue) => `must be a list of solutions, not ${kindOf(issue.input)}` });

/** The shape of a playbook module's default export. */
export const PlaybookSchema = z.strictObject(
  {
    id: id('the playbook id used on the command line'),
    title: text('the playbook title'),
    description: text('what the playbook is for'),
    version: text('the playbook version, like "1.0"'),
    stages: z
      .array(Stage, { error: (issue) => (issue.input === undefined ? 'missing: the stages' : `must be a list of stages, not ${kindOf(issue.input)}`) })
      .check(z.minLength(1, 'a playbook needs at least one stage')),
    solutions: z.optional(SolutionListSchema),
    coaching: z.optional(
      z.strictObject(
        {
          off: z.optional(
            z.array(
              z.enum(COACHING_RULE_IDS, {
                error: (issue) => `unknown coaching rule ${JSON.stringify(issue.input)}${suggestion(issue.input, COACHING_RULE_IDS)}; rules: ${COACHING_RULE_IDS.join(', ')}`,
              }),
              { error: (issue) => `must be a list of coaching rule ids, not ${kindOf(issue.input)}` },
            ),
          ),
        },
        { error: (issue) => (issue.code === 'invalid_type' ? `must be { off: [rule ids] }, not ${kindOf(issue.input)}` : undefined) },
      ),
    ),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `the default export must be a playbook object ({ id, title, description, version, stages }), not ${kindOf(issue.input)}`
        : undefined,
  },
);

// ---------------------------------------------------------------------------------------
// Checks

/** Every problem with `value` as a playbook, in the order of the fields; empty when usable. */
export function checkPlaybook(value: unknown): PlaybookProblem[] {
  const parsed = PlaybookSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.flatMap(shapeProblems);
  // Check the author's own objects, so functions are called exactly as the engine will.
  const playbook = value as Playbook;
  const problems: PlaybookProblem[] = [];
  const stageIds = new Map<string, number>();
  playbook.stages.forEach((stage, s) => {
    const at = (...rest: PropertyKey[]) => ['stages', s, ...rest];
    const earlier = stageIds.get(stage.id);
    if (earlier !== undefined) problems.push({ path: at('id'), message: `duplicate stage id "${stage.id}" (also stages[${earlier}].id); stage ids must be unique` });
    else stageIds.set(stage.id, s);
    if (stage.when) checkWhen(stage.when, at('when'), problems);
    if (isFunction(stage.tip)) {
      const tip = callWithNoAnswers(stage.tip);
      if (!tip.ok) problems.push({ path: at('tip'), message: throwsMessage(tip.error) });
      else if (typeof tip.value !== 'string') problems.push({ path: at('tip'), message: `must return text; with no answers ({}) it returned ${kindOf(tip.value)}` });
    }
    const stepIds = new Map<string, number>();
    stage.steps.forEach((step, t) => {
      const stepAt = (...rest: PropertyKey[]) => at('steps', t, ...rest);
      const earlierStep = stepIds.get(step.id);
      if (earlierStep !== undefined) {
        problems.push({ path: stepAt('id'), message: `duplicate step id "${step.id}" in stage "${stage.id}" (also steps[${earlierStep}].id); step ids must be unique within a stage` });
      } else stepIds.set(step.id, t);
      checkStep(step, stepAt, problems);
    });
  });
  checkMeaningPairs(playbook, problems);
  checkFormerIds(playbook, problems);
  checkSolutions(playbook.solutions ?? [], ['solutions'], problems);
  return problems;
}

/** A step's former ids name no step of the playbook as it is, and no two steps share one. */
function checkFormerIds(playbook: Playbook, problems: PlaybookProblem[]): void {
  const current = new Set(playbook.stages.flatMap((stage) => stage.steps.map((step) => `${stage.id}.${step.id}`)));
  const seen = new Set<string>();
  playbook.stages.forEach((stage, s) =>
    stage.steps.forEach((step, t) =>
      (step.formerly ?? []).forEach((former, f) => {
        const at = ['stages', s, 'steps', t, 'formerly', f];
        if (current.has(former)) problems.push({ path: at, message: `"${former}" is the id of a step of this playbook: a former id must be one no step has now` });
        else if (seen.has(former)) problems.push({ path: at, message: `"${former}" is a former id of another step too` });
        seen.add(former);
      }),
    ),
  );
}

/** What a shape cannot say of a list of solutions: unique ids, and a promise's due readable as a date. */
export function checkSolutions(solutions: readonly Solution[], at: PropertyKey[], problems: PlaybookProblem[]): void {
  const seen = new Map<string, number>();
  solutions.forEach((solution, i) => {
    const earlier = seen.get(solution.id);
    if (earlier !== undefined) problems.push({ path: [...at, i, 'id'], message: `duplicate solution id "${solution.id}" (also ${formatIssuePath([...at, earlier])}); solution ids must be unique` });
    else seen.set(solution.id, i);
    if (solution.promises) {
      try {
        parseWhen(solution.promises.due, { now: new Date(), timeZone: 'UTC', fuzzy: false });
      } catch (error) {
        problems.push({ path: [...at, i, 'promises', 'due'], message: `not a date csr-call reads: ${(error as Error).message}` });
      }
    }
  });
}

/**
 * Meanings that only land in the record together, in playbook order: a `promise.due` dates
 * the promise of the `promise.text` step before it, a `followup.due` and a
 * `followup.repeatDays` the follow-up of the `followup.text` before it. Without its text a
 * date has nothing to land on (it was silently lost); a text without a date makes a
 * promise nobody checks or a callback due at no time anyone chose.
 */
const PAIRS = [
  { text: 'promise.text', due: 'promise.due', what: 'promise' },
  { text: 'followup.text', due: 'followup.due', what: 'follow-up' },
] as const;

function checkMeaningPairs(playbook: Playbook, problems: PlaybookProblem[]): void {
  const steps = playbook.stages.flatMap((stage, s) => stage.steps.map((step, t) => ({ meaning: step.meaning, path: ['stages', s, 'steps', t, 'meaning'] })));
  for (const { text, due, what } of PAIRS) {
    // The text step whose date is still to come, and whether one came.
    let open: { path: PropertyKey[]; dated: boolean } | undefined;
    const closeOpen = () => {
      if (open && !open.dated) {
        problems.push({ path: open.path, message: `"${text}" has no "${due}" step after it (before the next "${text}"): every ${what} needs its date; add a date or datetime step with meaning "${due}"` });
      }
    };
    for (const step of steps) {
      if (step.meaning === text) {
        closeOpen();
        open = { path: step.path, dated: false };
      } else if (step.meaning === due || (step.meaning === 'followup.repeatDays' && due === 'followup.due')) {
        if (open) {
          if (step.meaning === due) open.dated = true;
        } else {
          problems.push({ path: step.path, message: `"${step.meaning}" belongs to the ${what} of a "${text}" step before it, and there is none: the answer would be lost; add a step with meaning "${text}" before this one` });
        }
      }
    }
    closeOpen();
  }
}

/** A team's list of solutions, or a PlaybookError naming `file` and every problem. */
export function assertSolutions(value: unknown, file: string): Solution[] {
  const parsed = SolutionListSchema.safeParse(value);
  const problems = parsed.success ? [] : parsed.error.issues.flatMap(shapeProblems);
  if (parsed.success) checkSolutions(value as Solution[], [], problems);
  if (problems.length > 0) throw new PlaybookError(file, problems.map((problem) => formatProblem(file, problem)));
  return value as Solution[];
}

/** The playbook, or a PlaybookError naming `file` and every problem. */
export function assertPlaybook(value: unknown, file: string): Playbook {
  const problems = checkPlaybook(value);
  if (problems.length > 0) throw new PlaybookError(file, problems.map((problem) => formatProblem(file, problem)));
  return value as Playbook;
}

export function formatProblem(file: string, problem: PlaybookProblem): string {
  return `${file}: ${formatIssuePath(problem.path)}: ${oneLine(problem.message)}`;
}

function checkStep(step: Step, at: (...rest: PropertyKey[]) => PropertyKey[], problems: PlaybookProblem[]): void {
  const isChoice = step.type === 'choice' || step.type === 'multichoice';
  const values = (step.choices ?? []).map((choice) => (typeof choice === 'string' ? choice : choice.value));
  const fromCall = step.meaning === 'options.chosen' || step.meaning === 'queries.answered';
  if (fromCall) {
    const type = step.meaning === 'options.chosen' ? 'choice' : 'multichoice';
    if (step.type !== type) problems.push({ path: at('meaning'), message: `"${step.meaning}" needs a ${type} step; this step's type is "${step.type}"` });
    if (step.choices !== undefined) problems.push({ path: at('choices'), message: `a "${step.meaning}" step takes its choices from the call (${step.meaning === 'options.chosen' ? 'the options offered' : 'the questions parked'}): give it none` });
  } else if (isChoice && values.length === 0) {
    problems.push({ path: at('choices'), message: `a ${step.type} step needs at least one choice` });
  }
  const yesNo = step.meaning === 'facts.fault' || step.meaning === 'promise.made';
  if (yesNo && step.type !== 'yesno') problems.push({ path: at('meaning'), message: `"${step.meaning}" needs a yesno step; this step's type is "${step.type}"` });
  // Counted by stats and shown as codes: a word typed freely would be a row of its own.
  const coded = step.meaning === 'outcome' || step.meaning === 'mood.start' || step.meaning === 'mood.end';
  if (coded && step.type !== 'choice') problems.push({ path: at('meaning'), message: `"${step.meaning}" needs a choice step (stats counts its codes); this step's type is "${step.type}"` });
  if (step.meaning === 'hold.until' && step.type !== 'datetime') problems.push({ path: at('meaning'), message: `"hold.until" needs a datetime step; this step's type is "${step.type}"` });
  if (step.meaning === 'hold.kind') {
    const kinds = ['no', 'hold', 'back'];
    if (step.type !== 'choice') problems.push({ path: at('meaning'), message: `"hold.kind" needs a choice step (no, hold, back); this step's type is "${step.type}"` });
    values.forEach((value, c) => {
      if (!kinds.includes(value)) problems.push({ path: at('choices', c), message: `"${value}" is not a kind of time off the line: use no, hold or back` });
    });
  }
  if (!isChoice && step.choices !== undefined) {
    problems.push({ path: at('choices'), message: `only choice and multichoice steps take choices; this step's type is "${step.type}"` });
  }
  const seen = new Set<string>();
  values.forEach((value, c) => {
    if (seen.has(value)) problems.push({ path: at('choices', c), message: `duplicate choice value "${value}"; each choice needs its own value` });
    seen.add(value);
  });

  if (step.when) checkWhen(step.when, at('when'), problems);

  if (step.default !== undefined) {
    if (isFunction(step.default)) {
      const result = callWithNoAnswers(step.default);
      if (!result.ok) problems.push({ path: at('default'), message: throwsMessage(result.error) });
      else if (result.value !== undefined) {
        const wrong = defaultProblem(step, result.value, values);
        if (wrong) problems.push({ path: at('default'), message: `with no answers ({}) it returned ${wrong}` });
      }
    } else {
      const wrong = defaultProblem(step, step.default, values);
      if (wrong) problems.push({ path: at('default'), message: `is ${wrong}` });
    }
  }

  const due = step.meaning === 'promise.due' || step.meaning === 'followup.due';
  if (due && step.type !== 'date' && step.type !== 'datetime') {
    problems.push({ path: at('meaning'), message: `"${step.meaning}" needs a date or datetime step; this step's type is "${step.type}"` });
  }
  if (step.meaning === 'followup.repeatDays' && step.type !== 'number') {
    problems.push({ path: at('meaning'), message: `"followup.repeatDays" needs a number step; this step's type is "${step.type}"` });
  }
  if (step.zone !== undefined && step.type !== 'date' && step.type !== 'datetime') {
    problems.push({ path: at('zone'), message: `only date and datetime steps are read in a zone; this step's type is "${step.type}"` });
  }
  if (step.meaning === 'customer.zone') {
    if (step.type !== 'text' && step.type !== 'choice') {
      problems.push({ path: at('meaning'), message: `"customer.zone" needs a text or choice step; this step's type is "${step.type}"` });
    }
    if (typeof step.default === 'string' && !parseTimeZone(step.default)) {
      problems.push({ path: at('default'), message: `"${step.default}" is not a time zone: use an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT` });
    }
    values.forEach((value, c) => {
      if (!parseTimeZone(value)) problems.push({ path: at('choices', c), message: `"${value}" is not a time zone: use an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT` });
    });
  }
}

/** Why `value` cannot be the default of `step` ("not a number, for a number step"), or undefined when it fits. */
function defaultProblem(step: Step, value: unknown, choiceValues: readonly string[]): string | undefined {
  if (value === null) return undefined; // no default
  const list = choiceValues.map((v) => `"${v}"`).join(', ');
  switch (step.type) {
    case 'text':
    case 'longtext':
      return typeof value === 'string' ? undefined : `${kindOf(value)}, but a ${step.type} step takes text`;
    case 'date': // dates are typed the way an agent types them: "tomorrow", "+2d", "2026-12-01"
    case 'datetime': {
      if (typeof value !== 'string') return `${kindOf(value)}, but a ${step.type} step takes text`;
      // Read strictly: a misspelt word would be read as the closest one on every call.
      try {
        parseWhen(value, { now: new Date(), timeZone: 'UTC', fuzzy: false });
        return undefined;
      } catch (error) {
        return `not a date csr-call reads: ${(error as Error).message}`;
      }
    }
    case 'choice':
      if (typeof value !== 'string') return `${kindOf(value)}, but a choice step takes one choice value (${list})`;
      return choiceValues.includes(value) ? undefined : `"${value}", which is not among the choices (${list})`;
    case 'multichoice': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        return `${kindOf(value)}, but a multichoice step takes a list of choice values (${list})`;
      }
      const stray = value.find((item) => !choiceValues.includes(item));
      return stray === undefined ? undefined : `a list with "${stray}", which is not among the choices (${list})`;
    }
    case 'yesno':
      return typeof value === 'boolean' ? undefined : `${kindOf(value)}, but a yesno step takes true or false`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${kindOf(value)}, but a number step takes a number`;
    case 'list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : `${kindOf(value)}, but a list step takes a list of texts`;
  }
}

function checkWhen(when: (answers: never) => unknown, path: PropertyKey[], problems: PlaybookProblem[]): void {
  // The engine calls `when` with the answers so far; any step may have been skipped, so
  // it must cope with missing answers — checked here with none at all.
  const result = callWithNoAnswers(when);
  if (!result.ok) problems.push({ path, message: throwsMessage(result.error) });
  else if (typeof result.value !== 'boolean') {
    problems.push({ path, message: `must return true or false; with no answers ({}) it returned ${kindOf(result.value)}` });
  }
}

type CallResult = { ok: true; value: unknown } | { ok: false; error: unknown };

function callWithNoAnswers(fn: (answers: never) => unknown): CallResult {
  try {
    return { ok: true, value: fn(Object.freeze({}) as never) };
  } catch (error) {
    return { ok: false, error };
  }
}

function throwsMessage(error: unknown): string {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `throws when called with no answers ({}): ${oneLine(what, 200)}; skipped steps have no answer, so check for a missing one first`;
}

/** Turns one zod issue into problems, one per unknown field. */
function shapeProblems(issue: z.core.$ZodIssue): PlaybookProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const accepted = acceptedFields(issue.path);
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      message: `unknown field${suggestion(key, accepted)}; accepted: ${accepted.join(', ')}`,
    }));
  }
  return [{ path: issue.path, message: issue.message }];
}

/** Which object an issue path points at, from its shape: stages[i].steps[j].choices[k]. */
function acceptedFields(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return FIELDS.playbook;
  if (path[0] === 'solutions' || typeof path[0] === 'number') return path.at(-1) === 'promises' ? ['text', 'due'] : FIELDS.solution;
  if (path[0] === 'coaching') return ['off'];
  if (path.length === 2) return FIELDS.stage;
  if (path.length === 4) return FIELDS.step;
  return FIELDS.choice;
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${oneLine(value, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function suggestion(input: unknown, candidates: readonly string[]): string {
  if (typeof input !== 'string') return '';
  const near = closestMatch(input, candidates);
  return near ? ` (did you mean "${near}"?)` : '';
}

export { closestMatch };
