/**
 * The interactive prompter: each playbook step becomes an @inquirer/prompts question,
 * except notes and lists, read line by line through lineReader (every line saved as it
 * comes, every line of a paste kept). Typed text is kept when an answer is refused, and
 * every prompt listens to one AbortSignal so Ctrl-C, a closed window or SIGTERM end the
 * prompt cleanly (the call so far is already saved).
 */
// The four prompt packages @inquirer/prompts is made of that a call uses, imported one by
// one: the whole set also loads the editor prompt's encoding libraries, ~50 ms before the
// first question.
import input from '@inquirer/input';
import select from '@inquirer/select';
import checkbox from '@inquirer/checkbox';
import confirm from '@inquirer/confirm';
import type { ChalkInstance } from 'chalk';
import type { Writable, Readable } from 'node:stream';
import type { AskRequest, CallPrompter, StageIntro } from '../engine/runCall.js';
import { choiceObjects, type Coerced } from '../engine/callEngine.js';
import type { AnswerValue } from '../playbook/types.js';
import { formatDuration } from '../dates/formatDuration.js';
import { sanitizeForTerminal } from '../render/terminalText.js';
import { oneLinePastes, readLines } from './lineReader.js';

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
    const how = isList ? 'one item per line, empty line to finish' : 'empty line to finish';
    const skip = ref.step.required ? '' : ' or skip';
    const parkHint = ref.step.meaning === 'problem.story' ? '; start a line with ? to park a question for later' : '';
    write(color.cyan(`? `) + color.bold(question) + color.dim(`  (${how}${skip}${parkHint})`));
    if (request.notedQueries?.length) {
      write(color.dim('  Parked while they talked:'));
      for (const query of request.notedQueries) write(color.dim(`  ? ${sanitizeForTerminal(query)}`));
    }
    const marker = isList ? '•' : '│';
    for (const line of lines) write(color.dim(`  ${marker} ${sanitizeForTerminal(line)}`));
    let answer: Ok | undefined;
    await readLines({
      input: options.input ?? process.stdin,
      output,
      prompt: color.dim(`  ${marker} `),
      signal,
      onLine: async (line, blank) => {
        if (blank) {
          const result = request.coerce(isList ? lines : lines.join('\n'));
          if (result.ok) {
            answer = result;
            return 'done';
          }
          write(color.red(`  > ${result.message}`));
          return 'more';
        }
        // An empty line inside a pasted text: a paragraph break in notes (none before the
        // first line), nothing in a list.
        if (line.trim() === '' && (isList || lines.length === 0)) return 'more';
        lines.push(line);
        await request.saveDraft(lines);
        return 'more';
      },
    });
    return answer!;
  }

  return {
    stageIntro(intro: StageIntro) {
      const width = Math.min(output.columns || Number(process.env.COLUMNS) || 80, 100);
      const head = ` ${intro.title} `;
      const meta = ` stage ${intro.number} of ${intro.total} · ${formatDuration(intro.elapsedSeconds)} into the call `;
      const fill = Math.max(2, width - head.length - meta.length - 4);
      write('');
      write(color.bold.blue(`──${head}${'─'.repeat(fill)}${meta}──`));
      for (const line of wrap(`Tip: ${sanitizeForTerminal(intro.tip)}`, width - 4)) write(color.yellow(`  ${line}`));
    },

    async ask(request: AskRequest): Promise<Ok> {
      const { ref } = request;
      const step = ref.step;
      const typed = step.type === 'text' || step.type === 'number' || step.type === 'date' || step.type === 'datetime';
      const question = sanitizeForTerminal(step.question) + (step.required || !typed ? '' : color.dim(' (Enter to skip)'));
      if (step.hint) write(color.dim(`  ${sanitizeForTerminal(step.hint)}`));
      const defaultText = fromDefault(request.defaultValue);
      switch (step.type) {
        case 'longtext':
        case 'list':
          return askLines(request, question);
        case 'choice': {
          // Names start with the label so typing its first letters jumps to it; digits pick by position.
          const choices = choiceObjects(step.choices).map((c) => ({
            value: c.value,
            name: choiceName(c),
            ...(c.hint ? { description: c.hint } : {}),
          }));
          if (!step.required) choices.push({ value: SKIP, name: '(skip)' });
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
              choices: choiceObjects(step.choices).map((c) => ({ value: c.value, name: choiceName(c), checked: defaults.includes(c.value) })),
              required: Boolean(step.required),
              pageSize: 12,
            },
            context,
          );
          return { ok: true, value: picked };
        }
        case 'yesno': {
          const value = await confirm(
            // No default in the playbook: "no", so a stray Enter never records a yes.
            { message: question, default: typeof request.defaultValue === 'boolean' ? request.defaultValue : false },
            context,
          );
          return { ok: true, value };
        }
        default: {
          const terminal = options.input ?? process.stdin;
          const pastes = (terminal as { isTTY?: boolean }).isTTY ? oneLinePastes(terminal, output) : undefined;
          let typed: string;
          try {
            typed = await input(
              { message: question, theme, validate: validator(request), ...(defaultText ? { default: defaultText } : {}) },
              pastes ? { ...context, input: pastes.input } : context,
            );
          } finally {
            pastes?.stop();
          }
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

/** Word-wraps a tip so continuation lines keep the indent instead of the terminal's hard wrap. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `     ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Type-to-jump in a choice list matches the start of its name; the agent may type the
 * code ("tech") or the words, so a label that does not start with the code shows both.
 */
export function choiceName(choice: { value: string; label?: string }): string {
  const label = choice.label ?? choice.value;
  return label.toLowerCase().startsWith(choice.value.toLowerCase()) ? label : `${choice.value} — ${label}`;
}
