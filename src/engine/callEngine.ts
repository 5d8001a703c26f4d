/**
 * The playbook engine, without any I/O: which step comes next, what a typed answer
 * means, and how an answer changes the call record. Both the interactive prompts and
 * `--answers` files go through these same functions.
 */
import type { AnswerValue, Answers, Choice, ChoiceObject, Playbook, Solution, Stage, Step } from '../playbook/types.js';
import { CURRENT_SCHEMA_VERSION, type CallPromise, type CallRecord, type FollowUp } from '../domain/callRecord.js';
import { parseWhen, type DateOptions, type ParsedWhen } from '../dates/parseWhen.js';
import { formatDateTime, formatDay } from '../dates/formatDue.js';
import { MAX_LINE_ANSWER_CHARS, MAX_LONG_ANSWER_CHARS } from '../domain/limits.js';
import { calendarDayIn, compareDays, isStartOfDayIn, parseTimeZone, zoneForTypo } from '../dates/zone.js';
import { defaultDateOrder } from '../dates/dateOrder.js';
import { grouped } from '../text/plural.js';

/** A call as it stands before its first answer: in progress, nothing derived yet. */
export function newCallRecord(start: { id: string; agent: string; startedAt: Date; playbook: CallRecord['playbook'] }): CallRecord {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    id: start.id,
    revision: 0,
    agent: start.agent,
    playbook: start.playbook,
    customer: {},
    startedAt: start.startedAt.toISOString(),
    status: 'in-progress',
    answers: [],
    problem: {},
    queries: [],
    promises: [],
    followups: [],
    mood: {},
    stageSeconds: {},
    notes: [],
  };
}

export interface StepRef {
  stageIndex: number;
  stage: Stage;
  step: Step;
  /** `stage.step`: the key in `--answers` files and in the record. */
  fullId: string;
}

export function fullStepId(stage: Stage, step: Step): string {
  return `${stage.id}.${step.id}`;
}

export function allSteps(playbook: Playbook): StepRef[] {
  const refs: StepRef[] = [];
  playbook.stages.forEach((stage, stageIndex) => {
    for (const step of stage.steps) refs.push({ stageIndex, stage, step, fullId: fullStepId(stage, step) });
  });
  return refs;
}

/** The answers given so far, by full step id (the latest answer wins). */
export function answersOf(record: Pick<CallRecord, 'answers'>): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue> = {};
  for (const answer of record.answers) answers[answer.stepId] = answer.value;
  return answers;
}

