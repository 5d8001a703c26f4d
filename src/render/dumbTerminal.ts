/**
 * Whether a terminal shows escape sequences as text, apart from the colours themselves
 * (colors.ts): the program's start asks it, and loading chalk (with node:tty) there cost
 * every command ~3 ms, colours or not.
 */
type Env = Readonly<Record<string, string | undefined>>;

/** A terminal that shows escape sequences as text (TERM=dumb: Emacs' shell, some CI logs): no colour. */
export function noColorTerminal(env: Env): boolean {
  return env.TERM === 'dumb';
}
