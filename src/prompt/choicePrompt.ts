/**
 * A choice list (a step of type `choice`), on the prompt library's core: each choice shows
 * its number ("2) escalated"); letters typed match anywhere in a choice, the list showing
 * only those that match, best first (see rankChoices); a number picks by position; arrow
 * keys and Enter work as ever. What is typed shows on the question's line, as in a search
 * box, so the agent sees why the list changed; once picked, the choice shows there.
 */
import { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';
import { answeredLine, useChoiceListScreen, useChoiceTyping, type ChoiceListLook } from './choiceTyping.js';
import { promptTheme, type LiveNotice } from './promptStyle.js';
import { useLiveNotice } from './useLiveNotice.js';

export interface ChoiceItem {
  value: string;
  /** As shown (and matched by what is typed). */
  name: string;
  /** Shown under the list while this choice is highlighted. */
  description?: string;
}

export interface ChoicePromptConfig extends ChoiceListLook {
  /** A line that changes while the question waits (a hold's countdown). */
  live?: LiveNotice;
  choices: readonly ChoiceItem[];
  /** The value highlighted at first. */
  default?: string;
}

export const choicePrompt = createPrompt<string, ChoicePromptConfig>((config, done) => {
  const { color, choices } = config;
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | undefined>();
  const first = Math.max(0, choices.findIndex((c) => c.value === config.default));
  const { typed, active, shown, numbered, onKey } = useChoiceTyping(
    choices.map((c) => c.name),
    first,
    () => setError(undefined),
  );
  const prefix = usePrefix({ status, theme });
  const live = useLiveNotice(config.live);

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      if (shown.length === 0 || !shown.includes(active)) {
        // Readline emptied its line at Enter: the typed text goes back, to be changed.
        rl.write(typed);
        setError(`no choice matches "${typed}": Backspace to change it`);
        return;
      }
      setStatus('done');
      done(choices[active]!.value);
    } else {
      onKey(key, rl);
    }
  });

  const screen = useChoiceListScreen(config, { prefix, typing: { typed, active, shown, numbered }, error, live }, '↑↓ move · type letters or a number · ⏎ pick · Esc clear');
  return status === 'done' ? answeredLine(config, prefix, choices[active]!.name) : screen;
});
