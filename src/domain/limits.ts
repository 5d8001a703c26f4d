/**
 * How much one call may hold. A call file is read whole by every command that shows it,
 * and every answer is indexed for search: a pasted document or a runaway script must not
 * grow it without bound. Generous for people, each limit a clear refusal.
 */

/** Characters in a one-line answer (a name, a phone, a sentence read back). */
export const MAX_LINE_ANSWER_CHARS = 2_000;

/** Characters in a notes or list answer, all lines together. */
export const MAX_LONG_ANSWER_CHARS = 20_000;

/** Characters in one note added after the call (`csr-call note`, `followups done|snooze --note`). */
export const MAX_NOTE_CHARS = 10_000;

/** Why a note is refused for its length ('the note is 10,001 characters long: a note holds 10,000 at most'); undefined when it fits. */
export function noteTooLong(text: string): string | undefined {
  const length = text.trim().length;
  return length > MAX_NOTE_CHARS ? `the note is ${length.toLocaleString('en-US')} characters long: a note holds ${MAX_NOTE_CHARS.toLocaleString('en-US')} at most` : undefined;
}

/** Bytes of one call file: about fifty full notes answers. */
export const MAX_CALL_FILE_BYTES = 1_000_000;
