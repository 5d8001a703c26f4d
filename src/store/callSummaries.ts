import type { CallRecord, FollowUp } from './callRecord.js';
import { scanCalls, type ScanOptions } from './callStore.js';

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
 * Summaries of every call (or those in the months overlapping `from`/`to`), newest
 * first, with damaged files listed apart. This is the seam where the cache plugs in.
 */
export async function loadCallSummaries(dataDir: string, options: Omit<ScanOptions, 'newestFirst'> = {}): Promise<SummaryLoad> {
  const summaries: CallSummary[] = [];
  const damaged: DamagedFile[] = [];
  for await (const item of scanCalls(dataDir, { ...options, newestFirst: true })) {
    if (item.ok) summaries.push(summarizeCall(item.record));
    else damaged.push({ path: item.path, problem: item.problem });
  }
  return { summaries, damaged };
}
