/**
 * A customer's promise record in one line: 'Promises to this customer: 3 kept, 1 late,
 * 1 broken (the refund, promised Wed 2 Dec)'. Shown when a repeat caller is recognised and
 * by `list --phone/--customer`.
 */
import type { CallSummary } from '../domain/callSummary.js';
import { promiseRecordOf, type PromiseRecord } from '../domain/promiseKeeping.js';
import { formatDay } from '../dates/formatDue.js';
import { oneLine } from './terminalText.js';

/** What became of the dated promises made on these calls, at `now`. */
export function promiseRecordOfCalls(calls: readonly Pick<CallSummary, 'promises'>[], now: Date): PromiseRecord {
  return promiseRecordOf(calls.flatMap((call) => call.promises ?? []), now);
}

/** The record in one line; undefined when no dated promise was made to them. */
export function describePromiseRecord(record: PromiseRecord, timeZone: string, now: Date): { line: string; broken: boolean } | undefined {
  // Only what happened: "2 kept, 1 broken", not "2 kept, 0 late, 1 broken".
  const counts = ([['kept', record.kept], ['late', record.late], ['broken', record.broken], ['not due yet', record.pending]] as const).flatMap(([word, n]) => (n ? [`${n} ${word}`] : []));
  if (counts.length === 0) return undefined;
  const [latest, ...others] = record.brokenPromises;
  const which = latest ? ` (${oneLine(latest.text, 50)}, promised ${formatDay(new Date(latest.madeAt), timeZone, now)}${others.length ? `, and ${others.length} more` : ''})` : '';
  return { line: `Promises to this customer: ${counts.join(', ')}${which}`, broken: record.broken > 0 };
}
