/**
 * The interactive prompter: each playbook step becomes a prompt on the terminal. One-line
 * answers, choices, several choices and yes/no are our own prompts on the prompt library's
 * core (lineInput, choicePrompt, severalChoicesPrompt, yesNoPrompt), notes and lists
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
import type { AskRequest, CallPrompter, ChecklistDecision, ChecklistRequest, RankedSolution, StageIntro } from '../engine/runCall.js';
import { choiceObjects, isDueDate, unknownSolutionNumber, type Coerced } from '../engine/callEngine.js';
import type { CoachingNote, Hold } from '../domain/callRecord.js';
import { secondsOver } from '../domain/holds.js';
import { formatDateTime } from '../dates/formatDue.js';
import { checklistPrompt } from './checklistPrompt.js';
import type { LiveNotice } from './promptStyle.js';
import type { AnswerValue } from '../playbook/types.js';
import { formatDuration } from '../dates/formatDuration.js';
import { correctionsIn, describeCorrections } from '../dates/parseWhen.js';
import { oneLine, sanitizeForTerminal, wrap, wrapScreenLine } from '../render/terminalText.js';
import { choicePrompt } from './choicePrompt.js';
import { severalChoicesPrompt } from './severalChoicesPrompt.js';
import { lineInput } from './lineInput.js';
import { readLines } from './lineReader.js';
import { promptOnTerminal, type PromptContext, type RunningPrompt, type TerminalSource } from './terminalInput.js';
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
  /** How a date answer was read; `due`: the step's date is a deadline (overdue once passed). */
  describeDate: (ok: Ok, step: { due: boolean }) => string;
  afterAnswer?: CallPrompter['afterAnswer'];
  /** Without limits, an answer takes any length. */
  answerLimits?: AnswerLimits;
  /** The clock of a hold's countdown (default: the system's). */
  now?: () => Date;
  /** The agent's zone, for the time a hold is due to end. */
  timeZone?: string;
}

