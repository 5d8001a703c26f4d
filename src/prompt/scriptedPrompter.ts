/**
 * The prompter behind `--answers FILE.json`: every answer comes from the file by its
 * full step id, through the same engine as the interactive prompts.
 */
import { closestMatch } from '../text/closestMatch.js';
import { noun } from '../text/plural.js';
import * as z from '../zod.js';
import type { AskRequest, CallPrompter, ChecklistDecision, ChecklistRequest } from '../engine/runCall.js';
import { CHECK_ITEM_IDS } from '../checklist/callChecklist.js';
import { acceptedFor, allSteps, type Coerced } from '../engine/callEngine.js';
import type { Playbook } from '../playbook/types.js';
import { UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import { correctionsIn, describeCorrections } from '../dates/parseWhen.js';

/** An answers file: one JSON object, step id → answer. */
export const AnswersFile = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
);
export type AnswersFile = z.infer<typeof AnswersFile>;

export function parseAnswersFile(text: string, fileName: string): AnswersFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the start of the file, newlines and all: the error stays one line.
    throw new UserError(`${fileName}: not valid JSON (${oneLine((error as Error).message, 120)}); expected an object like {"identify.name": "Jane"}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${fileName}: expected an object like {"identify.name": "Jane"}, got ${Array.isArray(data) ? 'a list' : String(data === null ? 'null' : typeof data)}`);
  }
  const parsed = AnswersFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `"${oneLine(issue.path.join('.'), 60)}"` : 'the file';
    throw new UserError(
      `${fileName}: ${where}: ${issue.message}; expected an object of step id → text, number, true/false, null or a list of texts`,
    );
  }
  return parsed.data;
}

/** The key giving the reason an item of the check before the summary is left: `checklist.two-options`. */
export const checklistKey = (item: string) => `checklist.${item}`;

/** Keys that are not steps of the playbook (nor items of the check before the summary) are refused before anything is written. */
export function checkAnswerKeys(playbook: Playbook, answers: AnswersFile, fileName: string): void {
  const known = new Set([...allSteps(playbook).flatMap((ref) => [ref.fullId, ...(ref.step.formerly ?? [])]), ...CHECK_ITEM_IDS.map(checklistKey)]);
  for (const item of CHECK_ITEM_IDS) {
    const reason = answers[checklistKey(item)];
    if (reason !== undefined && (typeof reason !== 'string' || reason.trim() === '')) {
      throw new UserError(`${fileName}: "${checklistKey(item)}": the reason this check is left, as text (like "the customer had to go"), not ${JSON.stringify(reason)}`);
    }
  }
  const unknown = Object.keys(answers).filter((key) => !known.has(key));
  if (unknown.length) {
    const nearest = unknown.map((key) => suggest(key, [...known])).find(Boolean);
    // Keys come from the file: shown on one line, and only the first few of a long list.
    const shown = unknown.slice(0, 5).map((k) => `"${oneLine(k, 60)}"`).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
    throw new UserError(
      `${fileName}: unknown step ${noun(unknown.length, 'id')} ${shown} for playbook ${playbook.id}` +
        (nearest ? ` (did you mean "${nearest}"?)` : `; see csr-call playbooks show ${playbook.id}`),
    );
  }
}

function suggest(key: string, known: string[]): string | undefined {
  return closestMatch(key, known, Math.max(2, Math.floor(key.length / 4)));
}

/**
 * Answers from the file. The check before the summary cannot go back to a step here: each
 * unmet item is left, with the reason the file gives under `checklist.<item>`.
 */
export function createScriptedPrompter(answers: AnswersFile, fileName: string, warn?: (message: string) => void): CallPrompter & { unused(): string[] } {
  const used = new Set<string>();
  return {
    stageIntro() {},
    async checklist({ items }: ChecklistRequest): Promise<ChecklistDecision> {
      const item = items[0]!;
      const key = checklistKey(item.id);
      used.add(key);
      const reason = answers[key];
      if (typeof reason === 'string') return { leave: item, reason: reason.trim() };
      return { leave: item, reason: '(no reason given in the answers file)' };
    },
    async ask(request: AskRequest): Promise<Extract<Coerced, { ok: true }>> {
      const { ref } = request;
      // By its id, or one it had in an earlier version of the playbook.
      const key = [ref.fullId, ...(ref.step.formerly ?? [])].find((id) => Object.hasOwn(answers, id));
      used.add(ref.fullId);
      for (const former of ref.step.formerly ?? []) used.add(former);
      if (key !== undefined) {
        const result = request.coerce(answers[key]);
        // The message may quote the value, which may hold newlines: one line all the same.
        if (!result.ok) throw new UserError(`${fileName}: "${key}" (${ref.step.question}): ${oneLine(result.message, 500)}`);
        // A date with a misspelt word is read, and said so, as when typed in a call.
        const typed = answers[key];
        const corrected = (ref.step.type === 'date' || ref.step.type === 'datetime') && typeof typed === 'string' ? describeCorrections(correctionsIn(typed)) : undefined;
        if (corrected) warn?.(`${fileName}: "${key}": ${corrected}`);
        return result;
      }
      if (request.defaultValue !== undefined) {
        const result = request.coerce(request.defaultValue);
        if (result.ok) return result;
      }
      if (ref.step.required) {
        throw new UserError(
          `${fileName}: missing required answer "${ref.fullId}" (${ref.step.question}); expected ${acceptedFor(ref.step)}`,
        );
      }
      return { ok: true, value: null };
    },
    unused: () => Object.keys(answers).filter((key) => !used.has(key)),
  };
}
