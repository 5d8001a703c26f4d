import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PASTE_GAP_MS, readLines } from '../src/prompt/lineReader.js';
import { EndOfInputError } from '../src/prompt/promptErrors.js';
import { isPasteKey, partialMarkAtEnd, terminalInput, type PasteKey } from '../src/prompt/terminalInput.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * readLines on in-memory streams. `seen` has each line handed on as [line, false] and each
 * empty line typed as ['', true]; `saveMs` stands for the draft save each batch waits on.
 */
function reader(options: { terminal?: boolean; saveMs?: number; controller?: AbortController; maxLength?: number } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const seen: Array<[string, boolean]> = [];
  const batches: string[][] = [];
  const done = readLines({
    input,
    output,
    prompt: '> ',
    signal: (options.controller ?? new AbortController()).signal,
    terminal: options.terminal ?? false,
    ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
    onLines: async (lines) => {
      batches.push(lines);
      for (const line of lines) seen.push([line, false]);
      if (options.saveMs) await sleep(options.saveMs);
    },
    onBlank: async () => {
      seen.push(['', true]);
      return 'done';
    },
  });
  return { input, seen, batches, done, shown: () => shown };
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

describe('readLines: a long paste, the answer\'s size, the end of input (issue 15, items 1 and 2)', () => {
  const lines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1} of a long pasted email`);

  it('takes a 2,000-line paste at once, in one batch (one save), every line kept', async () => {
    const { input, seen, batches, done } = reader({ terminal: true });
    const started = Date.now();
    input.write(`\u001b[200~${lines(2000).join('\r\n')}\r\n\u001b[201~`);
    while (seen.length < 2000 && Date.now() - started < 5000) await sleep(5);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen.map(([line]) => line)).toEqual(lines(2000));
    expect(batches).toHaveLength(1);
    input.write('\r');
    await done;
  });

  it('keeps what fits of a paste, says so under it, and cuts what is typed after it to the room left', async () => {
    const { input, seen, done, shown } = reader({ terminal: true, maxLength: 40 });
    input.write('\u001b[200~first line here\r\nsecond line is longer\r\nthird\u001b[201~');
    await sleep(PASTE_GAP_MS * 3);
    // 15 + 1 + 21 + 1 + 5 = 43 characters: the answer holds 40, so 'third' keeps 'th', left
    // on the line being typed.
    expect(seen).toEqual([
      ['first line here', false],
      ['second line is longer', false],
    ]);
    const notice = 'paste cut: kept 40 of 43 characters (the answer holds 40)\n';
    expect(shown()).toContain(notice);
    // Said under the lines kept, not above them.
    expect(shown().indexOf(notice)).toBeGreaterThan(shown().indexOf('second line is longer'));
    expect(shown()).not.toContain('third');
    input.write('\r');
    await sleep(PASTE_GAP_MS * 3);
    expect(seen.map(([line]) => line)).toEqual(['first line here', 'second line is longer', 'th']);
    // Full now: a line typed is cut to nothing, said so, and the answer goes on.
    input.write('more\r');
    await sleep(PASTE_GAP_MS * 3);
    expect(shown()).toContain('line cut: an answer holds 40 characters at most, the rest was not kept\n');
    input.write('\r');
    await done;
    expect(seen.map(([line]) => line)).toEqual(['first line here', 'second line is longer', 'th', '']);
  });

  it('keeps a paste that fits whole, every line', async () => {
    const { input, seen, done, shown } = reader({ terminal: true, maxLength: 40 });
    input.write('typed\r\u001b[200~a\r\nb\r\n\u001b[201~');
    await sleep(PASTE_GAP_MS * 3);
    expect(seen.map(([line]) => line)).toEqual(['typed', 'a', 'b']);
    expect(shown()).not.toContain('paste cut');
    input.write('\r');
    await done;
  });

  it('cuts a line typed past what the answer holds, and says so in one line', async () => {
    const { input, seen, done, shown } = reader({ terminal: true, maxLength: 20 });
    input.write('a line typed that is far too long\r');
    await sleep(PASTE_GAP_MS * 3);
    expect(seen).toEqual([['a line typed that is', false]]);
    expect(shown()).toContain('line cut: an answer holds 20 characters at most, the rest was not kept\n');
    input.write('\r');
    await done;
  });

  it('ends with EndOfInputError on Ctrl-D, whatever is typed, and when the input closes', async () => {
    const empty = reader({ terminal: true });
    empty.input.write('\u0004');
    await expect(empty.done).rejects.toBeInstanceOf(EndOfInputError);
    const typed = reader({ terminal: true });
    typed.input.write('half a line\u0004');
    await expect(typed.done).rejects.toBeInstanceOf(EndOfInputError);
    const piped = reader();
    piped.input.write('a line\n');
    piped.input.end();
    await expect(piped.done).rejects.toBeInstanceOf(EndOfInputError);
    // Named as the prompt library's Ctrl-C error: handled as the same interruption.
    await expect(piped.done).rejects.toMatchObject({ name: 'ExitPromptError' });
    expect(piped.seen).toEqual([['a line', false]]);
  });
});

describe('terminalInput: the keys a prompt reads', () => {
  function terminal() {
    const source = new PassThrough() as PassThrough & { isTTY: boolean; modes: boolean[]; setRawMode: (mode: boolean) => void };
    source.isTTY = true;
    source.modes = [];
    source.setRawMode = (mode: boolean) => source.modes.push(mode);
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    let ends = 0;
    const keys = terminalInput(source, output, { onEnd: () => ends++ });
    let typed = '';
    const pastes: string[] = [];
    const order: string[] = [];
    keys.input.on('data', (chunk: Buffer | string) => {
      typed += chunk.toString();
      order.push(`typed ${chunk.toString()}`);
    });
    keys.input.on('keypress', (_text: unknown, key: unknown) => {
      if (isPasteKey(key)) {
        pastes.push(key.text);
        order.push(`paste ${key.text}`);
      }
    });
    return { source, keys, shown: () => shown, ends: () => ends, typed: () => typed, pastes, order };
  }

  it('hands on a paste as one keypress and typed keys as they are, in order', async () => {
    const t = terminal();
    t.source.write('ab');
    t.source.write('\u001b[200~12 High St\r\nLondon\u001b[201~');
    t.source.write('!\r');
    await sleep(10);
    expect(t.pastes).toEqual(['12 High St\r\nLondon']);
    expect(t.typed()).toBe('ab!\r');
    expect(t.order).toEqual(['typed ab', 'paste 12 High St\r\nLondon', 'typed !\r']);
    expect(t.shown()).toBe('\u001b[?2004h'); // asked the terminal to mark pastes
    // The prompt sets the terminal's mode through the stream it reads.
    (t.keys.input as unknown as { setRawMode: (mode: boolean) => void }).setRawMode(true);
    expect(t.source.modes).toEqual([true]);
    t.keys.stop();
    t.source.write('typed later\r');
    await sleep(10);
    expect(t.typed()).toBe('ab!\r'); // no longer read once stopped
    expect(t.shown()).toBe('\u001b[?2004h\u001b[?2004l');
  });

  it('finds paste marks cut in two by the terminal\'s writes, and a paste spread over many writes', async () => {
    const t = terminal();
    for (const piece of ['x\u001b[20', '0~one\r', '\ntwo\u001b', '[201~y']) t.source.write(piece);
    await sleep(10);
    expect(t.pastes).toEqual(['one\r\ntwo']);
    expect(t.typed()).toBe('xy');
  });

  it('takes Ctrl-D, or the end of the input, as the end', async () => {
    const t = terminal();
    t.source.write('abc\u0004def');
    await sleep(10);
    expect(t.typed()).toBe('abc');
    expect(t.ends()).toBe(1);
    const closed = terminal();
    closed.source.end();
    await sleep(10);
    expect(closed.ends()).toBe(1);
    // Inside a paste, a 0x04 is pasted text, not Ctrl-D.
    const pasted = terminal();
    pasted.source.write('\u001b[200~a\u0004b\u001b[201~');
    await sleep(10);
    expect(pasted.ends()).toBe(0);
    expect(pasted.pastes).toEqual(['a\u0004b']);
  });

  it.each([
    ['abc\u001b[20', '\u001b[200~', 4],
    ['abc\u001b', '\u001b[200~', 1],
    ['\u001b', '\u001b[200~', 0], // the Esc key alone
    ['abc', '\u001b[200~', 0],
    ['text\u001b[201', '\u001b[201~', 5],
  ])('partialMarkAtEnd(%j, %j) = %i', (text, mark, expected) => {
    expect(partialMarkAtEnd(text, mark)).toBe(expected);
  });

  it('types a paste key for the prompts', () => {
    const key: PasteKey = { name: 'paste', text: 'x', sequence: '', ctrl: false, meta: false, shift: false };
    expect(isPasteKey(key)).toBe(true);
    expect(isPasteKey({ name: 'p' })).toBe(false);
    expect(isPasteKey(undefined)).toBe(false);
  });
});
