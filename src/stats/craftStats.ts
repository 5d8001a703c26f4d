/**
 * The figures of the craft (issue 16) that `stats` adds: coaching nudges, time off the
 * line, promises kept, prepared solutions, and (`stats --causes`) the root causes. Which
 * calls count is the same as for the other figures (callStats.ts, "in scope"): every call
 * started in the range, of the agent asked for.
 */
import { share, type Share } from './callStats.js';

/** Dated promises by what became of them (promiseKeeping.ts); `keptRate`: kept of those settled or broken. */
export interface PromiseTally {
  kept: number;
  late: number;
  broken: number;
  pending: number;
  keptRate: Share;
}

export interface CraftStats {
  /** Nudges by rule, most frequent first (a rule nudges at most once a call: these are calls). */
  coaching: Array<{ rule: string; count: number }>;
  /** Times off the line, and those that ran past the time the customer was given. */
  holds: { holds: number; overruns: number };
  promises: PromiseTally;
  /** Per agent (their name as the index keys it: lower case). */
  byAgent: Array<{ agent: string; coaching: number; holds: number; overruns: number; promises: PromiseTally }>;
  /** Per prepared solution: calls it was offered on, chosen on, chosen on and resolved at the first contact; promises of the calls that chose it. */
  solutions: Array<{ id: string; offered: number; chosen: number; resolved: number; promises: PromiseTally }>;
}

export interface CauseStats {
  /** Root causes, most calls first (then most repeat calls): what to fix first. */
  causes: Array<{
    /** As the earliest call with it wrote it. */
    cause: string;
    /** What calls are grouped by (rootCause.ts). */
    key: string;
    calls: number;
    /** Calls that were a repeat contact (the same customer called about the same category in the 7 days before). */
    repeatCalls: number;
    /** Calls escalated or transferred. */
    escalated: number;
    categories: Array<{ category: string; calls: number }>;
  }>;
}

export function promiseTally(kept: number, late: number, broken: number, pending: number): PromiseTally {
  return { kept, late, broken, pending, keptRate: share(kept, kept + late + broken) };
}
