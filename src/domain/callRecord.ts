import * as zodMini from '../zod.js';
import { CALL_ID_PATTERN } from './ids.js';
import { isIsoInstant } from './isoInstant.js';

/**
 * The call file format. Every file read from the store goes through `callRecordSchema()`;
 * the types below are derived from it. Bump `CURRENT_SCHEMA_VERSION` (and add a migration
 * in `migrations.ts`) when the shape changes.
 */
export const CURRENT_SCHEMA_VERSION = 2;

export { CALL_ID_PATTERN };

/** zod's functions the schema is written with: those of zod/mini, or the full build's (which has them too). */
type Zod = Pick<
  typeof zodMini,
  'array' | 'boolean' | 'enum' | 'int' | 'literal' | 'minLength' | 'nonnegative' | 'null' | 'nullable' | 'number' | 'object' | 'optional' | 'positive' | 'record' | 'refine' | 'regex' | 'string' | 'union'
>;

/**
 * zod/mini's, named one by one: passing its whole namespace as a value would make the bundle
 * keep every export of zod/mini (its locales and JSON Schema code among them: ~400 KB that
 * every command compiled as it started).
 */
function miniZod(): Zod {
  return {
    array: zodMini.array, boolean: zodMini.boolean, enum: zodMini.enum, int: zodMini.int, literal: zodMini.literal, minLength: zodMini.minLength,
    nonnegative: zodMini.nonnegative, null: zodMini.null, nullable: zodMini.nullable, number: zodMini.number, object: zodMini.object,
    optional: zodMini.optional, positive: zodMini.positive, record: zodMini.record, refine: zodMini.refine, regex: zodMini.regex,
    string: zodMini.string, union: zodMini.union,
  };
}

/*
 * Built on first use, not when the module loads: zod set-up (a few ms) that `start` does
 * not need before its first question (it writes calls; it reads one only to resume).
 */
