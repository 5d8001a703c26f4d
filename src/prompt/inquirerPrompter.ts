/**
 * The interactive prompter: each playbook step becomes an @inquirer/prompts question.
 * Typed text is kept when an answer is refused, long answers are saved line by line,
 * and every prompt listens to one AbortSignal so Ctrl-C, a closed window or SIGTERM
 * end the prompt cleanly (the call so far is already saved).
 */
import { input, select, checkbox, confirm } from '@inquirer/prompts';
import type { ChalkInstance } from 'chalk';
import type { Writable, Readable } from 'node:stream';
import type { AskRequest, CallPrompter, StageIntro } from '../engine/runCall.js';
import { choiceObjects, type Coerced } from '../engine/callEngine.js';
import type { AnswerValue } from '../playbook/types.js';
import { formatDuration } from '../dates/format.js';
import { sanitizeForTerminal } from '../render/terminalText.js';

type Ok = Extract<Coerced, { ok: true }>;
const SKIP = '\u0000skip';

export interface InquirerPrompterOptions {
  color: ChalkInstance;
  output: Writable & { columns?: number };
  input?: Readable;
  signal: AbortSignal;
  /** Describes a stored date answer for the agent ("Fri 27 Nov 10:00, in 4 days"). */
  describeDate: (ok: Ok) => string;
  afterAnswer?: CallPrompter['afterAnswer'];
}

export function createInquirerPrompter(options: InquirerPrompterOptions): CallPrompter {
  const { color, output, signal } = options;
  const context = { output, signal, ...(options.input ? { input: options.input } : {}) };
  const theme = { validationFailureMode: 'keep' as const };
  const write = (text: string) => output.write(`${text}\n`);

  const fromDefault = (value: AnswerValue | undefined): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value.join(', ');
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  };

  /** Refusals come back as one short line under the prompt; typed text stays. */
  const validator = (request: AskRequest) => (value: string) => {
    const result = request.coerce(value);
    return result.ok ? true : result.message;
  };

  async function askLines(request: AskRequest, question: string): Promise<Ok> {
    const { ref } = request;
    const lines = [...(request.draftLines ?? [])];
    const isList = ref.step.type === 'list';
    write(color.cyan(`? `) + color.bold(question) + color.dim(isList ? '  (one item per line, empty line to finish)' : '  (empty line to finish)'));
    for (const line of lines) write(color.dim(`  ${isList ? '•' : '│'} ${sanitizeForTerminal(line)}`));
    for (;;) {
      const line = await input(
        { message: isList ? '•' : '│', theme: { ...theme, prefix: ' ' } },
        context,
      );
      if (line.trim() === '') {
        const result = request.coerce(isList ? lines : lines.join('\n'));
        if (result.ok) return result;
        write(color.red(`  > ${result.message}`));
        continue;
      }
      lines.push(line);
      await request.saveDraft(lines);
    }
  }

  return {
    stageIntro(intro: StageIntro) {
      const width = Math.min(output.columns ?? 80, 100);
      const head = ` ${intro.title} `;
      const meta = ` stage ${intro.number} of ${intro.total} · ${formatDuration(intro.elapsedSeconds)} into the call `;
      const fill = Math.max(2, width - head.length - meta.length - 4);
      write('');
      write(color.bold.blue(`──${head}${'─'.repeat(fill)}${meta}──`));
      write(color.yellow(`  Tip: ${sanitizeForTerminal(intro.tip)}`));
    },

    async ask(request: AskRequest): Promise<Ok> {
      const { ref } = request;
      const step = ref.step;
      const question = sanitizeForTerminal(step.question) + (step.required ? '' : color.dim(' (Enter to skip)'));
      if (step.hint) write(color.dim(`  ${sanitizeForTerminal(step.hint)}`));
      const defaultText = fromDefault(request.defaultValue);
      switch (step.type) {
        case 'longtext':
        case 'list':
          return askLines(request, question);
        case 'choice': {
          const choices = choiceObjects(step.choices).map((c, index) => ({
            value: c.value,
            name: `${index + 1}) ${c.label ?? c.value}`,
            ...(c.hint ? { description: c.hint } : {}),
          }));
          if (!step.required) choices.push({ value: SKIP, name: `${choices.length + 1}) — skip —` });
          const picked = await select(
            { message: question, choices, pageSize: 12, ...(defaultText ? { default: defaultText } : {}) },
            context,
          );
          return picked === SKIP ? { ok: true, value: null } : { ok: true, value: picked };
        }
        case 'multichoice': {
          const defaults = Array.isArray(request.defaultValue) ? request.defaultValue : [];
          const picked = await checkbox(
            {
              message: question,
              choices: choiceObjects(step.choices).map((c) => ({ value: c.value, name: c.label ?? c.value, checked: defaults.includes(c.value) })),
              required: Boolean(step.required),
              pageSize: 12,
            },
            context,
          );
          return { ok: true, value: picked };
        }
        case 'yesno': {
          const value = await confirm(
            { message: question, ...(typeof request.defaultValue === 'boolean' ? { default: request.defaultValue } : {}) },
            context,
          );
          return { ok: true, value };
        }
        default: {
          const typed = await input(
            { message: question, theme, validate: validator(request), ...(defaultText ? { default: defaultText } : {}) },
            context,
          );
          const result = request.coerce(typed);
          if (!result.ok) throw new Error(`validated answer refused: ${result.message}`);
          if ((step.type === 'date' || step.type === 'datetime') && typeof result.value === 'string') {
            write(color.dim(`  → ${options.describeDate(result)}`));
          }
          return result;
        }
      }
    },
    ...(options.afterAnswer ? { afterAnswer: options.afterAnswer } : {}),
  };
}
