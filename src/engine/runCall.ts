/**
 * Drives a call through its playbook: asks each step through a `CallPrompter`, applies
 * the answer and saves the record after every step. The interactive prompts and
 * `--answers` files are two prompters behind this same loop. Around the steps: one
 * coaching nudge at most per answer, the time off the line (holds), and the check before
 * the summary, which may go back to a step and come back.
 */
import type { AnswerValue, Answers, ChoiceObject, Playbook, Solution } from '../playbook/types.js';
import type { CallRecord, CheckItem, CoachingNote, Hold } from '../domain/callRecord.js';
import type { DateOrder } from '../dates/dateOrder.js';
import { openHold } from '../domain/holds.js';
import { formatDateTime, formatDay } from '../dates/formatDue.js';
import { coachAnswer } from '../coaching/coachingRules.js';
import { checksToShow, unmetChecks, type UnmetCheck } from '../checklist/callChecklist.js';
import {
  addStageTime,
  allSteps,
  answersOf,
  applyAnswer,
  choiceAliasesInCall,
  choicesInCall,
  coerceAnswer,
  defaultInCall,
  factsDone,
  instantOf,
  isStepActive,
  nextStep,
  stagePosition,
  stageTip,
  takesChoicesFromCall,
  type Coerced,
  type StepRef,
} from './callEngine.js';

export interface StageIntro {
  title: string;
  tip: string;
  number: number;
  total: number;
  elapsedSeconds: number;
}

/** A prepared solution as offered at the options step: with how it did on earlier calls of this category. */
export interface RankedSolution {
  solution: Solution;
  /** Earlier calls (of this category) it was offered on, chosen on, and chosen on and resolved at the first contact. */
  offered: number;
  chosen: number;
  resolved: number;
}

/** Where a call finds its prepared solutions (the playbook's and the team's), and their records. */
export interface SolutionCatalog {
  /** The solutions that fit this category (every one when it is not known), best first. */
  rankedFor(category: string | undefined): Promise<RankedSolution[]>;
  byId(id: string): Promise<Solution | undefined>;
}

export interface AskRequest {
  ref: StepRef;
  answers: Answers;
  defaultValue: AnswerValue | undefined;
  /** Checks and converts typed input; the prompter re-asks until this says ok. */
  coerce: (input: unknown) => Coerced;
  /** Lines of a long answer or list typed before an interruption (or, going back to a step, its answer so far). */
  draftLines: string[] | undefined;
  /** Saves the lines typed so far of a long answer or list. */
  saveDraft: (lines: string[]) => Promise<void>;
  /** For a step collecting questions for later: those already parked while listening (shown, not typed again). */
  notedQueries?: string[];
  /** For a step taking its choices from the call (the option chosen, the questions answered): those choices. */
  choices?: ChoiceObject[];
  /** For the options step: the prepared solutions that fit, best first (typed by number). */
  solutions?: readonly RankedSolution[];
  /** The call's problem category, when solutions are shown for it. */
  category?: string;
  /** The agent is off the line (on hold): when they said they would be back. */
  hold?: Hold;
  /** Asked again from the check before the summary (the answer given is the default). */
  revisit?: boolean;
}

/** What the agent does about the check before the summary. */
export type ChecklistDecision = { fix: UnmetCheck } | { leave: UnmetCheck; reason: string };

export interface ChecklistRequest {
  /** The unmet items, in order; `fixable`: the playbook has a step to go back to. */
  items: ReadonlyArray<UnmetCheck & { fixable: boolean }>;
  record: CallRecord;
}

export interface CallPrompter {
  stageIntro(intro: StageIntro): void;
  /** Returns the coerced answer. Throws to stop the call (Ctrl-C, missing answer...). */
  ask(request: AskRequest): Promise<Extract<Coerced, { ok: true }>>;
  /** After an answer is applied (e.g. to show who the caller is when the phone is known). */
  afterAnswer?(ref: StepRef, record: CallRecord): Promise<CallRecord | void>;
  /** A coaching nudge on the answer just given (shown once, under it). */
  nudge?(note: CoachingNote): void;
  /** The check before the summary: fix one item (go back to its step) or leave one with a reason. Called until nothing is left. */
  checklist?(request: ChecklistRequest): Promise<ChecklistDecision>;
}

export interface RunCallOptions {
  playbook: Playbook;
  record: CallRecord;
  prompter: CallPrompter;
  save: (record: CallRecord) => Promise<CallRecord>;
  now: () => Date;
  timeZone: string;
  /** How slash dates are read (by the zone when not given). */
  dateOrder?: DateOrder;
  agent: string;
  /** Called with the latest saved record, so an interruption handler always has it. */
  onSaved?: (record: CallRecord) => void;
  /** This agent's empathy lines on their latest calls (for the stock-empathy nudge); none when not given. */
  recentEmpathy?: () => Promise<readonly string[]>;
  /** Prepared solutions; none when not given. */
  solutions?: SolutionCatalog;
}

