/**
 * The morning list as text: headings with counts, four lines per follow-up, overdue in
 * red. Loaded by `csr-call followups` only when there is something to show, with chalk
 * and the date formatting (an empty list needs neither).
 */
import type { ChalkInstance } from 'chalk';
import { formatDateTime, formatDay, formatDue } from '../dates/formatDue.js';
import { oneLine } from '../render/terminalText.js';
import type { BoardItem, FollowUpBoard } from './followupBoard.js';
import { MAX_DAYS, nothingDueText, windowText } from './boardWords.js';
import { shortFollowUpId } from '../domain/ids.js';
import { plural } from '../text/plural.js';

export interface BoardTextOptions {
  /** The agent's zone, looked up when first needed. */
  timeZone: () => string;
  days: number;
  owner: string | undefined;
  onOtherDay: boolean;
  /** Where the text goes, and the environment: they decide on colour. */
  stream: { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

interface RenderOptions {
  timeZone: string;
  days: number;
  owner: string | undefined;
  onOtherDay: boolean;
  color: ChalkInstance;
}

const boardSize = (board: FollowUpBoard) => board.overdue.length + board.today.length + board.upcoming.length;

/**
 * The list as text. Nothing due: one line (the zone is asked for only when it shows a
 * day); else chalk is loaded and the groups are drawn.
 */
export async function renderBoard(board: FollowUpBoard, options: BoardTextOptions): Promise<string> {
  const { days, owner } = options;
  if (boardSize(board) === 0) {
    const when = options.onOtherDay ? ` on ${formatDay(board.asOf, options.timeZone())}` : '';
    const later = board.later > 0 ? ` (${board.later} due later: try --days ${suggestDays(board)})` : '';
    return nothingDueText({ owner, days, when, later });
  }
  const { colorsFor } = await import('../render/colors.js');
  return renderGroups(board, { timeZone: options.timeZone(), days, owner, onOtherDay: options.onOtherDay, color: colorsFor(options.stream, options.env) });
}

function renderGroups(board: FollowUpBoard, options: RenderOptions): string {
  const { color, timeZone, days, owner } = options;
  const whose = owner === undefined ? 'everyone' : oneLine(owner, 40);
  const window = windowText(days);

  const lines: string[] = [];
  const asOfText = options.onOtherDay ? `as the list will stand on ${formatDay(board.asOf, timeZone)}` : `as of ${formatDateTime(board.asOf, timeZone)}`;
  lines.push(`Follow-ups for ${whose}, ${asOfText}`);
  const group = (title: string, items: BoardItem[], style: (s: string) => string, urgent: boolean) => {
    lines.push('');
    if (items.length === 0) {
      lines.push(`${style(title)}: none`);
      return;
    }
    lines.push(style(`${title} (${items.length})`));
    for (const item of items) lines.push(...renderItem(item, board, options, urgent));
  };
  group('OVERDUE', board.overdue, (s) => color.red.bold(s), true);
  group('TODAY', board.today, (s) => color.bold(s), false);
  group(`UPCOMING, ${window}`, board.upcoming, (s) => color.bold(s), false);
  if (board.later > 0) lines.push('', color.dim(`${board.later} more due later (--days ${suggestDays(board)} to see them)`));
  return `${lines.join('\n')}\n`;
}

function suggestDays(board: FollowUpBoard): number {
  const shown = Math.round((board.upcomingEnd.getTime() - board.tomorrowStart.getTime()) / 86_400_000);
  return Math.min(MAX_DAYS, Math.max(shown * 2, 30));
}

function renderItem(item: BoardItem, board: FollowUpBoard, options: RenderOptions, overdue: boolean): string[] {
  const { followup: f, call } = item;
  const { color, timeZone } = options;
  const due = new Date(item.dueMs);
  const allDay = f.allDay === true;
  const dueText = formatDue(due, {
    now: board.asOf,
    timeZone,
    ...(allDay ? { allDay } : {}),
    ...(f.timeZone && f.timeZone !== timeZone ? { customerTimeZone: f.timeZone } : {}),
  });
  // formatDue ends with how late or how soon in words ('2 days overdue'): overdue in red.
  const late = item.dueMs < board.asOf.getTime() && !allDay;
  const when = overdue ? color.red.bold(dueText) : late ? color.yellow(dueText) : dueText;

  const who = [call.customer.name ? oneLine(call.customer.name, 40) : '(no name)', call.customer.phone ? oneLine(call.customer.phone, 24) : '(no phone)'];
  if (call.customer.account) who.push(`account ${oneLine(call.customer.account, 24)}`);
  const repeat = item.repeatCaller ? color.magenta(' · repeat caller') : '';
  const ownerText = options.owner === undefined ? color.dim(` · ${oneLine(f.owner, 30)}`) : '';

  const id = shortFollowUpId(f.id);
  const pad = ' '.repeat(id.length + 4);
  const every = f.repeatEveryDays ? color.dim(` (every ${plural(f.repeatEveryDays, 'day')} until closed)`) : '';
  const from = `from call ${call.id.slice(-6)} of ${formatDateTime(new Date(call.startedAt), timeZone)}${call.category ? `, ${oneLine(call.category, 30)}` : ''}`;
  return [
    `  ${color.bold(id)}  ${when}`,
    `${pad}${who.join(' · ')}${repeat}${ownerText}`,
    `${pad}${oneLine(f.text, 200)}${every}`,
    `${pad}${color.dim(from)}`,
  ];
}

