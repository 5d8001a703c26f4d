/**
 * The interactive prompter: each playbook step becomes a prompt on the terminal. One-line
 * answers, choices and yes/no are our own prompts on the prompt library's core
 * (lineInput, choicePrompt, yesNoPrompt), several choices its checkbox, notes and lists
 * are read line by line through lineReader (every line saved as it comes, every line of
 * a paste kept). Every prompt reads the terminal through terminalInput: a paste is taken
 * in at once, and Ctrl-D or a closed input ends the prompt like Ctrl-C (EndOfInputError).
 * Typed text is kept when an answer is refused, and every prompt listens to one
 * AbortSignal so a closed window or SIGTERM ends it cleanly (the call so far is saved).
 */
// The prompt package of @inquirer/prompts a call uses, imported alone: the whole set also
// loads the editor prompt's encoding libraries, ~50 ms before the first question.
import type { ChalkInstance } from 'chalk';
import type { Writable, Readable } from 'node:stream';
import type { AskRequest, CallPrompter, StageIntro } from '../engine/runCall.js';
import { choiceObjects, type Coerced } from '../engine/callEngine.js';
import type { AnswerValue } from '../playbook/types.js';
import { formatDuration } from '../dates/formatDuration.js';
import { correctionsIn, describeCorrections } from '../dates/parseWhen.js';
import { oneLine, sanitizeForTerminal } from '../render/terminalText.js';
import { choicePrompt } from './choicePrompt.js';
import { lineInput } from './lineInput.js';
import { readLines } from './lineReader.js';
import { EndOfInputError } from './promptErrors.js';
import { promptTheme } from './promptStyle.js';
import { terminalInput, type TerminalSource } from './terminalInput.js';
import { yesNoPrompt } from './yesNoPrompt.js';

type Ok = Extract<Coerced, { ok: true }>;
const SKIP = '\u0000skip';

/** The most characters an answer holds (the store refuses more): a paste is cut to fit, saying so. */
export interface AnswerLimits {
  /** A one-line answer (text, number, date). */
  oneLine: number;
  /** Notes and lists, all lines together. */
  lines: number;
}

export interface InquirerPrompterOptions {
  color: ChalkInstance;
  output: Writable & { columns?: number };
  input?: Readable;
  signal: AbortSignal;
  /** Describes a stored date answer for the agent ("Fri 27 Nov 10:00, in 4 days"). */
  describeDate: (ok: Ok) => string;
  afterAnswer?: CallPrompter['afterAnswer'];
  /** Without limits, an answer takes any length. */
  answerLimits?: AnswerLimits;
}

/** A prompt of the library: a promise with a way to end it. */
type RunningPrompt<T> = Promise<T> & { cancel: () => void };

