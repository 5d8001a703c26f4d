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
