/**
 * `doctor`'s look at the index of calls: SQLite's own check of every page, the full-text
 * index's, every row's checksum, the open follow-ups, customers, repeat contacts and
 * rollups worked out again from the rows, and the index's list of files against the files
 * found on disk. Any difference is one line; `doctor --fix` rebuilds the index.
 */
import type { CallSummary } from '../../domain/callSummary.js';
import { FIRST_CALL_WINDOW_MS } from '../../domain/callFacts.js';
import { CHECKED_ROW, openPromiseRows, rowChecksum, shownChecksum, type CallRow } from './indexRows.js';
import { groupCustomers, REPEAT_CONTACT } from './customerLinks.js';
import { rollupsDiffer } from './rollups.js';
import type { CallIndex } from './callIndex.js';

/** `onDisk.rows`: each good call file's row checksum as the file makes it now. */
export function verifyIndex(index: CallIndex, onDisk: { good: ReadonlySet<string>; bad: ReadonlySet<string>; rows?: ReadonlyMap<string, number> }): string | undefined {
  if (index.sql('SELECT 1 FROM pending_text WHERE n NOT IN (SELECT n FROM calls) LIMIT 1').get()) return 'it holds text waiting for the full-text index of a call it does not list';
  // The text waiting for the full-text index goes in first: the index is checked as a
  // search finds it, and no search run meanwhile changes it under the check.
  index.bringTextUpToDate();
  // A check made while another csr-call changed the full-text index can find it half
  // changed: a failed check is made again before it is believed.
  const damage = sqliteDamage(index);
  if (damage !== undefined && sqliteDamage(index) !== undefined) return damage;

  const openFollowUps = new Set<string>();
  const openPromises = new Set<string>();
  const promiseKey = (...parts: unknown[]) => JSON.stringify(parts);
  let rows = 0;
  for (const row of index.sql(`SELECT ${CHECKED_ROW}, shown_crc FROM calls`).iterate()) {
    rows += 1;
    if (rowChecksum(row) !== row.crc || shownChecksum(row) !== row.shown_crc) return `the row of call ${String(row.id)} fails its checksum`;
    // A file rewritten in place (same size and time) is not seen by the stamps: by its content.
    const fromFile = onDisk.rows?.get(row.id as string);
    if (fromFile !== undefined && fromFile !== row.crc) return `the row of call ${String(row.id)} is not what its file holds now (changed in place?)`;
    for (const followup of (JSON.parse(row.summary as string) as CallSummary).openFollowups) openFollowUps.add(followup.id);
    for (const p of openPromiseRows(row as Pick<CallRow, 'open_promises' | 'craft'>)) openPromises.add(promiseKey(row.id, row.agent_key, p.solution, p.deadline, p.n, row.started));
  }
  const listed = new Set(index.sql('SELECT id FROM open_followups').all().map((row) => row.id as string));
  if (listed.size !== openFollowUps.size || [...listed].some((id) => !openFollowUps.has(id))) return 'its open follow-ups are not those of its calls';
  const promiseRows = index.sql('SELECT c.id, p.agent_key, p.solution, p.deadline, p.n, p.started FROM promise_deadlines AS p LEFT JOIN calls AS c ON c.n = p.call').all();
  const promiseListed = (r: (typeof promiseRows)[number]) => openPromises.has(promiseKey(r.id, r.agent_key, r.solution, r.deadline, r.n, r.started));
  if (promiseRows.length !== openPromises.size || !promiseRows.every(promiseListed)) return 'its open promises are not those of its calls';

  // Customers: the same calls grouped together (the groups' names may differ).
  const members = index.sql('SELECT n, phone_key, account_key, customer FROM calls').all();
  const expected = groupCustomers(members);
  const nameOf = new Map<number, number>();
  for (const row of members) {
    const want = expected.get(row.n as number);
    if (want === undefined) {
      if (row.customer !== null) return `call ${String(row.n)} is linked to a customer without a phone or account`;
      continue;
    }
    const seen = nameOf.get(want);
    if (seen === undefined) nameOf.set(want, row.customer as number);
    else if (seen !== row.customer) return 'its links between a customer\u2019s calls are not those of the calls\u2019 keys';
  }
  if (new Set(nameOf.values()).size !== nameOf.size) return 'it links calls of different customers';
  const wrongRepeat = index.sql(`SELECT count(*) AS n FROM calls AS c WHERE c.repeat_contact != ${REPEAT_CONTACT}`).get(FIRST_CALL_WINDOW_MS, FIRST_CALL_WINDOW_MS)!.n;
  if (wrongRepeat !== 0) return `${String(wrongRepeat)} of its calls are marked as repeat contacts wrongly`;
  const rollups = rollupsDiffer(index);
  if (rollups) return `its totals for stats do not add up to its rows (${rollups})`;

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

/** What SQLite's own checks and the full-text index's find wrong, if anything. */
function sqliteDamage(index: CallIndex): string | undefined {
  const integrity = index.sql('PRAGMA integrity_check').all().map((row) => String(Object.values(row)[0]));
  if (integrity.join() !== 'ok') return `SQLite finds it damaged (${integrity[0]})`;
  try {
    index.sql("INSERT INTO call_text(call_text, rank) VALUES ('integrity-check', 0)").run();
  } catch (error) {
    return `its full-text index is damaged (${(error as Error).message})`;
  }
  return undefined;
}