export async function runCall(options: RunCallOptions): Promise<CallRecord> {
  // options.timeZone is read where it is used: the caller may resolve it lazily.
  const { playbook, prompter, save, now, agent } = options;
  let record = options.record;
  let lastActivity = now();
  let currentStage = -1;
  const remember = (saved: CallRecord) => {
    record = saved;
    options.onSaved?.(saved);
    return saved;
  };
  const coachingOff = playbook.coaching?.off ?? [];
  const asks = new Set(allSteps(playbook).flatMap((ref) => (ref.step.meaning ? [ref.step.meaning] : [])));

  /** Asks one step and saves the answer (with its nudge, and the hold it starts or ends). */
  const askAndSave = async (ref: StepRef, { revisit = false } = {}): Promise<void> => {
    const answers = answersOf(record);
    const callChoices = takesChoicesFromCall(ref.step) ? choicesInCall(ref.step, record) : undefined;
    const at0 = now();
    // A step choosing among what the call holds, when it holds nothing: skipped, not asked.
    if (callChoices?.length === 0) {
      remember(await save(applyAnswer(playbook, record, ref, { ok: true, value: null }, { at: at0, by: agent, timeZone: options.timeZone })));
      return;
    }
    const solutions = ref.step.meaning === 'options' && options.solutions ? await options.solutions.rankedFor(record.problem.category) : undefined;
    const chosen = record.solutions?.chosen && options.solutions ? await options.solutions.byId(record.solutions.chosen) : undefined;
    const customerTimeZone = record.customer.zone;
    const coerce = (input: unknown) =>
      coerceAnswer(ref.step, input, {
        now: now(),
        timeZone: options.timeZone,
        ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
        ...(customerTimeZone ? { customerTimeZone } : {}),
        ...(callChoices ? { choices: callChoices, choiceAliases: choiceAliasesInCall(ref.step, record) } : {}),
        ...(solutions?.length ? { solutions: solutions.map((r) => r.solution) } : {}),
      });
    const given = revisit ? answers[ref.fullId] : undefined;
    const long = ref.step.type === 'longtext' || ref.step.type === 'list';
    const draftLines =
      record.draft?.stepId === ref.fullId
        ? record.draft.lines
        : revisit && long && given !== null && given !== undefined
          ? Array.isArray(given) ? [...given] : String(given).split('\n')
          : undefined;
    const hold = openHold(record);
    const answer = await prompter.ask({
      ref,
      answers,
      defaultValue: revisit && !long && given !== null && given !== undefined ? givenAgain(ref, given, record, options.timeZone) : defaultInCall(ref, answers, record, chosen),
      coerce,
      draftLines,
      saveDraft: async (lines) => {
        // A copy: the prompter goes on adding to its list, and the record saved is the base
        // the next save is merged against (the same list there hid the line added since).
        remember(await save({ ...record, draft: { stepId: ref.fullId, lines: [...lines] } }));
      },
      ...(ref.step.meaning === 'queries' && record.queries.length > 0 ? { notedQueries: record.queries } : {}),
      ...(callChoices ? { choices: callChoices } : {}),
      ...(solutions?.length ? { solutions, ...(record.problem.category ? { category: record.problem.category } : {}) } : {}),
      ...(hold ? { hold } : {}),
      ...(revisit ? { revisit } : {}),
    });
    const at = now();
    let updated = applyAnswer(playbook, record, ref, answer, { at, by: agent, timeZone: options.timeZone });
    updated = addStageTime(updated, ref.stage.id, (at.getTime() - lastActivity.getTime()) / 1000);
    lastActivity = at;
    updated = trackHold(updated, ref, answer, at, revisit);
    const note = await coach(updated, ref, answer, at);
    if (note) updated = { ...updated, coaching: [...(updated.coaching ?? []), note] };
    remember(await save(updated));
    if (note) prompter.nudge?.(note);
    const afterwards = await prompter.afterAnswer?.(ref, record);
    if (afterwards) remember(await save(afterwards));
  };

  /**
   * A hold starts when the agent says when they will be back, and ends when they write what
   * they found (the \`facts\` step: they are back with it) or move on from the stage they went
   * off the line in (or the steps run out).
   */
  const trackHold = (updated: CallRecord, ref: StepRef, answer: Extract<Coerced, { ok: true }>, at: Date, revisit: boolean): CallRecord => {
    let holds = updated.holds ?? [];
    const open = openHold(updated);
    if (ref.step.meaning === 'hold.until' && typeof answer.value === 'string' && !revisit) {
      const kindAnswer = allSteps(playbook).find((r) => r.step.meaning === 'hold.kind' && r.stage.id === ref.stage.id);
      const kind = kindAnswer && answersOf(updated)[kindAnswer.fullId] === 'back' ? 'back' : 'hold';
      const backBy = instantOf(answer.value, answer.timeZone ?? options.timeZone, at).toISOString();
      const started: Hold = { kind, stage: ref.stage.id, startedAt: at.toISOString(), backBy };
      holds = open && open.stage === ref.stage.id ? [...holds.slice(0, -1), { ...open, backBy }] : [...holds, started];
      return { ...updated, holds };
    }
    if (!open) return updated;
    const backWithFacts = ref.step.meaning === 'facts' && ref.stage.id === open.stage;
    const next = backWithFacts ? undefined : nextStep(playbook, answersOf(updated));
    if (next && next.stage.id === open.stage) return updated;
    return { ...updated, holds: [...holds.slice(0, -1), { ...open, endedAt: at.toISOString() }] };
  };

  /** The one nudge this answer earns, if any. */
  const coach = async (updated: CallRecord, ref: StepRef, answer: Extract<Coerced, { ok: true }>, at: Date): Promise<CoachingNote | undefined> => {
    const meaning = ref.step.meaning;
    const value = answer.value;
    if (!meaning || value === null || typeof value === 'boolean' || typeof value === 'number') return undefined;
    const text = Array.isArray(value) ? value.join('\n') : value;
    const wantsRecent = meaning === 'empathy' && !coachingOff.includes('stock-empathy');
    const recentEmpathy = wantsRecent && options.recentEmpathy ? await options.recentEmpathy() : [];
    const nudge = coachAnswer(
      { meaning, text, record: updated, factsDone: factsDone(playbook, answersOf(updated)), ourFault: updated.ourFault, recentEmpathy },
      { off: coachingOff },
    );
    return nudge && { ...nudge, step: ref.fullId, at: at.toISOString() };
  };

  for (;;) {
    const answers = answersOf(record);
    const ref = nextStep(playbook, answers);
    if (ref) {
      if (ref.stageIndex !== currentStage) {
        currentStage = ref.stageIndex;
        const position = stagePosition(playbook, ref.stageIndex, answers);
        prompter.stageIntro({
          title: ref.stage.title,
          tip: stageTip(ref.stage, answers),
          number: position.number,
          total: position.total,
          elapsedSeconds: Math.max(0, (now().getTime() - new Date(record.startedAt).getTime()) / 1000),
        });
      }
      await askAndSave(ref);
      continue;
    }
    // The steps have run out: the check before the summary, until nothing is left to show.
    const open = openHold(record);
    if (open) remember(await save({ ...record, holds: [...record.holds!.slice(0, -1), { ...open, endedAt: now().toISOString() }] }));
    const items = checksToShow(record, asks, options.timeZone);
    if (items.length === 0 || !prompter.checklist) break;
    const decision = await prompter.checklist({ items: items.map((item) => ({ ...item, fixable: fixSteps(playbook, record, item).length > 0 })), record });
    if ('leave' in decision) {
      const entry: CheckItem = { item: decision.leave.id, text: decision.leave.text, result: 'left', reason: decision.reason, at: now().toISOString() };
      remember(await save({ ...record, checklist: [...(record.checklist ?? []), entry] }));
      continue;
    }
    const steps = fixSteps(playbook, record, decision.fix);
    for (const step of steps) await askAndSave(step, { revisit: true });
    currentStage = -1;
    if (steps.length && !unmetChecks(record, asks, options.timeZone).some((item) => item.id === decision.fix.id)) {
      const entry: CheckItem = { item: decision.fix.id, text: decision.fix.text, result: 'fixed', at: now().toISOString() };
      remember(await save({ ...record, checklist: [...(record.checklist ?? []), entry] }));
    }
  }

  const finished: CallRecord = { ...record, status: 'completed', endedAt: now().toISOString() };
  delete finished.draft;
  return remember(await save(finished));
}

