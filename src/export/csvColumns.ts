import type { CallRecord, FollowUp } from '../domain/callRecord.js';
import { neutralizeFormula } from './neutralizeFormula.js';

/**
 * The CSV columns of `csr-call export`, declared once as data: the header row, the values
 * and the README's column table all come from here. The set is stable: scripts read these
 * names, so columns are only ever added at the end, never renamed or reordered.
 *
 * Cell conventions:
 * - `time` cells are ISO 8601 in UTC to the second (`2026-11-23T14:05:09Z`), whatever
 *   offset the call file stored; empty when unknown.
 * - `number` cells are plain decimals (`-12.5`, `372`) and are never formula-neutralised.
 * - `text` cells are exactly what was stored, except that a cell a spreadsheet would run
 *   as a formula gets a leading `'` (see `neutralizeFormula.ts`).
 * - Lists inside one cell are joined with ` | `.
 */
export type CsvCell = string | number | null;
export type ColumnKind = 'text' | 'number' | 'time';

export interface CsvColumn<T> {
  name: string;
  kind: ColumnKind;
  /** One line for the README's column table. */
  description: string;
  get: (item: T) => string | number | undefined;
}

/** One `--followups` row: the follow-up and the call it belongs to. */
export interface FollowupItem {
  call: CallRecord;
  followup: FollowUp;
}

/** `2026-11-23T15:05:09.123+01:00` → `2026-11-23T14:05:09Z`. */
export function isoUtc(instant: string | undefined): string | undefined {
  if (!instant) return undefined;
  // Fast path for what csr-call itself writes (toISOString): no Date needed.
  if (instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(19) === 46 /* . */) {
    return `${instant.slice(0, 19)}Z`;
  }
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant; // never happens for validated records; keep the text
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `toISOString()`'s form, `2026-11-23T14:05:09.123Z`, which is what csr-call writes. */
const isCanonicalIso = (s: string) => s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(19) === 46 /* . */ && s.charCodeAt(10) === 84; /* T */
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
/** Milliseconds since midnight UTC of a canonical ISO instant. */
const msOfDay = (s: string) =>
  ((digit(s, 11) * 10 + digit(s, 12)) * 3600 + (digit(s, 14) * 10 + digit(s, 15)) * 60 + digit(s, 17) * 10 + digit(s, 18)) * 1000 +
  digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);

function durationSeconds(call: CallRecord): number | undefined {
  const { startedAt, endedAt } = call;
  if (!endedAt) return undefined;
  // Fast path (one of the costlier cells of a big export): both written by csr-call on the same UTC day.
  if (isCanonicalIso(startedAt) && isCanonicalIso(endedAt) && startedAt.startsWith(endedAt.slice(0, 10))) {
    return Math.round((msOfDay(endedAt) - msOfDay(startedAt)) / 1000);
  }
  const seconds = Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000);
  return Number.isFinite(seconds) ? seconds : undefined;
}

const LIST_SEPARATOR = ' | ';

function openFollowupCount(call: CallRecord): number {
  let count = 0;
  for (const f of call.followups) if (f.status === 'open') count++;
  return count;
}

function nextOpenDue(call: CallRecord): string | undefined {
  let best: number | undefined;
  let bestText: string | undefined;
  for (const f of call.followups) {
    if (f.status !== 'open') continue;
    const ms = Date.parse(f.due);
    if (best === undefined || ms < best) {
      best = ms;
      bestText = f.due;
    }
  }
  return isoUtc(bestText);
}

