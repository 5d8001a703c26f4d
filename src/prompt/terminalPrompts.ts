import type { Readable, Writable } from 'node:stream';
import type { Prompts } from '../context.js';

/**
 * The real confirmations: @inquirer/confirm on the terminal, loaded only when a question is
 * asked. Questions are written to `output` (stderr for a command whose stdout is data).
 */
export function terminalPrompts(input: Readable, output: Writable): Prompts {
  return {
    async confirm(message, { default: byDefault = false } = {}) {
      const { default: confirm } = await import('@inquirer/confirm');
      return confirm({ message, default: byDefault }, { input, output });
    },
  };
}
