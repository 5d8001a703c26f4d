import type { CallRecord } from './callRecord.js';

/**
 * How a customer is recognised across calls: the one home of these rules. The index keeps
 * the keys of every call, `forget` erases by them, and the lists match by them.
 */
export type Customer = CallRecord['customer'];

/** Phone numbers match on their digits: "+1 (555) 010-0100" and "15550100100" are one caller. */
export function phoneDigits(phone: string | undefined): string {
  return phone ? phone.replace(/\D/g, '') : '';
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

/** The fewest digits a number typed to look a customer up may have (a local number). */
export const PHONE_TAIL_DIGITS = 7;

/**
 * The last seven digits of a phone number: what a number typed to look a customer up
 * shares with the same number written with more of its prefix. Undefined under seven.
 */
export function phoneTail(phone: string | undefined): string | undefined {
  const digits = phoneDigits(phone);
  return digits.length < PHONE_TAIL_DIGITS ? undefined : digits.slice(-PHONE_TAIL_DIGITS);
}

/**
 * Whether a number typed to look a customer up (`list --phone`, the known caller of
 * `start`) is this stored one: the same key, or, without their international prefix (00)
 * and trunk 0, one ending the other, seven digits at least ("555 0100" and "+1 555 0100";
 * "06 12 34 56 78" and "+33 6 12 34 56 78"). A lookup may show a call of the same local
 * number elsewhere; erasing (`forget`) goes by the key alone (`samePhone`).
 */
export function phonesMatch(typed: string | undefined, stored: string | undefined): boolean {
  if (samePhone(typed, stored)) return true;
  // Each number as written and, when it starts with a trunk 0, without it.
  const forms = (phone: string | undefined) => {
    const digits = phoneDigits(phone).replace(/^00/, '');
    return (digits.startsWith('0') ? [digits, digits.slice(1)] : [digits]).filter((form) => form.length >= PHONE_TAIL_DIGITS);
  };
  const storedForms = forms(stored);
  return forms(typed).some((a) => storedForms.some((b) => (a.length <= b.length ? b.endsWith(a) : a.endsWith(b))));
}

/** Accounts match case-insensitively, surrounding spaces ignored. */
export function accountKey(account: string | undefined): string | undefined {
  const key = account?.trim().toLowerCase();
  return key ? key : undefined;
}

/**
 * Names compare case- and accent-insensitively with runs of spaces collapsed: "jose  GARCIA"
 * is "José García". Used to find a customer by name (forget, list --customer).
 */
export function nameKey(name: string | undefined): string | undefined {
  const key = name
    ?.normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
  return key ? key : undefined;
}

export function samePhone(a: string | undefined, b: string | undefined): boolean {
  const x = phoneKey(a);
  return x !== undefined && x === phoneKey(b);
}

export function sameAccount(a: string | undefined, b: string | undefined): boolean {
  const x = accountKey(a);
  return x !== undefined && x === accountKey(b);
}

/** Whether a stored call is of the customer being looked up: their phone as `phonesMatch` says, or their account. */
export function looksLikeCustomer(lookedUp: Customer, stored: Customer): boolean {
  return phonesMatch(lookedUp.phone, stored.phone) || sameAccount(lookedUp.account, stored.account);
}

/**
 * The keys a customer's calls are linked by, as stored in the index: `p:<phone key>` and
 * `a:<account key>`. Two calls sharing a key are the same customer's.
 */
export function customerKeys(customer: Customer): string[] {
  const keys: string[] = [];
  const phone = phoneKey(customer.phone);
  if (phone) keys.push(`p:${phone}`);
  const account = accountKey(customer.account);
  if (account) keys.push(`a:${account}`);
  return keys;
}
