/**
 * The per-day sums `stats` reads (tables `day_*`), and the one place that decides what a
 * call adds to them. A change to a call takes its old row's share away and adds the new
 * one's; the changes of a transaction are gathered here and written once, as a few
 * upserts. A first build gathers every call's share the same way as its batches of rows
 * come in (bulkReader.ts), and writes them as it commits.
 */
import { IndexDamagedError, type CallIndex } from './callIndex.js';
import type { CraftColumn } from './indexRows.js';
import type { SqlRow } from './sqlite.js';

/** The columns of `calls` a call's share is made of (select these to `add` a row). */
export const ROLLUP_COLUMNS =
  'agent_key, day, completed, resolved, repeat_contact, handed_off, upset, turned, fu_on_time, fu_late, fu_cancelled, fu_open, outcome, category_key, playbook, stages, craft, cause_key';

/**
 * The call rows whose share depends on `repeat_contact` (first-contact resolutions, and
 * the repeat calls of a cause): a first build adds every share as if no call were a
 * repeat, then takes these back and adds them again once the repeats are known.
 */
export const COUNTS_ON_REPEAT = 'resolved = 1 OR cause_key IS NOT NULL';

/**
 * The counters of `day_counts`, by kind; `a` and `b` are the keys ('' when none). What a
 * call adds to each is decided in `RollupChanges.add`, here and nowhere else:
 * - `coaching` (a: rule): 1 per rule that nudged the agent on the call;
 * - `hold`, `overrun`: the call's times off the line, and those that ran past the time given;
 * - `offered`, `chosen` (a: solution, b: category): prepared solutions offered, and the one chosen;
 * - `resolved` (a: solution, b: category): the solution chosen on a call resolved at the first contact;
 * - `kept`, `late`, `cancelled` (a: the solution chosen, or ''): the call's dated promises by how
 *   their follow-ups stand (still open ones are in `promise_deadlines`, as they break with time);
 * - `cause`, `cause-repeat`, `cause-handoff` (a: cause key, b: category): calls with a root
 *   cause, those that were repeat contacts, those escalated or transferred.
 * `total_counts` holds the same counters summed over all days, per agent: what questions
 * over all time ask (a solution's record at the options step, `stats` without dates).
 */
export const COUNT_KINDS = ['coaching', 'hold', 'overrun', 'offered', 'chosen', 'resolved', 'kept', 'late', 'cancelled', 'cause', 'cause-repeat', 'cause-handoff'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];

/** The sums of `day_calls`, in its column order. */
const CALL_SUM_COLUMNS = ['calls', 'completed', 'resolved', 'first_contact', 'handed_off', 'upset', 'turned', 'fu_on_time', 'fu_late', 'fu_cancelled', 'fu_open'] as const;

/** The fields of a call row a share is made of (`ROLLUP_COLUMNS`). */
export interface RollupRow {
  agent_key: string;
  day: number;
  completed: number;
  resolved: number;
  /** Absent: not a repeat contact (a build works those out once every call is in). */
  repeat_contact?: number;
  handed_off: number;
  upset: number;
  turned: number;
  fu_on_time: number;
  fu_late: number;
  fu_cancelled: number;
  fu_open: number;
  outcome: string | null;
  category_key: string | null;
  playbook: string;
  stages: string | null;
  craft: string | null;
  cause_key: string | null;
}

const SEP = '\u0000';

/** A JSON column of a call row; text that is not JSON is a damaged index (a bit flipped on disk), made anew. */
function jsonColumn<T>(text: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new IndexDamagedError(`the index is damaged (a call row's ${column} is not JSON)`);
  }
}

export class RollupChanges {
  private readonly calls = new Map<string, number[]>();
  private readonly outcomes = new Map<string, number>();
  private readonly categories = new Map<string, number>();
  private readonly stages = new Map<string, { position: number; n: number; seconds: number }>();
  private readonly counts = new Map<string, number>();