export function createInquirerPrompter(options: InquirerPrompterOptions): CallPrompter {
  const { color, output, signal } = options;
  const source = (options.input ?? process.stdin) as TerminalSource;
  const write = (text: string) => output.write(`${text}\n`);

  /**
   * Runs one prompt on the terminal's input as terminalInput hands it on. The input ending
   * (Ctrl-D, a closed terminal) cancels the prompt, and the call hears EndOfInputError.
   */
  async function runOnTerminal<T>(start: (context: { input: Readable; output: Writable; signal: AbortSignal }) => RunningPrompt<T>): Promise<T> {
    let inputEnded = false;
    let prompt: RunningPrompt<T> | undefined;
    const keys = terminalInput(source, output, {
      onEnd: () => {
        inputEnded = true;
        prompt?.cancel();
      },
    });
    try {
      prompt = start({ input: keys.input, output, signal });
      return await prompt;
    } catch (error) {
      throw inputEnded ? new EndOfInputError() : error;
    } finally {
      keys.stop();
    }
  }

  const fromDefault = (value: AnswerValue | undefined): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value.join(', ');
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  };

  async function askLines(request: AskRequest, question: string, hint: string | undefined): Promise<Ok> {
    const { ref } = request;
    const lines = [...(request.draftLines ?? [])];
    const isList = ref.step.type === 'list';
    const how = isList ? 'one item per line, empty line to finish' : 'empty line to finish';
    const skip = ref.step.required ? '' : ' or skip';
    const parkHint = ref.step.meaning === 'problem.story' ? '; start a line with ? to park a question for later' : '';
    write(color.cyan(`? `) + color.bold(question) + color.dim(`  (${how}${skip}${parkHint})`));
    if (hint) write(color.dim(`  ${hint}`));
    if (request.notedQueries?.length) {
      write(color.dim('  Parked while they talked:'));
      for (const query of request.notedQueries) write(color.dim(`  ? ${sanitizeForTerminal(query)}`));
    }
    const marker = isList ? '•' : '│';
    for (const line of lines) write(color.dim(`  ${marker} ${sanitizeForTerminal(line)}`));
    let answer: Ok | undefined;
    await readLines({
      input: source,
      output,
      prompt: color.dim(`  ${marker} `),
      signal,
      ...(options.answerLimits ? { maxLength: options.answerLimits.lines } : {}),
      usedLength: lines.join('\n').length,
      onLines: async (batch) => {
        for (const line of batch) {
          // An empty line inside a pasted text: a paragraph break in notes (none before the
          // first line), nothing in a list.
          if (line.trim() === '' && (isList || lines.length === 0)) continue;
          lines.push(line);
        }
        await request.saveDraft(lines);
      },
      onBlank: async () => {
        const result = request.coerce(isList ? lines : lines.join('\n'));
        if (result.ok) {
          answer = result;
          return 'done';
        }
        write(color.red(`  > ${result.message}`));
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
      const question = sanitizeForTerminal(step.question);
      // Under the question, on a line of its own.
      const hint = step.hint ? oneLine(step.hint) : undefined;
      const defaultText = fromDefault(request.defaultValue);
      switch (step.type) {
        case 'longtext':
        case 'list':
          return askLines(request, question, hint);
        case 'choice': {
          const choices = choiceObjects(step.choices).map((c) => ({
            value: c.value,
            name: choiceName(c),
            ...(c.hint ? { description: oneLine(c.hint) } : {}),
          }));
          if (!step.required) choices.push({ value: SKIP, name: '(skip)' });
          const picked = await runOnTerminal((context) =>
            choicePrompt({ color, message: question, ...(hint ? { hint } : {}), choices, pageSize: 12, ...(defaultText ? { default: defaultText } : {}) }, context),
          );
          return picked === SKIP ? { ok: true, value: null } : { ok: true, value: picked };
        }
        case 'multichoice': {
          const defaults = Array.isArray(request.defaultValue) ? request.defaultValue : [];
          // Loaded when a call first asks for several choices: ~6 ms of start-up before the first question otherwise.
          const { default: checkbox } = await import('@inquirer/checkbox');
          const picked = await runOnTerminal((context) =>
            checkbox(
              {
                message: question,
                choices: choiceObjects(step.choices).map((c) => ({ value: c.value, name: choiceName(c), checked: defaults.includes(c.value) })),
                required: Boolean(step.required),
                pageSize: 12,
                theme: {
                  ...promptTheme(color),
                  // The hint goes under the question while it is asked (the list follows).
                  style: { message: (text: string, status: string) => color.bold(text) + (hint && status !== 'done' ? `\n${color.dim(`  ${hint}`)}` : '') },
                },
              },
              context,
            ),
          );
          return { ok: true, value: picked };
        }
        case 'yesno': {
          // No default in the playbook: "no", so a stray Enter never records a yes.
          const value = await runOnTerminal((context) =>
            yesNoPrompt({ color, message: question, ...(hint ? { hint } : {}), default: typeof request.defaultValue === 'boolean' ? request.defaultValue : false }, context),
          );
          return { ok: true, value };
        }
        default: {
          const maxLength = options.answerLimits?.oneLine;
          const typed = await runOnTerminal((context) =>
            lineInput(
              {
                color,
                message: question,
                ...(hint ? { hint } : {}),
                ...(defaultText ? { default: defaultText } : {}),
                optional: !step.required,
                ...(maxLength !== undefined ? { maxLength } : {}),
                validate: (value) => {
                  const result = request.coerce(value);
                  return result.ok ? true : result.message;
                },
              },
              context,
            ),
          );
          const result = request.coerce(typed);
          if (!result.ok) throw new Error(`validated answer refused: ${result.message}`);
          if ((step.type === 'date' || step.type === 'datetime') && typeof result.value === 'string') {
            const corrected = describeCorrections(correctionsIn(typed));
            write(color.dim(`  → ${options.describeDate(result)}${corrected ? ` (${corrected})` : ''}`));
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
 * A choice as listed: the agent may type the code ("tech") or the words to find it, so a
 * label that does not start with the code shows both.
 */
export function choiceName(choice: { value: string; label?: string }): string {
  const label = choice.label ?? choice.value;
  return label.toLowerCase().startsWith(choice.value.toLowerCase()) ? label : `${choice.value} — ${label}`;
}