/**
 * An answer offered again when its step is gone back to: a day or a date and time as the
 * agent reads and types one ("Fri 11 Dec 2026", "Fri 11 Dec 2026 10:00" with the zone it
 * was given in, if any), not the value stored.
 */
function givenAgain(ref: StepRef, given: AnswerValue, record: CallRecord, agentTimeZone: string): AnswerValue {
  if ((ref.step.type !== 'datetime' && ref.step.type !== 'date') || typeof given !== 'string' || Number.isNaN(Date.parse(given))) return given;
  // A day ('2026-12-11'), as the day it names.
  if (!given.includes('T')) return formatDay(new Date(`${given}T12:00:00Z`), 'UTC');
  const zone = record.answers.findLast((a) => a.stepId === ref.fullId)?.timeZone;
  return zone ? `${formatDateTime(new Date(given), zone)} ${zone}` : formatDateTime(new Date(given), agentTimeZone);
}

/** The steps an unmet check item goes back to: those of its meanings the playbook has and that apply now. */
export function fixSteps(playbook: Playbook, record: CallRecord, item: UnmetCheck): StepRef[] {
  const answers = answersOf(record);
  return item.fix.flatMap((meaning) => allSteps(playbook).filter((ref) => ref.step.meaning === meaning && isStepActive(ref, answers)).slice(0, 1));
}
