/**
 * Reads the lines of a long answer (notes, a list) with one readline for the whole
 * answer. A prompt per line lost every line of a paste but the first: a pasted text
 * arrives at once, and a prompt that has its line closes with the rest unread. Here every
 * line typed or pasted is handed on, in order, even while the ones before are being saved.
 *
 * An empty line ends the answer when the agent types it; an empty line inside a pasted
 * text is a paragraph break. Pasted text is told apart by the terminal's bracketed paste
 * (see terminalInput), and where that is not supported by timing: a line that follows an
 * empty one within PASTE_GAP_MS came with it, which no one types.
 *
 * Lines come to `onLines` in batches (a paste of 2,000 lines is one batch), so the answer
 * is saved once per batch, not once per line: a save rewrites the whole call, and a save
 * per line made a long paste cost a save per line of a growing file.
 */
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { EndOfInputError, promptError } from './promptErrors.js';
import { cutNotice, fitToRoom, pasteAsLines, pasteCutNotice } from './pastedText.js';
import { isPasteKey, terminalInput, type TerminalSource } from './terminalInput.js';

/** A line this soon after an empty one came with it (a paste): no one types that fast. */
export const PASTE_GAP_MS = 40;

export interface ReadLinesOptions {
  input: Readable;
  output: Writable;
  /** Shown before each line, like "  │ ". */
  prompt: string;
  signal: AbortSignal;
  /** Read as a terminal (raw keys, line editing, bracketed paste): by default when the output is one. */
  terminal?: boolean;
  /** The most characters the answer holds, its lines joined by line breaks; more is cut, with one line saying so. */
  maxLength?: number;
  /** Characters the answer holds already (lines typed before an interruption). */
  usedLength?: number;
  /** Lines typed or pasted, in order; none of them ends the answer. The next batch waits for this one. */
  onLines: (lines: string[]) => Promise<void>;
  /** An empty line the agent typed (not one inside a paste): return 'done' to end the answer there. */
  onBlank: () => Promise<'more' | 'done'>;
  /**
   * Lines to say while the agent types (a hold running over): given a way to print a line
   * above the one being typed, returns how to stop.
   */
  interject?: (say: (line: string) => void) => () => void;
}

export function readLines(options: ReadLinesOptions): Promise<void> {
  const { output, signal } = options;
  const terminal = options.terminal ?? Boolean((output as Writable & { isTTY?: boolean }).isTTY);
  const maxLength = options.maxLength ?? Infinity;
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(promptError('AbortPromptError', 'Prompt was aborted'));
      return;
    }
    let settled = false;
    const keys = terminal ? terminalInput(options.input as TerminalSource, output, { onEnd: () => finish(new EndOfInputError()) }) : undefined;
    const input = keys?.input ?? options.input;
    const rl = createInterface({ input, output, prompt: options.prompt, terminal });
    const pending: Array<{ line: string; pasted: boolean }> = [];
    let pasting = false;
    let working = false;
    /** Characters of the answer so far, counting the lines not yet handed on. */
    let used = options.usedLength ?? 0;
    const room = () => maxLength - used - (used > 0 ? 1 : 0);

    /** Said on a line of its own, in place of the marker waiting for the next line. */
    const say = (notice: string) => {
      clearLine(output, 0);
      cursorTo(output, 0);
      output.write(`  ${notice}\n`);
    };

    const onKeypress = (_text: string | undefined, key: unknown) => {
      if (!isPasteKey(key)) return;
      // Weighed before readline shows it: what does not fit is neither shown nor kept.
      const text = pasteAsLines(key.text);
      const { kept, cut } = fitToRoom(text, room() - rl.line.length);
      pasting = true;
      try {
        // Readline takes the whole text at once, line breaks and all: one 'line' per line.
        rl.write(kept);
      } finally {
        pasting = false;
      }
      // Said under what was kept, where the agent is looking (a long paste scrolls the screen).
      if (cut) {
        say(pasteCutNotice(text.length, kept.length, maxLength));
        rl.prompt(true);
      }
    };
    const onAbort = () => finish(promptError('AbortPromptError', 'Prompt was aborted'));
    // Said above the line being typed, which is drawn again as it was.
    const stopInterjecting = options.interject?.((line) => {
      if (settled) return;
      clearLine(output, 0);
      cursorTo(output, 0);
      output.write(`${line}\n`);
      rl.prompt(true);
    });
    function finish(error?: Error) {
      if (settled) return;
      settled = true;
      stopInterjecting?.();
      input.off('keypress', onKeypress);
      signal.removeEventListener('abort', onAbort);
      rl.close();
      keys?.stop();
      if (error) reject(error);
      else resolve();
    }

    const work = async () => {
      if (working) return;
      working = true;
      try {
        while (pending.length > 0 && !settled) {
          // Every line up to an empty one typed belongs to the answer: handed on together.
          const batch: string[] = [];
          while (pending.length > 0 && !isTypedBlank(pending[0]!)) batch.push(pending.shift()!.line);
          if (batch.length > 0) {
            await options.onLines(batch);
            continue;
          }
          const blank = pending.shift()!;
          if (pending.length === 0) {
            // Typed, or the end of a burst? Wait a moment for what may follow it.
            await new Promise((wake) => setTimeout(wake, PASTE_GAP_MS));
            if (settled) return;
          }
          if (pending.length > 0) {
            await options.onLines([blank.line]); // more came with it: part of a paste
            continue;
          }
          if ((await options.onBlank()) === 'done') {
            finish();
            return;
          }
          if (!settled && pending.length === 0) rl.prompt();
        }
      } catch (error) {
        finish(error as Error);
      } finally {
        working = false;
      }
    };

    rl.on('line', (typed) => {
      // A line typed (or pasted without marks) past the answer's size keeps what fits; a
      // marked paste was weighed before it came here.
      let line = typed;
      if (line.trim() !== '' && line.length > room()) {
        line = fitToRoom(line, Math.max(0, room())).kept;
        say(cutNotice(maxLength));
        if (line === '') {
          rl.prompt();
          return;
        }
      }
      used += (used > 0 ? 1 : 0) + line.length;
      // Only the terminal's paste marks are trusted here: a busy machine reads typed keys in
      // bursts too. An empty line with more lines behind it is found to be pasted in work,
      // by which time every line of the same piece of input is pending.
      pending.push({ line, pasted: pasting });
      // The next line's marker goes up at once, so pasted lines show under it as they come;
      // an empty line typed gets one only once it is known not to end the answer (see work).
      if (line.trim() !== '' || pasting) rl.prompt();
      // Once the other lines of the same input have come (readline hands them all on at
      // once), so that they go on in one batch.
      queueMicrotask(() => void work());
    });
    rl.on('SIGINT', () => finish(promptError('ExitPromptError', 'User force closed the prompt with SIGINT')));
    // Readline closes on Ctrl-D at an empty line (the terminal's input is watched for it
    // anyway) and when piped input ends.
    rl.on('close', () => finish(new EndOfInputError()));
    input.on('keypress', onKeypress);
    signal.addEventListener('abort', onAbort, { once: true });
    rl.prompt();
  });
}

function isTypedBlank(entry: { line: string; pasted: boolean }): boolean {
  return entry.line.trim() === '' && !entry.pasted;
}