/** A playbook function (`when`, `default`, `tip`) threw while the call ran. */
export class PlaybookRuntimeError extends Error {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`${where} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'PlaybookRuntimeError';
  }
}

function callAuthorFunction<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new PlaybookRuntimeError(where, error);
  }
}

export function isStageActive(stage: Stage, answers: Answers): boolean {
  if (!stage.when) return true;
  const when = stage.when;
  return callAuthorFunction(`stage "${stage.id}" when`, () => when(answers)) === true;
}

export function isStepActive(ref: StepRef, answers: Answers): boolean {
  if (!isStageActive(ref.stage, answers)) return false;
  const when = ref.step.when;
  if (!when) return true;
  return callAuthorFunction(`step "${ref.fullId}" when`, () => when(answers)) === true;
}

/** The first step, in playbook order, that applies and has no answer yet. */
export function nextStep(playbook: Playbook, answers: Answers): StepRef | undefined {
  for (const ref of allSteps(playbook)) {
    if (ref.fullId in answers) continue;
    if (isStepActive(ref, answers)) return ref;
  }
  return undefined;
}

/**
 * Whether a stage ahead may still be part of this call: its `when` holds now, or it looked
 * at an answer not given yet (a branch still to be decided). Counting such stages keeps
 * "stage 3 of 6" from reading "stage 1 of 5" before the branch is taken.
 */
function mayStillApply(stage: Stage, answers: Answers): boolean {
  const when = stage.when;
  if (!when) return true;
  let readUnanswered = false;
  const watched = new Proxy(answers, {
    get(target, key) {
      if (typeof key === 'string' && !(key in target)) readUnanswered = true;
      return Reflect.get(target, key);
    },
    has(target, key) {
      if (typeof key === 'string' && !(key in target)) readUnanswered = true;
      return Reflect.has(target, key);
    },
  });
  return callAuthorFunction(`stage "${stage.id}" when`, () => when(watched)) === true || readUnanswered;
}

/**
 * Position for "stage 3 of 9": the stages passed that applied, this one, and those ahead
 * that apply or still may.
 */
export function stagePosition(playbook: Playbook, stageIndex: number, answers: Answers): { number: number; total: number } {
  let number = 0;
  let total = 0;
  playbook.stages.forEach((stage, index) => {
    const counted = index === stageIndex || (index < stageIndex ? isStageActive(stage, answers) : mayStillApply(stage, answers));
    if (!counted) return;
    total += 1;
    if (index <= stageIndex) number += 1;
  });
  return { number, total };
}

export function stageTip(stage: Stage, answers: Answers): string {
  const tip = stage.tip;
  if (typeof tip === 'string') return tip;
  return callAuthorFunction(`stage "${stage.id}" tip`, () => tip(answers));
}

export function defaultFor(ref: StepRef, answers: Answers): AnswerValue | undefined {
  const value = ref.step.default;
  if (typeof value === 'function') return callAuthorFunction(`step "${ref.fullId}" default`, () => value(answers));
  return value;
}

/**
 * What Enter takes at a step in this call: the playbook's default, else, for the
 * customer's zone, the zone already known from an earlier call of theirs. A chosen
 * solution that promises something fills the promise questions (yes, its text, its due).
 */
export function defaultInCall(
  ref: StepRef,
  answers: Answers,
  record: Pick<CallRecord, 'customer'>,
  chosenSolution?: Pick<Solution, 'promises'>,
): AnswerValue | undefined {
  const promised = chosenSolution?.promises;
  if (promised) {
    if (ref.step.meaning === 'promise.made') return true;
    if (ref.step.meaning === 'promise.text') return promised.text;
    if (ref.step.meaning === 'promise.due') return promised.due;
  }
  const value = defaultFor(ref, answers);
  if (value === undefined && ref.step.meaning === 'customer.zone') return record.customer.zone;
  return value;
}

/** Choice steps whose choices are this call's own: the options offered, the questions parked. */
export function takesChoicesFromCall(step: Step): boolean {
  return step.meaning === 'options.chosen' || step.meaning === 'queries.answered';
}

/**
 * Other names of a step's call choices: for the option chosen, a prepared solution's id
 * (as an answers file names it) stands for the option it was offered as.
 */
export function choiceAliasesInCall(step: Step, record: Pick<CallRecord, 'answers'>): Map<string, string> {
  const aliases = new Map<string, string>();
  if (step.meaning !== 'options.chosen') return aliases;
  for (const answer of record.answers) {
    if (answer.meaning !== 'options' || !Array.isArray(answer.value)) continue;
    answer.value.forEach((text, i) => {
      const id = answer.solutions?.[i];
      if (id) aliases.set(id.toLowerCase(), text);
    });
  }
  return aliases;
}

/** The choices of a step in this call: the playbook's, or for `takesChoicesFromCall` steps the call's own. */
export function choicesInCall(step: Step, record: Pick<CallRecord, 'options' | 'queries'>): ChoiceObject[] {
  if (step.meaning === 'options.chosen') return (record.options ?? []).map((value) => ({ value }));
  if (step.meaning === 'queries.answered') return record.queries.map((value) => ({ value }));
  return choiceObjects(step.choices);
}

/**
 * Whether every step of the facts stage that applies has been answered (the stage holding
 * a step meaning `facts` or `facts.fault`); true when the playbook has no such stage.
 */
export function factsDone(playbook: Playbook, answers: Answers): boolean {
  const stages = playbook.stages.filter((stage) => stage.steps.some((step) => step.meaning === 'facts' || step.meaning === 'facts.fault'));
  return allSteps({ ...playbook, stages }).every((ref) => ref.fullId in answers || !isStepActive(ref, answers));
}

export function choiceObjects(choices: Choice[] | undefined): ChoiceObject[] {
  return (choices ?? []).map((choice) => (typeof choice === 'string' ? { value: choice } : choice));
}

/**
 * The clock and zone dates are read in, how slash dates are read, and whether typos are
 * read as the closest word; and the customer's zone, once known, for steps about them.
 */
export interface CoerceOptions extends DateOptions {
  customerTimeZone?: string;
  /** The choices of a step that takes them from the call (`choicesInCall`), and their other names (`choiceAliasesInCall`). */
  choices?: ChoiceObject[];
  choiceAliases?: ReadonlyMap<string, string>;
  /** For the options step: the prepared solutions shown, in order (typed by number or id). */
  solutions?: readonly Pick<Solution, 'id' | 'title'>[];
}

/** `solutions`: for the options offered, each item's prepared solution id, or null for one typed in words. */
export type Coerced =
  | { ok: true; value: AnswerValue; raw?: string; timeZone?: string; solutions?: Array<string | null> }
  | { ok: false; message: string };

/** What each type accepts, for error messages. */
export function acceptedFor(step: Step, choices: ChoiceObject[] = choiceObjects(step.choices)): string {
  const listed = () => choices.map((c, i) => (takesChoicesFromCall(step) ? `${i + 1}) ${c.value}` : c.value)).join(', ');
  switch (step.type) {
    case 'text':
    case 'longtext':
      return 'text';
    case 'choice':
      return `one of: ${listed()}`;
    case 'multichoice':
      return `any of: ${listed()} (a list, or separated by commas)`;
    case 'yesno':
      return 'yes or no';
    case 'number':
      return 'a number';
    case 'date':
      return 'a day: 2026-12-01, today, tomorrow, +3d, fri';
    case 'datetime':
      return 'a day and time: 2026-12-01 10:00, tomorrow 9am, fri 10:00, +2h (optionally a zone: fri 10:00 America/Chicago)';
    case 'list':
      return 'a list of texts';
  }
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);

/** Matches typed text to a choice: exact value or label, else a unique prefix, ignoring case. */
export function matchChoice(input: string, choices: ChoiceObject[]): ChoiceObject | undefined {
  const wanted = input.trim().toLowerCase();
  if (wanted === '') return undefined;
  const exact = choices.find((c) => c.value.toLowerCase() === wanted || c.label?.toLowerCase() === wanted);
  if (exact) return exact;
  const byNumber = /^\d+$/.test(wanted) ? choices[Number(wanted) - 1] : undefined;
  if (byNumber) return byNumber;
  const prefixed = choices.filter((c) => c.value.toLowerCase().startsWith(wanted) || c.label?.toLowerCase().startsWith(wanted));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

const YES = new Set(['y', 'yes', 'yeah', 'yep', 'true', 'ja', 'oui', 'si', 'sí', '1']);
const NO = new Set(['n', 'no', 'nope', 'false', 'nein', 'non', '0']);

/**
 * Turns an answer as typed (interactive) or as found in an `--answers` file into the
 * stored value, or explains what is accepted. A blank answer to an optional step is a
 * skip (stored as null).
 */
export function coerceAnswer(step: Step, input: unknown, options: CoerceOptions): Coerced {
  const choices = options.choices ?? choiceObjects(step.choices);
  if (isBlank(input)) {
    if (step.required) return { ok: false, message: `an answer is needed (${acceptedFor(step, choices)})` };
    return { ok: true, value: null };
  }
  const fail = (what: string): Coerced => ({ ok: false, message: `${what}; expected ${acceptedFor(step, choices)}` });
  let result: Coerced;
  switch (step.type) {
    case 'text':
    case 'longtext': {
      if (Array.isArray(input) && input.every((line) => typeof line === 'string')) result = { ok: true, value: input.join('\n') };
      else if (typeof input === 'string' || typeof input === 'number') result = { ok: true, value: String(input) };
      else return fail(`got ${describe(input)}`);
      break;
    }
    case 'choice': {
      if (typeof input !== 'string' && !(typeof input === 'number' && takesChoicesFromCall(step))) return fail(`got ${describe(input)}`);
      const match = matchChoice(options.choiceAliases?.get(String(input).trim().toLowerCase()) ?? String(input), choices);
      if (!match) return fail(`${quote(String(input))} is not a choice`);
      result = { ok: true, value: match.value };
      break;
    }
    case 'multichoice': {
      const items = typeof input === 'string' ? input.split(',') : Array.isArray(input) ? input : undefined;
      if (!items || !items.every((item) => typeof item === 'string')) return fail(`got ${describe(input)}`);
      const values: string[] = [];
      for (const item of items as string[]) {
        if (item.trim() === '') continue;
        const match = matchChoice(item, choices);
        if (!match) return fail(`${quote(item.trim())} is not a choice`);
        if (!values.includes(match.value)) values.push(match.value);
      }
      if (values.length === 0 && step.required) return fail('nothing chosen');
      result = { ok: true, value: values };
      break;
    }
    case 'yesno': {
      if (typeof input === 'boolean') result = { ok: true, value: input };
      else if (typeof input === 'string' && YES.has(input.trim().toLowerCase())) result = { ok: true, value: true };
      else if (typeof input === 'string' && NO.has(input.trim().toLowerCase())) result = { ok: true, value: false };
      else return fail(`got ${typeof input === 'string' ? quote(input) : describe(input)}`);
      break;
    }
    case 'number': {
      const value = typeof input === 'number' ? input : typeof input === 'string' ? Number(input.trim().replace(',', '.')) : NaN;
      if (!Number.isFinite(value)) return fail(`got ${typeof input === 'string' ? quote(input) : describe(input)}`);
      result = { ok: true, value };
      break;
    }
    case 'date':
    case 'datetime': {
      if (typeof input !== 'string') return fail(`got ${describe(input)}`);
      try {
        const { customerTimeZone, ...dateOptions } = options;
        // A date about the customer, typed without a zone, is theirs ('tomorrow 10:00' is
        // their morning); slash dates are still read the agent's way.
        const customerZone = step.zone === 'customer' ? customerTimeZone : undefined;
        const when = parseWhen(
          input,
          customerZone ? { ...dateOptions, timeZone: customerZone, dateOrder: options.dateOrder ?? defaultDateOrder(options.timeZone) } : dateOptions,
        );
        const zone = when.timeZone ?? customerZone;
        const readIn = zone ?? options.timeZone;
        const passed = isDueDate(step) ? alreadyPassed(when, readIn, zone, options.now) : undefined;
        if (passed) return { ok: false, message: passed };
        const offLine = step.meaning === 'hold.until' ? holdTimeProblem(when, options.now) : undefined;
        if (offLine) return { ok: false, message: offLine };
        // A day with no time is kept as a day where a day means something: a date, and a
        // promise or callback for a day (due all that day, not at its midnight).
        const value = (step.type === 'date' || isDueDate(step)) && when.allDay ? isoDay(when.at, readIn) : when.at.toISOString();
        result = { ok: true, value, raw: input };
        if (zone) result.timeZone = zone;
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
      break;
    }
    case 'list': {
      const items = typeof input === 'string' ? input.split(/\r?\n/) : Array.isArray(input) ? input : undefined;
      if (!items || !items.every((item) => typeof item === 'string')) return fail(`got ${describe(input)}`);
      const kept = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
      if (kept.length === 0 && step.required) return fail('the list is empty');
      if (step.meaning !== 'options' || !options.solutions?.length) {
        result = { ok: true, value: kept };
        break;
      }
      const offered = offeredOptions(kept, options.solutions);
      if (!offered.ok) return offered;
      result = offered;
      break;
    }
  }
  if (step.meaning === 'customer.zone' && typeof result.value === 'string') {
    // Stored as the zone's IANA name, whichever way it was typed ('CT', 'america/chicago').
    const named = parseTimeZone(result.value);
    const typo = named === undefined ? zoneForTypo(result.value) : undefined;
    const zone = typo && 'zone' in typo ? typo.zone : named;
    if (!zone) {
      const meant = typo && 'suggestion' in typo ? ` (did you mean ${typo.suggestion}?)` : '';
      return { ok: false, message: `${quote(result.value)} is not a time zone${meant}: type an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT` };
    }
    result = zone === result.value ? { ok: true, value: zone } : { ok: true, value: zone, raw: result.value };
  }
  const tooLong = result.ok ? overLimit(step, result.value) : undefined;
  if (tooLong) return { ok: false, message: tooLong };
  if (step.validate && result.ok) {
    const value = result.value;
    const verdict = callAuthorFunction(`step "${step.id}" validate`, () => step.validate!(value));
    if (verdict !== true) return { ok: false, message: String(verdict) };
  }
  return result;
}

/** A step whose date is a deadline (a promise's, a callback's): overdue once passed. */
export const isDueDate = (step: Step) => step.meaning === 'promise.due' || step.meaning === 'followup.due';

/**
 * Why a due date is refused when it has already passed (a slip like 'today 9am' at noon):
 * a promise or callback must be ahead, not overdue the moment it is booked. A day is fine
 * all of that day; a time has a minute's grace, for 'now'.
 */
function alreadyPassed(when: ParsedWhen, timeZone: string, customerZone: string | undefined, now: Date): string | undefined {
  const passed = when.allDay
    ? compareDays(calendarDayIn(when.at, timeZone), calendarDayIn(now, timeZone)) < 0
    : when.at.getTime() < now.getTime() - 60_000;
  if (!passed) return undefined;
  const shown = when.allDay ? formatDay(when.at, timeZone) : formatDateTime(when.at, timeZone);
  return `${shown}${customerZone ? ` ${customerZone}` : ''} has already passed: a due date must be ahead`;
}

/** Time off the line is minutes: the time the customer was told must be ahead, and within this. */
export const MAX_HOLD_MINUTES = 120;

/**
 * Why a time given for coming back to the line is refused: a day, a time already past (a
 * clock time just gone reads as tomorrow's), or more than two hours ahead.
 */
function holdTimeProblem(when: ParsedWhen, now: Date): string | undefined {
  const minutes = (when.at.getTime() - now.getTime()) / 60_000;
  if (when.allDay || minutes < -1 || minutes > MAX_HOLD_MINUTES) {
    return `time off the line is minutes: give the time you told them, like +2m, +5m or a clock time within the next ${MAX_HOLD_MINUTES / 60} hours`;
  }
  return undefined;
}

/** Why an answer is longer than a call may hold, if it is (domain/limits). */
function overLimit(step: Step, value: AnswerValue): string | undefined {
  const oneLine = step.type !== 'longtext' && step.type !== 'list';
  const limit = oneLine ? MAX_LINE_ANSWER_CHARS : MAX_LONG_ANSWER_CHARS;
  const length = typeof value === 'string' ? value.length : Array.isArray(value) ? value.reduce((sum, item) => sum + item.length + 1, 0) : 0;
  if (length <= limit) return undefined;
  return `the answer is ${grouped(length)} characters long: ${oneLine ? 'a one-line answer' : 'notes or a list'} can hold ${grouped(limit)} at most`;
}

/**
 * The options offered, as typed at a step that shows prepared solutions: an item that is
 * a number shown (`2`) or a solution's id stands for that solution (kept as its title,
 * with its id beside); anything else is an option in the agent's words. Each solution once.
 */
function offeredOptions(items: readonly string[], shown: readonly Pick<Solution, 'id' | 'title'>[]): Coerced {
  const value: string[] = [];
  const ids: Array<string | null> = [];
  for (const item of items) {
    const unknown = unknownSolutionNumber(item, shown.length);
    if (unknown) return { ok: false, message: unknown };
    const byNumber = /^\d+$/.test(item) ? shown[Number(item) - 1] : undefined;
    const solution = byNumber ?? shown.find((s) => s.id.toLowerCase() === item.toLowerCase());
    if (solution && ids.includes(solution.id)) continue;
    value.push(solution ? solution.title : item);
    ids.push(solution ? solution.id : null);
  }
  return ids.some((id) => id !== null) ? { ok: true, value, solutions: ids } : { ok: true, value };
}

/**
 * Why an item typed at the options step is refused: a number with no prepared solution
 * shown under it (a typo, most likely: kept, it would read as an option called "9").
 */
export function unknownSolutionNumber(item: string, shown: number): string | undefined {
  if (!/^\d+$/.test(item.trim())) return undefined;
  const n = Number(item.trim());
  if (n >= 1 && n <= shown) return undefined;
  return `there is no solution ${n}: the ones shown are numbered 1–${shown}; an option of your own is typed in words`;
}

/** A value echoed in a message: a pasted page is not repeated back whole. */
function quote(text: string): string {
  return `"${text.length > 60 ? `${text.slice(0, 59)}…` : text}"`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function isoDay(at: Date, timeZone: string): string {
  // The calendar day as seen in the zone the date was typed in.
  const { year, month, day } = calendarDayIn(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Instant of a stored date/date-time answer: `YYYY-MM-DD` means the start of that day in `timeZone`. */
export function instantOf(value: string, timeZone: string, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return parseWhen(value, { now, timeZone }).at;
  return new Date(value);
}

export interface AnswerMeta {
  at: Date;
  by: string;
  /** The agent's zone, for turning date answers into instants. */
  timeZone: string;
}

/**
 * Records one answer and re-derives the fields that answers mean (customer, problem,
 * outcome, promises, follow-ups, moods). Follow-ups are derived only while the call is
 * in progress: after that they have a life (history) of their own.
 */
export function applyAnswer(
  playbook: Playbook,
  record: CallRecord,
  ref: StepRef,
  answer: Extract<Coerced, { ok: true }>,
  meta: AnswerMeta,
): CallRecord {
  const entry: CallRecord['answers'][number] = {
    stepId: ref.fullId,
    question: ref.step.question,
    type: ref.step.type,
    value: answer.value,
    answeredAt: meta.at.toISOString(),
  };
  if (ref.step.meaning) entry.meaning = ref.step.meaning;
  if (answer.raw !== undefined) entry.raw = answer.raw;
  if (answer.timeZone !== undefined) entry.timeZone = answer.timeZone;
  if (answer.solutions !== undefined) entry.solutions = answer.solutions;
  const answers = record.answers.filter((a) => a.stepId !== ref.fullId).concat(entry);
  const next: CallRecord = { ...record, answers };
  if (next.draft?.stepId === ref.fullId) delete next.draft;
  return deriveFromAnswers(playbook, next, meta);
}

const textOf = (value: AnswerValue | undefined): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? value.join('; ') : undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = String(value).trim();
  return text === '' ? undefined : text;
};

export function deriveFromAnswers(playbook: Playbook, record: CallRecord, meta: AnswerMeta): CallRecord {
  const byId = new Map(record.answers.map((a) => [a.stepId, a]));
  const customer = { ...record.customer };
  const problem: CallRecord['problem'] = {};
  const mood: CallRecord['mood'] = {};
  const queries: string[] = [];
  const options: string[] = [];
  const offered: string[] = [];
  /** The solution id of each option offered (null: typed in words), by its text. */
  const solutionOf = new Map<string, string | null>();
  let chosenOption: string | undefined;
  let ourFault: boolean | undefined;
  let facts: string | undefined;
  let resolution: string | undefined;
  let outcome: string | undefined;
  let escalationTo: string | undefined;
  let handoff: string | undefined;
  // Given as a flag (`start --ticket`) or by a step: a step's answer wins.
  let ticket = record.ticket;
  const promises: CallPromise[] = [];
  type Draft = { text: string; due?: string; allDay?: boolean; timeZone?: string; repeat?: number; promiseId?: string; at: string };
  const followDrafts: Draft[] = [];
  // A date belongs to the promise (follow-up) of the text step just before it: when that
  // text was skipped or not asked, the date has nothing to date, rather than re-dating an
  // earlier one.
  let currentPromise: CallPromise | undefined;
  let currentFollowUp: Draft | undefined;

  for (const ref of allSteps(playbook)) {
    const answer = byId.get(ref.fullId);
    const meaning = ref.step.meaning;
    if (meaning === 'promise.text') currentPromise = undefined;
    if (meaning === 'followup.text') currentFollowUp = undefined;
    if (!answer || !meaning) continue;
    const value = answer.value;
    const text = textOf(value);
    switch (meaning) {
      case 'customer.name':
      case 'customer.phone':
      case 'customer.account':
      case 'customer.zone': {
        const key = meaning.slice('customer.'.length) as 'name' | 'phone' | 'account' | 'zone';
        if (text) customer[key] = text;
        break;
      }
      case 'problem.story':
        // Questions parked while listening: a line starting with "?" in the notes.
        for (const line of (text ?? '').split('\n')) {
          const parked = /^\s*\?\s*(.+)$/.exec(line);
          if (parked) queries.push(parked[1]!.trim());
        }
        if (text) problem.story = text;
        break;
      case 'problem.wants':
      case 'problem.paraphrase':
      case 'problem.category':
      case 'problem.rootCause': {
        const key = meaning.slice('problem.'.length) as keyof CallRecord['problem'];
        if (text) problem[key] = text;
        break;
      }
      case 'queries':
        if (Array.isArray(value)) queries.push(...value);
        else if (text) queries.push(text);
        break;
      case 'options':
        if (Array.isArray(value)) {
          value.forEach((item, i) => {
            const id = answer.solutions?.[i] ?? null;
            options.push(item);
            if (!solutionOf.has(item)) solutionOf.set(item, id);
            if (id !== null && !offered.includes(id)) offered.push(id);
          });
        } else if (text) options.push(text);
        break;
      case 'options.chosen':
        chosenOption = text;
        break;
      case 'facts':
        facts = text;
        break;
      case 'facts.fault':
        ourFault = typeof value === 'boolean' ? value : undefined;
        break;
      case 'queries.answered':
      case 'hold.kind':
      case 'hold.until':
      case 'promise.made':
        break; // kept as answers: read by the check before the summary and by the live call
      case 'resolution':
        resolution = text;
        break;
      case 'empathy':
        break; // kept as an answer; nothing to derive
      case 'outcome':
        outcome = text;
        break;
      case 'escalation.to':
        escalationTo = text;
        break;
      case 'escalation.handoff':
        handoff = text;
        break;
      case 'mood.start':
        if (text) mood.start = text;
        break;
      case 'mood.end':
        if (text) mood.end = text;
        break;
      case 'promise.text':
        if (text) {
          currentPromise = { id: `${record.id}.p${promises.length + 1}`, text, madeAt: answer.answeredAt };
          promises.push(currentPromise);
        }
        break;
      case 'promise.due': {
        if (currentPromise && typeof value === 'string') {
          currentPromise.due = instantOf(value, answer.timeZone ?? meta.timeZone, meta.at).toISOString();
          if (answer.timeZone) currentPromise.timeZone = answer.timeZone;
        }
        break;
      }
      case 'followup.text':
        if (text) {
          currentFollowUp = { text, at: answer.answeredAt };
          const promise = promises.at(-1);
          if (promise) currentFollowUp.promiseId = promise.id;
          followDrafts.push(currentFollowUp);
        }
        break;
      case 'followup.due': {
        if (currentFollowUp && typeof value === 'string') {
          currentFollowUp.due = instantOf(value, answer.timeZone ?? meta.timeZone, meta.at).toISOString();
          currentFollowUp.allDay = /^\d{4}-\d{2}-\d{2}$/.test(value);
          if (answer.timeZone) currentFollowUp.timeZone = answer.timeZone;
        }
        break;
      }
      case 'followup.repeatDays': {
        if (currentFollowUp && typeof value === 'number' && value >= 1) currentFollowUp.repeat = Math.round(value);
        break;
      }
      case 'ticket':
        if (text) ticket = text;
        break;
    }
  }

  // Every promise with a date gets someone to check it was kept, even when the
  // playbook asked for no follow-up: missing follow-through is what hurts most.
  for (const promise of promises) {
    if (!promise.due || followDrafts.some((f) => f.promiseId === promise.id)) continue;
    const draft: Draft = { text: `Check this promise was kept: ${promise.text}`, due: promise.due, promiseId: promise.id, at: promise.madeAt };
    if (promise.timeZone) draft.timeZone = promise.timeZone;
    // A promise for a day is stored as that day's midnight: its check is for that day too.
    if (isStartOfDayIn(new Date(promise.due), promise.timeZone ?? meta.timeZone)) draft.allDay = true;
    followDrafts.push(draft);
  }

  const next: CallRecord = { ...record, customer, problem, mood, queries, promises };
  if (ticket === undefined) delete next.ticket;
  else next.ticket = ticket;
  setOrDelete(next, 'facts', facts);
  setOrDelete(next, 'resolution', resolution);
  setOrDelete(next, 'outcome', outcome);
  if (options.length) next.options = options;
  else delete next.options;
  const chosenSolution = chosenOption !== undefined ? solutionOf.get(chosenOption) : undefined;
  if (offered.length || chosenSolution) next.solutions = { offered, ...(chosenSolution ? { chosen: chosenSolution } : {}) };
  else delete next.solutions;
  if (chosenOption !== undefined) next.chosenOption = chosenOption;
  else delete next.chosenOption;
  if (ourFault !== undefined) next.ourFault = ourFault;
  else delete next.ourFault;
  if (escalationTo || handoff) next.escalation = { to: escalationTo ?? '(not named)', ...(handoff ? { handoffNote: handoff } : {}) };
  else delete next.escalation;

  if (record.status === 'in-progress') {
    next.followups = followDrafts.map((draft, index): FollowUp => {
      // A follow-up with no date is due by the end of the next working day.
      const due = draft.due ?? new Date(meta.at.getTime() + 24 * 3600_000).toISOString();
      const followUp: FollowUp = {
        id: `${record.id}.f${index + 1}`,
        text: draft.text,
        due,
        status: 'open',
        owner: record.agent,
        createdAt: draft.at,
        history: [{ at: draft.at, by: record.agent, action: 'created', due }],
      };
      if (draft.allDay) followUp.allDay = true;
      if (draft.timeZone) followUp.timeZone = draft.timeZone;
      if (draft.promiseId) followUp.promiseId = draft.promiseId;
      if (draft.repeat) followUp.repeatEveryDays = draft.repeat;
      return followUp;
    });
  }
  return next;
}

function setOrDelete<K extends 'facts' | 'resolution' | 'outcome'>(record: CallRecord, key: K, value: string | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}

/** Adds the time since the last activity to the stage being worked on. */
export function addStageTime(record: CallRecord, stageId: string, seconds: number): CallRecord {
  if (!(seconds > 0)) return record;
  const stageSeconds = { ...record.stageSeconds, [stageId]: Math.round(((record.stageSeconds[stageId] ?? 0) + seconds) * 10) / 10 };
  return { ...record, stageSeconds };
}

/** Steps a finished call must have answered: every required step that applies. */
export function missingRequired(playbook: Playbook, answers: Answers): StepRef[] {
  return allSteps(playbook).filter(
    (ref) => ref.step.required && isStepActive(ref, answers) && (answers[ref.fullId] === undefined || answers[ref.fullId] === null),
  );
}
