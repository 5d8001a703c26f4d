import type { CoachingRule } from './coachingRule.js';
import { says } from './words.js';

/** Who may be blamed: another team, a colleague, "they". */
const WHO = '(billing|accounts?|finance|tech|technical|it|support|sales|shipping|warehouse|delivery|dispatch|logistics|the courier|the engineer|the technician|management|(the|that|another|other|previous|last|my|a) (team|department|dept|agent|colleague|guy|person|rep|shift)|they|someone|somebody|he|she)';
/** What they are blamed for. */
const DID = "(messed( it)? up|screwed( it)? up|dropped the ball|got it wrong|made (a|the|this|that) (mistake|mess|error)|didn't bother|never bothered|forgot|lost it|lost the|ignored|is useless|are useless|was useless|were useless|incompetent|failed to|should have|shouldn't have|didn't do their job|caused this)";

export const BLAME = new RegExp(
  [
    `\\b${WHO}('s| s)? ([a-z']+ ){0,4}${DID}\\b`,
    "\\bnot (our|my) fault\\b",
    "\\b(their|his|her|billing's|billing s) (fault|mistake|error)\\b",
    '\\b(blame|blamed|blaming)\\b',
  ].join('|'),
);

/**
 * The craft: own it; no blaming a colleague or another department ("we made a mistake and
 * we will make it right"). Naming who slipped in a handoff or resolution is nudged.
 */
export const blame: CoachingRule = {
  id: 'blame',
  meanings: ['escalation.handoff', 'resolution'],
  check({ text }) {
    if (!says(text, BLAME)) return undefined;
    return 'Say "we": what went wrong and what happens now, not who slipped. The customer and the next team need the fix, not the fault.';
  },
};
