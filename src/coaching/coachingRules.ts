/**
 * The coaching rules, in the order they are tried: the first that has something to say
 * about an answer gives its one nudge. A new rule is a file like the others (an id, the
 * meanings it reads, a pure `check`) added to `COACHING_RULES`, its id to
 * `COACHING_RULE_IDS` (playbook/types.ts: what a playbook may switch off), and a table test.
 */
import type { CoachingNote } from '../domain/callRecord.js';
import type { CoachingInput, CoachingRule } from './coachingRule.js';
import { apologyBeforeFacts } from './apologyBeforeFacts.js';
import { vaguePromise } from './vaguePromise.js';
import { parroting } from './parroting.js';
import { stockEmpathy } from './stockEmpathy.js';
import { blame } from './blame.js';

export type { CoachingInput, CoachingRule } from './coachingRule.js';

export const COACHING_RULES: readonly CoachingRule[] = [apologyBeforeFacts, blame, vaguePromise, parroting, stockEmpathy];

/**
 * The one nudge for this answer, if any: the first rule that reads this kind of answer,
 * is not switched off, has not nudged on this call yet (each is said once), and has
 * something to say.
 */
export function coachAnswer(
  input: CoachingInput,
  { off = [], rules = COACHING_RULES }: { off?: readonly string[]; rules?: readonly CoachingRule[] } = {},
): Pick<CoachingNote, 'rule' | 'text'> | undefined {
  if (input.text.trim() === '') return undefined;
  const said = new Set((input.record.coaching ?? []).map((note) => note.rule));
  for (const rule of rules) {
    if (off.includes(rule.id) || said.has(rule.id) || !rule.meanings.includes(input.meaning)) continue;
    const text = rule.check(input);
    if (text !== undefined) return { rule: rule.id, text };
  }
  return undefined;
}
