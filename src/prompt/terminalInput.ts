/**
 * The terminal's input as one prompt reads it. Two things a prompt library cannot do on
 * its own are done here, before its readline sees a byte:
 *
 * - A paste (marked by the terminal: bracketed paste, turned on here) arrives as ONE
 *   keypress, `{ name: 'paste', text }`, instead of a keypress per character. The prompts
 *   redraw their whole line at every keypress, so a paste of n characters cost n redraws
 *   of a line growing to n: 100 lines took 17 s, 2,000 never finished, and Ctrl-C,
 *   SIGTERM and SIGHUP waited behind it all. Now a paste costs one insertion and one
 *   redraw, and the event loop stays free.
 * - End of input (Ctrl-D, or the terminal's input closing) calls `onEnd`, so the prompt is
 *   ended like Ctrl-C ends it. Readline closed itself on Ctrl-D and the prompt library's
 *   promise then never settled: the call ended with exit code 0 and its lock left behind.
 *   Ctrl-D stops the call whatever has been typed (the line being typed is lost, as with
 *   Ctrl-C); readline would otherwise treat it as "delete" once something is typed.
 *
 * Typed keys pass through unchanged, in order with the pastes.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { EndOfInputError } from './promptErrors.js';

const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';
const CTRL_D = '\u0004';

/** A whole paste, as one keypress. Readline ignores a key by this name; the prompts insert `text`. */
export interface PasteKey {
  name: 'paste';
  /** The pasted text as the terminal sent it (line breaks and all). */
  text: string;
  sequence: '';
  ctrl: false;
  meta: false;
  shift: false;
}

export function isPasteKey(key: unknown): key is PasteKey {
  return (key as { name?: unknown } | undefined)?.name === 'paste';
}

export type TerminalSource = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

export interface TerminalInput {
  /** What the prompt reads: it sets the terminal's raw mode through it, as through a TTY. */
  input: Readable;
  /** Stops reading the terminal and hands it back as it was. */
  stop: () => void;
}

export function terminalInput(source: TerminalSource, output: Writable, options: { onEnd: () => void }): TerminalInput {
  const through = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (mode: boolean) => PassThrough };
  through.isTTY = true;
  through.setRawMode = (mode: boolean) => {
    source.setRawMode?.(mode);
    return through;
  };
  const decoder = new StringDecoder('utf8');
  let pasting = false;
  let pasted = '';
  /** The start of a paste mark cut off by the end of a chunk: completed by the next one. */
  let carry = '';
  let ended = false;
  const pastesWaiting: string[] = [];

  const end = () => {
    if (ended) return;
    ended = true;
    options.onEnd();
  };

  // A paste must not overtake typed keys written before it that the prompt has not read yet.
  const emitPastes = () => {
    if (through.readableLength > 0) {
      setImmediate(emitPastes);
      return;
    }
    for (const text of pastesWaiting.splice(0)) {
      const key: PasteKey = { name: 'paste', text, sequence: '', ctrl: false, meta: false, shift: false };
      through.emit('keypress', undefined, key);
    }
  };

  const typed = (text: string) => {
    const ctrlD = text.indexOf(CTRL_D);
    if (ctrlD >= 0) text = text.slice(0, ctrlD);
    if (text) through.write(text);
    if (ctrlD >= 0) end();
  };

  const onData = (chunk: Buffer | string) => {
    if (ended) return;
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    carry = '';
    for (;;) {
      const mark = pasting ? PASTE_END : PASTE_START;
      const at = text.indexOf(mark);
      if (at < 0) break;
      if (pasting) {
        pastesWaiting.push(pasted + text.slice(0, at));
        pasted = '';
        emitPastes();
      } else typed(text.slice(0, at));
      if (ended) return;
      text = text.slice(at + mark.length);
      pasting = !pasting;
    }
    const partial = partialMarkAtEnd(text, pasting ? PASTE_END : PASTE_START);
    carry = text.slice(text.length - partial);
    text = text.slice(0, text.length - partial);
    if (pasting) pasted += text;
    else typed(text);
  };

  source.on('data', onData);
  source.once('end', end);
  source.resume();
  output.write(BRACKETED_PASTE_ON);
  if (source.readableEnded) setImmediate(end);
  return {
    input: through,
    stop: () => {
      source.off('data', onData);
      source.off('end', end);
      source.pause();
      output.write(BRACKETED_PASTE_OFF);
      through.end();
    },
  };
}

/**
 * How many characters at the end of `text` begin `mark` (a paste mark cut in two by the
 * terminal's writes). A lone ESC at the very end is a key press, not the start of a mark,
 * when it is all the chunk holds: that is how the Esc key arrives.
 */
export function partialMarkAtEnd(text: string, mark: string): number {
  for (let length = Math.min(mark.length - 1, text.length); length > 0; length--) {
    if (length === text.length && length === 1) return 0;
    if (text.endsWith(mark.slice(0, length))) return length;
  }
  return 0;
}

/** A prompt of the library as started: a promise its caller may cancel. */
export type RunningPrompt<T> = Promise<T> & { cancel: () => void };

/** What a prompt of the library is started with. */
export interface PromptContext {
  input: Readable;
  output: Writable;
  signal?: AbortSignal;
}

/**
 * Runs one prompt on the terminal's input as terminalInput hands it on: the call's
 * questions and every confirmation. The input ending (Ctrl-D, a closed terminal) cancels
 * the prompt, and its caller hears EndOfInputError.
 */
export async function promptOnTerminal<T>(source: TerminalSource, output: Writable, start: (context: PromptContext) => RunningPrompt<T>, signal?: AbortSignal): Promise<T> {
  let inputEnded = false;
  let prompt: RunningPrompt<T> | undefined;
  const keys = terminalInput(source, output, {
    onEnd: () => {
      inputEnded = true;
      prompt?.cancel();
    },
  });
  try {
    prompt = start({ input: keys.input, output, ...(signal ? { signal } : {}) });
    return await prompt;
  } catch (error) {
    throw inputEnded ? new EndOfInputError() : error;
  } finally {
    keys.stop();
  }
}
