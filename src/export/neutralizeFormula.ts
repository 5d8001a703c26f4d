/**
 * CSV injection: a spreadsheet opening the export runs any cell that starts like a formula
 * (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`). Text typed by agents or customers must
 * stay text, so such a cell gets a single quote `'` in front — shown as a visible `'` by
 * most spreadsheets, never run.
 *
 * Triggers (first character only): `=` `+` `-` `@`, tab, CR, LF, NUL, and the full-width
 * `＝` `＋` `－` `＠` that some spreadsheets fold into their ASCII forms. csv-stringify's
 * own `escape_formulas` is not used: it misses LF and NUL.
 *
 * Numbers are left alone: a value that *is* a number (a numeric column such as
 * `duration_seconds`, or -12.5 stored as a number) cannot carry a formula, and quoting it
 * would turn an amount into text. A number typed as text in a text column (`"-12.5"`) is
 * still neutralised: from a string alone we can't tell an amount from `-1+cmd|...`.
 */
export function neutralizeFormula<T extends string | number | null | undefined>(value: T): T {
  if (typeof value !== 'string' || value === '') return value;
  return (startsLikeFormula(value.charCodeAt(0)) ? `'${value}` : value) as T;
}

/** By character code: this runs on every text cell of an export (millions at 100k calls). */
function startsLikeFormula(code: number): boolean {
  switch (code) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
    case 0x0a: // LF
    case 0x00: // NUL
    case 0xff1d: // ＝
    case 0xff0b: // ＋
    case 0xff0d: // －
    case 0xff20: // ＠
      return true;
    default:
      return false;
  }
}
