/**
 * The interactive prompter on in-memory streams that stand for the terminal: keys and
 * pastes go in as a terminal sends them, the screen is read back with its escape
 * sequences taken out.
 */
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import { describe, expect, it, vi } from 'vitest';
import { coerceAnswer } from '../src/engine/callEngine.js';
import { MAX_LINE_ANSWER_CHARS, MAX_LONG_ANSWER_CHARS } from '../src/domain/limits.js';
import type { AskRequest } from '../src/engine/runCall.js';
import type { AnswerValue, Step } from '../src/playbook/types.js';
import { createInquirerPrompter, type AnswerLimits } from '../src/prompt/inquirerPrompter.js';
import { EndOfInputError, isPromptInterruption } from '../src/prompt/promptErrors.js';
import { makeCall } from './fixtures/makeCall.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Wednesday 25 November 2026, 09:00 in New York.
const NOW = new Date('2026-11-25T14:00:00.000Z');
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

interface AskOptions {
  defaultValue?: AnswerValue;
  answerLimits?: AnswerLimits;
  controller?: AbortController;
}

/** Asks one step on a pretend terminal; `type` sends keys, `screen` is what was shown. */
function ask(step: Step, options: AskOptions = {}) {
  const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => terminal });
  const output = Object.assign(new PassThrough(), { columns: 100, isTTY: true });
  // Like process.stdout, which the prompt library never ends (it ends any other output).
  output.end = (() => output) as typeof output.end;
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const saved: string[][] = [];
  const controller = options.controller ?? new AbortController();
  const prompter = createInquirerPrompter({
    color: new Chalk({ level: 0 }),
    output,
    input: terminal,
    signal: controller.signal,
    describeDate: (ok) => `the date ${String(ok.value)}`,
    ...(options.answerLimits ? { answerLimits: options.answerLimits } : {}),
  });
  const stage = { id: 'stage', title: 'Stage', tip: 'A tip.', steps: [step] };
  const request: AskRequest = {
    ref: { stageIndex: 0, stage, step, fullId: `stage.${step.id}` },
    answers: {},
    defaultValue: options.defaultValue,
    coerce: (input) => coerceAnswer(step, input, { now: NOW, timeZone: 'America/New_York' }),
    draftLines: undefined,
    saveDraft: async (lines) => {
      saved.push([...lines]);
    },
  };
  const answer = prompter.ask(request);
  answer.catch(() => {}); // looked at by the tests that expect it to fail
  return {
    answer,
    saved,
    controller,
    /** Sends keys, then lets the prompt draw. */
    type: async (keys: string) => {
      terminal.write(keys);
      await sleep(20);
    },
    end: () => terminal.end(),
    screen: () => stripVTControlCharacters(shown),
  };
}

/** Waits (a busy machine may take a while to draw) until the screen shows `pattern`. */
const shows = (prompt: { screen: () => string }, pattern: string | RegExp) => vi.waitFor(() => expect(prompt.screen()).toMatch(pattern), { timeout: 5000 });

/** What a call holds (domain/limits), as the live call gives them to the prompts. */
const CALL_LIMITS = { oneLine: MAX_LINE_ANSWER_CHARS, lines: MAX_LONG_ANSWER_CHARS };

