/**
 * What the team database keeps of one call record: pure, no SQL. The record itself goes
 * whole (JSONB); beside it the columns the lead's questions filter and count by (the same
 * facts the local index keeps: domain/callFacts), the text `search --team` looks through,
 * and the call's follow-ups with what a teammate needs to call back (not the call's notes).
 */
import type { CallRecord, FollowUp } from '../domain/callRecord.js';
import { callFacts, type CraftFacts } from '../domain/callFacts.js';
import { nameKey } from '../domain/customerKeys.js';
import { agentKey } from '../domain/agents.js';
import { summarizeCall } from '../domain/callSummary.js';
import { callText, TEXT_COLUMNS } from '../store/index/indexRows.js';

/**
 * The version of what a call's row derives from its record (below). A row the team
 * database holds with an older one (sent by an older csr-call) is sent again by the next
 * `team sync`, even at the same revision. Raise it when a derived column is added or its
 * facts change.
 */
export const TEAM_FACTS_VERSION = 1;

/** The owner a follow-up has when it is the team's to take (`followups assign ID --to team`). */
export const TEAM_OWNER = 'team';

export interface TeamCallRow {
  id: string;
  agent_key: string;
  revision: number;
  started: string;
  completed: boolean;
  playbook: string;
  outcome: string | null;
  category_key: string | null;
  category: string | null;
  phone_key: string | null;
  account_key: string | null;
  name_key: string | null;
  duration: number | null;
  resolved: boolean;
  handed_off: boolean;
  upset: boolean;
  turned: boolean;
  fu_on_time: number;
  fu_late: number;
  fu_cancelled: number;
  fu_open: number;
  /** Seconds per stage of a completed call, `[[stage, seconds], …]` in the order it went through them. */
  stages: Array<[string, number]> | null;
  /**
   * The call's craft facts (issue 16) as `callFacts` decides them, for `stats --team` and
   * `--causes`: coaching rules, holds, overruns, solutions offered and chosen, promises
   * kept, late, cancelled and the deadlines (ms) of those still open, the root cause and
   * its key. Null in a row sent before schema 2 (`facts_version` 0).
   */
  craft: CraftFacts;
  facts_version: number;
  summary: unknown;
  /** Lower case, accents removed: what the full-text vector is made from. */
  search_text: string;
  record: CallRecord;
}

export interface TeamFollowUpRow {
  id: string;
  call_id: string;
  call_agent: string;
  /** Who works it, as an agent key; null: the team's (anyone may claim it). */
  owner: string | null;
  status: FollowUp['status'];
  due: string;
  all_day: boolean;
  time_zone: string | null;
  text: string;
  repeat_days: number | null;
  customer_name: string | null;
  customer_phone: string | null;
  customer_account: string | null;
  revision: number;
}

/** Text as the team database's full-text search keeps it: accents and case folded away. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** What `search --team` looks through in a call (its `search_text`, folded): the customer, and what was said and done. */
export function searchedText(record: CallRecord): string {
  const text = callText(record);
  const customer = [record.customer.name, record.customer.phone, record.customer.account].filter(Boolean).join('\n');
  return [customer, ...TEXT_COLUMNS.map((column) => text[column])].filter(Boolean).join('\n');
}

/**
 * A snippet the database cut from a folded text (`foldText(original)`, its hits between
 * `start` and `end` marks), as the same words of `original`: with their case and accents.
 * The folded snippet when it cannot be placed in the original (it is shown as it is).
 */
export function unfoldSnippet(original: string, snippet: string, start: string, end: string): string {
  // Where each character of the original begins in its folded form (ASCII folds to itself, lowercased).
  const starts: number[] = [];
  const parts: string[] = [];
  let length = 0;
  for (const char of original) {
    for (let i = 0; i < char.length; i++) starts.push(length);
    const code = char.charCodeAt(0);
    const part = code < 0x80 ? (code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : char) : foldText(char);
    parts.push(part);
    length += part.length;
  }
  starts.push(length);
  const folded = parts.join('');
  const plain = snippet.split(start).join('').split(end).join('');
  const at = folded.indexOf(plain);
  if (at < 0 || plain === '') return snippet;
  // The original's offset for a folded one, past any marks folded away just before it; asked in increasing order.
  let i = 0;
  const originalAt = (foldedAt: number): number => {
    while (i < starts.length - 1 && starts[i]! < foldedAt) i++;
    while (i < starts.length - 1 && starts[i + 1] === foldedAt) i++;
    return i;
  };
  let out = '';
  let foldedPos = at;
  let origPos = originalAt(at);
  for (const part of snippet.split(new RegExp(`(${escapeRegExp(start)}|${escapeRegExp(end)})`))) {
    if (part === start || part === end) {
      out += part;
      continue;
    }
    foldedPos += part.length;
    const next = originalAt(foldedPos);
    out += original.slice(origPos, next);
    origPos = next;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The owner column of a follow-up whose file says `owner`. */
export function ownerColumn(owner: string): string | null {
  const key = agentKey(owner);
  return key === TEAM_OWNER ? null : key;
}

/** A call's row. `timeZone` ends the day of an all-day follow-up with no zone of its own (on-time counts). */
export function teamCallRow(record: CallRecord, timeZone: string): TeamCallRow {
  const facts = callFacts(record, timeZone);
  return {
    id: record.id,
    agent_key: agentKey(record.agent),
    revision: record.revision,
    started: record.startedAt,
    completed: facts.completed,
    playbook: record.playbook.id,
    outcome: facts.outcome ?? null,
    category_key: facts.categoryKey ?? null,
    category: facts.category ?? null,
    phone_key: facts.phoneKey ?? null,
    account_key: facts.accountKey ?? null,
    name_key: nameKey(record.customer.name) ?? null,
    duration: facts.durationSeconds ?? null,
    resolved: facts.resolved,
    handed_off: facts.handedOff,
    upset: facts.upsetStart,
    turned: facts.turned,
    fu_on_time: facts.followups.doneOnTime,
    fu_late: facts.followups.doneLate,
    fu_cancelled: facts.followups.cancelled,
    fu_open: facts.followups.open,
    stages: facts.stageSeconds.length ? facts.stageSeconds : null,
    craft: facts.craft,
    facts_version: TEAM_FACTS_VERSION,
    summary: summarizeCall(record),
    search_text: foldText(searchedText(record)),
    record,
  };
}

export function teamFollowUpRows(record: CallRecord): TeamFollowUpRow[] {
  return record.followups.map((f) => ({
    id: f.id,
    call_id: record.id,
    call_agent: agentKey(record.agent),
    owner: ownerColumn(f.owner),
    status: f.status,
    due: f.due,
    all_day: f.allDay === true,
    time_zone: f.timeZone ?? null,
    text: f.text,
    repeat_days: f.repeatEveryDays ?? null,
    customer_name: record.customer.name ?? null,
    customer_phone: record.customer.phone ?? null,
    customer_account: record.customer.account ?? null,
    revision: record.revision,
  }));
}
