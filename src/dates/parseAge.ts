import { UserError } from '../errors.js';

export interface Age {
  years?: number;
  months?: number;
  days?: number;
}

export const ACCEPTED_AGE_FORMS = '2y, 18m, 6w, 90d, 1y6m, 2 years';

const UNITS: Record<string, 'years' | 'months' | 'weeks' | 'days'> = {
  y: 'years', yr: 'years', yrs: 'years', year: 'years', years: 'years',
  m: 'months', mo: 'months', mos: 'months', month: 'months', months: 'months',
  w: 'weeks', wk: 'weeks', wks: 'weeks', week: 'weeks', weeks: 'weeks',
  d: 'days', day: 'days', days: 'days',
};

/**
 * A retention age: '2y', '18m' (months: an age is never minutes), '6w' (= 42 days), '90d',
 * or several parts ('1y 6m'). Zero is refused: an age of nothing would mean everything.
 */
export function parseAge(input: string): Age {
  const text = input.trim().toLowerCase();
  const fail = () => new UserError(`${JSON.stringify(input.trim())} is not an age I understand; use ${ACCEPTED_AGE_FORMS}`);
  if (text === '' || !/^(\s*\d+\s*[a-z]+)+\s*$/.test(text)) throw fail();
  const totals: Record<'years' | 'months' | 'weeks' | 'days', number | undefined> = {
    years: undefined, months: undefined, weeks: undefined, days: undefined,
  };
  for (const [, amount, unitWord] of text.matchAll(/(\d+)\s*([a-z]+)/g)) {
    const unit = UNITS[unitWord!];
    if (!unit || totals[unit] !== undefined) throw fail();
    totals[unit] = Number(amount);
  }
  const age: Age = {};
  if (totals.years) age.years = totals.years;
  if (totals.months) age.months = totals.months;
  const days = (totals.weeks ?? 0) * 7 + (totals.days ?? 0);
  if (days) age.days = days;
  if (!age.years && !age.months && !age.days) throw fail();
  // A century covers any retention rule; more is a slip of the keyboard (99999y).
  if ((age.years ?? 0) * 366 + (age.months ?? 0) * 31 + (age.days ?? 0) > 100 * 366) {
    throw new UserError(`${JSON.stringify(input.trim())} is more than 100 years; use ${ACCEPTED_AGE_FORMS}`);
  }
  return age;
}
