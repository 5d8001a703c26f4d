/**
 * What the index keeps of one call record: pure, no SQL. The same rows could be kept by
 * another engine (the team database takes the record whole).
 */
import type { CallRecord, FollowUp } from '../../domain/callRecord.js';
import { callFacts, followUpDeadline, type CraftFacts } from '../../domain/callFacts.js';
import { nameKey } from '../../domain/customerKeys.js';
import { summarizeCallIn, type CallSummary } from '../../domain/callSummary.js';
import { promiseStandings } from '../../domain/promiseKeeping.js';
import { agentKey } from '../../domain/agents.js';
import { zoneOffsetsIn } from '../../dates/zone.js';

export interface CallRow {
  id: string;
  agent_key: string;
  started: number;
  day: number;
  completed: number;
  playbook: string;
  outcome: string | null;
  category_key: string | null;
  category: string | null;
  phone_key: string | null;
  account_key: string | null;
  name_key: string | null;
  duration: number | null;
  resolved: number;
  handed_off: number;
  upset: number;
  turned: number;
  fu_on_time: number;
  fu_late: number;
  fu_cancelled: number;
  fu_open: number;
  stages: string | null;
  /** The call's craft facts (coaching, holds, solutions, promises, empathy: `CraftFacts`) as JSON; null when there are none. */
  craft: string | null;
  cause_key: string | null;
  cause: string | null;
  /** Deadlines (ms) of the promises still open, as JSON: broken once passed. */
  open_promises: string | null;
  summary: string;
  crc: number;
  shown_crc: number;
}

export interface OpenFollowUpRow {
  id: string;
  owner_key: string;
  due: number;
  deadline: number;
}

/** The columns of the full-text table `call_text`, in order. */
export const TEXT_COLUMNS = ['problem', 'facts', 'options', 'resolution', 'handoff', 'queries', 'notes'] as const;

/** The searchable text of a call, by column of `call_text`. */
export interface CallText {
  problem: string;
  facts: string;
  options: string;
  resolution: string;
  handoff: string;
  queries: string;
  notes: string;
}

/** Promises still open (`promise_deadlines`): the solution chosen on their call ('' for none), their deadline (ms), how many. */
export interface OpenPromiseRow {
  solution: string;
  deadline: number;
  n: number;
}

export interface IndexedCall {
  row: CallRow;
  followups: OpenFollowUpRow[];
  promises: OpenPromiseRow[];
  text: CallText;
}

const MS_PER_DAY = 86_400_000;

/**
 * Day numbers (days since 1970-01-01) of calendar days in one zone: the rollups' key. Every
 * zone's offset is a multiple of 15 minutes, so one offset is worked out per quarter hour.
 */
export function dayNumbering(timeZone: string): (ms: number) => number {
  const offsetAt = zoneOffsetsIn(timeZone);
  const byQuarter = new Map<number, number>();
  return (ms) => {
    const quarter = Math.floor(ms / 900_000);
    let offset = byQuarter.get(quarter);
    if (offset === undefined) {
      offset = offsetAt(quarter * 900_000) * 60_000;
      byQuarter.set(quarter, offset);
    }
    return Math.floor((ms + offset) / MS_PER_DAY);
  };
}

