import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { noteTooLong } from '../domain/limits.js';
import { oneLine } from '../render/terminalText.js';
import { writeJson } from '../render/jsonOutput.js';
import type { CallRecord, Note } from '../domain/callRecord.js';
import { resolveCallId, updateCall } from '../store/callStore.js';
import { parseCallIdArg, shortId } from '../domain/ids.js';
import type { OptionsOf } from '../commandSpec.js';
import type { noteOptions } from '../cli.js';
import { readCallExplained } from './show.js';
import { STDIN, readStandardInput } from '../prompt/textSources.js';

/** The longest note accepted: a note is a few lines, not a pasted document. */

export type NoteOptions = OptionsOf<typeof noteOptions>;

/** Adds a note to a record: the call's own answers and everything else stay as they were. */
export function addNote(record: CallRecord, note: Note): CallRecord {
  return { ...record, notes: [...record.notes, note] };
}

/**
 * `csr-call note ID TEXT`: a timestamped note on an earlier call (the customer rang
 * back, the refund arrived), added under the call's lock without rewriting the call.
 * No text: the agent's editor opens; `-`: the text is read from standard input.
 */
export async function noteCommand(id: string, words: string[] | undefined, opts: NoteOptions, ctx: Context): Promise<void> {
  const idArg = parseCallIdArg(id);
  const given = words ?? [];
  const callId = await resolveCallId(ctx.dataDir, idArg);
  await readCallExplained(ctx.dataDir, callId); // a damaged file is explained before anything is typed or locked

  let text: string;
  let edited: import('../prompt/editor.js').EditedText | undefined;
  if (given.length === 1 && given[0] === STDIN) text = await readStandardInput(ctx, 'note');
  else if (given.length > 0) text = given.join(' ');
  else {
    edited = await (await import('../prompt/editor.js')).editText(ctx, { name: `note-${shortId(callId)}.txt` });
    text = edited.text;
  }
  const trimmed = text.trim();
  if (trimmed === '') {
    edited?.discard();
    if (edited) {
      ctx.stdout.write('The note was empty: nothing saved.\n');
      return;
    }
    throw new UserError('the note is empty: write what happened, like csr-call note k3v9q2 "refund arrived"');
  }
  const tooLong = noteTooLong(trimmed);
  if (tooLong) throw new UserError(`${tooLong}${edited ? `; what you wrote is kept in ${edited.path}` : ''}`);
  const note: Note = { at: ctx.now().toISOString(), by: ctx.agent, text: trimmed };
  let customer = '';
  try {
    await updateCall(ctx.dataDir, callId, (record) => {
      customer = record.customer.name ?? record.customer.phone ?? '';
      return addNote(record, note);
    });
  } catch (error) {
    // What was written in the editor is not lost: its file stays, and says where.
    if (edited) ctx.warn(`the note was not saved; what you wrote is kept in ${edited.path}`);
    throw error;
  }
  edited?.discard();
  if (opts.json) writeJson(ctx, { callId, note });
  else ctx.stdout.write(`Note added to call ${shortId(callId)}${customer ? ` (${oneLine(customer, 40)})` : ''}.\n`);
}
