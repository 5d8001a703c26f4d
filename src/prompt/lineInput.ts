/**
 * A one-line answer (text, number, date). Built on the prompt library's core, like its
 * own input prompt, with what a call needs on top:
 * - the step's hint under the question while it is asked;
 * - "(Enter for …)" when Enter takes a default, "(Enter to skip)" when it skips;
 * - a paste taken in at once (one keypress, see terminalInput), its line breaks as
 *   spaces, cut to what the answer holds with one line saying so (Ctrl-U clears it);
 * - an answer refused stays on the line with the reason under it, to be fixed.
 */
import { createPrompt, isBackspaceKey, isEnterKey, isTabKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';
import type { ChalkInstance } from 'chalk';
import { cutNotice, fitToRoom, pasteAsOneLine, pasteCutNotice } from './pastedText.js';
import { oneLine } from '../render/terminalText.js';
import { enterHint, promptTheme, type LiveNotice } from './promptStyle.js';
import { useLiveNotice } from './useLiveNotice.js';
import { isPasteKey } from './terminalInput.js';
import { grouped } from '../text/plural.js';

export interface LineInputConfig {
  color: ChalkInstance;
  /** The question, ready to show. */
  message: string;
  /** Shown under the question while it is asked. */
  hint?: string;
  /** A line that changes while the question waits (a hold's countdown). */
  live?: LiveNotice;
  /** Taken by Enter on an empty line, and shown as "(Enter for …)". */
  default?: string;
  /** Whether Enter on an empty line skips the question (said when there is no default). */
  optional: boolean;
  /** The most characters the answer holds. */
  maxLength?: number;
  /** true, or why the answer is refused. */
  validate: (value: string) => true | string;
}

export const lineInput = createPrompt<string, LineInputConfig>((config, done) => {
  const { color } = config;
  const maxLength = config.maxLength ?? Infinity;
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [defaultValue, setDefaultValue] = useState(config.default);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const prefix = usePrefix({ status, theme });
  const live = useLiveNotice(config.live);

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isPasteKey(key)) {
      // What fits goes on the line, still to be read over (Ctrl-U clears it) before Enter.
      const text = pasteAsOneLine(key.text);
      const { kept, cut } = fitToRoom(text, maxLength - rl.line.length);
      rl.write(kept);
      setValue(rl.line);
      setError(undefined);
      setNotice(cut ? `${pasteCutNotice(text.length, kept.length, maxLength)}\n  Ctrl-U clears the line` : undefined);
    } else if (isEnterKey(key)) {
      const answer = value || defaultValue || '';
      const verdict = answer.length > maxLength ? `an answer holds ${grouped(maxLength)} characters at most; this one has ${grouped(answer.length)}` : config.validate(answer);
      if (verdict === true) {
        setValue(answer);
        setStatus('done');
        done(answer);
      } else {
        // Readline emptied its line at Enter: the typed text goes back, to be fixed.
        rl.write(value);
        setError(verdict);
        setNotice(undefined);
      }
    } else if (isBackspaceKey(key) && !value) {
      // Backspace on an empty line drops the default, so that Enter then skips.
      setDefaultValue(undefined);
    } else if (isTabKey(key) && !value && defaultValue) {
      // Tab puts the default on the line, to be edited.
      rl.clearLine(0);
      rl.write(defaultValue);
      setValue(defaultValue);
    } else {
      // Typed past what the answer holds: cut there, and said so (as in notes).
      const cut = rl.line.length > maxLength;
      if (cut) {
        const kept = fitToRoom(rl.line, maxLength).kept;
        rl.clearLine(0);
        rl.write(kept);
      }
      setValue(rl.line);
      setError(undefined);
      // Said once: the line is the agent's again (read over, cleared or typed on).
      setNotice(cut ? cutNotice(maxLength) : undefined);
    }
  });

  const message = color.bold(config.message);
  if (status === 'done') return `${prefix} ${message} ${color.cyan(value)}`;
  const enter = enterHint(defaultValue === undefined ? undefined : oneLine(defaultValue, 40), config.optional);
  // The typed text ends the line: the prompt library finds the cursor from its length.
  const line = [prefix, message, ...(enter ? [color.dim(enter)] : []), value].join(' ');
  const under = [
    config.hint ? color.dim(`  ${config.hint}`) : '',
    error ? color.red(`> ${error}`) : '',
    notice ? color.yellow(`  ${notice}`) : '',
    live ?? '',
  ].filter(Boolean);
  return [line, under.join('\n')];
});