const pastedLines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1} of a long email pasted by mistake`);
const text: Step = { id: 'name', question: "Caller's name", type: 'text' };

describe('a paste into a one-line answer is taken in at once (issue 15, item 1)', () => {
  it('2,000 lines: taken in at once (it never finished), what fits kept on the line and said so', async () => {
    const prompt = ask(text, { answerLimits: CALL_LIMITS });
    const started = Date.now();
    const pasted = pastedLines(2000).join(' ');
    await prompt.type('Ana');
    await prompt.type(`${PASTE_START}${pastedLines(2000).join('\r\n')}${PASTE_END}`);
    const kept = (MAX_LINE_ANSWER_CHARS - 3).toLocaleString('en-US');
    await shows(prompt, `paste cut: kept ${kept} of ${pasted.length.toLocaleString('en-US')} characters (the answer holds ${MAX_LINE_ANSWER_CHARS.toLocaleString('en-US')})\n  Ctrl-U clears the line`);
    expect(Date.now() - started).toBeLessThan(2000);
    await prompt.type('\r');
    expect((await prompt.answer).value).toBe(`Ana${pasted.slice(0, MAX_LINE_ANSWER_CHARS - 3)}`);
  });

  it('typing on past what the answer holds is cut there, and said so', async () => {
    const prompt = ask(text, { answerLimits: { oneLine: 10, lines: 1000 } });
    await prompt.type('Ana Lopez Garcia');
    await shows(prompt, 'line cut: an answer holds 10 characters at most, the rest was not kept');
    await prompt.type('\r');
    expect((await prompt.answer).value).toBe('Ana Lopez ');
  });

  it('a paste cut to fit can be cleared with Ctrl-U and the answer typed', async () => {
    const prompt = ask(text, { answerLimits: { oneLine: 50, lines: 1000 } });
    await prompt.type(`${PASTE_START}${pastedLines(20).join('\r\n')}${PASTE_END}`);
    await shows(prompt, 'paste cut:');
    await prompt.type('\u0015Ana Lopez\r');
    expect((await prompt.answer).value).toBe('Ana Lopez');
  });

  it('a paste that fits becomes one line', async () => {
    const prompt = ask(text, { answerLimits: { oneLine: 200, lines: 1000 } });
    await prompt.type('Ana ');
    await prompt.type(`${PASTE_START}${pastedLines(2).join('\r\n')}${PASTE_END}\r`);
    expect((await prompt.answer).value).toBe(`Ana ${pastedLines(2).join(' ')}`);
  });

  it('Ctrl-C right after a 2,000-line paste stops the prompt at once', async () => {
    const prompt = ask(text);
    const started = Date.now();
    await prompt.type(`${PASTE_START}${pastedLines(2000).join('\r\n')}${PASTE_END}\u0003`);
    await expect(prompt.answer).rejects.toMatchObject({ name: 'ExitPromptError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('SIGTERM (the abort signal) stops the prompt in the middle of a paste', async () => {
    const prompt = ask(text);
    const started = Date.now();
    const pieces = pastedLines(2000).join('\r\n').match(/[\s\S]{1,4096}/g)!;
    await prompt.type(PASTE_START + pieces[0]);
    prompt.controller.abort('SIGTERM');
    await expect(prompt.answer).rejects.toMatchObject({ name: 'AbortPromptError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a paste into a choice list or a yes/no question answers nothing by itself', async () => {
    const choice = ask({ id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved', 'escalated'], required: true });
    // Its line break is not Enter: the pasted word ('escal ') is typed text, to be changed.
    await choice.type(`${PASTE_START}escal\r\n${PASTE_END}`);
    await choice.type(`${'\u007f'.repeat(6)}res\r`);
    expect((await choice.answer).value).toBe('resolved');
    const yesNo = ask({ id: 'label', question: 'Send a label?', type: 'yesno' });
    await yesNo.type(`${PASTE_START}yes\r\n${PASTE_END}`);
    await yesNo.type(`${'\u007f'.repeat(4)}n\r`);
    expect((await yesNo.answer).value).toBe(false);
    // A paste longer than any yes or no: none of it taken, and said.
    const long = ask({ id: 'label', question: 'Send a label?', type: 'yesno' });
    await long.type(`${PASTE_START}${pastedLines(200).join('\r\n')}${PASTE_END}`);
    await shows(long, '> paste not kept: answer y or n');
    await long.type('y\r');
    expect((await long.answer).value).toBe(true);
  });

  it('notes keep every line of a 2,000-line paste, saved in one go', async () => {
    const prompt = ask({ id: 'story', question: 'Notes', type: 'longtext' }, { answerLimits: CALL_LIMITS });
    // Short lines: 2,000 of them fit in what notes hold.
    const lines = Array.from({ length: 2000 }, (_, i) => `n${i + 1}`);
    const started = Date.now();
    await prompt.type(`${PASTE_START}${lines.join('\r\n')}\r\n${PASTE_END}`);
    await prompt.type('\r');
    const answer = await prompt.answer;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answer.value).toBe(lines.join('\n'));
    expect(prompt.saved).toHaveLength(1);
  });
});

describe('Ctrl-D or a closed input is an interruption, at every prompt (issue 15, item 2)', () => {
  const steps: Array<[string, Step]> = [
    ['one-line', text],
    ['date', { id: 'due', question: 'Due', type: 'datetime' }],
    ['notes', { id: 'story', question: 'Notes', type: 'longtext' }],
    ['list', { id: 'later', question: 'Questions', type: 'list' }],
    ['choice', { id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved', 'escalated'] }],
    ['several choices', { id: 'topics', question: 'Topics', type: 'multichoice', choices: ['billing', 'delivery'] }],
    ['yes/no', { id: 'label', question: 'Send a label?', type: 'yesno' }],
  ];

  it.each(steps)('Ctrl-D at an empty %s prompt', async (_name, step) => {
    const prompt = ask(step);
    await prompt.type('\u0004');
    const error = await prompt.answer.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EndOfInputError);
    expect(isPromptInterruption(error)).toBe(true);
  });

  it.each(steps)('the input closing at a %s prompt', async (_name, step) => {
    const prompt = ask(step);
    await prompt.type('ab');
    prompt.end();
    await expect(prompt.answer).rejects.toBeInstanceOf(EndOfInputError);
  });

  it('Ctrl-D with text typed ends the prompt too (readline would delete a character)', async () => {
    const prompt = ask(text);
    await prompt.type('Ana\u0004');
    await expect(prompt.answer).rejects.toBeInstanceOf(EndOfInputError);
  });
});

describe('what the prompts show', () => {
  it('shows a hint under the question of a one-line answer (item 8)', async () => {
    const prompt = ask({ ...text, hint: 'Ask them to spell it' });
    await prompt.type('');
    await shows(prompt, /\? Caller's name \(Enter to skip\) ?\n {2}Ask them to spell it/);
    await prompt.type('Ana\r');
    expect((await prompt.answer).value).toBe('Ana');
  });

  it('shows a hint under the question line of notes, not above it (item 8)', async () => {
    const prompt = ask({ id: 'story', question: 'Notes while they talk', type: 'longtext', hint: 'Type as they talk' });
    await prompt.type('');
    await shows(prompt, /^\? Notes while they talk {2}\(empty line to finish or skip\)\n {2}Type as they talk\n/);
    prompt.controller.abort();
  });

  it.each<[string, Step]>([
    ['a choice', { id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved', 'escalated'], hint: 'What happened' }],
    ['a yes/no question', { id: 'label', question: 'Send a label?', type: 'yesno', hint: 'Prepaid, by email' }],
    ['several choices', { id: 'topics', question: 'Topics', type: 'multichoice', choices: ['billing'], hint: 'All that apply' }],
  ])('shows a hint under the question of %s', async (_name, step) => {
    const prompt = ask(step);
    await prompt.type('');
    await shows(prompt, new RegExp(`^\\? ${step.question.replace('?', '\\?')}[^\\n]*\\n {2}${step.hint}\\n?`));
    prompt.controller.abort();
  });

  it('says "Enter for …" when Enter takes a default, not "Enter to skip" (item 17)', async () => {
    const prompt = ask({ id: 'what', question: 'What was promised', type: 'text' }, { defaultValue: 'Prepaid label by email' });
    await prompt.type('');
    await shows(prompt, '? What was promised (Enter for Prepaid label by email)');
    expect(prompt.screen()).not.toContain('Enter to skip');
    await prompt.type('\r');
    expect((await prompt.answer).value).toBe('Prepaid label by email');
  });

  it('shows the date read back with the words it corrected (item 10)', async () => {
    const prompt = ask({ id: 'due', question: 'Call back when', type: 'datetime' });
    await prompt.type('blursday 10am\r');
    await prompt.answer;
    await shows(prompt, '  → the date 2026-11-26T15:00:00.000Z (read "blursday" as thursday)\n');
  });

  it('refuses anything but y or n in a yes/no question, keeping it to be fixed', async () => {
    const prompt = ask({ id: 'label', question: 'Send a label?', type: 'yesno' });
    await prompt.type('x\r');
    await shows(prompt, '> answer y or n');
    await prompt.type('\u007fY\r');
    expect((await prompt.answer).value).toBe(true);
    await shows(prompt, /✔ Send a label\? yes/);
  });
});

describe('choices show their numbers and match letters anywhere (item 16)', () => {
  const zone: Step = { id: 'zone', question: "Customer's zone", type: 'choice', choices: ['America/Chicago', 'America/Los_Angeles', 'America/New_York', 'Europe/London'], required: true };

  it('numbers each choice', async () => {
    const prompt = ask(zone);
    await prompt.type('');
    await shows(prompt, /❯ 1\) America\/Chicago\n {2}2\) America\/Los_Angeles\n {2}3\) America\/New_York\n {2}4\) Europe\/London/);
    prompt.controller.abort();
  });

  it('finds "los" inside a choice, shows what was typed, and shows the choice picked', async () => {
    const prompt = ask(zone);
    await prompt.type('los');
    await shows(prompt, /\? Customer's zone los\n❯ 2\) America\/Los_Angeles\n {2}1 of 4 match "los"/);
    await prompt.type('\r');
    expect((await prompt.answer).value).toBe('America/Los_Angeles');
    await shows(prompt, "✔ Customer's zone America/Los_Angeles");
  });

  it('ranks choices starting with the letters first', async () => {
    const prompt = ask({ id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved', 'escalated', 'callback'], required: true });
    await prompt.type('c\r');
    expect((await prompt.answer).value).toBe('callback');
  });

  it('picks by number, and by arrow keys and Enter', async () => {
    const byNumber = ask(zone);
    await byNumber.type('3\r');
    expect((await byNumber.answer).value).toBe('America/New_York');
    const byArrows = ask(zone);
    await byArrows.type('\u001b[B\u001b[B\u001b[A\u001b[B\r'); // down, down, up, down
    expect((await byArrows.answer).value).toBe('America/New_York');
  });

  it('refuses Enter when nothing matches, keeping the letters to change', async () => {
    const prompt = ask(zone);
    await prompt.type('xyz\r');
    await shows(prompt, '> no choice matches "xyz": Backspace to change it');
    await prompt.type('\u007f\u007f\u007feur\r');
    expect((await prompt.answer).value).toBe('Europe/London');
  });

  it('shows a label alone when it starts as its code is typed, else the code before it', async () => {
    const prompt = ask({
      id: 'outcome', question: 'Outcome', type: 'choice', required: true,
      choices: [{ value: 'not-resolved', label: 'Not resolved' }, { value: 'solve', label: 'Yes, I can solve it' }],
    });
    await prompt.type('');
    await shows(prompt, /❯ 1\) Not resolved\n {2}2\) solve — Yes, I can solve it/);
    await prompt.type('not r\r');
    expect((await prompt.answer).value).toBe('not-resolved');
  });

  it('offers to skip an optional choice', async () => {
    const prompt = ask({ id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved'] });
    await prompt.type('skip\r');
    expect((await prompt.answer).value).toBeNull();
  });

  it('an optional choice with no default starts on "(skip)": Enter skips it, not records its first choice', async () => {
    const prompt = ask({ id: 'mood', question: 'How do they sound?', type: 'choice', choices: ['angry', 'calm'] });
    await shows(prompt, /❯ 3\) \(skip\)/);
    await prompt.type('\r');
    expect((await prompt.answer).value).toBeNull();
    const withDefault = ask({ id: 'mood', question: 'How do they sound?', type: 'choice', choices: ['angry', 'calm'] }, { defaultValue: 'calm' });
    await withDefault.type('\r');
    expect((await withDefault.answer).value).toBe('calm');
  });
});

describe('several choices are typed as one is: numbers, letters, a paste', () => {
  const reasons: Step = { id: 'why', question: 'Why did they call?', type: 'multichoice', choices: ['billing', 'delivery', 'login', 'refund'], required: true };

  it('numbers each choice with its tick', async () => {
    const prompt = ask(reasons, { defaultValue: ['login'] });
    await prompt.type('');
    await shows(prompt, /❯ ◯ 1\) billing\n {2}◯ 2\) delivery\n {2}◉ 3\) login\n {2}◯ 4\) refund/);
    prompt.controller.abort();
  });

  it('a number or letters then Enter ticks (or unticks) that choice; Enter on an empty line is done', async () => {
    const prompt = ask(reasons);
    await prompt.type('4\r');
    await prompt.type('deli\r');
    await prompt.type('2\r'); // unticked again
    await prompt.type('bil\r');
    await shows(prompt, /◉ 1\) billing\n.*◯ 2\) delivery\n.*◯ 3\) login\n.*◉ 4\) refund/);
    await prompt.type('\r');
    expect((await prompt.answer).value).toEqual(['billing', 'refund']);
    await shows(prompt, '✔ Why did they call? billing, refund');
  });

  it('the choice just ticked stays highlighted, so Space can untick it', async () => {
    const prompt = ask(reasons);
    await prompt.type('deli\r');
    await shows(prompt, /❯ ◉ 2\) delivery/);
    await prompt.type(' ');
    await shows(prompt, /❯ ◯ 2\) delivery/);
    prompt.controller.abort();
  });

  it('Space ticks the highlighted one; arrows move', async () => {
    const prompt = ask(reasons);
    await prompt.type(' \u001b[B\u001b[B \r'); // tick, down, down, tick, done
    expect((await prompt.answer).value).toEqual(['billing', 'login']);
  });

  it('a required list refuses Enter with nothing ticked; letters that match nothing are kept to change', async () => {
    const prompt = ask(reasons);
    await prompt.type('\r');
    await shows(prompt, '> tick at least one');
    await prompt.type('xyz\r');
    await shows(prompt, '> no choice matches "xyz": Backspace to change it');
    await prompt.type('\u007f\u007f\u007fref\r\r');
    expect((await prompt.answer).value).toEqual(['refund']);
  });

  it('a paste is typed text, its line breaks not Enter; an optional list may be left empty', async () => {
    const prompt = ask({ ...reasons, required: false });
    await prompt.type(`${PASTE_START}login\r\n${PASTE_END}`);
    await shows(prompt, /\? Why did they call\? login\n❯ ◯ 3\) login/);
    await prompt.type('\r\r');
    expect((await prompt.answer).value).toEqual(['login']);
    const empty = ask({ ...reasons, required: false });
    await empty.type('\r');
    expect((await empty.answer).value).toEqual([]);
  });
});

describe('the check before the summary', () => {
  it('wraps a long item under its own first word, within the screen', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => terminal });
    const output = Object.assign(new PassThrough(), { columns: 60, isTTY: true });
    output.end = (() => output) as typeof output.end;
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const prompter = createInquirerPrompter({ color: new Chalk({ level: 0 }), output, input: terminal, signal: new AbortController().signal, describeDate: () => '' });
    const long = 'Callback due after the deadline of "Replacement sent if the trace fails": call by then';
    const decision = prompter.checklist!({ items: [{ id: 'callback-by-deadline', text: long, fix: ['followup.due'], fixable: true }], record: makeCall() });
    await vi.waitFor(() => expect(stripVTControlCharacters(shown)).toContain('press a number'), { timeout: 5000 });
    const screen = stripVTControlCharacters(shown);
    expect(screen).toContain('  1) Callback due after the deadline of "Replacement sent if\n     the trace fails": call by then');
    for (const line of screen.split('\n')) expect(line.length, line).toBeLessThanOrEqual(60);
    terminal.write('\r');
    await vi.waitFor(() => expect(stripVTControlCharacters(shown)).toContain('Why leave it?'), { timeout: 5000 });
    terminal.write('only one day fits\r');
    expect(await decision).toMatchObject({ leave: { id: 'callback-by-deadline' }, reason: 'only one day fits' });
  });
});
