/**
 * What a live call prints around the questions: the agent's unfinished calls, the recap of
 * a resumed call, the customer's earlier calls, the end summary, and the warnings about
 * calling hours. Printing only: what to print is decided by the caller.
 */
import type { Context } from '../context.js';
import type { Answer, CallRecord } from '../domain/callRecord.js';
import { shortFollowUpId, shortId } from '../domain/ids.js';
import { CALLING_HOURS, describeHours, followUpsOutsideCallingHours } from '../domain/followUpRules.js';
import type { CallSummary } from '../domain/callSummary.js';
import { callPath } from '../store/callFiles.js';
import type { Playbook } from '../playbook/types.js';
import { allSteps, instantOf, type Coerced } from '../engine/callEngine.js';
import { colorsFor } from '../render/colors.js';
import { renderCallSummary } from '../render/callSummary.js';
import { formatDateTime, formatDay, formatDue, describeLateness } from '../dates/formatDue.js';
import { describePromiseRecord, promiseRecordOfCalls } from '../render/promiseRecord.js';
import { oneLine, sanitizeForTerminal, wrapScreenLine } from '../render/terminalText.js';
import { formatAgo } from '../dates/formatDuration.js';
import { isStartOfDayIn } from '../dates/zone.js';
import { noun, plural } from '../text/plural.js';

export type Colors = ReturnType<typeof colorsFor>;

/** Writes a line of a call's screens, word-wrapped to the terminal (never a summary: that is pasted as it is). */
export const screenWriter = (ctx: Pick<Context, 'stdout'>) => (line = '') =>
  ctx.stdout.write(`${line.split('\n').map((part) => wrapScreenLine(part, (ctx.stdout.columns ?? 0) - 1)).join('\n')}\n`);
const writer = screenWriter;

/** The agent's other unfinished calls, newest first, each with its age and how to go on with it or throw it away. */
export function printUnfinished(ctx: Context, unfinished: readonly CallSummary[], color: Colors): void {
  const write = writer(ctx);
  const shown = unfinished.slice(0, 5);
  write(color.dim(`You have ${plural(unfinished.length, 'unfinished call')}:`));
  for (const call of shown) {
    const who = oneLine(call.customer.name ?? call.customer.phone ?? 'no customer details', 30);
    const id = shortId(call.id);
    write(color.dim(`  ${id}  started ${formatAgo(new Date(call.startedAt), ctx.now())}, ${who}  → csr-call resume ${id} · csr-call discard ${id}`));
  }
  if (unfinished.length > shown.length) write(color.dim(`  … and ${unfinished.length - shown.length} more (csr-call list --status in-progress)`));
}

/**
 * A short recap so the agent picks up the thread without scrolling back. The count says
 * what the recap shows: given answers (skipped steps counted apart), the last eight.
 */
export function printResumeRecap(ctx: Context, record: CallRecord, color: Colors): void {
  const write = writer(ctx);
  const given = record.answers.filter((a) => a.value !== null);
  const recap = given.slice(-8);
  const counts = `${answerCount(record.answers)} so far${recap.length < given.length ? `, the last ${recap.length}` : ''}`;
  write(color.bold(`Resuming call ${shortId(record.id)}`) + color.dim(` — ${counts}${recap.length ? ':' : ''}`));
  for (const answer of recap) write(color.dim(`  ${oneLine(answer.question, 40)}: `) + oneLine(answerShown(ctx, answer), 60));
}

/** An answer as the agent gave it: lists joined, yes or no, a date with the date it was read as. */
function answerShown(ctx: Context, answer: Answer): string {
  const value = Array.isArray(answer.value) ? answer.value.join('; ') : typeof answer.value === 'boolean' ? (answer.value ? 'yes' : 'no') : String(answer.value);
  const date = dateOfAnswer(ctx, answer);
  // A date typed relative to when it was typed ('+1d', 'fri') is shown with the date it was read as.
  return date === undefined ? (answer.raw ?? value) : answer.raw !== undefined && answer.raw !== date ? `${answer.raw} → ${date}` : date;
}

/**
 * Every answer of a call in full, and the lines of an answer being typed: printed when the
 * disk refused the call, so that nothing typed is lost (the summary leaves out what it does
 * not sum up: an empathy line, a hold, the questions ticked, a playbook's own steps).
 */
function everyAnswer(ctx: Context, record: CallRecord, playbook?: Playbook): string {
  const indent = (text: string) => sanitizeForTerminal(text).replace(/\n/g, '\n    ');
  const lines = ['Every answer, as typed:'];
  for (const answer of record.answers) if (answer.value !== null) lines.push(`  ${oneLine(answer.question)}: ${indent(answerShown(ctx, answer))}`);
  if (record.draft?.lines.length) {
    const question = playbook && allSteps(playbook).find((ref) => ref.fullId === record.draft!.stepId)?.step.question;
    lines.push(`  ${oneLine(question ?? record.draft.stepId)} (being typed):`, ...record.draft.lines.map((line) => `    ${indent(line)}`));
  }
  return lines.join('\n');
}

