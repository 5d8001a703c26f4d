import { phoneDigits, phoneKey } from './customerHistory.js';
import type { CallRecord, FollowUp } from './callRecord.js';
import type { ScanOptions } from './callStore.js';
import { monthInRange } from './callFiles.js';
import { callIdSecond } from './ids.js';
import { cachedCallsWithKeys, cachedOpenFollowUps, cachedSummaries, cachedUnfinishedCalls, journalCallChange, type SummarySpec } from './summaryCache.js';

// Nothing here may import zod, directly or not: this module is on the start-up path of
// `followups` and `list`. The summary cache loads the validator only to read changed files.

/**
 * The few fields of a call that the lists (`followups`, `list`, `stats`) need. Kept
 * small on purpose: the cache stores one of these per call, so the lists never have to
 * read 100,000 call files. The call files stay the only source of truth.
 */
export interface CallSummary {
  id: string;
  agent: string;
  startedAt: string;
  endedAt?: string;
  status: CallRecord['status'];
  customer: CallRecord['customer'];
  playbookId: string;
  category?: string;
  paraphrase?: string;
  outcome?: string;
  escalatedTo?: string;
  moodStart?: string;
  moodEnd?: string;
  promiseCount: number;
  /** Follow-ups still open, whole (they are few): the morning list is built from these. */
  openFollowups: FollowUp[];
}

export interface DamagedFile {
  path: string;
  problem: string;
}

export interface SummaryLoad {
  summaries: CallSummary[];
  damaged: DamagedFile[];
}

export function summarizeCall(record: CallRecord): CallSummary {
  const summary: CallSummary = {
    id: record.id,
    agent: record.agent,
    startedAt: record.startedAt,
    status: record.status,
    customer: record.customer,
    playbookId: record.playbook.id,
    promiseCount: record.promises.length,
    openFollowups: record.followups.filter((f) => f.status === 'open'),
  };
  if (record.endedAt) summary.endedAt = record.endedAt;
  if (record.problem.category) summary.category = record.problem.category;
  if (record.problem.paraphrase) summary.paraphrase = record.problem.paraphrase;
  if (record.outcome) summary.outcome = record.outcome;
  if (record.escalation?.to) summary.escalatedTo = record.escalation.to;
  if (record.mood.start) summary.moodStart = record.mood.start;
  if (record.mood.end) summary.moodEnd = record.mood.end;
  return summary;
}

/**
 * The keys a customer is recognised by when counting their calls: the phone's key
 * (`phoneKey`) and the account, case-insensitively.
 */
export function customerKeys(customer: CallSummary['customer']): string[] {
  const keys: string[] = [];
  const phone = phoneKey(customer.phone);
  if (phone) keys.push(`p:${phone}`);
  const account = customer.account?.trim().toLowerCase();
  if (account) keys.push(`a:${account}`);
  return keys;
}

const spec: SummarySpec = { summarize: summarizeCall, customerKeys, dependsOn: [phoneKey, phoneDigits] };

/**
 * Summaries of every call (or of those started at or after `from` and before `to` as
 * their ids say: an id is the UTC start to the second, so a caller wanting finer bounds
 * compares `startedAt` too), newest first, with the damaged files of those months listed
 * apart. Served from the summary cache, which re-reads only the call files that changed
 * since it was last brought up to date.
 */
export async function loadCallSummaries(dataDir: string, options: Omit<ScanOptions, 'newestFirst'> = {}): Promise<SummaryLoad> {
  // A call started at `from` or later has an id of that second or later; one started
  // before `to` has an id before the second after it.
  return cachedSummaries(dataDir, spec, {
    month: (month) => monthInRange(month, options),
    ...(options.from ? { fromId: callIdSecond(options.from) } : {}),
    ...(options.to ? { toId: callIdSecond(new Date(Math.ceil(options.to.getTime() / 1000) * 1000)) } : {}),
  });
}

export interface OpenFollowUpLoad {
  /** Calls with at least one open follow-up (in `openFollowups`), newest first. */
  calls: CallSummary[];
  /**
   * For every `customerKeys` key of those calls: how many calls in the whole store carry
   * it. A customer has called more than once when any of their keys counts 2 or more.
   */
  callsPerCustomer: ReadonlyMap<string, number>;
  /** Every damaged call file in the store, newest first. */
  damaged: DamagedFile[];
  /** Readable calls in the store. */
  callCount: number;
}

/**
 * What the morning list needs, without loading a summary per call: on a store that has
 * not changed it reads one small file, whatever the store's size.
 */
export async function loadOpenFollowUps(dataDir: string): Promise<OpenFollowUpLoad> {
  return cachedOpenFollowUps(dataDir, spec);
}

/**
 * The calls of one customer (same phone key or account, as `isSameCustomer`), newest
 * first, without loading every summary: the months' keys files say where they are.
 * `earlierCallsOf(customer, await loadCustomerCalls(dataDir, customer), id)` gives what
 * `earlierCallsOf` over `loadCallSummaries` gives.
 */
export async function loadCustomerCalls(dataDir: string, customer: CallSummary['customer']): Promise<CallSummary[]> {
  return cachedCallsWithKeys(dataDir, spec, customerKeys(customer));
}

/** Calls still in progress (any agent), newest first, from the index alone. */
export async function loadUnfinishedCalls(dataDir: string): Promise<CallSummary[]> {
  return cachedUnfinishedCalls(dataDir, spec);
}

/**
 * Wraps every write (`record`) or removal (no record) of a call file by csr-call: the
 * change goes into the summary cache's journal, so the next `followups` finds it without
 * scanning the month. Costs a few stat calls and one appended line.
 */
export function journalCallFile(dataDir: string, path: string, record: CallRecord | undefined, change: () => Promise<void>): Promise<void> {
  return journalCallChange(dataDir, path, record ? summarizeCall(record) : undefined, change);
}
