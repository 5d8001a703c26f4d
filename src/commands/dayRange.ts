import type { Context } from '../context.js';
import { forOption, UserError } from '../errors.js';
import { oneLine } from '../render/terminalText.js';
// Not the dates index: importing it loads every date module (formatting, time zones...).
import { describeCorrections, parseDay, type Correction } from '../dates/parseWhen.js';

/**
 * `--from D --to D` of list, export, stats and search: calls started from the start of
 * `--from`'s day (inclusive) to the end of `--to`'s day (exclusive), both days in the
 * agent's time zone (`--from today --to today` is today's calls). Either side may be open.
 * A period is its first day for `--from` and its last for `--to` (`--from november --to
 * november` is November's calls).
 */
export interface DayRange {
  from?: Date;
  to?: Date;
}

export function parseDayRange(opts: { from?: string; to?: string }, ctx: Pick<Context, 'now' | 'timeZone' | 'dateOrder' | 'stderr'>): DayRange {
  const range: DayRange = {};
  const day = (flag: string, input: string) => {
    const parsed = forOption(flag, () => parseDay(input, { now: ctx.now(), timeZone: ctx.timeZone, periods: true, ...(ctx.dateOrder ? { dateOrder: ctx.dateOrder } : {}) }));
    sayCorrections(ctx, flag, parsed.corrections);
    return parsed;
  };
  if (opts.from !== undefined) range.from = day('--from', opts.from).start;
  // parseDay's end is the day's last millisecond; the range's end is exclusive.
  if (opts.to !== undefined) range.to = new Date(day('--to', opts.to).end.getTime() + 1);
  if (range.from && range.to && range.from >= range.to) {
    throw new UserError(`--from (${oneLine(opts.from!, 30)}) is after --to (${oneLine(opts.to!, 30)}): give the earlier day first`);
  }
  return range;
}

/**
 * A word of a date read as the closest one it resembles ("blursday" as thursday) is said
 * back, on stderr, so a typo never quietly changes what a command shows.
 */
export function sayCorrections(ctx: Pick<Context, 'stderr'>, flag: string, corrections: readonly Correction[]): void {
  const said = describeCorrections(corrections);
  if (said) ctx.stderr.write(`csr-call: ${flag}: ${said}\n`);
}

export function inDayRange(startedAt: string, range: DayRange): boolean {
  if (!range.from && !range.to) return true;
  const ms = Date.parse(startedAt);
  return (!range.from || ms >= range.from.getTime()) && (!range.to || ms < range.to.getTime());
}
