/**
 * Time off the line: the agent puts the customer on hold, or says "I'll check and come
 * back", and tells them when they will be back. A hold ends when the agent writes what
 * they found or moves on from the stage they went off in; it ran over when that was after
 * the time they gave.
 */
import type { CallRecord, Hold } from './callRecord.js';

/** The hold still under way, if any. */
export function openHold(record: Pick<CallRecord, 'holds'>): Hold | undefined {
  const last = record.holds?.at(-1);
  return last && last.endedAt === undefined ? last : undefined;
}

/** Seconds past the time given, at `at` (negative: time left). */
export function secondsOver(hold: Pick<Hold, 'backBy'>, at: Date): number {
  return (at.getTime() - Date.parse(hold.backBy)) / 1000;
}

/** Whether a hold that has ended ran past the time the customer was given. */
export function ranOver(hold: Hold): boolean {
  return hold.endedAt !== undefined && Date.parse(hold.endedAt) > Date.parse(hold.backBy);
}

/** The holds of a call and how many ran over (those still under way are not judged yet). */
export function holdTally(record: Pick<CallRecord, 'holds'>): { holds: number; overruns: number } {
  const holds = record.holds ?? [];
  return { holds: holds.length, overruns: holds.filter(ranOver).length };
}
