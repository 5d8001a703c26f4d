import type { CoachingRule } from './coachingRule.js';
import { says } from './words.js';

/** "sorry", "apologise", "our fault"...: an apology, personal or on the company's behalf. */
export const APOLOGY = /\b(sorry|apologi[sz]e[sd]?|apologi[sz]ing|apolog(y|ies)|(our|my) (fault|mistake|error|bad)|we (messed|screwed) up)\b/;

/**
 * The craft: empathise first, apologise once the facts show it was on us. An apology
 * typed before the facts are in (or when they show it was not our doing) is nudged.
 */
export const apologyBeforeFacts: CoachingRule = {
  id: 'apology-before-facts',
  meanings: ['empathy', 'problem.paraphrase', 'options', 'resolution', 'promise.text'],
  check({ text, factsDone, ourFault }) {
    if (!says(text, APOLOGY)) return undefined;
    if (!factsDone) return 'Hold the apology until the facts are in: for now, say you understand how it affects them.';
    if (ourFault === false) return 'The facts say this was not our doing: thank them for their patience rather than apologise for it.';
    return undefined;
  },
};
