import type { CallRecord } from '../domain/callRecord.js';
import type { CoachingRuleId, Meaning } from '../playbook/types.js';

/**
 * What a coaching rule sees of the answer just given: pure data, so every rule is a small
 * pure function tested by a table of answers.
 */
export interface CoachingInput {
  /** The meaning of the step answered (rules look only at the meanings they name). */
  meaning: Meaning;
  /** The answer as text (a list's items on lines of their own). */
  text: string;
  /** The call with the answer in it. */
  record: CallRecord;
  /** Every step of the facts stage that applies has an answer (true when the playbook has none). */
  factsDone: boolean;
  /** What the facts showed: our fault (true), not ours (false), or not known. */
  ourFault: boolean | undefined;
  /** This agent's empathy lines on their latest calls, as typed (newest first). */
  recentEmpathy: readonly string[];
}

export interface CoachingRule {
  id: CoachingRuleId;
  /** The meanings of the answers the rule reads: the agent's own words to the customer or a colleague. */
  meanings: readonly Meaning[];
  /** The nudge, one short line, or undefined when the answer is fine. */
  check(input: CoachingInput): string | undefined;
}
