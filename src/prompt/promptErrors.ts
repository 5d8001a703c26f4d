/**
 * How a prompt ends without an answer. The prompt library rejects with ExitPromptError
 * on Ctrl-C and AbortPromptError when our AbortSignal fires (SIGTERM, SIGHUP); the
 * callers save the call as in progress and exit 130 (or the signal's code).
 */

/**
 * The input ended: Ctrl-D, or the terminal's input closed. It carries the name of the
 * prompt library's Ctrl-C error because it means the same to a call (stop, keep what is
 * saved, say how to resume); `instanceof EndOfInputError` tells it apart where that matters.
 */
export class EndOfInputError extends Error {
  override name = 'ExitPromptError';
  constructor() {
    super('The input ended (Ctrl-D, or the terminal was closed)');
  }
}

/** Ctrl-C, Ctrl-D, a closed input, or the abort signal: the agent's prompt was interrupted. */
export function isPromptInterruption(error: unknown): boolean {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** The same error names as the prompt library's, for prompts read without it (notes and lists). */
export function promptError(name: 'ExitPromptError' | 'AbortPromptError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
