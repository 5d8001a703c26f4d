import { phoneKey } from '../store/customerHistory.js';
import { calendarDayIn, endOfDayIn } from '../dates/index.js';
import type { CallRecord, FollowUp } from '../store/callRecord.js';
import { HANDED_OFF_OUTCOMES, OUTCOMES, SETTLED_MOODS, UPSET_MOODS } from '../playbook/types.js';

/**
 * The figures of `csr-call stats`, from call records: no I/O. Records are fed one at a
 * time into a `StatsAccumulator`, so a scan never has to hold them; what it keeps per
 * call is a few numbers and keys.
 *
 * Which calls count ("in scope"): started in [from, to) and, unless every agent is asked
 * for, taken by `agent`. Outcome figures (outcomes, first-call resolution, hand-offs,
 * handle time, time per stage, mood turnaround) count completed calls only; calls per
 * day, repeat callers, categories and follow-ups count every call in scope.
 *
 * First-call resolution looks at *earlier* calls too, from any agent and from before
 * `from`: feed the accumulator every call from `contextStart(from)` on (it ignores what it
 * does not need).
 */
export interface StatsOptions {
  now: Date;
  /** The agent's zone: days for "calls per day", and the end of an all-day follow-up's day. */
  timeZone: string;
  /** Only this agent's calls; undefined: every agent's. */
  agent?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** A resolved call is "first call" unless the customer called about it in these days before. */
export const FIRST_CALL_WINDOW_DAYS = 7;
const WINDOW_MS = FIRST_CALL_WINDOW_DAYS * 24 * 60 * 60 * 1000;
export const TOP_CATEGORIES = 5;

/** Where a scan must start so that first-call resolution sees the calls before `from`. */
export function contextStart(from: Date | undefined): Date | undefined {
  return from ? new Date(from.getTime() - WINDOW_MS) : undefined;
}

/** A share: `count` of `of`, and `rate` = count / of (null when `of` is 0). */
export interface Share {
  count: number;
  of: number;
  rate: number | null;
}

export interface CallStats {
  calls: { total: number; completed: number; inProgress: number };
  /** Completed calls by outcome: the built-in outcomes first (even at 0), then others by count; `(none)` when not recorded. */
  byOutcome: Array<{ outcome: string; count: number }>;
  /** Completed calls resolved, with no call from the same customer (phone or account) about the same category in the 7 days before. */
  firstCallResolution: Share & { resolved: number };
  /** Completed calls escalated or transferred. */
  handedOff: Share;
  /** endedAt − startedAt of completed calls, seconds to a tenth (median and 90th percentile, linear interpolation). */
  handleTime: { calls: number; medianSeconds: number | null; p90Seconds: number | null };
  /** Seconds per stage (record.stageSeconds) over the completed calls that went through it, in first-seen order. */
  stages: Array<{ stage: string; calls: number; totalSeconds: number; meanSeconds: number }>;
  /**
   * Follow-ups of the calls in scope. Each completion (a repeating follow-up has several)
   * is on time when done by the due time in force then (after snoozes; all-day ones by the
   * end of that day); `overdue`: still open past due at `now`.
   */
  followups: { doneOnTime: number; doneLate: number; overdue: number; open: number; cancelled: number };
  /** Completed calls that started angry/upset, and how many of them ended calm, happy or neutral. */
  moodTurnaround: Share;
  /** Customers (same phone or account) with more than one call in scope, and their calls. Calls with neither are not counted. */
  repeatCallers: { customers: number; calls: number };
  /** Most frequent problem categories (every call in scope, case ignored), at most five. */
  topCategories: Array<{ category: string; count: number }>;
  /** Calls per day in the agent's zone, every day of the range (zeros included). */
  perDay: Array<{ day: string; calls: number }>;
}

interface Contact {
  id: string;
  startMs: number;
  category: string | undefined;
}

interface ResolvedCall extends Contact {
  phoneKey: string | undefined;
  accountKey: string | undefined;
}

const phoneKeyOf = phoneKey;
const accountKeyOf = (account: string | undefined) => {
  const key = account?.trim().toLowerCase();
  return key ? key : undefined;
};
const categoryKeyOf = (category: string | undefined) => {
  const key = category?.trim().toLowerCase();
  return key ? key : undefined;
};
/** An unknown category on either side may be the same problem: no first-call credit. */
const sameCategory = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

export class StatsAccumulator {
  private readonly nowMs: number;
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly contextFromMs: number;

