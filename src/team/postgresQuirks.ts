/**
 * Postgres.js 3.4 can throw from a `setImmediate` after the server closed the connection:
 * `socket.write` on a socket it has just set to null (`nextWrite` in its connection.js;
 * porsager/postgres#1154, fix proposed in #1168, not released). The query that write
 * belonged to has already been rejected as CONNECTION_CLOSED, which the team code turns
 * into "the team database is not reachable", so the throw carries nothing to act on. Left
 * alone it ends the command with a stack trace, after its work was saved: main.ts lets it
 * pass and reports any other uncaught error as an internal error. The library's frames are
 * in its own folder when run from source, in the team client's script when built.
 */
export function isClosedSocketWrite(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const stack = error.stack ?? '';
  return /reading 'write'|evaluating 'socket\.write'/.test(error.message) && /\bnextWrite\b/.test(stack) && /[\\/]postgres[\\/]|[\\/]teamClient\.cjs:/.test(stack);
}
