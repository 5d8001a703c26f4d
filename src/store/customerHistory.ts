import type { CallRecord } from './callRecord.js';
import type { CallSummary } from './callSummaries.js';

/** Phone numbers match on their digits: "+1 (555) 010-0100" and "15550100100" are one caller. */
export function phoneDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

/**
 * The one key a phone number is recognised by: its last ten digits, so a number typed
 * with or without its country code or trunk 0 ("+44 20 7946 0958", "020 7946 0958") is
 * the same caller. Fewer than four digits is no number at all.
 */
export function phoneKey(phone: string | undefined): string | undefined {
  const digits = phoneDigits(phone);
  if (digits.length < 4) return undefined;
  return digits.length > 10 ? digits.slice(-10) : digits;
}

export function samePhone(a: string | undefined, b: string | undefined): boolean {
  const x = phoneKey(a);
  return x !== undefined && x === phoneKey(b);
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
