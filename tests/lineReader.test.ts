import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { oneLinePastes, PASTE_GAP_MS, readLines } from '../src/prompt/lineReader.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** readLines on in-memory streams; `save` stands for the draft save each line waits on. */
function reader(options: { terminal?: boolean; saveMs?: number; controller?: AbortController } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume(); // what readline echoes is not looked at here
  const seen: Array<[string, boolean]> = [];
  const done = readLines({
    input,
    output,
    prompt: '> ',
    signal: (options.controller ?? new AbortController()).signal,
    terminal: options.terminal ?? false,
    onLine: async (line, blank) => {
      seen.push([line, blank]);
      if (options.saveMs) await sleep(options.saveMs);
      return blank ? 'done' : 'more';
    },
  });
  return { input, seen, done };
}

describe('readLines: every line typed or pasted, in order', () => {
  it('ends the answer at an empty line the agent types', async () => {
    const { input, seen, done } = reader();
    input.write('first\n');
    await sleep(10);
    input.write('second\n');
    await sleep(10);
    input.write('\n');
    await done;
    expect(seen).toEqual([
      ['first', false],
      ['second', false],
      ['', true],
    ]);
  });

  it('ends the answer at an empty line typed so fast it comes in one piece with the line before', async () => {
    // A busy machine reads keys in bursts: "two⏎⏎" can arrive together.
    const { input, seen, done } = reader({ saveMs: 20 });
    input.write('two\n\n');
    await done;
    expect(seen).toEqual([
      ['two', false],
      ['', true],
    ]);
  });

  it('keeps every line of a paste, an empty line inside it being a paragraph break', async () => {
    const { input, seen, done } = reader();
    // A pasted text comes in one piece: with a prompt per line, all but its first line were lost.
    input.write('Order 1182 arrived damaged\nBox crushed\n\nWants a replacement\n');
    await sleep(PASTE_GAP_MS * 3);
    expect(seen).toEqual([
      ['Order 1182 arrived damaged', false],
      ['Box crushed', false],
      ['', false],
      ['Wants a replacement', false],
    ]);
    input.write('\n');
    await done;
    expect(seen.at(-1)).toEqual(['', true]);
  });

  it('takes an empty line followed at once by more text as part of it (a paste cut in two pieces)', async () => {
    const { input, seen, done } = reader();
    input.write('one\n');
    await sleep(10);
    input.write('\n');
    await sleep(5); // well within the gap: no one types this fast
    input.write('two\n');
    await sleep(PASTE_GAP_MS * 3);
    expect(seen).toEqual([
      ['one', false],
      ['', false],
      ['two', false],
    ]);
    input.write('\n');
    await done;
  });

  it('tells a paste by the terminal\'s paste marks, however slowly it arrives', async () => {
    const { input, seen, done } = reader({ terminal: true });
    input.write('\u001b[200~one\r');
    await sleep(PASTE_GAP_MS * 2);
    input.write('\r');
    await sleep(PASTE_GAP_MS * 2);
    input.write('two\r\u001b[201~');
    await sleep(PASTE_GAP_MS * 2);
    expect(seen).toEqual([
      ['one', false],
      ['', false],
      ['two', false],
    ]);
    input.write('\r');
    await done;
    expect(seen.at(-1)).toEqual(['', true]);
  });

  it('keeps lines that come while the one before is still being saved, in order', async () => {
    const { input, seen, done } = reader({ saveMs: 30 });
    input.write('a\n');
    await sleep(5);
    input.write('b\n');
    await sleep(5);
    input.write('c\n');
    await sleep(200);
    input.write('\n');
    await done;
    expect(seen.map(([line]) => line)).toEqual(['a', 'b', 'c', '']);
  });

  it('stops on Ctrl-C and on the abort signal with the prompt library\'s error names', async () => {
    const typed = reader({ terminal: true });
    typed.input.write('x\u0003');
    await expect(typed.done).rejects.toMatchObject({ name: 'ExitPromptError' });
    const controller = new AbortController();
    const stopped = reader({ controller });
    controller.abort('SIGTERM');
    await expect(stopped.done).rejects.toMatchObject({ name: 'AbortPromptError' });
  });
});

describe('oneLinePastes: a pasted text in a one-line answer', () => {
  function terminal() {
    const source = new PassThrough() as PassThrough & { isTTY: boolean; modes: boolean[]; setRawMode: (mode: boolean) => void };
    source.isTTY = true;
    source.modes = [];
    source.setRawMode = (mode: boolean) => source.modes.push(mode);
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    return { source, output, shown: () => shown };
  }

  it("turns a paste's line breaks into spaces, and leaves typed keys as they are", async () => {
    const { source, output, shown } = terminal();
    const pastes = oneLinePastes(source, output);
    let got = '';
    pastes.input.on('data', (chunk: Buffer | string) => (got += chunk.toString()));
    source.write('\u001b[200~12 High St\r\nLondon\u001b[201~');
    source.write('!\r');
    await sleep(10);
    expect(got).toBe('12 High St London!\r');
    expect(shown()).toBe('\u001b[?2004h'); // asked the terminal to mark pastes
    // The prompt sets the terminal's mode through the stream it reads.
    (pastes.input as unknown as { setRawMode: (mode: boolean) => void }).setRawMode(true);
    expect(source.modes).toEqual([true]);
    pastes.stop();
    source.write('typed later\r');
    await sleep(10);
    expect(got).toBe('12 High St London!\r'); // no longer read once stopped
    expect(shown()).toBe('\u001b[?2004h\u001b[?2004l');
  });
});