/** A date answer as a date to read ('Mon 7 Dec 2026', 'Mon 7 Dec 2026 10:00' in the zone it was given in); undefined for other answers. */
function dateOfAnswer(ctx: Context, answer: Answer): string | undefined {
  if ((answer.type !== 'date' && answer.type !== 'datetime') || typeof answer.value !== 'string') return undefined;
  const zone = answer.timeZone ?? ctx.timeZone;
  let at: Date;
  try {
    at = instantOf(answer.value, zone, ctx.now());
  } catch {
    return undefined; // not a date after all (a file written by hand): shown as it is
  }
  if (Number.isNaN(at.getTime())) return undefined;
  const allDay = /^\d{4}-\d{2}-\d{2}$/.test(answer.value) || isStartOfDayIn(at, zone);
  const text = allDay ? formatDay(at, zone) : formatDateTime(at, zone);
  return answer.timeZone && answer.timeZone !== ctx.timeZone && !allDay ? `${text} ${answer.timeZone}` : text;
}

/** How a date answer was read, shown under it: in the agent's zone, and the customer's when given in it. */
export function describeDateAnswer(ctx: Context, ok: Extract<Coerced, { ok: true }>, { due }: { due: boolean }): string {
  const value = String(ok.value);
  const at = instantOf(value, ok.timeZone ?? ctx.timeZone, ctx.now());
  // A day with no time ("by friday") is that day's midnight: shown as the day, not 00:00.
  const allDay = /^\d{4}-\d{2}-\d{2}$/.test(value) || isStartOfDayIn(at, ok.timeZone ?? ctx.timeZone);
  return formatDue(at, { now: ctx.now(), timeZone: ctx.timeZone, ...(allDay ? { allDay } : {}), ...(ok.timeZone ? { customerTimeZone: ok.timeZone } : {}), ...(due ? {} : { notDue: true }) });
}

/** The earlier calls of this customer; `more`: others were shown already, and these are the ones just found. */
export function printCustomerHistory(ctx: Context, earlier: CallSummary[], { more }: { more: boolean }): void {
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = writer(ctx);
  const now = ctx.now();
  const count = `${earlier.length}${more ? ' more' : ''} earlier ${noun(earlier.length, 'call')}`;
  write('');
  write(color.bold.magenta(more ? `Also this customer's: ${count}` : `Known caller: ${count}`));
  for (const call of earlier.slice(0, 5)) {
    const parts = [
      formatDateTime(new Date(call.startedAt), ctx.timeZone),
      call.category,
      call.paraphrase && `"${oneLine(call.paraphrase, 60)}"`,
      `→ ${call.outcome ?? call.status}`,
    ].filter(Boolean);
    write(`  ${parts.join('  ')}`);
    for (const f of call.openFollowups) {
      const due = new Date(f.due);
      const theirs = f.timeZone && f.timeZone !== ctx.timeZone ? { customerTimeZone: f.timeZone } : {};
      const late = due < now
        ? color.red(describeLateness(due, now, { timeZone: ctx.timeZone, ...(f.allDay ? { allDay: true } : {}) }))
        : formatDue(due, { now, timeZone: ctx.timeZone, ...(f.allDay ? { allDay: true } : {}), ...theirs });
      write(`    open follow-up ${shortId(call.id)}.${f.id.split('.').at(-1)}: ${oneLine(f.text, 60)} — ${late}`);
    }
  }
  if (earlier.length > 5) write(color.dim(`  … and ${earlier.length - 5} more (csr-call list --phone …)`));
  const unresolved = earlier.some((c) => c.outcome !== 'resolved' && c.outcome !== 'info') || earlier.some((c) => c.openFollowups.length > 0);
  if (unresolved) write(color.yellow('  An earlier problem is still open: acknowledge it first, so they need not tell the story again.'));
}

/**
 * What became of the promises made to this customer on their earlier calls (all of them,
 * not only those shown): 'Promises to this customer: 3 kept, 1 late, 1 broken (the refund
 * promised 2 Dec)', and when one was broken, to own that first.
 */
export function printPromiseRecord(ctx: Context, earlier: readonly CallSummary[]): void {
  const text = describePromiseRecord(promiseRecordOfCalls(earlier, ctx.now()), ctx.timeZone, ctx.now());
  if (!text) return;
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = writer(ctx);
  write(`  ${text.line}`);
  if (text.broken) write(color.yellow('  A promise to them was broken: say so and own it first, before they have to bring it up.'));
}

