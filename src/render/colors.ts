import { Chalk, type ChalkInstance } from 'chalk';
import { noColorTerminal } from './dumbTerminal.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * One colour decision for the whole program: colour only on a terminal, never with
 * NO_COLOR, `--no-color` or TERM=dumb, so piped output and files stay plain text.
 */
export function colorsFor(stream: { isTTY?: boolean }, env: Env = process.env): ChalkInstance {
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || noColorTerminal(env);
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '';
  return new Chalk({ level: off ? 0 : forced || stream.isTTY ? 1 : 0 });
}