export function createInquirerPrompter(options: InquirerPrompterOptions): CallPrompter {
  const { color, output, signal } = options;
  const source = (options.input ?? process.stdin) as TerminalSource;
  const write = (text: string) => output.write(`${text}\n`);
  const now = options.now ?? (() => new Date());
  const width = () => Math.min(output.columns || Number(process.env.COLUMNS) || 80, 100);
  /** A header line like the stage's: `── title ───── right ──`. */
  const header = (title: string, right: string) => {
    const head = ` ${title} `;
    const meta = ` ${right} `;
    return `──${head}${'─'.repeat(Math.max(2, width() - head.length - meta.length - 4))}${meta}──`;
  };
  /** What a hold's countdown says now: time left, or how far over. */
  const holdLine = (hold: Hold) => {
    const over = secondsOver(hold, now());
    const by = formatDateTime(new Date(hold.backBy), options.timeZone ?? 'UTC').slice(-5);
    const off = hold.kind === 'hold' ? 'on hold' : 'checking';
    const back = hold.kind === 'hold' ? 'back' : 'back to them';
    return over <= 0
      ? { over: false, text: `${off}: ${back} in ${formatDuration(Math.ceil(-over))} (by ${by})` }
      : { over: true, text: `${off}: ${formatDuration(Math.ceil(over))} over the time you gave (${by})` };
  };
  const overText = 'Back to them now, even just to say you are still on it.';
  /** The countdown under a question while the agent is off the line: redrawn every second. */
  const holdNotice = (hold: Hold): LiveNotice => ({
    current: () => {
      const line = holdLine(hold);
      return line.over ? wrapScreenLine(color.red(`  ⚠ ${line.text}. ${overText}`), width() - 1) : color.dim(`  ⏱ ${line.text}`);
    },
    subscribe: (listener) => {
      const timer = setInterval(listener, 1000);
      return () => clearInterval(timer);
    },
  });
  /** For notes and lists, which cannot be redrawn: one warning line when the time given runs out. */
  const holdInterject = (hold: Hold) => (say: (line: string) => void) => {
    const left = -secondsOver(hold, now()) * 1000;
    if (left <= 0) return () => {};
    const timer = setTimeout(() => say(wrapScreenLine(color.red(`  ⚠ ${holdLine(hold).text}. ${overText}\x07`), width() - 1)), left);
    return () => clearTimeout(timer);
  };

  /** Before a question: where the call is, when off the line or back at a step from the check before the summary. */
  const beforeQuestion = (request: AskRequest) => {
    if (request.revisit) {
      write('');
      write(color.bold.blue(header(`Back to: ${request.ref.stage.title}`, 'from the check before the summary')));
    }
    if (request.hold) {
      const line = holdLine(request.hold);
      write(line.over ? color.bold.red(header(request.ref.stage.title, line.text)) : color.bold.blue(header(request.ref.stage.title, line.text)));
    }
  };

  const showSolutions = (solutions: readonly RankedSolution[], category: string | undefined) => {
    write(color.bold(`  Prepared solutions${category ? ` for ${sanitizeForTerminal(category)}` : ''}`) + color.dim(' (best first: type a number to offer one)'));
    solutions.forEach((ranked, i) => {
      const record = ranked.offered ? `resolved ${ranked.resolved} of ${ranked.offered}` : 'not offered yet';
      write(`  ${color.cyan(`${i + 1})`)} ${oneLine(ranked.solution.title, 60)}${color.dim(`  ${record}`)}`);
      // The words to say and what it takes, wrapped under the title.
      const needs = ranked.solution.needs ? ` Needs: ${oneLine(ranked.solution.needs, 120)}.` : '';
      for (const line of wrap(`"${oneLine(ranked.solution.script, 300)}"${needs}`, width() - 6)) write(color.dim(`     ${line.trimStart()}`));
    });
  };

  const runOnTerminal = <T>(start: (context: PromptContext) => RunningPrompt<T>): Promise<T> => promptOnTerminal(source, output, start, signal);

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
    if (request.solutions?.length) showSolutions(request.solutions, request.category);
    const how = request.solutions?.length
      ? 'a number above or your own words, one per line; empty line to finish'
      : isList ? 'one item per line, empty line to finish' : 'empty line to finish';
    const skip = ref.step.required ? '' : ' or skip';
    const parkHint = ref.step.meaning === 'problem.story' ? '; start a line with ? to park a question for later' : '';
    write(wrapScreenLine(color.cyan(`? `) + color.bold(question) + color.dim(`  (${how}${skip}${parkHint})`), width() - 1));
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
      ...(request.hold ? { interject: holdInterject(request.hold) } : {}),
      ...(options.answerLimits ? { maxLength: options.answerLimits.lines } : {}),
      usedLength: lines.join('\n').length,
      onLines: async (batch) => {
        for (const line of batch) {
          // An empty line inside a pasted text: a paragraph break in notes (none before the
          // first line), nothing in a list.
          if (line.trim() === '' && (isList || lines.length === 0)) continue;
          // Said at once and not kept: a line of a list cannot be taken back.
          const unknown = request.solutions ? unknownSolutionNumber(line, request.solutions.length) : undefined;
          if (unknown) {
            write(color.red(`  > ${unknown}`));
            continue;
          }
          lines.push(line);
        }
        await request.saveDraft(lines);
      },
      onBlank: async () => {
        const result = request.coerce(isList ? lines : lines.join('\n'));
        if (result.ok) {
          answer = result;
          // Numbers stand for prepared solutions: say what was offered.
          if (result.solutions && Array.isArray(result.value)) write(color.dim(`  → offered: ${result.value.map((item) => oneLine(item, 60)).join('; ')}`));
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
      write('');
      write(color.bold.blue(header(intro.title, `stage ${intro.number} of ${intro.total} · ${formatDuration(intro.elapsedSeconds)} into the call`)));
      for (const line of wrap(`Tip: ${sanitizeForTerminal(intro.tip)}`, width() - 4)) write(color.yellow(`  ${line}`));
    },

    nudge(note: CoachingNote) {
      // Continuation lines (which wrap() indents by five) line up under the first word.
      for (const [i, line] of wrap(sanitizeForTerminal(note.text), width() - 12).entries()) write(color.magenta(i === 0 ? `  ✎ Coach: ${line}` : `      ${line}`));
    },

    async checklist(request: ChecklistRequest): Promise<ChecklistDecision> {
      write('');
      write(color.bold.blue(header('Before the summary', `${request.items.length} to check`)));
      const choice = await runOnTerminal((context) => checklistPrompt({ color, items: request.items, width: width() }, context));
      if (choice !== 'leave') return { fix: request.items[choice]! };
      const item = request.items[0]!;
      const reason = await runOnTerminal((context) =>
        lineInput(
          {
            color,
            message: `Why leave it? (${oneLine(item.text, 50)})`,
            hint: 'A few words for the record: the summary lists what was left, and why.',
            optional: false,
            maxLength: 500,
            validate: (value) => (value.trim() === '' ? 'a reason is needed, even a short one' : true),
          },
          context,
        ),
      );
      return { leave: item, reason: reason.trim() };
    },

    async ask(request: AskRequest): Promise<Ok> {
      const { ref } = request;
      const step = ref.step;
      const question = sanitizeForTerminal(step.question);
      // Under the question, on a line of its own.
      const hint = step.hint ? oneLine(step.hint) : undefined;
      const defaultText = fromDefault(request.defaultValue);
      const live = request.hold ? { live: holdNotice(request.hold) } : {};
      const choicesHere = request.choices ?? choiceObjects(step.choices);
      beforeQuestion(request);
      switch (step.type) {
        case 'longtext':
        case 'list':
          return askLines(request, question, hint);
        case 'choice': {
          const choices = choicesHere.map((c) => ({
            value: c.value,
            name: choiceName(c),
            ...(c.hint ? { description: oneLine(c.hint) } : {}),
          }));
          if (!step.required) choices.push({ value: SKIP, name: '(skip)' });
          // With no default, an optional question starts on "(skip)": Enter skips it, as on
          // every other optional question, rather than recording its first choice.
          const highlighted = defaultText ?? (step.required ? undefined : SKIP);
          const picked = await runOnTerminal((context) =>
            choicePrompt({ color, message: question, ...(hint ? { hint } : {}), choices, pageSize: 12, ...(highlighted ? { default: highlighted } : {}), ...live }, context),
          );
          return picked === SKIP ? { ok: true, value: null } : { ok: true, value: picked };
        }
        case 'multichoice': {
          const ticked = Array.isArray(request.defaultValue) ? request.defaultValue : [];
          const choices = choicesHere.map((c) => ({ value: c.value, name: choiceName(c), ...(c.hint ? { description: oneLine(c.hint) } : {}) }));
          const picked = await runOnTerminal((context) =>
            severalChoicesPrompt({ color, message: question, ...(hint ? { hint } : {}), choices, ticked, required: Boolean(step.required), pageSize: 12, ...live }, context),
          );
          return { ok: true, value: picked };
        }
        case 'yesno': {
          // No default in the playbook: "no", so a stray Enter never records a yes.
          const value = await runOnTerminal((context) =>
            yesNoPrompt({ color, message: question, ...(hint ? { hint } : {}), default: typeof request.defaultValue === 'boolean' ? request.defaultValue : false, ...live }, context),
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
                ...live,
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
            write(color.dim(`  → ${options.describeDate(result, { due: isDueDate(step) })}${corrected ? ` (${corrected})` : ''}`));
          }
          return result;
        }
      }
    },
    ...(options.afterAnswer ? { afterAnswer: options.afterAnswer } : {}),
  };
}

/**
 * A choice as listed: the agent may type the code ("tech") or the words to find it, so a
 * label that does not start with the code shows both.
 */
export function choiceName(choice: { value: string; label?: string }): string {
  const label = choice.label ?? choice.value;
  // "not-resolved" is typed as the label "Not resolved" starts.
  const words = (text: string) => text.toLowerCase().replace(/[-_]/g, ' ');
  return words(label).startsWith(words(choice.value)) ? label : `${choice.value} — ${label}`;
}