/** `YYYY-MM-DD` of a day number. */
export function dayText(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The columns of a call row that come from its file, in a fixed order: what its checksum covers. */
export const ROW_COLUMNS = [
  'id', 'agent_key', 'started', 'day', 'completed', 'playbook', 'outcome', 'category_key', 'category', 'phone_key', 'account_key', 'name_key',
  'duration', 'resolved', 'handed_off', 'upset', 'turned', 'fu_on_time', 'fu_late', 'fu_cancelled', 'fu_open', 'stages', 'summary',
  'craft', 'cause_key', 'cause', 'open_promises',
] as const satisfies ReadonlyArray<keyof CallRow>;

/** `ROW_COLUMNS` for a SELECT, with the checksum (`doctor`'s check of every row). */
export const CHECKED_ROW = `${ROW_COLUMNS.join(', ')}, crc`;

/**
 * What a list shows of a row, with its own checksum: a list of thousands of calls reads
 * three columns rather than every one (better-sqlite3 makes an object per row). A flipped
 * bit elsewhere in the row (a filter's column) is `doctor`'s to find, with `crc`.
 */
export const SHOWN_ROW = 'id, summary, shown_crc';

/** The bytes a checksum is taken over, grown as needed: one buffer, not one per row, and its words. */
let scratch = Buffer.alloc(0);
let scratchWords = new Int32Array(0);

/**
 * A 32-bit checksum of values as stored, each followed by a NUL (null and undefined as
 * \u0001): their UTF-8 bytes (as SQLite keeps them) taken four at a time, each word mixed
 * in by steps that are one-to-one (xor, multiply by an odd number, xor-shift), so a change
 * within one word, any single flipped bit, always changes the sum. Words rather than
 * characters: a row is ~1,700 characters, hashed one at a time they cost more than
 * reading it.
 */
function checksum(values: readonly unknown[]): number {
  let text = '';
  for (const value of values) text += `${value === null || value === undefined ? '\u0001' : String(value)}\u0000`;
  // At most 3 bytes per UTF-16 code unit, and up to 3 of padding to a whole word.
  const room = text.length * 3 + 4;
  if (room > scratch.length) {
    // Whole words, from a word boundary: the view over it is made once per size, not per row.
    scratch = Buffer.alloc(Math.max(room, scratch.length * 2, 64 * 1024) & ~3);
    scratchWords = new Int32Array(scratch.buffer, scratch.byteOffset, scratch.length >> 2);
  }
  const length = scratch.write(text, 0, 'utf8');
  const end = (length + 3) & ~3;
  for (let at = length; at < end; at++) scratch[at] = 0;
  // The length goes in first: the zeros of the padding cannot pass for text.
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  for (let i = 0; i < end >> 2; i++) {
    hash = Math.imul(hash ^ scratchWords[i]!, 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}

/**
 * A call row's checksum: a row changed on disk behind SQLite's back (a flipped bit) no
 * longer matches, and is read again from its call file.
 */
export function rowChecksum(row: { readonly [K in (typeof ROW_COLUMNS)[number]]?: unknown }): number {
  return checksum(ROW_COLUMNS.map((column) => row[column]));
}

/** The checksum of what a list shows of a row (`SHOWN_ROW`). */
export function shownChecksum(row: { readonly id?: unknown; readonly summary?: unknown }): number {
  return checksum([row.id, row.summary]);
}

const joined = (...parts: Array<string | undefined>) => parts.filter((p) => p !== undefined && p !== '').join('\n');

export function callText(record: CallRecord): CallText {
  return {
    problem: joined(record.problem.story, record.problem.wants, record.problem.paraphrase, record.problem.rootCause),
    facts: record.facts ?? '',
    options: (record.options ?? []).join('\n'),
    resolution: record.resolution ?? '',
    handoff: joined(record.escalation?.to, record.escalation?.handoffNote),
    queries: record.queries.join('\n'),
    notes: record.notes.map((n) => n.text).join('\n'),
  };
}

function openFollowUpRow(followup: FollowUp, timeZone: string): OpenFollowUpRow {
  const due = Date.parse(followup.due);
  return { id: followup.id, owner_key: agentKey(followup.owner), due, deadline: followUpDeadline(followup, due, timeZone) };
}

/** What the rollups and craft queries read of a call's craft facts (`CraftColumn`), as JSON; null when there is nothing. */
function craftColumn(craft: CraftFacts): string | null {
  const column: CraftColumn = {};
  if (craft.coaching.length) column.coaching = craft.coaching;
  if (craft.holds) column.holds = craft.holds;
  if (craft.overruns) column.overruns = craft.overruns;
  if (craft.offered.length) column.offered = craft.offered;
  if (craft.chosen) column.chosen = craft.chosen;
  if (craft.promisesKept) column.kept = craft.promisesKept;
  if (craft.promisesLate) column.late = craft.promisesLate;
  if (craft.promisesCancelled) column.cancelled = craft.promisesCancelled;
  if (craft.empathy) column.empathy = craft.empathy;
  return Object.keys(column).length ? JSON.stringify(column) : null;
}

/** The `craft` column of a call row, parsed. */
export interface CraftColumn {
  coaching?: string[];
  holds?: number;
  overruns?: number;
  offered?: string[];
  chosen?: string;
  kept?: number;
  late?: number;
  cancelled?: number;
  empathy?: string;
}

/** The rows of `promise_deadlines` for a call row: its `open_promises`, with its `craft`'s solution chosen. */
export function openPromiseRows(row: Pick<CallRow, 'open_promises' | 'craft'>): OpenPromiseRow[] {
  if (row.open_promises === null) return [];
  const solution = row.craft === null ? '' : ((JSON.parse(row.craft) as CraftColumn).chosen ?? '');
  const perDeadline = new Map<number, number>();
  for (const deadline of JSON.parse(row.open_promises) as number[]) perDeadline.set(deadline, (perDeadline.get(deadline) ?? 0) + 1);
  return [...perDeadline].map(([deadline, n]) => ({ solution, deadline, n }));
}

/**
 * Everything the index keeps of `record`. `timeZone` is the index's: its days number the
 * rollups, and it ends the day of an all-day follow-up that has no zone of its own.
 */
export function indexCall(record: CallRecord, timeZone: string, dayOf: (ms: number) => number): IndexedCall {
  // Worked out once for both: judging a promise for a day takes zone arithmetic.
  const promises = promiseStandings(record, timeZone);
  const facts = callFacts(record, timeZone, promises);
  const summary: CallSummary = summarizeCallIn(record, timeZone, promises);
  const summaryText = JSON.stringify(summary);
  const row: CallRow = {
    id: record.id,
    agent_key: agentKey(record.agent),
    started: facts.startMs,
    day: dayOf(facts.startMs),
    completed: facts.completed ? 1 : 0,
    playbook: record.playbook.id,
    outcome: facts.outcome ?? null,
    category_key: facts.categoryKey ?? null,
    category: facts.category ?? null,
    phone_key: facts.phoneKey ?? null,
    account_key: facts.accountKey ?? null,
    name_key: nameKey(record.customer.name) ?? null,
    duration: facts.durationSeconds ?? null,
    resolved: facts.resolved ? 1 : 0,
    handed_off: facts.handedOff ? 1 : 0,
    upset: facts.upsetStart ? 1 : 0,
    turned: facts.turned ? 1 : 0,
    fu_on_time: facts.followups.doneOnTime,
    fu_late: facts.followups.doneLate,
    fu_cancelled: facts.followups.cancelled,
    fu_open: facts.followups.open,
    stages: facts.stageSeconds.length ? JSON.stringify(facts.stageSeconds) : null,
    craft: craftColumn(facts.craft),
    cause_key: facts.craft.causeKey ?? null,
    cause: facts.craft.cause ?? null,
    open_promises: facts.craft.openPromiseDeadlines.length ? JSON.stringify(facts.craft.openPromiseDeadlines) : null,
    summary: summaryText,
    crc: 0,
    shown_crc: 0,
  };
  row.crc = rowChecksum(row);
  row.shown_crc = shownChecksum(row);
  return {
    row,
    followups: summary.openFollowups.map((f) => openFollowUpRow(f, timeZone)),
    promises: openPromiseRows(row),
    text: callText(record),
  };
}