/**
 * A call with a customer who was waiting on an earlier follow-up often settles it: say
 * which are still open and how to close them, so follow-through is not left to memory.
 */
export function printEarlierOpenFollowUps(ctx: Context, record: CallRecord, summaries: CallSummary[]): void {
  const earlier = new Set(record.earlierCalls ?? []);
  const open = summaries.filter((s) => earlier.has(s.id)).flatMap((s) => s.openFollowups.map((f) => ({ call: s, f })));
  if (!open.length) return;
  const color = colorsFor(ctx.stdout, ctx.env);
  ctx.stdout.write(`${color.bold('Earlier follow-ups still open for this customer')} (close what this call settled):\n`);
  for (const { call, f } of open) {
    const id = `${shortId(call.id)}.${f.id.split('.').at(-1)}`;
    ctx.stdout.write(`  csr-call followups done ${id}   ${color.dim(oneLine(f.text, 60))}\n`);
  }
}

/** The summary to paste into the ticket, and where the call is saved (or why it is not: `unsaved`). */
export function printEnd(ctx: Context, record: CallRecord, unsaved?: string): void {
  const color = colorsFor(ctx.stdout, ctx.env);
  // As it is: the summary is pasted into the ticket, and a line break added here would go with it.
  const write = (line = '') => ctx.stdout.write(`${line}\n`);
  write('');
  write(color.bold.green('── Call summary (paste into the ticket) ──'));
  write(renderCallSummary(record, { timeZone: ctx.timeZone, now: ctx.now(), color }));
  write('');
  if (unsaved) {
    write(everyAnswer(ctx, record));
    write('');
    write(color.red(`NOT saved: ${unsaved}. This summary and the answers above hold the whole call; ${callPath(ctx.dataDir, record.id)} holds it as last saved`));
  }
  else write(color.dim(`Saved: ${callPath(ctx.dataDir, record.id)}`));
}

/**
 * Said on stderr when a live call stops before its end: what was kept and how to go on.
 * `unsaved`: why the disk refused the latest saves; what they held is shown, not lost.
 */
export function printInterrupted(ctx: Context, playbook: Playbook, record: CallRecord, color: Colors, unsaved?: string): void {
  try {
    if (unsaved) {
      ctx.stderr.write(
        `\n${color.red(`Call NOT saved: ${unsaved}`)}. The file holds it as last saved; what was typed, so that nothing is lost:\n` +
          `${renderCallSummary(record, { timeZone: ctx.timeZone, now: ctx.now(), color })}\n\n${everyAnswer(ctx, record, playbook)}\n\n` +
          `Once that is fixed, continue it from its last save with: csr-call resume ${shortId(record.id)}\n`,
      );
      return;
    }
    ctx.stderr.write(
      `\n${color.yellow('Call saved as in progress')} with ${answerCount(record.answers)}${draftCount(playbook, record)}: ${callPath(ctx.dataDir, record.id)}\n` +
        `Continue it with: csr-call resume ${shortId(record.id)}\n`,
    );
  } catch {
    // The terminal may be gone (SIGHUP): the call is saved all the same.
  }
}

/**
 * The call's follow-ups booked at a time the customer may not be called (their time, when
 * known), each with how to move it; those in `alreadySaid` (id and due) are not said again.
 */
export function callingHoursWarnings(ctx: Context, record: CallRecord, alreadySaid = new Set<string>()): Array<{ problem: string; fix: string }> {
  return followUpsOutsideCallingHours(record, ctx.timeZone).flatMap(({ followup, timeZone }) => {
    const key = `${followup.id} ${followup.due}`;
    if (alreadySaid.has(key)) return [];
    alreadySaid.add(key);
    const id = shortFollowUpId(followup.id);
    return [
      {
        problem: `${id}: ${formatDateTime(new Date(followup.due), timeZone)} ${timeZone} is outside calling hours (${describeHours(CALLING_HOURS)} their time)`,
        fix: `move it with: csr-call followups snooze ${id} --until "…"`,
      },
    ];
  });
}

/** ' and 2 lines of "Notes while they talk"': the lines of the answer being typed, saved as they came. */
function draftCount(playbook: Playbook, record: CallRecord): string {
  const lines = record.draft?.lines.length ?? 0;
  if (!lines) return '';
  const question = allSteps(playbook).find((ref) => ref.fullId === record.draft!.stepId)?.step.question;
  return ` and ${plural(lines, 'line')}${question ? ` of "${oneLine(question, 40)}"` : ' being typed'}`;
}

/** "3 answers (1 skipped)": the steps answered, and apart from them those skipped. */
function answerCount(answers: readonly Answer[]): string {
  const skipped = answers.filter((a) => a.value === null).length;
  const given = answers.length - skipped;
  return `${plural(given, 'answer')}${skipped ? ` (${skipped} skipped)` : ''}`;
}