/** One row per call (the default). */
export const CALL_COLUMNS: readonly CsvColumn<CallRecord>[] = [
  { name: 'id', kind: 'text', description: 'call id', get: (c) => c.id },
  { name: 'started', kind: 'time', description: 'when the call started (UTC)', get: (c) => isoUtc(c.startedAt) },
  { name: 'ended', kind: 'time', description: 'when the call ended (UTC); empty while in progress', get: (c) => isoUtc(c.endedAt) },
  { name: 'duration_seconds', kind: 'number', description: 'ended − started, whole seconds', get: durationSeconds },
  { name: 'status', kind: 'text', description: 'completed or in-progress', get: (c) => c.status },
  { name: 'agent', kind: 'text', description: 'who took the call', get: (c) => c.agent },
  { name: 'customer_name', kind: 'text', description: "customer's name", get: (c) => c.customer.name },
  { name: 'phone', kind: 'text', description: "customer's phone as typed", get: (c) => c.customer.phone },
  { name: 'account', kind: 'text', description: "customer's account", get: (c) => c.customer.account },
  { name: 'playbook', kind: 'text', description: 'playbook id', get: (c) => c.playbook.id },
  { name: 'category', kind: 'text', description: 'problem category', get: (c) => c.problem.category },
  { name: 'problem', kind: 'text', description: 'the problem as paraphrased back to the customer', get: (c) => c.problem.paraphrase },
  { name: 'outcome', kind: 'text', description: 'disposition code (resolved, escalated, transferred, callback, not-resolved, info)', get: (c) => c.outcome },
  { name: 'escalated_to', kind: 'text', description: 'team or person the call was handed to', get: (c) => c.escalation?.to },
  {
    name: 'promises',
    kind: 'text',
    description: 'promises made, each "text (due <UTC time>)", joined with " | "',
    get: (c) => (c.promises.length === 0 ? undefined : c.promises.map((p) => (p.due ? `${p.text} (due ${isoUtc(p.due)})` : p.text)).join(LIST_SEPARATOR)),
  },
  { name: 'open_followups', kind: 'number', description: 'follow-ups still open', get: openFollowupCount },
  { name: 'next_followup_due', kind: 'time', description: 'earliest due time of the open follow-ups (UTC)', get: nextOpenDue },
  { name: 'mood_start', kind: 'text', description: "customer's mood at the start", get: (c) => c.mood.start },
  { name: 'mood_end', kind: 'text', description: "customer's mood at the end", get: (c) => c.mood.end },
  {
    name: 'notes',
    kind: 'text',
    description: 'notes added after the call, each "<UTC time> <by>: <text>", joined with " | "',
    get: (c) => (c.notes.length === 0 ? undefined : c.notes.map((n) => `${isoUtc(n.at)} ${n.by}: ${n.text}`).join(LIST_SEPARATOR)),
  },
  // The story of the call, in its order (issue 15): added after the first set of columns.
  { name: 'listening_notes', kind: 'text', description: 'notes taken while the customer told their story, as typed (line breaks kept)', get: (c) => c.problem.story },
  { name: 'facts', kind: 'text', description: 'what fact-finding turned up', get: (c) => c.facts },
  {
    name: 'options_offered',
    kind: 'text',
    description: 'options offered to the customer, joined with " | "',
    get: (c) => (c.options?.length ? c.options.join(LIST_SEPARATOR) : undefined),
  },
  { name: 'handoff_note', kind: 'text', description: 'the note for whoever the call was escalated or handed to', get: (c) => c.escalation?.handoffNote },
];

/** `--followups`: one row per follow-up, whatever its status. */
export const FOLLOWUP_COLUMNS: readonly CsvColumn<FollowupItem>[] = [
  { name: 'followup_id', kind: 'text', description: 'follow-up id (<call id>.f<n>)', get: (r) => r.followup.id },
  { name: 'call_id', kind: 'text', description: 'the call it was promised on', get: (r) => r.call.id },
  { name: 'agent', kind: 'text', description: 'who took that call', get: (r) => r.call.agent },
  { name: 'customer_name', kind: 'text', description: "customer's name", get: (r) => r.call.customer.name },
  { name: 'phone', kind: 'text', description: "customer's phone as typed", get: (r) => r.call.customer.phone },
  { name: 'account', kind: 'text', description: "customer's account", get: (r) => r.call.customer.account },
  { name: 'text', kind: 'text', description: 'what is to be done', get: (r) => r.followup.text },
  { name: 'due', kind: 'time', description: 'current due time (UTC), after any snooze', get: (r) => isoUtc(r.followup.due) },
  { name: 'time_zone', kind: 'text', description: "customer's time zone when the time was given in it", get: (r) => r.followup.timeZone },
  { name: 'status', kind: 'text', description: 'open, done or cancelled', get: (r) => r.followup.status },
  { name: 'owner', kind: 'text', description: 'who is to do it', get: (r) => r.followup.owner },
  { name: 'created_at', kind: 'time', description: 'when it was created (UTC)', get: (r) => isoUtc(r.followup.createdAt) },
  { name: 'done_at', kind: 'time', description: 'when it was done (UTC)', get: (r) => isoUtc(r.followup.doneAt) },
  { name: 'repeat_every_days', kind: 'number', description: 'progress reports: repeats this many days after each completion', get: (r) => r.followup.repeatEveryDays },
  {
    name: 'promise_due',
    kind: 'time',
    description: 'due time of the promise to the customer this follow-up keeps (UTC)',
    get: (r) => {
      const id = r.followup.promiseId;
      return id === undefined ? undefined : isoUtc(r.call.promises.find((p) => p.id === id)?.due);
    },
  },
  { name: 'history_count', kind: 'number', description: 'entries in its history (created, snoozed, done...)', get: (r) => r.followup.history.length },
];

export function headerOf<T>(columns: readonly CsvColumn<T>[]): string[] {
  return columns.map((c) => c.name);
}

/** The cells of one row, text cells formula-neutralised; missing values are empty cells. */
export function rowOf<T>(columns: readonly CsvColumn<T>[], item: T): CsvCell[] {
  const row: CsvCell[] = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = column.get(item);
    row[i] = value === undefined ? null : column.kind === 'text' ? neutralizeFormula(value) : value;
  }
  return row;
}
