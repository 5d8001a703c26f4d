/**
 * `doctor`'s look at the index of calls: SQLite's own check of every page, the full-text
 * index's, each row's checksum, the rollups against the rows, and the index's list of
 * files against the files found on disk. Any failure is one line; `doctor --fix` rebuilds.
 */
import { summaryChecksum } from './indexRows.js';
import type { CallIndex } from './callIndex.js';

export function verifyIndex(index: CallIndex, onDisk: { good: ReadonlySet<string>; bad: ReadonlySet<string> }): string | undefined {
  const integrity = index.sql('PRAGMA integrity_check').all().map((row) => String(Object.values(row)[0]));
  if (integrity.join() !== 'ok') return `SQLite finds it damaged (${integrity[0]})`;
  try {
    index.sql("INSERT INTO call_text(call_text, rank) VALUES ('integrity-check', 0)").run();
  } catch (error) {
    return `its full-text index is damaged (${(error as Error).message})`;
  }
  let rows = 0;
  for (const row of index.sql('SELECT id, summary, crc FROM calls').iterate()) {
    rows += 1;
    if (summaryChecksum(row.summary as string) !== row.crc) return `the row of call ${String(row.id)} fails its checksum`;
  }
  const sums = index.sql(
    `SELECT (SELECT coalesce(sum(calls), 0) FROM day_calls) AS rolled,
            (SELECT coalesce(sum(n), 0) FROM day_outcomes) AS outcomes, (SELECT count(outcome) FROM calls) AS outcomeRows,
            (SELECT coalesce(sum(n), 0) FROM day_stages) AS stages, (SELECT coalesce(sum(json_array_length(stages)), 0) FROM calls) AS stageRows`,
  ).get()!;
  if (sums.rolled !== rows || sums.outcomes !== sums.outcomeRows || sums.stages !== sums.stageRows) return 'its totals for stats do not add up to its rows';
  const good = new Set<string>();
  const bad = new Set<string>();
  for (const row of index.sql('SELECT id, problem FROM files').iterate()) (row.problem === null ? good : bad).add(row.id as string);
  const missing = [...onDisk.good].filter((id) => !good.has(id));
  const extra = [...good].filter((id) => !onDisk.good.has(id));
  if (missing.length + extra.length > 0 || good.size !== rows) {
    return `it lists ${good.size} readable calls where the files hold ${onDisk.good.size}${missing[0] ? ` (${missing[0]} is missing from it)` : extra[0] ? ` (${extra[0]} has no file)` : ''}`;
  }
  const badMissing = [...onDisk.bad].filter((id) => !bad.has(id));
  if (badMissing.length > 0) return `it does not know that ${badMissing[0]} is damaged`;
  return undefined;
}
