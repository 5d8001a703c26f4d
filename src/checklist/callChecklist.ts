/**
 * The check before the summary: a short list built from this call's own record (its
 * parked questions, its options, its mood, its handoff, its promises), not a fixed form.
 * Pure: the live call shows what is unmet and goes back to the steps named in `fix`.
 */
import type { CallRecord } from '../domain/callRecord.js';
import { promiseDeadline } from '../domain/followUpRules.js';
import { UPSET_MOODS, type Meaning } from '../playbook/types.js';
import { normalizedLine, says } from '../coaching/words.js';
import { oneLine } from '../render/terminalText.js';
import { noun, plural } from '../text/plural.js';

export const CHECK_ITEM_IDS = ['parked-questions', 'two-options', 'empathy', 'handoff-note', 'promises-dated', 'callback-by-deadline'] as const;
export type CheckItemId = (typeof CHECK_ITEM_IDS)[number];

export interface UnmetCheck {
  id: CheckItemId;
  /** What is unmet, in one line. */
  text: string;
  /** The steps to go back to, by meaning, in order (those the playbook has and that apply). */
  fix: readonly Meaning[];
}

/** Outcomes that count as solved outright: no second option is needed. */
const SOLVED_OUTRIGHT: readonly string[] = ['resolved', 'info'];

