/**
 * A list of which several may be ticked (a step of type `multichoice`), on the prompt
 * library's core, typed as the one-choice list is (choicePrompt): each choice shows its
 * number; letters typed narrow the list to what matches, best first; a number highlights
 * that choice. Enter with something typed ticks (or unticks) the choice it found and
 * clears the line, so "2 Enter 4 Enter Enter" ticks the second and fourth; Space on an
 * empty line ticks the highlighted one; Enter on an empty line is done. A paste is typed
 * text (its line breaks are not Enter).
 */
import { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';
import type { ChoiceItem } from './choicePrompt.js';
import { answeredLine, useChoiceListScreen, useChoiceTyping, type ChoiceListLook } from './choiceTyping.js';
import { promptTheme, type LiveNotice } from './promptStyle.js';
import { useLiveNotice } from './useLiveNotice.js';

export interface SeveralChoicesConfig extends ChoiceListLook {
  /** A line that changes while the question waits (a hold's countdown). */
  live?: LiveNotice;
  choices: readonly ChoiceItem[];
  /** The values ticked at first. */
  ticked?: readonly string[];
  /** At least one must be ticked. */
  required: boolean;
}

export const severalChoicesPrompt = createPrompt<string[], SeveralChoicesConfig>((config, done) => {
  const { color, choices } = config;
  const names = choices.map((c) => c.name);
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | undefined>();
  const { typed, active, shown, numbered, typedCleared, onKey } = useChoiceTyping(names, 0, () => setError(undefined));
  const [ticked, setTicked] = useState<readonly number[]>(choices.flatMap((c, index) => (config.ticked?.includes(c.value) ? [index] : [])));
  const prefix = usePrefix({ status, theme });
  const live = useLiveNotice(config.live);

  const toggle = (index: number) => setTicked(ticked.includes(index) ? ticked.filter((i) => i !== index) : [...ticked, index].sort((a, b) => a - b));

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      if (typed.trim() !== '') {
        if (!shown.includes(active)) {
          // Readline emptied its line at Enter: the typed text goes back, to be changed.
          rl.write(typed);
          setError(`no choice matches "${typed}": Backspace to change it`);
          return;
        }
        toggle(active);
        typedCleared();
        return;
      }
      if (config.required && ticked.length === 0) {
        setError('tick at least one: Space, or its number or letters then Enter');
        return;
      }
      setStatus('done');
      done(ticked.map((index) => choices[index]!.value));
    } else if (key.name === 'space' && typed === '') {
      // Readline took the space as typed: it goes.
      rl.clearLine(0);
      toggle(active);
      setError(undefined);
    } else {
      onKey(key, rl);
    }
  });

  const screen = useChoiceListScreen(
    config,
    { prefix, typing: { typed, active, shown, numbered }, error, live },
    '↑↓ move · Space, or a number or letters then ⏎: tick · ⏎ done · Esc clear',
    (index) => (ticked.includes(index) ? '◉' : '◯'),
  );
  return status === 'done' ? answeredLine(config, prefix, ticked.map((index) => names[index]).join(', ')) : screen;
});
