/**
 * How much one call may hold. A call file is read whole by every command that shows it,
 * and every answer is indexed for search: a pasted document or a runaway script must not
 * grow it without bound. Generous for people, each limit a clear refusal.
 */

/** Characters in a one-line answer (a name, a phone, a sentence read back). */
export const MAX_LINE_ANSWER_CHARS = 2_000;

/** Characters in a notes or list answer, all lines together. */
export const MAX_LONG_ANSWER_CHARS = 20_000;

/** Characters in one note added after the call (`csr-call note`). */
export const MAX_NOTE_CHARS = 10_000;

/** Bytes of one call file: about fifty full notes answers. */
export const MAX_CALL_FILE_BYTES = 1_000_000;