const TRIED = /\b(tried|try|checked|check|did|done|reset|restarted|rebooted|reinstalled|verified|looked|found|confirmed|tested|ran|sent|resent|called|refunded|credited|applied|replaced|walked (them|him|her) through|already|attempted|no fix|nothing worked|didn't work|did not work)\b/;
const PROMISED = /\b(promised|promise|told (them|him|her)|will|we'll|i'll|they'll|you'll|call(ed)? back|callback|expects?|expecting|agreed|nothing (was )?promised|no promises?|by (mon|tue|wed|thu|fri|sat|sun|today|tomorrow|end)[a-z]*|within)\b/;
const FEELS = /\b(angry|upset|furious|frustrated|annoyed|irate|livid|calm|calmer|happy|happier|patient|worried|anxious|disappointed|fed up|relieved|satisfied|unhappy|pleased|stressed|polite|rude|distressed|feels?|felt|feeling|mood|tone|sounds?|sounded|tired)\b/;

/** What a handoff note leaves out of what the next person needs: what was tried, what was promised, how the customer feels. */
export function handoffGaps(note: string | undefined): string[] {
  const text = note ?? '';
  const gaps: string[] = [];
  if (!says(text, TRIED)) gaps.push('what was tried');
  if (!says(text, PROMISED)) gaps.push('what was promised');
  if (!says(text, FEELS)) gaps.push('how they feel');
  return gaps;
}

const answerMeaning = (record: CallRecord, meaning: Meaning) => record.answers.find((a) => a.meaning === meaning);

/** Parked questions neither marked answered nor carried into a follow-up (named in its text). */
export function openParkedQuestions(record: CallRecord): string[] {
  const answered = answerMeaning(record, 'queries.answered')?.value;
  const marked = new Set(Array.isArray(answered) ? answered : []);
  const followUps = record.followups.map((f) => ` ${normalizedLine(f.text)} `);
  return record.queries.filter((query) => {
    if (marked.has(query)) return false;
    const words = normalizedLine(query);
    return words === '' || !followUps.some((text) => text.includes(` ${words} `));
  });
}

const quoted = (items: readonly string[]) => items.map((item) => `"${oneLine(item, 40)}"`).join(', ');
const joinAnd = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/**
 * The promises whose callback (the open follow-up that checks them) is due after their
 * deadline: a promise counts as kept when its check is done by then, so such a callback,
 * made on time, still finds it late. `agentTimeZone` ends a promise for a day given with
 * no zone of its own.
 */
export function callbacksAfterDeadline(record: CallRecord, agentTimeZone: string): CallRecord['promises'] {
  return record.promises.filter((promise) => {
    const deadline = promiseDeadline(promise, agentTimeZone);
    return deadline !== undefined && record.followups.some((f) => f.promiseId === promise.id && f.status === 'open' && Date.parse(f.due) > deadline.getTime());
  });
}

/**
 * Every item of the check this call does not meet, in the order of the call. `asks`: the
 * meanings of the playbook's steps; an item is checked only when the playbook has a step
 * that can meet it (a playbook with no options step is not asked for two options).
 */
export function unmetChecks(record: CallRecord, asks: ReadonlySet<Meaning>, agentTimeZone: string): UnmetCheck[] {
  const unmet: UnmetCheck[] = [];

  const open = asks.has('queries.answered') || asks.has('followup.text') ? openParkedQuestions(record) : [];
  if (open.length) {
    unmet.push({
      id: 'parked-questions',
      text: `${plural(open.length, 'parked question')} neither answered nor in a follow-up: ${quoted(open)}`,
      // Marked answered, or else written into the callback.
      fix: asks.has('queries.answered') ? ['queries.answered'] : ['followup.text'],
    });
  }

  const upset = record.mood.start !== undefined && UPSET_MOODS.includes(record.mood.start);
  const empathy = answerMeaning(record, 'empathy')?.value;
  if (asks.has('empathy') && upset && !(typeof empathy === 'string' && empathy.trim() !== '')) {
    unmet.push({ id: 'empathy', text: `They started ${record.mood.start} and no empathy is recorded`, fix: ['empathy'] });
  }

  if (record.escalation) {
    const gaps = handoffGaps(record.escalation.handoffNote);
    if (!record.escalation.handoffNote?.trim()) unmet.push({ id: 'handoff-note', text: `No handoff note for ${oneLine(record.escalation.to, 40)}`, fix: ['escalation.handoff'] });
    else if (gaps.length) unmet.push({ id: 'handoff-note', text: `The handoff note does not say ${joinAnd(gaps)}`, fix: ['escalation.handoff'] });
  }

  const offered = record.options?.length ?? 0;
  if (asks.has('options') && offered < 2 && !(record.outcome && SOLVED_OUTRIGHT.includes(record.outcome))) {
    unmet.push({
      id: 'two-options',
      text: `${offered === 0 ? 'No option' : 'Only one option'} offered, and it was not solved outright: offer two when you can`,
      fix: ['options', 'options.chosen'],
    });
  }

  const undated = record.promises.filter((p) => !p.due);
  const unchecked = record.promises.filter((p) => p.due && !record.followups.some((f) => f.promiseId === p.id));
  if (undated.length || unchecked.length) {
    const parts = [
      ...(undated.length ? [`${quoted(undated.map((p) => p.text))} ${noun(undated.length, 'has', 'have')} no date`] : []),
      ...(unchecked.length ? [`${quoted(unchecked.map((p) => p.text))} ${noun(unchecked.length, 'has', 'have')} no follow-up`] : []),
    ];
    unmet.push({ id: 'promises-dated', text: `Promise ${parts.join('; ')}`, fix: ['promise.due'] });
  }

  const late = asks.has('followup.due') ? callbacksAfterDeadline(record, agentTimeZone) : [];
  if (late.length) {
    unmet.push({
      id: 'callback-by-deadline',
      text: `Callback due after the deadline of ${quoted(late.map((p) => p.text))}: call by then`,
      fix: ['followup.due'],
    });
  }
  return unmet;
}

/** The unmet items still to be shown: those not already left with a reason on this call. */
export function checksToShow(record: CallRecord, asks: ReadonlySet<Meaning>, agentTimeZone: string): UnmetCheck[] {
  const left = new Set((record.checklist ?? []).filter((entry) => entry.result === 'left').map((entry) => entry.item));
  return unmetChecks(record, asks, agentTimeZone).filter((item) => !left.has(item.id));
}
