import type { CallRecord } from './callRecord.js';
import type { CallSummary } from './callSummaries.js';

/** Phone numbers match on their digits: "+1 (555) 010-0100" and "15550100100" are one caller. */
export function phoneDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

export function samePhone(a: string | undefined, b: string | undefined): boolean {
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (x.length < 4 || y.length < 4) return false;
  if (x === y) return true;
  // A leading country code or trunk 0 typed one time and not the other.
  const shorter = x.length < y.length ? x : y;
  const longer = x.length < y.length ? y : x;
  return shorter.length >= 7 && longer.endsWith(shorter);
}

export function sameAccount(a: string | undefined, b: string | undefined): boolean {
  return Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
}

export function isSameCustomer(a: CallRecord['customer'], b: CallRecord['customer']): boolean {
  return samePhone(a.phone, b.phone) || sameAccount(a.account, b.account);
}

/** Earlier calls of this customer, newest first, excluding the call itself. */
export function earlierCallsOf(customer: CallRecord['customer'], summaries: CallSummary[], excludeId?: string): CallSummary[] {
  if (!customer.phone && !customer.account) return [];
  return summaries
    .filter((s) => s.id !== excludeId && isSameCustomer(customer, s.customer))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}