function buildCallRecordSchema(z: Zod = miniZod()) {
  const isoInstant = z.string().check(z.refine(isIsoInstant, 'Invalid ISO datetime'));

  const CallId = z.string().check(z.regex(CALL_ID_PATTERN, 'not a call id (like 20261123-145203-k3v9q2)'));

  const AnswerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

  const Answer = z.object({
    /** Full step id, `stage.step`. */
    stepId: z.string().check(z.minLength(1)),
    question: z.string(),
    type: z.string(),
    /** The step's meaning, when it had one: what the answer was for (a list of questions, a due date...). */
    meaning: z.optional(z.string()),
    value: AnswerValue,
    /** What the agent typed, when it differs from the stored value (dates: "fri 10:00"). */
    raw: z.optional(z.string()),
    /** IANA zone a date-time was given in (the customer's), when not the agent's. */
    timeZone: z.optional(z.string()),
    /** For the options offered: each item's prepared solution id, or null for an option typed in words. */
    solutions: z.optional(z.array(z.nullable(z.string()))),
    answeredAt: isoInstant,
  });

  const HistoryEntry = z.object({
    at: isoInstant,
    by: z.string(),
    // claimed, released, assigned: a team follow-up changing hands (the note says to whom).
    action: z.enum(['created', 'done', 'snoozed', 'reopened', 'cancelled', 'scheduled-next', 'claimed', 'released', 'assigned']),
    note: z.optional(z.string()),
    due: z.optional(isoInstant),
    previousDue: z.optional(isoInstant),
  });

  const FollowUp = z.object({
    /** `<call id>.f<n>`; unique across the store. */
    id: z.string().check(z.minLength(1)),
    text: z.string(),
    due: isoInstant,
    /** The customer's zone when the callback time was given in it. */
    timeZone: z.optional(z.string()),
    /** True when only a day was given (due at the start of that day, shown without a time). */
    allDay: z.optional(z.boolean()),
    status: z.enum(['open', 'done', 'cancelled']),
    owner: z.string(),
    /** The promise this follow-up keeps, if any: snoozing past its due date breaks it. */
    promiseId: z.optional(z.string()),
    /** Progress reports: when done, the next one is scheduled this many days later. */
    repeatEveryDays: z.optional(z.int().check(z.positive())),
    createdAt: isoInstant,
    doneAt: z.optional(isoInstant),
    history: z.array(HistoryEntry),
  });

  const Promise_ = z.object({
    id: z.string().check(z.minLength(1)),
    text: z.string(),
    due: z.optional(isoInstant),
    timeZone: z.optional(z.string()),
    madeAt: isoInstant,
  });

  const Note = z.object({ at: isoInstant, by: z.string(), text: z.string() });

  /** A one-line nudge on the agent's own words, shown under the answer that triggered it. */
  const Coaching = z.object({ rule: z.string(), step: z.string(), text: z.string(), at: isoInstant });

  /** Time off the line: on hold, or "I'll check and come back", with the time the customer was told. */
  const Hold = z.object({
    kind: z.enum(['hold', 'back']),
    /** The stage the agent went off the line in. */
    stage: z.string(),
    startedAt: isoInstant,
    /** When the agent said they would be back. */
    backBy: isoInstant,
    /** When the agent was back (the stage ended); absent while still off the line. */
    endedAt: z.optional(isoInstant),
  });

  /** An item of the check before the summary that was not met when the call ended: fixed on the spot, or left with a reason. */
  const CheckItem = z.object({
    item: z.string(),
    text: z.string(),
    result: z.enum(['fixed', 'left']),
    reason: z.optional(z.string()),
    at: isoInstant,
  });

  const CallStatus = z.enum(['in-progress', 'completed']);

  return z.object({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    id: CallId,
    /** Incremented on every write; concurrent updates re-read and retry when it moved. */
    revision: z.int().check(z.nonnegative()),
    agent: z.string().check(z.minLength(1)),
    playbook: z.object({ id: z.string(), version: z.string(), title: z.string(), source: z.optional(z.string()) }),
    customer: z.object({
      name: z.optional(z.string()),
      phone: z.optional(z.string()),
      account: z.optional(z.string()),
      /** Their time zone (IANA), asked in the call or known from an earlier one: dates about them are read in it. */
      zone: z.optional(z.string()),
    }),
    /** The ticket this call belongs to in the team's ticket system (`--ticket`, or a step meaning `ticket`). */
    ticket: z.optional(z.string()),
    startedAt: isoInstant,
    endedAt: z.optional(isoInstant),
    status: CallStatus,
    /** Every answer in the order given. */
    answers: z.array(Answer),
    problem: z.object({
      story: z.optional(z.string()),
      wants: z.optional(z.string()),
      paraphrase: z.optional(z.string()),
      category: z.optional(z.string()),
      rootCause: z.optional(z.string()),
    }),
    /** Questions noted while listening, to ask when the customer has finished. */
    queries: z.array(z.string()),
    facts: z.optional(z.string()),
    /** Whether the facts showed we got something wrong (a yes/no step with meaning \`facts.fault\`). */
    ourFault: z.optional(z.boolean()),
    options: z.optional(z.array(z.string())),
    /** The prepared solutions offered (ids, in the order offered) and the one the customer chose. */
    solutions: z.optional(z.object({ offered: z.array(z.string()), chosen: z.optional(z.string()) })),
    /** The option the customer chose, as offered (a prepared solution's title or the agent's words). */
    chosenOption: z.optional(z.string()),
    resolution: z.optional(z.string()),
    outcome: z.optional(z.string()),
    escalation: z.optional(z.object({ to: z.string(), handoffNote: z.optional(z.string()) })),
    promises: z.array(Promise_),
    followups: z.array(FollowUp),
    mood: z.object({ start: z.optional(z.string()), end: z.optional(z.string()) }),
    /** Seconds spent in each stage, by stage id. */
    stageSeconds: z.record(z.string(), z.number().check(z.nonnegative())),
    /** Earlier calls from the same customer shown at the start of this one. */
    earlierCalls: z.optional(z.array(z.string())),
    /**
     * Lines of a long answer or list still being typed: saved after every line so a crash
     * mid-answer loses at most the line being typed. Cleared when the answer is given.
     */
    draft: z.optional(z.object({ stepId: z.string(), lines: z.array(z.string()) })),
    /** Notes added after the call (`csr-call note`); the call's own answers are never rewritten. */
    notes: z.array(Note),
    /** Nudges on the agent's own words (one per answer at most, one per rule per call). */
    coaching: z.optional(z.array(Coaching)),
    holds: z.optional(z.array(Hold)),
    /** What the check before the summary found unmet, and what became of it. */
    checklist: z.optional(z.array(CheckItem)),
  });
}

export type CallRecordSchema = ReturnType<typeof buildCallRecordSchema>;

let schema: CallRecordSchema | undefined;

export function callRecordSchema(): CallRecordSchema {
  return (schema ??= buildCallRecordSchema());
}

/**
 * The same schema made with zod's full build, whose object checks are compiled into one
 * function each (`new Function`, once): about half the time per file, for reads of
 * thousands of files (an index build, an export). Not on the start-up path: it loads the
 * full build (~140 KB) and compiling costs milliseconds.
 */
export function buildCompiledCallRecordSchema(zodFull: unknown): CallRecordSchema {
  const z = zodFull as Zod & { config: (c: { jitless: boolean }) => void };
  z.config({ jitless: false });
  try {
    return buildCallRecordSchema(z);
  } finally {
    z.config({ jitless: true });
  }
}

export type CallRecord = zodMini.infer<CallRecordSchema>;
export type Answer = CallRecord['answers'][number];
export type FollowUp = CallRecord['followups'][number];
export type HistoryEntry = FollowUp['history'][number];
export type CallPromise = CallRecord['promises'][number];
export type Note = CallRecord['notes'][number];
export type CallStatus = CallRecord['status'];
export type CoachingNote = NonNullable<CallRecord['coaching']>[number];
export type Hold = NonNullable<CallRecord['holds']>[number];
export type CheckItem = NonNullable<CallRecord['checklist']>[number];
