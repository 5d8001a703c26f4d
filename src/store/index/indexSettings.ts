/**
 * What the program's entry tells the index before any command runs (how to report a
 * rebuild): apart from the index itself, so that setting it loads no SQLite.
 */
export type RebuildEvent =
  | { kind: 'start'; reason: string; total: number; fresh: boolean }
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'end'; done: number }
  | { kind: 'waiting'; holder: string };

export interface IndexSettings {
  /** Says a rebuild is under way (a notice and a progress bar on a terminal). */
  onRebuild?: (event: RebuildEvent) => void;
  /** One line for the agent on stderr. */
  warn?: (message: string) => void;
}

let settings: IndexSettings = {};

export function configureIndex(next: IndexSettings): void {
  settings = next;
}

export function indexSettings(): IndexSettings {
  return settings;
}
