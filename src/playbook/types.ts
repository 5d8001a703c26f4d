/**
 * What a playbook is, as a TypeScript author sees it. The zod schema in
 * `playbookSchema.ts` checks the same shape at load time; these types give the
 * author autocompletion and type errors in their editor.
 */

export const STEP_TYPES = [
  'text', // one short line
  'longtext', // several lines; an empty line ends it
  'choice', // one of `choices`
  'multichoice', // any of `choices`
  'yesno',
  'date', // a calendar day
  'datetime', // a day and a time, optionally in the customer's time zone
  'number',
  'list', // items typed one after another; an empty line ends the list
] as const;
export type StepType = (typeof STEP_TYPES)[number];

/**
 * What an answer means for the call record. The engine copies answers with a meaning
 * into the record's named fields (customer, problem, outcome, promises...), so exports,
 * follow-ups and stats work whatever the playbook calls its steps.
 */
export const MEANINGS = [
  'customer.name',
  'customer.phone',
  'customer.account',
  'customer.zone', // their time zone: an IANA name or a US abbreviation (ET, CT, MT, PT...)
  'ticket', // the ticket number in the team's ticket system
  'problem.story', // notes taken while listening
  'problem.wants', // what the customer wants (money back, a technician...)
  'problem.paraphrase', // the problem as read back to the customer
  'problem.category', // for root-cause counting
  'problem.rootCause',
  'queries', // questions noted for later instead of interrupting
  'queries.answered', // which parked questions were answered (a multichoice whose choices are the call's parked questions)
  'empathy',
  'facts', // what fact-finding turned up
  'facts.fault', // yes/no: the facts show we got something wrong
  'hold.kind', // going off the line to check: a choice of no, hold, back ("I'll check and come back")
  'hold.until', // when the agent told the customer they would be back (a datetime: +2m, 10:45)
  'options', // what was offered to the customer (a list; prepared solutions that fit are offered by number)
  'options.chosen', // the option the customer chose (a choice whose choices are the options offered)
  'resolution', // what was done
  'outcome', // the disposition code
  'escalation.to',
  'escalation.handoff',
  'promise.made', // yes/no: did you promise anything (a chosen solution that promises something makes yes the default)
  'promise.text',
  'promise.due',
  'followup.text',
  'followup.due',
  'followup.repeatDays', // progress reports: call again every N days until closed
  'mood.start',
  'mood.end',
] as const;
export type Meaning = (typeof MEANINGS)[number];

/** A stored answer value: text, list of texts, yes/no, number, ISO date(-time), or skipped. */
export type AnswerValue = string | string[] | boolean | number | null;

/** Answers so far, keyed by full step id `stage.step`. Steps not (yet) answered are absent. */
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

export interface ChoiceObject {
  value: string;
  label?: string;
  /** A short explanation shown beside the choice. */
  hint?: string;
}
export type Choice = string | ChoiceObject;

export interface Step {
  /** Unique within its stage; letters, digits, `-` and `_`. The full id is `stage.step`. */
  id: string;
  /** The question as the agent reads it. */
  question: string;
  type: StepType;
  /** For `choice` and `multichoice`. */
  choices?: Choice[];
  /** Must be answered (defaults to false: an agent can press Enter to skip). */
  required?: boolean;
  /** Pre-filled answer; a function gets the answers so far. */
  default?: AnswerValue | ((answers: Answers) => AnswerValue | undefined);
  /** Asked only when this returns true. Gets the answers so far. */
  when?: (answers: Answers) => boolean;
  /** Extra check on the answer: return true, or a message saying what is wrong. */
  validate?: (value: AnswerValue) => true | string;
  /** What the answer means for the call record. */
  meaning?: Meaning;
  /** A short hint shown under the question. */
  hint?: string;
  /**
   * For dates about the customer (a callback, a promise): 'customer' reads a date typed
   * without a zone in the customer's zone, once it is known (a `customer.zone` step, or
   * an earlier call of theirs). Without it, dates are in the agent's zone.
   */
  zone?: 'customer';
  /**
   * The full ids (`stage.step`) this step had in earlier versions of the playbook, when it
   * moved to another stage: an answers file naming it by one of them still answers it.
   */
  formerly?: string[];
}