  private total = 0;
  private completed = 0;
  private readonly outcomes = new Map<string, number>();
  private readonly resolved: ResolvedCall[] = [];
  private readonly byPhone = new Map<string, Contact[]>();
  private readonly byAccount = new Map<string, Contact[]>();
  private handedOff = 0;
  private readonly durations: number[] = [];
  private readonly stages = new Map<string, { calls: number; totalSeconds: number }>();
  private readonly followups = { doneOnTime: 0, doneLate: 0, overdue: 0, open: 0, cancelled: 0 };
  private upsetStarts = 0;
  private turned = 0;
  /** By lower-cased category; shown as first written. */
  private readonly categories = new Map<string, { category: string; count: number }>();
  private readonly days = new Map<string, number>();
  /** Union-find over customer keys (`p:<digits>`, `a:<account>`), for repeat callers. */
  private readonly parent = new Map<string, string>();
  private readonly customerOfCall: string[] = [];
  private readonly dayKeyCache = new Map<number, string>();

  constructor(private readonly options: StatsOptions) {
    this.nowMs = options.now.getTime();
    this.fromMs = options.from?.getTime() ?? -Infinity;
    this.toMs = options.to?.getTime() ?? Infinity;
    this.contextFromMs = this.fromMs - WINDOW_MS;
  }

  add(record: CallRecord): void {
    const startMs = Date.parse(record.startedAt);
    if (!(startMs >= this.contextFromMs && startMs < this.toMs)) return;
    const phoneKey = phoneKeyOf(record.customer.phone);
    const accountKey = accountKeyOf(record.customer.account);
    const category = categoryKeyOf(record.problem.category);
    const contact: Contact = { id: record.id, startMs, category };
    if (phoneKey) pushTo(this.byPhone, phoneKey, contact);
    if (accountKey) pushTo(this.byAccount, accountKey, contact);

    if (startMs < this.fromMs) return;
    if (this.options.agent !== undefined && record.agent !== this.options.agent) return;

    this.total++;
    const day = this.dayKey(startMs);
    this.days.set(day, (this.days.get(day) ?? 0) + 1);
    if (category) {
      const entry = this.categories.get(category);
      if (entry) entry.count++;
      else this.categories.set(category, { category: record.problem.category!.trim(), count: 1 });
    }
    this.addCustomer(phoneKey, accountKey);
    for (const followup of record.followups) this.addFollowup(followup);

    if (record.status !== 'completed') return;
    this.completed++;
    const outcome = record.outcome?.trim() || '(none)';
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (outcome === 'resolved') this.resolved.push({ ...contact, phoneKey, accountKey });
    if (HANDED_OFF_OUTCOMES.includes(outcome)) this.handedOff++;
    if (record.endedAt) {
      const seconds = (Date.parse(record.endedAt) - startMs) / 1000;
      if (seconds >= 0) this.durations.push(seconds);
    }
    for (const [stage, seconds] of Object.entries(record.stageSeconds)) {
      const entry = this.stages.get(stage) ?? { calls: 0, totalSeconds: 0 };
      entry.calls++;
      entry.totalSeconds += seconds;
      this.stages.set(stage, entry);
    }
    if (record.mood.start !== undefined && UPSET_MOODS.includes(record.mood.start)) {
      this.upsetStarts++;
      if (record.mood.end !== undefined && SETTLED_MOODS.includes(record.mood.end)) this.turned++;
    }
  }

  result(): CallStats {
    const firstCall = this.resolved.filter((call) => !this.calledBefore(call)).length;
    const sorted = [...this.durations].sort((a, b) => a - b);

    const known = new Set<string>(OUTCOMES.map((o) => o.value));
    const byOutcome = [
      ...OUTCOMES.map((o) => ({ outcome: o.value as string, count: this.outcomes.get(o.value) ?? 0 })),
      ...[...this.outcomes]
        .filter(([outcome]) => !known.has(outcome))
        .map(([outcome, count]) => ({ outcome, count }))
        .sort(byCountThenName((x) => x.outcome)),
    ];

    const callsPerCustomer = new Map<string, number>();
    for (const key of this.customerOfCall) {
      const root = this.find(key);
      callsPerCustomer.set(root, (callsPerCustomer.get(root) ?? 0) + 1);
    }
    const repeat = [...callsPerCustomer.values()].filter((n) => n > 1);

    return {
      calls: { total: this.total, completed: this.completed, inProgress: this.total - this.completed },
      byOutcome,
      firstCallResolution: { ...share(firstCall, this.completed), resolved: this.resolved.length },
      handedOff: share(this.handedOff, this.completed),
      handleTime: { calls: sorted.length, medianSeconds: tenths(quantile(sorted, 0.5)), p90Seconds: tenths(quantile(sorted, 0.9)) },
      stages: [...this.stages].map(([stage, s]) => ({ stage, calls: s.calls, totalSeconds: s.totalSeconds, meanSeconds: tenths(s.totalSeconds / s.calls)! })),
      followups: { ...this.followups },
      moodTurnaround: share(this.turned, this.upsetStarts),
      repeatCallers: { customers: repeat.length, calls: repeat.reduce((a, b) => a + b, 0) },
      topCategories: [...this.categories.values()]
        .map(({ category, count }) => ({ category, count }))
        .sort(byCountThenName((x) => x.category))
        .slice(0, TOP_CATEGORIES),
      perDay: this.perDay(),
    };
  }

