/**
 * The per-day sums `stats` reads (tables `day_*`), and the one place that decides what a
 * call adds to them. A change to a call takes its old row's share away and adds the new
 * one's; the changes of a transaction are gathered here and written once, as a few
 * upserts. A whole build gathers every call's share the same way.
 */
import type { CallIndex } from './callIndex.js';
import type { SqlRow } from './sqlite.js';

/** The columns of `calls` a call's share is made of (select these to `add` a row). */
export const ROLLUP_COLUMNS =
  'agent_key, day, completed, resolved, repeat_contact, handed_off, upset, turned, fu_on_time, fu_late, fu_cancelled, fu_open, outcome, category_key, playbook, stages';

/** The sums of `day_calls`, in its column order, from a call row. */
const CALL_SUMS: ReadonlyArray<[column: string, of: (row: SqlRow) => number]> = [
  ['calls', () => 1],
  ['completed', (r) => r.completed as number],
  ['resolved', (r) => r.resolved as number],
  ['first_contact', (r) => ((r.resolved as number) && !(r.repeat_contact as number) ? 1 : 0)],
  ['handed_off', (r) => r.handed_off as number],
  ['upset', (r) => r.upset as number],
  ['turned', (r) => r.turned as number],
  ['fu_on_time', (r) => r.fu_on_time as number],
  ['fu_late', (r) => r.fu_late as number],
  ['fu_cancelled', (r) => r.fu_cancelled as number],
  ['fu_open', (r) => r.fu_open as number],
];

const SEP = '\u0000';

export class RollupChanges {
  private readonly calls = new Map<string, number[]>();
  private readonly outcomes = new Map<string, number>();
  private readonly categories = new Map<string, number>();
  private readonly stages = new Map<string, { position: number; n: number; seconds: number }>();

  /** Adds (`sign` 1) or takes away (-1) the share of a call row (with `ROLLUP_COLUMNS`). */
  add(row: SqlRow, sign: 1 | -1): void {
    const day = `${row.agent_key as string}${SEP}${row.day as number}`;
    let sums = this.calls.get(day);
    if (!sums) this.calls.set(day, (sums = new Array<number>(CALL_SUMS.length).fill(0)));
    for (let i = 0; i < CALL_SUMS.length; i++) sums[i]! += sign * CALL_SUMS[i]![1](row);
    if (row.outcome !== null) bump(this.outcomes, `${day}${SEP}${row.outcome as string}`, sign);
    if (row.category_key !== null) bump(this.categories, `${day}${SEP}${row.category_key as string}`, sign);
    if (row.stages !== null) {
      const stages = JSON.parse(row.stages as string) as Array<[string, number]>;
      stages.forEach(([stage, seconds], position) => {
        const key = `${day}${SEP}${row.playbook as string}${SEP}${stage}`;
        const entry = this.stages.get(key);
        if (entry) {
          entry.n += sign;
          entry.seconds += sign * seconds;
          entry.position = Math.min(entry.position, position);
        } else this.stages.set(key, { position, n: sign, seconds: sign * seconds });
      });
    }
  }

  /** What was gathered, by table and key, as comparable text (rows summing to nothing left out). */
  entries(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, sums] of this.calls) if (sums.some((v) => v !== 0)) out.set(`calls${SEP}${key}`, sums.join(','));
    for (const [key, n] of this.outcomes) if (n !== 0) out.set(`outcome${SEP}${key}`, String(n));
    for (const [key, n] of this.categories) if (n !== 0) out.set(`category${SEP}${key}`, String(n));
    for (const [key, entry] of this.stages) if (entry.n !== 0) out.set(`stage${SEP}${key}`, `${entry.n},${entry.seconds}`);
    return out;
  }

  clear(): void {
    this.calls.clear();
    this.outcomes.clear();
    this.categories.clear();
    this.stages.clear();
  }

  /** Writes the gathered changes (inside the caller's transaction) and forgets them. */
  flush(index: CallIndex): void {
    const columns = CALL_SUMS.map(([c]) => c);
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
    this.clear();
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Every rollup made again from the call rows (after a build, or by `doctor --fix`). */
export function rebuildRollups(index: CallIndex): void {
  index.db.exec('DELETE FROM day_calls; DELETE FROM day_outcomes; DELETE FROM day_categories; DELETE FROM day_stages;');
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
  const columns = CALL_SUMS.map(([c]) => c).join(', ');
  for (const row of index.sql(`SELECT agent_key, day, ${columns} FROM day_calls`).iterate()) {
    const sums = CALL_SUMS.map(([c]) => row[c] as number);
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
  // Seconds are summed in another order here: equal to a millionth of a second.
  const same = (a: string | undefined, b: string) =>
    a !== undefined && a.split(',').every((x, i) => Math.abs(Number(x) - Number(b.split(',')[i])) <= 1e-6 * Math.max(1, Math.abs(Number(x))));
  for (const [key, value] of want) if (!same(have.get(key), value)) return `${key.split(SEP).join(' ')}: ${have.get(key) ?? 'missing'} where the calls add up to ${value}`;
  for (const key of have.keys()) if (!want.has(key)) return `${key.split(SEP).join(' ')}: no call adds up to it`;
  return undefined;
}
