/**
 * The check before the summary, on the prompt library's core: the unmet items, numbered.
 * A number goes back to that item's step (one key, no Enter); Enter leaves the first item
 * with a reason (asked next). Items with no step to go back to can only be left.
 */
import { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState, type Status } from '@inquirer/core';
import type { ChalkInstance } from 'chalk';
import { promptTheme } from './promptStyle.js';
import { plural } from '../text/plural.js';
import { wrap } from '../render/terminalText.js';

export interface ChecklistPromptConfig {
  color: ChalkInstance;
  items: ReadonlyArray<{ text: string; fixable: boolean }>;
  /** The screen's width: a long item wraps under its own first word. */
  width: number;
}

/** The position of the item to fix, or 'leave' (the first item, with a reason). */
export type ChecklistChoice = number | 'leave';

export const checklistPrompt = createPrompt<ChecklistChoice, ChecklistPromptConfig>((config, done) => {
  const { color, items } = config;
  const theme = makeTheme(promptTheme(color));
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | undefined>();
  const [picked, setPicked] = useState<ChecklistChoice | undefined>();
  const prefix = usePrefix({ status, theme });

  useKeypress((key, rl) => {
    if (status !== 'idle') return;
    if (isEnterKey(key)) {
      setPicked('leave');
      setStatus('done');
      done('leave');
      return;
    }
    rl.clearLine(0);
    const digit = /^[1-9]$/.test(key.name ?? '') ? Number(key.name) : undefined;
    if (digit === undefined || digit > items.length) {
      setError(`press a number from 1 to ${items.length}, or Enter`);
      return;
    }
    if (!items[digit - 1]!.fixable) {
      setError(`${digit} has no step to go back to in this playbook: Enter leaves it with a reason`);
      return;
    }
    setPicked(digit - 1);
    setStatus('done');
    done(digit - 1);
  });

  const message = color.bold('Before the summary:');
  if (status === 'done') {
    const what = picked === 'leave' ? `leave "${items[0]!.text}"` : `back to fix "${items[picked as number]!.text}"`;
    return `${prefix} ${message} ${color.cyan(what)}`;
  }
  const digits = String(items.length).length;
  const indent = ' '.repeat(digits + 4);
  const lines = items.map((item, i) => {
    const text = wrap(item.text, config.width - indent.length, '').join(`\n${indent}`);
    return `  ${color.yellow(`${String(i + 1).padStart(digits)})`)} ${text}${item.fixable ? '' : color.dim('  (no step to go back to)')}`;
  });
  const fixable = items.some((item) => item.fixable);
  const how = fixable ? `press a number to go back and fix it · ⏎ leave 1 with a reason` : '⏎ leave 1 with a reason';
  return [
    `${prefix} ${message} ${color.dim(`${plural(items.length, 'thing')} this call has not done`)}`,
    [...lines, error ? color.red(`> ${error}`) : '', color.dim(`  ${how}`)].filter(Boolean).join('\n'),
  ];
});