  /** Adds (`sign` 1) or takes away (-1) the share of a call row. */
  add(row: RollupRow | SqlRow, sign: 1 | -1): void {
    const r = row as RollupRow;
    const day = `${r.agent_key}${SEP}${r.day}`;
    let sums = this.calls.get(day);
    if (!sums) this.calls.set(day, (sums = new Array<number>(CALL_SUM_COLUMNS.length).fill(0)));
    // In CALL_SUM_COLUMNS' order.
    sums[0]! += sign;
    sums[1]! += sign * r.completed;
    sums[2]! += sign * r.resolved;
    sums[3]! += r.resolved && !r.repeat_contact ? sign : 0;
    sums[4]! += sign * r.handed_off;
    sums[5]! += sign * r.upset;
    sums[6]! += sign * r.turned;
    sums[7]! += sign * r.fu_on_time;
    sums[8]! += sign * r.fu_late;
    sums[9]! += sign * r.fu_cancelled;
    sums[10]! += sign * r.fu_open;
    if (r.outcome !== null) bump(this.outcomes, `${day}${SEP}${r.outcome}`, sign);
    if (r.category_key !== null) bump(this.categories, `${day}${SEP}${r.category_key}`, sign);
    if (r.stages !== null) {
      const stages = jsonColumn<Array<[string, number]>>(r.stages, 'stages');
      const prefix = `${day}${SEP}${r.playbook}${SEP}`;
      for (let position = 0; position < stages.length; position++) {
        const [stage, seconds] = stages[position]!;
        const key = prefix + stage;
        const entry = this.stages.get(key);
        if (entry) {
          entry.n += sign;
          entry.seconds += sign * seconds;
          if (position < entry.position) entry.position = position;
        } else this.stages.set(key, { position, n: sign, seconds: sign * seconds });
      }
    }
    if (r.craft !== null) this.addCraft(day, r, jsonColumn<CraftColumn>(r.craft, 'craft'), sign);
    if (r.cause_key !== null) {
      const category = r.category_key ?? '';
      this.count(day, 'cause', r.cause_key, category, sign);
      if (r.repeat_contact) this.count(day, 'cause-repeat', r.cause_key, category, sign);
      if (r.handed_off) this.count(day, 'cause-handoff', r.cause_key, category, sign);
    }
  }

  private addCraft(day: string, r: RollupRow, craft: CraftColumn, sign: 1 | -1): void {
    const category = r.category_key ?? '';
    for (const rule of craft.coaching ?? []) this.count(day, 'coaching', rule, '', sign);
    if (craft.holds) this.count(day, 'hold', '', '', sign * craft.holds);
    if (craft.overruns) this.count(day, 'overrun', '', '', sign * craft.overruns);
    for (const solution of craft.offered ?? []) this.count(day, 'offered', solution, category, sign);
    if (craft.chosen) {
      this.count(day, 'chosen', craft.chosen, category, sign);
      if (r.resolved && !r.repeat_contact) this.count(day, 'resolved', craft.chosen, category, sign);
    }
    const solution = craft.chosen ?? '';
    if (craft.kept) this.count(day, 'kept', solution, '', sign * craft.kept);
    if (craft.late) this.count(day, 'late', solution, '', sign * craft.late);
    if (craft.cancelled) this.count(day, 'cancelled', solution, '', sign * craft.cancelled);
  }

  private count(day: string, kind: CountKind, a: string, b: string, by: number): void {
    bump(this.counts, `${day}${SEP}${kind}${SEP}${a}${SEP}${b}`, by);
  }

