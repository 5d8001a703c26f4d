import { UserError } from '../errors.js';

/** Opening hours on weekdays (Monday to Friday), as minutes after midnight: open ≤ t < close. */
export interface BusinessHours {
  open: number;
  close: number;
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { open: 9 * 60, close: 17 * 60 };

/**
 * The hours a customer may be called, their time: 08:00 to 21:00 (as US law has it for
 * telemarketing, and a fair rule for any callback). Business hours must lie within them.
 */
export const CALLING_HOURS: BusinessHours = { open: 8 * 60, close: 21 * 60 };

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** '08:00–21:00'. */
export function describeHours(hours: BusinessHours): string {
  return `${clock(hours.open)}–${clock(hours.close)}`;
}

/**
 * Business hours as typed ('09:00-17:00', '9:30-18:00'). Anything else is refused, and so
 * are hours reaching outside the calling hours: a progress call would be booked when the
 * customer may not be called. The message says what is accepted; the caller names where
 * the value came from.
 */
export function parseBusinessHours(value: string): BusinessHours {
  const text = value.trim();
  const match = /^(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})$/.exec(text);
  const minutes = (h: string, m: string) => (Number(h) <= 23 && Number(m) <= 59 ? Number(h) * 60 + Number(m) : NaN);
  const hours = match ? { open: minutes(match[1]!, match[2]!), close: minutes(match[3]!, match[4]!) } : undefined;
  if (!hours || !(hours.open < hours.close)) {
    throw new UserError(`must be opening and closing times like 09:00-17:00, not ${JSON.stringify(value)}`);
  }
  if (hours.open < CALLING_HOURS.open || hours.close > CALLING_HOURS.close) {
    throw new UserError(`must lie within the hours a customer may be called, ${describeHours(CALLING_HOURS)}; got ${describeHours(hours)}`);
  }
  return hours;
}