  private calledBefore(call: ResolvedCall): boolean {
    const earlier = (contacts: Contact[] | undefined) =>
      contacts?.some(
        (c) => c.id !== call.id && c.startMs < call.startMs && c.startMs >= call.startMs - WINDOW_MS && sameCategory(c.category, call.category),
      ) ?? false;
    return (call.phoneKey !== undefined && earlier(this.byPhone.get(call.phoneKey))) || (call.accountKey !== undefined && earlier(this.byAccount.get(call.accountKey)));
  }

  private addFollowup(followup: FollowUp): void {
    const zone = followup.timeZone ?? this.options.timeZone;
    const deadline = (dueIso: string) => {
      const ms = Date.parse(dueIso);
      return followup.allDay ? endOfDayIn(new Date(ms), zone).getTime() : ms;
    };
    const count = (doneMs: number, dueIso: string) => {
      if (doneMs <= deadline(dueIso)) this.followups.doneOnTime++;
      else this.followups.doneLate++;
    };
    // The due time in force before the first change: the creation's, else what the first change moved.
    let due = followup.history.find((h) => h.action === 'created')?.due ?? followup.history.find((h) => h.previousDue)?.previousDue ?? followup.due;
    let doneSeen = false;
    for (const entry of followup.history) {
      if (entry.action === 'done') {
        count(Date.parse(entry.at), due);
        doneSeen = true;
      }
      if (entry.due) due = entry.due;
    }
    if (followup.status === 'done' && !doneSeen && followup.doneAt) count(Date.parse(followup.doneAt), followup.due);
    if (followup.status === 'cancelled') this.followups.cancelled++;
    if (followup.status === 'open') {
      this.followups.open++;
      if (this.nowMs > deadline(followup.due)) this.followups.overdue++;
    }
  }

  private addCustomer(phoneKey: string | undefined, accountKey: string | undefined): void {
    const keys = [phoneKey && `p:${phoneKey}`, accountKey && `a:${accountKey}`].filter((k): k is string => !!k);
    if (keys.length === 0) return;
    for (const key of keys) if (!this.parent.has(key)) this.parent.set(key, key);
    if (keys.length === 2) {
      const a = this.find(keys[0]!);
      const b = this.find(keys[1]!);
      if (a !== b) this.parent.set(a, b);
    }
    this.customerOfCall.push(keys[0]!);
  }

  private find(key: string): string {
    let root = key;
    while (this.parent.get(root)! !== root) root = this.parent.get(root)!;
    // Path compression keeps later look-ups short.
    let node = key;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private dayKey(ms: number): string {
    // Every zone's offset is a multiple of 15 minutes: one look-up per quarter hour.
    const quarter = Math.floor(ms / 900_000);
    let key = this.dayKeyCache.get(quarter);
    if (key === undefined) {
      const { year, month, day } = calendarDayIn(new Date(ms), this.options.timeZone);
      key = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      this.dayKeyCache.set(quarter, key);
    }
    return key;
  }

  private perDay(): Array<{ day: string; calls: number }> {
    const keys = [...this.days.keys()].sort();
    let first = this.options.from ? this.dayKey(this.options.from.getTime()) : keys[0];
    let last = this.options.to ? this.dayKey(this.options.to.getTime() - 1) : keys[keys.length - 1];
    if (first === undefined || last === undefined) return [];
    if (!this.options.to) {
      const today = this.dayKey(this.nowMs);
      if (today > last) last = today;
    }
    if (keys[0] !== undefined && keys[0] < first) first = keys[0];
    const series: Array<{ day: string; calls: number }> = [];
    for (let day = first; day <= last; day = nextDay(day)) series.push({ day, calls: this.days.get(day) ?? 0 });
    return series;
  }
}

/** All figures at once, for records already in hand (tests, small stores). */
export function computeStats(records: Iterable<CallRecord>, options: StatsOptions): CallStats {
  const accumulator = new StatsAccumulator(options);
  for (const record of records) accumulator.add(record);
  return accumulator.result();
}

/** Linear interpolation between closest ranks (as spreadsheets' PERCENTILE); null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Seconds to a tenth: enough for people, and no float noise in the JSON. */
function tenths(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? null : count / of };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byCountThenName<T extends { count: number }>(name: (item: T) => string) {
  return (a: T, b: T) => b.count - a.count || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