export interface Stage {
  /** Unique within the playbook; letters, digits, `-` and `_`. */
  id: string;
  title: string;
  /** The coaching tip shown before the stage: one or two short sentences. */
  tip: string | ((answers: Answers) => string);
  steps: Step[];
  /** The whole stage is skipped unless this returns true. */
  when?: (answers: Answers) => boolean;
}

export interface Playbook {
  /** Short name used on the command line: `csr-call start --playbook <id>`. */
  id: string;
  title: string;
  description: string;
  /** Written into every call record so a call can be traced to the playbook text. */
  version: string;
  stages: Stage[];
  /** Prepared solutions offered at this playbook's options step (with the team's, from solutions.ts in the playbook folder). */
  solutions?: Solution[];
  /** Coaching on the agent's own words: rules switched off for this playbook, by id. */
  coaching?: { off?: CoachingRuleId[] };
}

/** The coaching rules, by id (see README, "Coaching on your own words"). */
export const COACHING_RULE_IDS = ['apology-before-facts', 'vague-promise', 'parroting', 'stock-empathy', 'blame'] as const;
export type CoachingRuleId = (typeof COACHING_RULE_IDS)[number];

/**
 * A prepared solution: a realistic option to offer, written once for every agent. Shown
 * at the options step of calls whose category it fits, best first by how often it
 * resolved such calls before.
 */
export interface Solution {
  /** Unique; letters, digits, `-` and `_`: how it is kept in calls and typed in answers files. */
  id: string;
  /** What it is, in a few words: "Refund the duplicate charge". */
  title: string;
  /** The problem categories it fits (`billing`, `technical`...). */
  categories: string[];
  /** One line of what to say to the customer. */
  script: string;
  /** What it takes: an allowance, a check, a permission ("refund ≤ $50", "order not yet shipped"). */
  needs?: string;
  /** What choosing it promises, and by when (`+5d`, `+2h`, `fri 17:00`): the promise questions take these as their defaults. */
  promises?: { text: string; due: string };
}

/** Returns its argument unchanged: a team's `solutions.ts` is type-checked with it (`export default defineSolutions([...])`). */
export function defineSolutions<const T extends readonly Solution[]>(solutions: T): T {
  return solutions;
}

/**
 * Returns its argument unchanged. It exists so a playbook file gets type checking and
 * autocompletion: `export default definePlaybook({ ... })`.
 */
export function definePlaybook<const T extends Playbook>(playbook: T): T {
  return playbook;
}

/** The moods offered by the built-in playbooks; stats counts "angry/upset → calm/happy" turnarounds. */
export const MOODS = ['angry', 'upset', 'worried', 'neutral', 'calm', 'happy'] as const;
export const UPSET_MOODS: readonly string[] = ['angry', 'upset'];
export const SETTLED_MOODS: readonly string[] = ['calm', 'happy', 'neutral'];

/** The disposition codes of the built-in playbooks. */
export const OUTCOMES = [
  { value: 'resolved', label: 'Resolved on this call' },
  { value: 'escalated', label: 'Escalated to another team' },
  { value: 'transferred', label: 'Transferred to another department' },
  { value: 'callback', label: 'Callback pending: we call them back' },
  { value: 'not-resolved', label: 'Not resolved' },
  { value: 'info', label: 'Information only, nothing to fix' },
] as const satisfies readonly ChoiceObject[];
/** Outcomes counted as "escalated or transferred" in stats. */
export const HANDED_OFF_OUTCOMES: readonly string[] = ['escalated', 'transferred'];

/** Problem categories of the built-in playbooks; stats counts recurring ones. */
export const PROBLEM_CATEGORIES = [
  { value: 'billing', label: 'Billing or payment' },
  { value: 'technical', label: 'Technical: something not working' },
  { value: 'delivery', label: 'Delivery or order' },
  { value: 'account', label: 'Account or access' },
  { value: 'complaint', label: 'Complaint about service' },
  { value: 'request', label: 'Request or question' },
  { value: 'other', label: 'Other' },
] as const satisfies readonly ChoiceObject[];
