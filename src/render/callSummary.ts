import type { ChalkInstance } from 'chalk';
import type { CallRecord } from '../domain/callRecord.js';
import { shortId } from '../domain/ids.js';
import { OUTCOMES } from '../playbook/types.js';
import { formatDateTime, formatDay } from '../dates/formatDue.js';
import { formatDuration } from '../dates/formatDuration.js';
import { isStartOfDayIn } from '../dates/zone.js';
import { sanitizeForTerminal, oneLine } from './terminalText.js';
import { plural } from '../text/plural.js';

export interface SummaryOptions {
  timeZone: string;
  now: Date;
  color: ChalkInstance;
}

/**
 * An absolute time for the ticket and `show`: relative words ("in 2 days") go stale once
 * pasted. Given in the customer's zone, it is shown in both.
 */
export function absoluteDue(at: Date, timeZone: string, allDay?: boolean, customerTimeZone?: string): string {
  const zone = customerTimeZone && customerTimeZone !== timeZone ? customerTimeZone : undefined;
  if (allDay) return `${formatDay(at, zone ?? timeZone)}${zone ? ` ${zone}` : ''}`;
  return `${formatDateTime(at, timeZone)}${zone ? ` (${formatDateTime(at, zone)} ${zone})` : ''}`;
}

/** Seconds between start and end (or now, for a call still in progress). */
export function callDurationSeconds(record: CallRecord, now: Date): number {
  const end = record.endedAt ? new Date(record.endedAt) : now;
  return Math.max(0, Math.round((end.getTime() - new Date(record.startedAt).getTime()) / 1000));
}

const indent = (text: string, by = '    ') =>
  sanitizeForTerminal(text)
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/**
 * The notes taken while listening, compact for a ticket: no empty lines, and without the
 * questions parked with "?" (the summary lists them under "Questions noted").
 */
export function listeningNotes(story: string | undefined): string | undefined {
  const kept = (story ?? '').split('\n').filter((line) => line.trim() !== '' && !/^\s*\?/.test(line));
  return kept.length ? kept.join('\n') : undefined;
}

/**
 * The end-of-call summary, laid out to paste into a ticket: plain lines, labels on the
 * left, nothing relative ("in 2 days") that goes stale once pasted.
 */
