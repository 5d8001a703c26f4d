/**
 * A yes/no question, on the prompt library's core: y/yes or n/no (any case), Enter for the
 * default. Anything else is refused with a reason, where the library's confirm took any
 * text for the default. The step's hint shows under the question.
 */
import { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';
import type { ChalkInstance } from 'chalk';
import { fitToRoom, pasteAsOneLine } from './pastedText.js';
import { promptTheme, type LiveNotice } from './promptStyle.js';
import { useLiveNotice } from './useLiveNotice.js';
import { isPasteKey } from './terminalInput.js';

export interface YesNoConfig {
  color: ChalkInstance;
  message: string;
  /** Shown under the question while it is asked. */
  hint?: string;
  /** A line that changes while the question waits (a hold's countdown). */
  live?: LiveNotice;
  /** What Enter alone answers. */
  default: boolean;
}

/** No yes or no is longer: a longer paste is cut here rather than drawn whole. */
const MAX_TYPED = 20;

/** true for y/yes, false for n/no (any case, spaces around), undefined for anything else. */
export function readYesNo(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word === 'y' || word === 'yes') return true;
  if (word === 'n' || word === 'no') return false;
  return undefined;
}

export const yesNoPrompt = createPrompt<boolean, YesNoConfig>((config, done) => {
  const { color } = config;
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [answer, setAnswer] = useState(config.default);
  const prefix = usePrefix({ status, theme });
  const live = useLiveNotice(config.live);

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      const read = value.trim() === '' ? config.default : readYesNo(value);
      if (read === undefined) {
        // Readline emptied its line at Enter: the typed text goes back, to be fixed.
        rl.write(value);
        setError('answer y or n');
        return;
      }
      setAnswer(read);
      setStatus('done');
      done(read);
    } else if (isPasteKey(key)) {
      const { kept, cut } = fitToRoom(pasteAsOneLine(key.text), MAX_TYPED - rl.line.length);
      // Longer than any yes or no: pasted here by mistake, so none of it is taken, and said.
      if (cut) {
        setError('paste not kept: answer y or n');
        return;
      }
      rl.write(kept);
      setValue(rl.line);
    } else {
      setValue(rl.line);
      setError(undefined);
    }
  });

  const message = color.bold(config.message);
  if (status === 'done') return `${prefix} ${message} ${color.cyan(answer ? 'yes' : 'no')}`;
  const under = [config.hint ? color.dim(`  ${config.hint}`) : '', error ? color.red(`> ${error}`) : '', live ?? ''].filter(Boolean);
  return [`${prefix} ${message} ${color.dim(config.default ? '(Y/n)' : '(y/N)')} ${value}`, under.join('\n')];
});
