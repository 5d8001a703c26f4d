import * as z from '../zod.js';
import { CALL_ID_PATTERN } from './ids.js';

/**
 * The call file format. Every file read from the store goes through `callRecordSchema()`;
 * the types below are derived from it. Bump `CURRENT_SCHEMA_VERSION` (and add a migration
 * in `migrations.ts`) when the shape changes.
 */
export const CURRENT_SCHEMA_VERSION = 1;

export { CALL_ID_PATTERN };

/*
 * Built on first use, not when the module loads: it takes ~10 ms of zod set-up that
 * `start` does not need before its first question (it writes calls; it reads one only
 * to resume).
 */
function buildCallRecordSchema() {
  const isoInstant = z.iso.datetime({ offset: true });

  const CallId = z.string().regex(CALL_ID_PATTERN, 'not a call id (like 20261123-145203-k3v9q2)');

  const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

  const Answer = z.object({
    /** Full step id, `stage.step`. */
    stepId: z.string().min(1),
    question: z.string(),
    type: z.string(),
    value: AnswerValue,
    /** What the agent typed, when it differs from the stored value (dates: "fri 10:00"). */
    raw: z.string().optional(),
    /** IANA zone a date-time was given in (the customer's), when not the agent's. */
    timeZone: z.string().optional(),
    answeredAt: isoInstant,
  });

  const HistoryEntry = z.object({
    at: isoInstant,
    by: z.string(),
    action: z.enum(['created', 'done', 'snoozed', 'reopened', 'cancelled', 'scheduled-next']),
    note: z.string().optional(),
    due: isoInstant.optional(),
    previousDue: isoInstant.optional(),
  });

  const FollowUp = z.object({
    /** `<call id>.f<n>`; unique across the store. */
    id: z.string().min(1),
    text: z.string(),
    due: isoInstant,
    /** The customer's zone when the callback time was given in it. */
    timeZone: z.string().optional(),
    /** True when only a day was given (due at the start of that day, shown without a time). */
    allDay: z.boolean().optional(),
    status: z.enum(['open', 'done', 'cancelled']),
    owner: z.string(),
    /** The promise this follow-up keeps, if any: snoozing past its due date breaks it. */
    promiseId: z.string().optional(),
    /** Progress reports: when done, the next one is scheduled this many days later. */
    repeatEveryDays: z.number().int().positive().optional(),
    createdAt: isoInstant,
    doneAt: isoInstant.optional(),
    history: z.array(HistoryEntry),
  });

  const Promise_ = z.object({
    id: z.string().min(1),
    text: z.string(),
    due: isoInstant.optional(),
    timeZone: z.string().optional(),
    madeAt: isoInstant,
  });

  const Note = z.object({ at: isoInstant, by: z.string(), text: z.string() });

  const CallStatus = z.enum(['in-progress', 'completed']);

  return z.object({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    id: CallId,
    /** Incremented on every write; concurrent updates re-read and retry when it moved. */
    revision: z.number().int().nonnegative(),
    agent: z.string().min(1),
    playbook: z.object({ id: z.string(), version: z.string(), title: z.string(), source: z.string().optional() }),
    customer: z.object({
      name: z.string().optional(),
      phone: z.string().optional(),
      account: z.string().optional(),
    }),
    startedAt: isoInstant,
    endedAt: isoInstant.optional(),
    status: CallStatus,
    /** Every answer in the order given. */
    answers: z.array(Answer),
    problem: z.object({
      story: z.string().optional(),
      wants: z.string().optional(),
      paraphrase: z.string().optional(),
      category: z.string().optional(),
      rootCause: z.string().optional(),
    }),
    /** Questions noted while listening, to ask when the customer has finished. */
    queries: z.array(z.string()),
    facts: z.string().optional(),
    options: z.array(z.string()).optional(),
    resolution: z.string().optional(),
    outcome: z.string().optional(),
    escalation: z.object({ to: z.string(), handoffNote: z.string().optional() }).optional(),
    promises: z.array(Promise_),
    followups: z.array(FollowUp),
    mood: z.object({ start: z.string().optional(), end: z.string().optional() }),
    /** Seconds spent in each stage, by stage id. */
    stageSeconds: z.record(z.string(), z.number().nonnegative()),
    /** Earlier calls from the same customer shown at the start of this one. */
    earlierCalls: z.array(z.string()).optional(),
    /**
     * Lines of a long answer or list still being typed: saved after every line so a crash
     * mid-answer loses at most the line being typed. Cleared when the answer is given.
     */
    draft: z.object({ stepId: z.string(), lines: z.array(z.string()) }).optional(),
    /** Notes added after the call (`csr-call note`); the call's own answers are never rewritten. */
    notes: z.array(Note),
  });
}

let schema: ReturnType<typeof buildCallRecordSchema> | undefined;

export function callRecordSchema(): ReturnType<typeof buildCallRecordSchema> {
  return (schema ??= buildCallRecordSchema());
}

export type CallRecord = z.infer<ReturnType<typeof buildCallRecordSchema>>;
export type Answer = CallRecord['answers'][number];
export type FollowUp = CallRecord['followups'][number];
export type HistoryEntry = FollowUp['history'][number];
export type CallPromise = CallRecord['promises'][number];
export type Note = CallRecord['notes'][number];
export type CallStatus = CallRecord['status'];
