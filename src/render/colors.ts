import { Chalk, type ChalkInstance } from 'chalk';

/**
 * One colour decision for the whole program: colour only on a terminal, never with
 * NO_COLOR or `--no-color`, so piped output and files stay plain text.
 */
export function colorsFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): ChalkInstance {
  const off = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '';
  return new Chalk({ level: off ? 0 : forced || stream.isTTY ? 1 : 0 });
}
