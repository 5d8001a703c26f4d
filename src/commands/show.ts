import { Chalk, type ChalkInstance } from 'chalk';
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import type { OptionsOf } from '../commandSpec.js';
import type { showOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { colorsFor } from '../render/colors.js';
import { absoluteDue, renderCallSummary, summaryAsMarkdown } from '../render/callSummary.js';
import { oneLine, sanitizeForTerminal } from '../render/terminalText.js';
import type { Answer, CallRecord, HistoryEntry, Hold } from '../domain/callRecord.js';
import { secondsOver } from '../domain/holds.js';
import { formatDuration } from '../dates/formatDuration.js';
import { CallFileError, readCall, resolveCallId } from '../store/callStore.js';
import { parseCallIdArg } from '../domain/ids.js';
import { formatDateTime, formatDue } from '../dates/formatDue.js';
import { shortFollowUpId } from '../domain/ids.js';
import { isStartOfDayIn, wallTimeToInstant } from '../dates/zone.js';

/**
 * `csr-call show ID`: the whole call as an agent reads it — the end-of-call summary, then
 * every answer with its time, the notes added since, and each follow-up's history.
 */
export type ShowOptions = OptionsOf<typeof showOptions>;

export async function showCommand(id: string, opts: ShowOptions, ctx: Context): Promise<void> {
  if (opts.format !== undefined && !opts.summary && !opts.copy) throw new UserError('--format is for the summary: csr-call show ID --summary --format md');
  const callId = await resolveCallId(ctx.dataDir, parseCallIdArg(id));
  const record = await readCallExplained(ctx.dataDir, callId);
  if (opts.summary || opts.copy) {
    const summary = ticketSummary(record, opts.format ?? 'text', ctx);
    if (opts.json) writeJson(ctx, { callId: record.id, format: opts.format ?? 'text', summary });
    else ctx.stdout.write(`${summary}\n`);
    if (opts.copy) await copySummary(summary, ctx);
    return;
  }
  if (opts.json) {
    writeJson(ctx, { call: record });
    return;
  }
  ctx.stdout.write(`${renderShow(record, { timeZone: ctx.timeZone, now: ctx.now(), color: colorsFor(ctx.stdout, ctx.env) })}\n`);
}

/** The end-of-call summary as it goes into a ticket: plain text (no colour), or Markdown. */
export function ticketSummary(record: CallRecord, format: 'text' | 'md', ctx: Pick<Context, 'timeZone' | 'now'>): string {
  const plain = renderCallSummary(record, { timeZone: ctx.timeZone, now: ctx.now(), color: new Chalk({ level: 0 }) });
  return format === 'md' ? summaryAsMarkdown(plain) : plain;
}

/** `--copy`: the clipboard code is loaded only now; one line on stderr says it was copied. */
export async function copySummary(summary: string, ctx: Context): Promise<void> {
  const { copyText } = await import('../render/clipboard.js');
  const how = await copyText(summary, ctx);
  ctx.stderr.write(`Summary copied ${how}: paste it into the ticket.\n`);
}

/** Reads a call; a damaged file is explained (which file, what is wrong) as a failed operation. */
export async function readCallExplained(dataDir: string, callId: string): Promise<CallRecord> {
  try {
    return await readCall(dataDir, callId);
  } catch (error) {
    if (error instanceof CallFileError) {
      throw new OperationError(
        `call ${callId} cannot be read: ${error.path} is damaged (${error.problem}); csr-call doctor checks the whole store`,
      );
    }
    throw error;
  }
}

interface RenderOptions {
  timeZone: string;
  now: Date;
  color: ChalkInstance;
}

export function formatAnswerValue(value: Answer['value']): string {
  if (value === null) return '(skipped)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join('; ') : '(none)';
  return String(value);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An answer as the agent reads it. Dates are stored as UTC instants (or a bare day):
 * shown in the agent's zone, and the customer's when given in it, as everywhere else.
 */
export function shownAnswer(answer: Answer, record: CallRecord, timeZone: string): string {
  const { value } = answer;
  if ((answer.type === 'date' || answer.type === 'datetime') && typeof value === 'string') {
    const zone = answer.timeZone ?? timeZone;
    const day = DAY.exec(value);
    const at = day ? wallTimeToInstant({ year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) }, { hour: 0, minute: 0 }, zone) : new Date(value);
    if (Number.isNaN(at.getTime())) return value;
    // A day given as a date-time ("by friday") is that day's midnight: shown as the day.
    return absoluteDue(at, timeZone, day !== null || isStartOfDayIn(at, zone), answer.timeZone);
  }
  // Left empty, a list of questions for later may still hold those parked in the notes ("? which card").
  const empty = value === null || (Array.isArray(value) && value.length === 0);
  if (answer.meaning === 'queries' && empty && record.queries.length > 0) return `${record.queries.join('; ')} (parked in the notes)`;
  return formatAnswerValue(value);
}

/** Indents every line after the first so multi-line text stays under its heading. */
function hanging(text: string, indent: string): string {
  return sanitizeForTerminal(text).replace(/\r?\n/g, `\n${indent}`);
}

export function renderShow(record: CallRecord, options: RenderOptions): string {
  const { color, timeZone, now } = options;
  const lines: string[] = [renderCallSummary(record, options)];
  const when = (iso: string) => formatDateTime(new Date(iso), timeZone);

  lines.push('', color.bold(`Answers (${record.answers.length}):`));
  if (record.answers.length === 0) lines.push('  (none yet)');
  for (const answer of record.answers) {
    const stamp = when(answer.answeredAt);
    lines.push(`  ${color.dim(stamp)}  ${oneLine(answer.question, 100)}`);
    const shown = shownAnswer(answer, record, timeZone);
    const typed = answer.raw !== undefined && answer.raw !== shown ? color.dim(` (typed: ${oneLine(answer.raw, 60)})`) : '';
    lines.push(`      ${hanging(shown, '      ')}${typed}`);
  }

  const coaching = record.coaching ?? [];
  if (coaching.length) {
    lines.push('', color.bold(`Coaching on your words (${coaching.length}):`));
    for (const note of coaching) {
      const question = record.answers.find((a) => a.stepId === note.step)?.question ?? note.step;
      lines.push(`  ${color.dim(`${when(note.at)} · ${note.rule} · ${oneLine(question, 60)}`)}`);
      lines.push(`      ${hanging(note.text, '      ')}`);
    }
  }

  const holds = record.holds ?? [];
  if (holds.length) {
    lines.push('', color.bold(`Time off the line (${holds.length}):`));
    for (const hold of holds) lines.push(`  ${describeHold(hold, timeZone)}`);
  }

  const checked = record.checklist ?? [];
  if (checked.length) {
    lines.push('', color.bold('Check before the summary:'));
    for (const entry of checked) {
      const what = entry.result === 'fixed' ? color.green('fixed') : color.yellow('left');
      lines.push(`  ${color.dim(when(entry.at))}  ${what}  ${oneLine(entry.text, 100)}${entry.reason ? ` — ${oneLine(entry.reason, 100)}` : ''}`);
    }
  }

  if (record.notes.length) {
    lines.push('', color.bold(`Notes added after the call (${record.notes.length}):`));
    for (const note of record.notes) {
      lines.push(`  ${color.dim(`${when(note.at)} · ${oneLine(note.by, 40)}`)}`);
      lines.push(`      ${hanging(note.text, '      ')}`);
    }
  }

  if (record.followups.length) {
    lines.push('', color.bold('Follow-up history:'));
    for (const f of record.followups) {
      const theirZone = f.timeZone && f.timeZone !== timeZone ? f.timeZone : undefined;
      // How soon or how late only while it is open: a follow-up done is not "in 5 days".
      const due =
        f.status === 'open'
          ? formatDue(new Date(f.due), { now, timeZone, ...(f.allDay ? { allDay: true } : {}), ...(theirZone ? { customerTimeZone: theirZone } : {}) })
          : absoluteDue(new Date(f.due), timeZone, f.allDay, theirZone);
      lines.push(`  ${color.bold(shortFollowUpId(f.id))}  [${f.status}]  ${oneLine(f.text, 100)} — owner ${oneLine(f.owner, 40)}, due ${due}`);
      for (const entry of f.history) lines.push(`      ${renderHistoryEntry(entry, options)}`);
    }
  }
  return lines.join('\n');
}

/** 'on hold 14:02–14:06, said back by 14:05: 1 min 10 s over'. */
export function describeHold(hold: Hold, timeZone: string): string {
  const clock = (iso: string) => formatDateTime(new Date(iso), timeZone).slice(-5);
  const kind = hold.kind === 'hold' ? 'on hold' : 'checked and came back';
  const span = `${formatDateTime(new Date(hold.startedAt), timeZone)}–${hold.endedAt ? clock(hold.endedAt) : '…'}`;
  const over = hold.endedAt ? secondsOver(hold, new Date(hold.endedAt)) : undefined;
  const verdict = over === undefined ? 'not back yet' : over > 0 ? `${formatDuration(Math.ceil(over))} over` : 'in time';
  return `${kind} ${span}, said back by ${clock(hold.backBy)}: ${verdict}`;
}

function renderHistoryEntry(entry: HistoryEntry, { timeZone }: RenderOptions): string {
  const due = (iso: string) => formatDateTime(new Date(iso), timeZone);
  const parts = [`${formatDateTime(new Date(entry.at), timeZone)}  ${entry.action} by ${oneLine(entry.by, 40)}`];
  if (entry.previousDue && entry.due) parts.push(`from ${due(entry.previousDue)} to ${due(entry.due)}`);
  else if (entry.due && entry.action !== 'done') parts.push(`due ${due(entry.due)}`);
  let line = parts.join(', ');
  if (entry.note) line += `: ${oneLine(entry.note, 200)}`;
  return line;
}
