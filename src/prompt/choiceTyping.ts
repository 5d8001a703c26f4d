/**
 * What the choice lists (choicePrompt, severalChoicesPrompt) share: the text typed on the
 * question's line, the choices it shows (a number: every one, that one highlighted;
 * letters: those that match, best first), the highlighted one, the keys that change them
 * (arrows, a paste as typed text, Esc, typing), and the screen while it is asked.
 */
import { isDownKey, isUpKey, usePagination, useState, type KeypressEvent } from '@inquirer/core';
import type { ChalkInstance } from 'chalk';
import { choiceByNumber, rankChoices } from './choiceMatch.js';
import { pasteAsOneLine } from './pastedText.js';
import { isPasteKey } from './terminalInput.js';

/** No choice is this long: a longer paste into a choice list is only its first words. */
const MAX_TYPED = 100;

interface Line {
  line: string;
  write(text: string): void;
  clearLine(dir: 0): void;
}

export function useChoiceTyping(names: readonly string[], first: number, onRetype: () => void) {
  const [typed, setTyped] = useState('');
  /** Position in the list of the highlighted choice. */
  const [active, setActive] = useState(first);
  const numbered = choiceByNumber(typed, names.length);
  const shown = numbered === undefined ? rankChoices(typed, names) : names.map((_, index) => index);

  /** The typed text changed (rl.line): highlight what it picks, or the best match. */
  const retype = (text: string) => {
    setTyped(text);
    onRetype();
    const best = choiceByNumber(text, names.length) ?? rankChoices(text, names)[0];
    if (best !== undefined) setActive(best);
  };

  /** Readline emptied its line (Enter): nothing typed, the highlighted choice kept. */
  const typedCleared = () => {
    setTyped('');
    onRetype();
  };

  /** Any key the list does not handle itself (it handles Enter): moves, or changes what is typed. */
  const onKey = (key: KeypressEvent, rl: Line): void => {
    if (isUpKey(key) || isDownKey(key)) {
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
  };

  return { typed, active, shown, numbered, typedCleared, onKey };
}

/** What a choice list is given to show (ChoicePromptConfig and SeveralChoicesConfig share it). */
export interface ChoiceListLook {
  color: ChalkInstance;
  message: string;
  /** Shown under the question while it is asked. */
  hint?: string;
  choices: ReadonlyArray<{ name: string; description?: string }>;
  pageSize: number;
}

/**
 * The screen while a choice list is asked: what is typed stays on the question's line,
 * where the cursor is; the list (a page of it, each choice numbered, after its `mark` if
 * any) goes under it, with how many match, the error, the highlighted choice's
 * description and the keys.
 */
export function useChoiceListScreen(
  look: ChoiceListLook,
  now: { prefix: string; typing: Pick<ReturnType<typeof useChoiceTyping>, 'typed' | 'active' | 'shown' | 'numbered'>; error: string | undefined; live: string | undefined },
  keys: string,
  mark?: (index: number) => string,
): [string, string] {
  const { color, choices } = look;
  const { typed, active, shown, numbered } = now.typing;
  const width = String(choices.length).length;
  const label = (index: number) => `${mark ? `${mark(index)} ` : ''}${String(index + 1).padStart(width)}) ${choices[index]!.name}`;
  const page = usePagination({
    items: shown,
    active: Math.max(0, shown.indexOf(active)),
    renderItem: ({ item, isActive }) => (isActive ? color.cyan(`❯ ${label(item)}`) : `  ${label(item)}`),
    pageSize: look.pageSize,
    loop: false,
  });
  const description = shown.includes(active) ? choices[active]!.description : undefined;
  const matches = typed === '' || numbered !== undefined ? '' : color.dim(`  ${shown.length} of ${choices.length} match "${typed}"`);
  return [
    `${now.prefix} ${color.bold(look.message)} ${typed}`,
    [
      look.hint ? color.dim(`  ${look.hint}`) : '',
      shown.length > 0 ? page : '',
      matches,
      now.error ? color.red(`> ${now.error}`) : '',
      description ? color.cyan(`  ${description}`) : '',
      color.dim(`  ${keys}`),
      now.live ?? '',
    ]
      .filter(Boolean)
      .join('\n'),
  ];
}

/** A choice list once answered: the question and what was picked. */
export function answeredLine(look: ChoiceListLook, prefix: string, picked: string): string {
  return `${prefix} ${look.color.bold(look.message)} ${look.color.cyan(picked)}`;
}
