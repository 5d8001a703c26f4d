/**
 * The look shared by the call's prompts, in the colours of the command (chalk, so
 * --no-color and NO_COLOR hold for prompts too).
 */
import type { ChalkInstance } from 'chalk';

/** The prompt library's theme parts our prompts use: its '?' and '✔' in our colours. */
export function promptTheme(color: ChalkInstance) {
  return { prefix: { idle: color.blue('?'), done: color.green('✔') } };
}

/** What Enter does on an empty line: takes the default, or skips an optional question. */
export function enterHint(defaultText: string | undefined, optional: boolean): string | undefined {
  if (defaultText !== undefined && defaultText !== '') return `(Enter for ${defaultText})`;
  return optional ? '(Enter to skip)' : undefined;
}

/**
 * A line that changes while a prompt waits (the countdown of a hold): the prompt shows
 * `current()` under the question and draws itself again whenever a listener is called.
 */
export interface LiveNotice {
  current(): string | undefined;
  /** Calls `listener` when the line changes; returns how to stop. */
  subscribe(listener: () => void): () => void;
}
