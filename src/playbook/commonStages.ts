/**
 * The promise and follow-up stages every call type needs, written once. The built-in
 * playbooks use them, and so can a user's own (`import { promiseStage } from 'csr-call'`).
 * Their step ids are fixed (`promise.made|what|due`, `followup.needed|what|due|repeat`):
 * answers files and `when` conditions rely on them.
 */
import { PROBLEM_CATEGORIES, type Answers, type AnswerValue, type Stage } from './types.js';

export interface PromiseStageOptions {
  tip: Stage['tip'];
  title?: string;
  /** Skip the whole stage unless this returns true. */
  when?: (answers: Answers) => boolean;
  /** The yes/no question that opens the stage. */
  question?: string;
}

const promised = (answers: Answers) => answers['promise.made'] === true;

/** "Did you promise anything? What? By when?" — every promise gets a date, in the customer's zone when known. */
export function promiseStage({ tip, title = 'Promises', when, question = 'Did you promise them anything?' }: PromiseStageOptions): Stage {
  return {
    id: 'promise',
    title,
    ...(when ? { when } : {}),
    tip,
    steps: [
      { id: 'made', question, type: 'yesno', default: false, meaning: 'promise.made' },
      { id: 'what', question: 'What exactly did you promise?', type: 'text', required: true, when: promised, meaning: 'promise.text' },
      {
        id: 'due',
        question: 'By when?',
        type: 'datetime',
        required: true,
        when: promised,
        meaning: 'promise.due',
        zone: 'customer',
        hint: 'Like: fri 10:00, tomorrow 9am, +2d',
      },
    ],
  };
}

export interface FollowupStageOptions {
  tip: Stage['tip'];
  title?: string;
  /** Whether a callback is suggested (the default of "Will you call them back?"). */
  suggest: (answers: Answers) => boolean;
  /** The suggested text of the callback. */
  about: (answers: Answers) => AnswerValue | undefined;
  neededQuestion?: string;
  aboutQuestion?: string;
}

const callingBack = (answers: Answers) => answers['followup.needed'] === true;

/** The callback: what about, when (in the customer's zone when known), and whether to repeat it with progress until closed. */
export function followupStage({
  tip,
  title = 'Follow-up',
  suggest,
  about,
  neededQuestion = 'Will you call them back?',
  aboutQuestion = 'What is the callback about?',
}: FollowupStageOptions): Stage {
  return {
    id: 'followup',
    title,
    tip,
    steps: [
      { id: 'needed', question: neededQuestion, type: 'yesno', default: suggest },
      { id: 'what', question: aboutQuestion, type: 'text', required: true, when: callingBack, default: about, meaning: 'followup.text' },
      {
        id: 'due',
        question: 'When will you call?',
        type: 'datetime',
        required: true,
        when: callingBack,
        default: 'tomorrow 10:00',
        meaning: 'followup.due',
        zone: 'customer',
      },
      {
        id: 'repeat',
        question: "Call again every how many days until it's closed?",
        hint: 'Progress reports: leave empty to call just once.',
        type: 'number',
        when: callingBack,
        validate: (value) =>
          value === null ||
          (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 60) ||
          'a whole number of days from 1 to 60, or Enter for just once',
        meaning: 'followup.repeatDays',
      },
    ],
  };
}

/**
 * "Do you need time off the line to check?" and, for a hold or a call back, "When did you
 * tell them you would be back?": the two steps of time off the line (`hold.kind`,
 * `hold.until`), for the stage `stageId` where the agent goes to find the facts. Their ids
 * are `away` and `until`.
 */
export function timeOffLineSteps(stageId: string): Stage['steps'] {
  const offLine = (answers: Answers) => answers[`${stageId}.away`] === 'hold' || answers[`${stageId}.away`] === 'back';
  return [
    {
      id: 'away',
      question: 'Do you need time off the line to check?',
      type: 'choice',
      choices: [
        { value: 'no', label: 'No, I can check while we talk' },
        { value: 'hold', label: 'Hold them while I check' },
        { value: 'back', label: "Back to them later: I'll check, then come back" },
      ],
      default: 'no',
      meaning: 'hold.kind',
    },
    {
      id: 'until',
      question: 'When did you tell them you would be back?',
      type: 'datetime',
      required: true,
      when: offLine,
      meaning: 'hold.until',
      hint: 'Tell them first, then type it: +2m, +5m, 14:30. A clock counts down until you are back.',
    },
  ];
}

/**
 * "Problem category", asked once the problem is read back: the prepared solutions offered
 * later in the call are those of its category. Its id is `category`; answers given under
 * `wrapup.category` (where it was asked until version 1.1 of the built-in playbooks) are
 * taken as its own.
 */
export function categoryStep(): Stage['steps'][number] {
  return {
    id: 'category',
    question: 'Problem category',
    type: 'choice',
    choices: [...PROBLEM_CATEGORIES],
    meaning: 'problem.category',
    hint: 'The prepared solutions that fit it are offered later in the call.',
    formerly: ['wrapup.category'],
  };
}