export function renderCallSummary(record: CallRecord, { timeZone, now, color }: SummaryOptions): string {
  const lines: string[] = [];
  const label = (name: string) => color.bold(`${name}:`.padEnd(15));
  const field = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') lines.push(`${label(name)}${oneLine(value)}`);
  };
  const block = (name: string, value: string | undefined) => {
    if (value === undefined || value.trim() === '') return;
    if (!value.includes('\n') && value.length <= 100) lines.push(`${label(name)}${sanitizeForTerminal(value)}`);
    else lines.push(color.bold(`${name}:`), indent(value));
  };

  const { name, phone, account, zone } = record.customer;
  const customer = [name, phone, account && `account ${account}`, zone && `time zone ${zone}`]
    .filter(Boolean)
    .join(' · ');
  lines.push(color.bold(`Call ${record.id}`) + (record.status === 'in-progress' ? color.yellow('  (in progress)') : ''));
  field('Customer', customer || '(not given)');
  field('Ticket', record.ticket);
  const started = formatDateTime(new Date(record.startedAt), timeZone);
  const ended = record.endedAt ? `–${formatDateTime(new Date(record.endedAt), timeZone).slice(-5)}` : '';
  const duration = formatDuration(callDurationSeconds(record, now));
  field('When', `${started}${ended} (${duration}) · agent ${record.agent} · playbook ${record.playbook.id} v${record.playbook.version}`);
  const story = listeningNotes(record.problem.story);
  // The headline first (what a ticket is about), then the story in the order of the call.
  block('Problem', record.problem.paraphrase ?? story);
  field('Category', record.problem.category);
  if (record.problem.paraphrase) block('They said', story);
  field('Wants', record.problem.wants);
  // A question parked twice (in the notes, then again in the list) is one question.
  const queries: string[] = [];
  for (const query of record.queries.map((text) => oneLine(text))) if (!queries.some((seen) => seen.toLowerCase() === query.toLowerCase())) queries.push(query);
  if (queries.length) {
    lines.push(color.bold('Questions noted:'));
    for (const query of queries) lines.push(`  - ${query}`);
  }
  block('Found', record.facts);
  if (record.escalation) {
    field('Escalated to', record.escalation.to);
    block('Handoff note', record.escalation.handoffNote);
  }
  if (record.options?.length) field('Offered', record.options.join('; '));
  field('They chose', record.chosenOption);
  block('Done', record.resolution);
  const outcomeLabel = OUTCOMES.find((o) => o.value === record.outcome)?.label;
  field('Outcome', record.outcome ? `${record.outcome}${outcomeLabel ? ` (${outcomeLabel})` : ''}` : record.status === 'in-progress' ? '(call not finished)' : '(none)');
  if (record.promises.length) {
    lines.push(color.bold('Promises:'));
    for (const promise of record.promises) {
      // A promise for a day ("by Friday") is stored as that day's midnight: shown as the day.
      const at = promise.due ? new Date(promise.due) : undefined;
      const due = at ? ` — by ${absoluteDue(at, timeZone, isStartOfDayIn(at, promise.timeZone ?? timeZone), promise.timeZone)}` : '';
      lines.push(`  - ${oneLine(promise.text)}${due}`);
    }
  }
  const followups = record.followups;
  if (followups.length) {
    lines.push(color.bold('Follow-ups:'));
    for (const f of followups) {
      const due = absoluteDue(new Date(f.due), timeZone, f.allDay, f.timeZone);
      const repeat = f.repeatEveryDays ? `, then every ${plural(f.repeatEveryDays, 'day')} until closed` : '';
      const status = f.status === 'open' ? '' : ` [${f.status}]`;
      lines.push(`  - ${shortId(record.id)}.${f.id.split('.').at(-1)}  ${oneLine(f.text)} — due ${due}${repeat}${status}`);
    }
  }
  // Notes added to the call (a supervisor's during it, anyone's after it) belong in the ticket too.
  if (record.notes.length) {
    lines.push(color.bold('Notes:'));
    for (const note of record.notes) lines.push(`  - ${formatDateTime(new Date(note.at), timeZone)} ${oneLine(note.by, 40)}: ${oneLine(note.text)}`);
  }
  // A playbook may ask the mood once: said as what it is, not with a '?' for the other end.
  const { start, end } = record.mood;
  if (start && end) field('Mood', `${start} → ${end}`);
  else if (start) field('Mood', `${start} at the start`);
  else if (end) field('Mood', `${end} at the end`);
  field('Root cause', record.problem.rootCause);
  const left = (record.checklist ?? []).filter((entry) => entry.result === 'left');
  if (left.length) {
    lines.push(color.bold('Left at the check before the summary:'));
    for (const entry of left) lines.push(`  - ${oneLine(entry.text)} — ${oneLine(entry.reason ?? '(no reason)')}`);
  }
  return lines.join('\n');
}

/**
 * The summary for a ticket system that reads Markdown (`show --summary --format md`): the
 * same lines, the labels bold, the lists as lists, the notes as a quote.
 */
export function summaryAsMarkdown(plainSummary: string): string {
  const escape = (text: string) => text.replace(/([\\`*_[\]<>|])/g, '\\$1');
  return plainSummary
    .split('\n')
    .map((line, i) => {
      if (i === 0) return `### ${escape(line)}`;
      const field = /^([A-Z][\w -]*):( +)(.*)$/.exec(line);
      if (field) return `**${field[1]}:** ${escape(field[3]!)}  `;
      const heading = /^([A-Z][\w -]*):$/.exec(line);
      if (heading) return `**${heading[1]}:**\n`;
      const item = /^ {2}- (.*)$/.exec(line);
      if (item) return `- ${escape(item[1]!)}`;
      const block = /^ {4}(.*)$/.exec(line);
      if (block) return `> ${escapeLineStart(escape(block[1]!))}  `;
      return escape(line);
    })
    // A list or a quote runs on into the next line unless a blank line ends it (CommonMark):
    // the next label would read as part of the last item.
    .map((line, i, all) => (i > 0 && blockKind(all[i - 1]!) !== undefined && blockKind(line) !== blockKind(all[i - 1]!) && line !== '' ? `\n${line}` : line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * What would start a block of its own at the head of a quoted line (a list item "- " or
 * "1. ", a heading "#", a rule "---", a quote ">") is escaped: the notes are the agent's
 * words, shown as they were typed.
 */
function escapeLineStart(text: string): string {
  return text.replace(/^(\s*)(\d+)([.)])(?=\s)/, '$1$2\\$3').replace(/^(\s*)([-+#>=])/, '$1\\$2');
}

/** The Markdown block a line of the summary continues: a list, a quote, or none. */
function blockKind(line: string): 'list' | 'quote' | undefined {
  return line.startsWith('- ') ? 'list' : line.startsWith('> ') ? 'quote' : undefined;
}
