/**
 * Which number comes first in a slash date: '12/07' is 7 December in the United States
 * (month/day) and 12 July nearly everywhere else (day/month). The default follows the
 * agent's time zone; CSR_CALL_DATE_ORDER (or the config) overrides it.
 */
import { UserError } from '../errors.js';

export type DateOrder = 'mdy' | 'dmy';

/**
 * The zones of the United States in the tz database (with their old aliases US/* and
 * America/Indianapolis, America/Louisville), where dates are written month/day. Kept to
 * the US on purpose: Canada and others are mixed, and set the order explicitly.
 */
const US_ZONE =
  /^(?:America\/(?:New_York|Chicago|Denver|Phoenix|Los_Angeles|Anchorage|Juneau|Sitka|Yakutat|Nome|Metlakatla|Adak|Boise|Detroit|Menominee|Indianapolis|Louisville|Indiana\/[A-Za-z_]+|Kentucky\/[A-Za-z_]+|North_Dakota\/[A-Za-z_]+)|Pacific\/Honolulu|US\/[A-Za-z_-]+)$/;

/** Month/day for an agent in a US zone, day/month otherwise. */
export function defaultDateOrder(timeZone: string): DateOrder {
  return US_ZONE.test(timeZone) ? 'mdy' : 'dmy';
}

/**
 * The order set in CSR_CALL_DATE_ORDER (`mdy` or `dmy`, any case), or undefined when it
 * is not set. Any other value is refused: a wrong guess would misfile every slash date.
 */
export function dateOrderFromEnv(value: string | undefined): DateOrder | undefined {
  const text = value?.trim().toLowerCase();
  if (!text) return undefined;
  if (text === 'mdy' || text === 'dmy') return text;
  throw new UserError(
    `CSR_CALL_DATE_ORDER must be mdy (month/day: 12/07 is 7 December) or dmy (day/month: 12/07 is 12 July), not ${JSON.stringify(value)}`,
  );
}
