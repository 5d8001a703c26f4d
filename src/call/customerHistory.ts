/**
 * The repeat-caller panel of a live call: once the phone or account is known, the
 * customer's earlier calls are looked up in the index and shown, once (an account typed
 * after the phone shows only the calls it adds), and their time zone is taken from their
 * latest earlier call that had one.
 */
import type { Context } from '../context.js';
import type { CallRecord } from '../domain/callRecord.js';
import { earlierCallsOf, type CallSummary } from '../domain/callSummary.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { customerCalls } from '../store/index/indexQueries.js';
import { formatDateTime } from '../dates/formatDue.js';
import { oneLine } from '../render/terminalText.js';
import { printCustomerHistory, printPromiseRecord, screenWriter, type Colors } from './callScreens.js';

export interface CustomerHistory {
  /** Shows what is new about this customer; returns the record with their earlier calls (and zone) when it changed. */
  show(record: CallRecord): Promise<CallRecord | void>;
  /** The customer's earlier calls as last looked up. */
  earlier(): CallSummary[];
}

export function customerHistory(ctx: Context, color: Colors): CustomerHistory {
  const write = screenWriter(ctx);
  let shownFor: string | undefined;
  let summaries: CallSummary[] = [];
  const shownEarlier = new Set<string>();
  return {
    earlier: () => summaries,
    show: async (record) => {
      const key = `${record.customer.phone ?? ''}|${record.customer.account ?? ''}`;
      if (key === '|' || key === shownFor) return;
      shownFor = key;
      const earlier = earlierCallsOf(record.customer, await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => customerCalls(index, record.customer)), record.id);
      const added = earlier.filter((call) => !shownEarlier.has(call.id));
      // Their zone, from their latest call that had one: dates about them are read in it.
      const knownZone = record.customer.zone ? undefined : earlier.find((call) => call.customer.zone)?.customer.zone;
      if (!added.length && !knownZone) return;
      if (added.length) {
        printCustomerHistory(ctx, added, { more: shownEarlier.size > 0 });
        printPromiseRecord(ctx, earlier);
        for (const call of added) shownEarlier.add(call.id);
        summaries = earlier;
      }
      if (!knownZone) return { ...record, earlierCalls: earlier.map((s) => s.id) };
      write(`  Their time zone (from an earlier call): ${color.bold(oneLine(knownZone))}, where it is ${formatDateTime(ctx.now(), knownZone)} now`);
      return { ...record, earlierCalls: earlier.map((s) => s.id), customer: { ...record.customer, zone: knownZone } };
    },
  };
}
