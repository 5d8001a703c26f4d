import type { Writable, Readable } from 'node:stream';
import type { DateOrder } from './dates/dateOrder.js';
import type { Settings } from './settings/settings.js';

/** Every confirmation a command asks goes through here: tests answer it in-process. */
export interface Prompts {
  /**
   * A yes/no question on the terminal; throws when the agent presses Ctrl-C or Ctrl-D, or
   * when `signal` is aborted (a live call's signals: the question must not outlast them).
   */
  confirm(message: string, options?: { default?: boolean; signal?: AbortSignal }): Promise<boolean>;
}

/**
 * What every command gets instead of reaching for globals: the data directory, the
 * agent, a clock, the streams, the settings and the prompts. Tests pass their own; only
 * `main.ts` builds the real one.
 */
export interface Context {
  dataDir: string;
  agent: string;
  /** The current time; tests fix it. */
  now: () => Date;
  /** The agent's time zone (IANA), from TZ or the system. */
  timeZone: string;
  /** How slash dates (12/07) are read; undefined: by the agent's zone (month/day in the US). */
  dateOrder?: DateOrder;
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Warnings go to stderr as one line each. */
  warn: (message: string) => void;
  /** Every setting in effect (flag > environment > config file > default): `settings.get('business-hours')`. */
  settings: Settings;
  prompts: Prompts;
}
