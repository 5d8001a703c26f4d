export { parseWhen, parseDay, describeCorrections, correctionsIn, ACCEPTED_DATE_FORMS, ACCEPTED_DAY_FORMS, ACCEPTED_RANGE_FORMS } from './parseWhen.js';
export type { ParsedWhen, DateOptions, DayOptions, Correction } from './parseWhen.js';
export { defaultDateOrder, dateOrderFromEnv } from './dateOrder.js';
export type { DateOrder } from './dateOrder.js';
export { parseAge, ACCEPTED_AGE_FORMS } from './parseAge.js';
export type { Age } from './parseAge.js';
export { formatDue, describeLateness, formatDateTime, formatDay } from './formatDue.js';
export type { FormatDueOptions } from './formatDue.js';
export { formatDuration, formatAgo } from './formatDuration.js';
export {
  startOfDayIn,
  endOfDayIn,
  shiftInZone,
  canonicalTimeZone,
  parseTimeZone,
  US_ZONE_ABBREVIATIONS,
  calendarDayIn,
  wallTimeToInstant,
} from './zone.js';
export type { CalendarDay, WallClock, Shift } from './zone.js';
