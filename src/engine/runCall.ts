/**
 * Drives a call through its playbook: asks each step through a `CallPrompter`, applies
 * the answer and saves the record after every step. The interactive prompts and
 * `--answers` files are two prompters behind this same loop.
 */
import type { AnswerValue, Answers, Playbook } from '../playbook/types.js';
import type { CallRecord } from '../domain/callRecord.js';
import type { DateOrder } from '../dates/dateOrder.js';
import {
  addStageTime,
  answersOf,
  applyAnswer,
  coerceAnswer,
  defaultInCall,
  nextStep,
  stagePosition,
  stageTip,
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

export interface AskRequest {
  ref: StepRef;
  answers: Answers;
  defaultValue: AnswerValue | undefined;
  /** Checks and converts typed input; the prompter re-asks until this says ok. */
  coerce: (input: unknown) => Coerced;
  /** Lines of a long answer or list typed before an interruption. */
  draftLines: string[] | undefined;
  /** Saves the lines typed so far of a long answer or list. */
  saveDraft: (lines: string[]) => Promise<void>;
  /** For a step collecting questions for later: those already parked while listening (shown, not typed again). */
  notedQueries?: string[];
}

export interface CallPrompter {
  stageIntro(intro: StageIntro): void;
  /** Returns the coerced answer. Throws to stop the call (Ctrl-C, missing answer...). */
  ask(request: AskRequest): Promise<Extract<Coerced, { ok: true }>>;
  /** After an answer is applied (e.g. to show who the caller is when the phone is known). */
  afterAnswer?(ref: StepRef, record: CallRecord): Promise<CallRecord | void>;
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

  for (;;) {
    const answers = answersOf(record);
    const ref = nextStep(playbook, answers);
    if (!ref) break;
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
    const customerTimeZone = record.customer.zone;
    const coerce = (input: unknown) =>
      coerceAnswer(ref.step, input, {
        now: now(),
        timeZone: options.timeZone,
        ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
        ...(customerTimeZone ? { customerTimeZone } : {}),
      });
    const draftLines = record.draft?.stepId === ref.fullId ? record.draft.lines : undefined;
    const answer = await prompter.ask({
      ref,
      answers,
      defaultValue: defaultInCall(ref, answers, record),
      coerce,
      draftLines,
      saveDraft: async (lines) => {
        remember(await save({ ...record, draft: { stepId: ref.fullId, lines } }));
      },
      ...(ref.step.meaning === 'queries' && record.queries.length > 0 ? { notedQueries: record.queries } : {}),
    });
    const at = now();
    let updated = applyAnswer(playbook, record, ref, answer, { at, by: agent, timeZone: options.timeZone });
    updated = addStageTime(updated, ref.stage.id, (at.getTime() - lastActivity.getTime()) / 1000);
    lastActivity = at;
    remember(await save(updated));
    const afterwards = await prompter.afterAnswer?.(ref, record);
    if (afterwards) remember(await save(afterwards));
  }

  const finished: CallRecord = { ...record, status: 'completed', endedAt: now().toISOString() };
  delete finished.draft;
  return remember(await save(finished));
}
