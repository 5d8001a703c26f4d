import type { Readable, Writable } from 'node:stream';
import type { Prompts } from '../context.js';
import { InterruptedError } from '../errors.js';

/**
 * The real confirmations: the call's own yes/no question on the terminal (y/yes, n/no,
 * Enter for the default; a paste is typed text), loaded only when a question is asked.
 * Ctrl-C or Ctrl-D there stops the command as they stop a call (InterruptedError: exit
 * 130, nothing more done). Questions are written to `output` (stderr for a command whose
 * stdout is data).
 */
export function terminalPrompts(input: Readable, output: Writable & { isTTY?: boolean }): Prompts {
  return {
    async confirm(message, { default: byDefault = false, signal } = {}) {
      const [{ yesNoPrompt }, { promptOnTerminal }, { isPromptInterruption }, { colorsFor }] = await Promise.all([
        import('./yesNoPrompt.js'),
        import('./terminalInput.js'),
        import('./promptErrors.js'),
        import('../render/colors.js'),
      ]);
      try {
        return await promptOnTerminal(input, output, (context) => yesNoPrompt({ color: colorsFor(output), message, default: byDefault }, context), signal);
      } catch (error) {
        if (isPromptInterruption(error)) throw new InterruptedError('SIGINT');
        throw error;
      }
    },
  };
}