  /** What was gathered, by table and key, as comparable text (rows summing to nothing left out). */
  entries(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, sums] of this.calls) if (sums.some((v) => v !== 0)) out.set(`calls${SEP}${key}`, sums.join(','));
    for (const [key, n] of this.outcomes) if (n !== 0) out.set(`outcome${SEP}${key}`, String(n));
    for (const [key, n] of this.categories) if (n !== 0) out.set(`category${SEP}${key}`, String(n));
    for (const [key, entry] of this.stages) if (entry.n !== 0) out.set(`stage${SEP}${key}`, `${entry.n},${entry.seconds}`);
    for (const [key, n] of this.counts) if (n !== 0) out.set(`count${SEP}${key}`, String(n));
    for (const [key, n] of totalsOf(this.counts)) if (n !== 0) out.set(`total${SEP}${key}`, String(n));
    return out;
  }

  clear(): void {
    this.calls.clear();
    this.outcomes.clear();
    this.categories.clear();
    this.stages.clear();
    this.counts.clear();
  }

  /** Writes the gathered changes (inside the caller's transaction) and forgets them. */
  flush(index: CallIndex): void {
    const columns = CALL_SUM_COLUMNS;
    const addCalls = index.sql(
      `INSERT INTO day_calls(agent_key, day, ${columns.join(', ')}) VALUES (?, ?, ${columns.map(() => '?').join(', ')})
       ON CONFLICT(agent_key, day) DO UPDATE SET ${columns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    for (const [key, sums] of this.calls) {
      // A call changed without changing what it adds up to: nothing to write.
      if (sums.every((v) => v === 0)) continue;
      const [agent, day] = key.split(SEP);
      addCalls.run(agent!, Number(day), ...sums);
    }
    const addOutcome = index.sql('INSERT INTO day_outcomes(agent_key, day, outcome, n) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n');
    for (const [key, n] of this.outcomes) {
      if (n === 0) continue;
      const [agent, day, outcome] = key.split(SEP);
      addOutcome.run(agent!, Number(day), outcome!, n);
    }
    const addCategory = index.sql('INSERT INTO day_categories(agent_key, day, category_key, n) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n');
    for (const [key, n] of this.categories) {
      if (n === 0) continue;
      const [agent, day, category] = key.split(SEP);
      addCategory.run(agent!, Number(day), category!, n);
    }
    const addStage = index.sql(
      `INSERT INTO day_stages(agent_key, day, playbook, stage, position, n, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET n = n + excluded.n, seconds = seconds + excluded.seconds, position = min(position, excluded.position)`,
    );
    for (const [key, entry] of this.stages) {
      if (entry.n === 0 && entry.seconds === 0) continue;
      const [agent, day, playbook, stage] = key.split(SEP);
      addStage.run(agent!, Number(day), playbook!, stage!, entry.position, entry.n, entry.seconds);
    }
    const addCount = index.sql('INSERT INTO day_counts(agent_key, day, kind, a, b, n) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n');
    for (const [key, n] of this.counts) {
      if (n === 0) continue;
      const [agent, day, kind, a, b] = key.split(SEP);
      addCount.run(agent!, Number(day), kind!, a!, b!, n);
    }
    const addTotal = index.sql('INSERT INTO total_counts(kind, b, a, agent_key, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n');
    for (const [key, n] of totalsOf(this.counts)) {
      if (n === 0) continue;
      const [kind, b, a, agent] = key.split(SEP);
      addTotal.run(kind!, b!, a!, agent!, n);
    }
    this.clear();
  }
}

/** `day_counts`' keys (agent, day, kind, a, b) summed over the days: `total_counts`' (kind, b, a, agent). */
function totalsOf(counts: ReadonlyMap<string, number>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [key, n] of counts) {
    const [agent, , kind, a, b] = key.split(SEP);
    bump(totals, `${kind}${SEP}${b}${SEP}${a}${SEP}${agent}`, n);
  }
  return totals;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Every rollup made again from the call rows (after a build, or by `doctor --fix`). */
export function rebuildRollups(index: CallIndex): void {
  index.db.exec('DELETE FROM day_calls; DELETE FROM day_outcomes; DELETE FROM day_categories; DELETE FROM day_stages; DELETE FROM day_counts; DELETE FROM total_counts;');
  const changes = new RollupChanges();
  for (const row of index.sql(`SELECT ${ROLLUP_COLUMNS} FROM calls`).iterate()) changes.add(row, 1);
  changes.flush(index);
}

/**
 * Whether the stored rollups are what the call rows add up to (doctor's check): the first
 * difference found, or undefined. Rows summing to nothing are left aside on both sides.
 */
export function rollupsDiffer(index: CallIndex): string | undefined {
  const expected = new RollupChanges();
  for (const row of index.sql(`SELECT ${ROLLUP_COLUMNS} FROM calls`).iterate()) expected.add(row, 1);
  const want = expected.entries();
  const have = new Map<string, string>();
  const columns = CALL_SUM_COLUMNS.join(', ');
  for (const row of index.sql(`SELECT agent_key, day, ${columns} FROM day_calls`).iterate()) {
    const sums = CALL_SUM_COLUMNS.map((c) => row[c] as number);
    if (sums.some((v) => v !== 0)) have.set(`calls${SEP}${row.agent_key as string}${SEP}${row.day as number}`, sums.join(','));
  }
  for (const row of index.sql('SELECT agent_key, day, outcome, n FROM day_outcomes WHERE n != 0').iterate()) {
    have.set(`outcome${SEP}${row.agent_key as string}${SEP}${row.day as number}${SEP}${row.outcome as string}`, String(row.n));
  }
  for (const row of index.sql('SELECT agent_key, day, category_key, n FROM day_categories WHERE n != 0').iterate()) {
    have.set(`category${SEP}${row.agent_key as string}${SEP}${row.day as number}${SEP}${row.category_key as string}`, String(row.n));
  }
  for (const row of index.sql('SELECT agent_key, day, playbook, stage, n, seconds FROM day_stages WHERE n != 0').iterate()) {
    have.set(`stage${SEP}${row.agent_key as string}${SEP}${row.day as number}${SEP}${row.playbook as string}${SEP}${row.stage as string}`, `${row.n as number},${row.seconds as number}`);
  }
  for (const row of index.sql('SELECT agent_key, day, kind, a, b, n FROM day_counts WHERE n != 0').iterate()) {
    have.set(`count${SEP}${row.agent_key as string}${SEP}${row.day as number}${SEP}${row.kind as string}${SEP}${row.a as string}${SEP}${row.b as string}`, String(row.n));
  }
  for (const row of index.sql('SELECT kind, b, a, agent_key, n FROM total_counts WHERE n != 0').iterate()) {
    have.set(`total${SEP}${row.kind as string}${SEP}${row.b as string}${SEP}${row.a as string}${SEP}${row.agent_key as string}`, String(row.n));
  }
  // Seconds are summed in another order here: equal to a millionth of a second.
  const same = (a: string | undefined, b: string) =>
    a !== undefined && a.split(',').every((x, i) => Math.abs(Number(x) - Number(b.split(',')[i])) <= 1e-6 * Math.max(1, Math.abs(Number(x))));
  for (const [key, value] of want) if (!same(have.get(key), value)) return `${key.split(SEP).join(' ')}: ${have.get(key) ?? 'missing'} where the calls add up to ${value}`;
  for (const key of have.keys()) if (!want.has(key)) return `${key.split(SEP).join(' ')}: no call adds up to it`;
  return undefined;
}
