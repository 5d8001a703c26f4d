// The public entry of the package (`import { definePlaybook } from 'csr-call'`): only
// what a playbook author needs.
export { definePlaybook, defineSolutions, MOODS, OUTCOMES, PROBLEM_CATEGORIES, STEP_TYPES, MEANINGS, COACHING_RULE_IDS } from './types.js';
export type { Playbook, Stage, Step, StepType, Meaning, Answers, AnswerValue, Choice, ChoiceObject, Solution, CoachingRuleId } from './types.js';
export { STARTER_SOLUTIONS } from './starterSolutions.js';
export { categoryStep, promiseStage, followupStage, timeOffLineSteps } from './commonStages.js';
export type { PromiseStageOptions, FollowupStageOptions } from './commonStages.js';
