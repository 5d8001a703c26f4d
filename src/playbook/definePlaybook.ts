// The public entry of the package (`import { definePlaybook } from 'csr-call'`): only
// what a playbook author needs.
export { definePlaybook, MOODS, OUTCOMES, PROBLEM_CATEGORIES, STEP_TYPES, MEANINGS } from './types.js';
export type { Playbook, Stage, Step, StepType, Meaning, Answers, AnswerValue, Choice, ChoiceObject } from './types.js';
export { promiseStage, followupStage } from './commonStages.js';
export type { PromiseStageOptions, FollowupStageOptions } from './commonStages.js';
