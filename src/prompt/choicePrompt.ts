/**
 * A choice list (a step of type `choice`), on the prompt library's core: each choice shows
 * its number ("2) escalated"); letters typed match anywhere in a choice, the list showing
 * only those that match, best first (see rankChoices); a number picks by position; arrow
 * keys and Enter work as ever. What is typed shows on the question's line, as in a search
 * box, so the agent sees why the list changed; once picked, the choice shows there.
 */
import {
  createPrompt,
  isDownKey,
  isEnterKey,
  isUpKey,
  makeTheme,
  useKeypress,
  usePagination,
  usePrefix,
  useState,
  type Status,
} from '@inquirer/core';
import type { ChalkInstance } from 'chalk';
import { choiceByNumber, rankChoices } from './choiceMatch.js';
import { pasteAsOneLine } from './pastedText.js';
import { promptTheme, type LiveNotice } from './promptStyle.js';
import { useLiveNotice } from './useLiveNotice.js';
import { isPasteKey } from './terminalInput.js';

export interface ChoiceItem {
  value: string;
  /** As shown (and matched by what is typed). */
  name: string;
  /** Shown under the list while this choice is highlighted. */
  description?: string;
}

export interface ChoicePromptConfig {
  color: ChalkInstance;
  message: string;
  /** Shown under the question while it is asked. */
  hint?: string;
  /** A line that changes while the question waits (a hold's countdown). */
  live?: LiveNotice;
  choices: readonly ChoiceItem[];
  /** The value highlighted at first. */
  default?: string;
  pageSize: number;
}

/** No choice is this long: a longer paste into a choice list is only its first words. */
const MAX_TYPED = 100;

export const choicePrompt = createPrompt<string, ChoicePromptConfig>((config, done) => {
  const { color, choices } = config;
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | undefined>();
  const first = Math.max(0, choices.findIndex((c) => c.value === config.default));
  /** Position in `choices` of the highlighted one. */
  const [active, setActive] = useState(first);
  const prefix = usePrefix({ status, theme });
  const live = useLiveNotice(config.live);

  const numbered = choiceByNumber(typed, choices.length);
  // A number picks by position in the whole list; letters narrow the list to what matches.
  const shown = numbered === undefined ? rankChoices(typed, choices.map((c) => c.name)) : choices.map((_, index) => index);

  /** The typed text changed (rl.line): highlight what it picks, or the best match. */
  const retype = (text: string) => {
    setTyped(text);
    setError(undefined);
    const byNumber = choiceByNumber(text, choices.length);
    const best = byNumber ?? rankChoices(text, choices.map((c) => c.name))[0];
    if (best !== undefined) setActive(best);
  };

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
    } else if (isUpKey(key) || isDownKey(key)) {
      if (shown.length === 0) return;
      const at = Math.max(0, shown.indexOf(active));
      const step = isUpKey(key) ? -1 : 1;
      setActive(shown[(at + step + shown.length) % shown.length]!);
    } else if (isPasteKey(key)) {
      rl.write(pasteAsOneLine(key.text).slice(0, Math.max(0, MAX_TYPED - rl.line.length)));
      retype(rl.line);
    } else if (key.name === 'escape') {
      rl.clearLine(0);
      retype('');
    } else {
      retype(rl.line);
    }
  });

  const width = String(choices.length).length;
  const label = (index: number) => `${String(index + 1).padStart(width)}) ${choices[index]!.name}`;
  const page = usePagination({
    items: shown,
    active: Math.max(0, shown.indexOf(active)),
    renderItem: ({ item, isActive }) => (isActive ? color.cyan(`❯ ${label(item)}`) : `  ${label(item)}`),
    pageSize: config.pageSize,
    loop: false,
  });

  const message = color.bold(config.message);
  if (status === 'done') return `${prefix} ${message} ${color.cyan(choices[active]!.name)}`;
  const description = shown.includes(active) ? choices[active]!.description : undefined;
  const matches = typed === '' || numbered !== undefined ? '' : color.dim(`  ${shown.length} of ${choices.length} match "${typed}"`);
  // What is typed stays on the question's line, where the cursor is; the list goes under it.
  return [
    `${prefix} ${message} ${typed}`,
    [
      config.hint ? color.dim(`  ${config.hint}`) : '',
      shown.length > 0 ? page : '',
      matches,
      error ? color.red(`> ${error}`) : '',
      description ? color.cyan(`  ${description}`) : '',
      color.dim('  ↑↓ move · type letters or a number · ⏎ pick · Esc clear'),
      live ?? '',
    ]
      .filter(Boolean)
      .join('\n'),
  ];
});
