import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
import type { CallRecord, Note } from '../domain/callRecord.js';
import { resolveCallId, updateCall } from '../store/callStore.js';
import { parseCallIdArg, shortId } from '../domain/ids.js';
import { readCallExplained } from './show.js';

/** The longest note accepted: a note is a few lines, not a pasted document. */
export const MAX_NOTE_LENGTH = 10_000;

/** Adds a note to a record: the call's own answers and everything else stay as they were. */
export function addNote(record: CallRecord, note: Note): CallRecord {
  return { ...record, notes: [...record.notes, note] };
}

/**
 * `csr-call note ID TEXT`: a timestamped note on an earlier call (the customer rang
 * back, the refund arrived), added under the call's lock without rewriting the call.
 */
export async function noteCommand(id: string, text: string, _opts: Record<string, unknown>, ctx: Context): Promise<void> {
  const idArg = parseCallIdArg(id);
  const trimmed = text.trim();
  if (trimmed === '') throw new UserError('the note is empty: write what happened, like csr-call note k3v9q2 "refund arrived"');
  if (trimmed.length > MAX_NOTE_LENGTH) {
    throw new UserError(`the note is ${trimmed.length} characters long: keep it under ${MAX_NOTE_LENGTH}`);
  }
  const callId = await resolveCallId(ctx.dataDir, idArg);
  await readCallExplained(ctx.dataDir, callId); // a damaged file is explained before anything is locked
  const note: Note = { at: ctx.now().toISOString(), by: ctx.agent, text: trimmed };
  let customer = '';
  await updateCall(ctx.dataDir, callId, (record) => {
    customer = record.customer.name ?? record.customer.phone ?? '';
    return addNote(record, note);
  });
  ctx.stdout.write(`Note added to call ${shortId(callId)}${customer ? ` (${oneLine(customer, 40)})` : ''}.\n`);
}
