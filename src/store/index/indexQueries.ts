/**
 * The questions the lists ask of the index: each one SQL query over indexed columns, the
 * rows' summaries checked against their checksums.
 */
import { join } from 'node:path';
import type { CallSummary, DamagedFile } from '../../domain/callSummary.js';
import { accountKey, customerKeys, looksLikeCustomer, nameKey, phonesMatch, phoneTail, type Customer } from '../../domain/customerKeys.js';
import { agentKey } from '../../domain/agents.js';
import { closestMatch } from '../../text/closestMatch.js';
import { callsRoot } from '../../paths.js';
import { IndexDamagedError, type CallIndex, type FileStamp } from './callIndex.js';
import { SHOWN_ROW } from './indexRows.js';
import type { SqlRow, SqlValue } from './sqlite.js';

/** Rows to summaries; a row failing its checksum stops the query (its call is read again, then the query rerun). */
function summariesOf(index: CallIndex, rows: Iterable<SqlRow>): CallSummary[] {
  const out: CallSummary[] = [];
  const damaged: string[] = [];
  for (const row of rows) {
    try {
      out.push(JSON.parse(index.checkedSummary(row)) as CallSummary);
    } catch (error) {
      if (!(error instanceof IndexDamagedError) && !(error instanceof SyntaxError)) throw error;
      damaged.push(row.id as string);
    }
  }
  if (damaged.length > 0) throw new IndexDamagedError(`${damaged.length} damaged index rows`, damaged);
  return out;
}

/**
 * The agent whose name `agent` looks like a typo of, when `agent` has no call in the store
 * and one agent's name is that close ('amria' for amira); else undefined. Asked when a
 * filter by agent found nothing.
 */
export function agentNameLike(index: CallIndex, agent: string): string | undefined {
  const key = agentKey(agent);
  if (index.sql('SELECT 1 AS found FROM calls WHERE agent_key = ? LIMIT 1').get(key)) return undefined;
  return closestMatch(key, knownAgents(index).map((known) => known.agent));
}

/** Every agent with calls in the store (as a name is compared: agentKey), with how many, most calls first. */
export function knownAgents(index: CallIndex): Array<{ agent: string; calls: number }> {
  return index
    .sql('SELECT agent_key AS agent, count(*) AS calls FROM calls GROUP BY agent_key ORDER BY calls DESC, agent_key')
    .all()
    .map((row) => ({ agent: row.agent as string, calls: row.calls as number }));
}

export interface OpenFollowUps {
  /** Calls with at least one open follow-up, newest first. */
  calls: CallSummary[];
  /** For every customer key of those calls: how many calls in the whole store carry it. */
  callsPerCustomer: Map<string, number>;
}

/** The calls with open follow-ups (of one owner, or everyone's), and how often their customers called. */
export function openFollowUps(index: CallIndex, owner?: string): OpenFollowUps {
  const rows =
    owner === undefined
      ? index.sql(`SELECT ${SHOWN_ROW} FROM calls WHERE n IN (SELECT call FROM open_followups) ORDER BY started DESC, id DESC`).iterate()
      : index.sql(`SELECT ${SHOWN_ROW} FROM calls WHERE n IN (SELECT call FROM open_followups WHERE owner_key = ?) ORDER BY started DESC, id DESC`).iterate(agentKey(owner));
  const calls = summariesOf(index, rows);
  const callsPerCustomer = new Map<string, number>();
  for (const call of calls) {
    for (const key of customerKeys(call.customer)) {
      if (callsPerCustomer.has(key)) continue;
      const column = key.startsWith('p:') ? 'phone_key' : 'account_key';
      const count = index.sql(`SELECT count(*) AS n FROM calls WHERE ${column} = ?`).get(key.slice(2))?.n as number;
      callsPerCustomer.set(key, count);
    }
  }
  return { calls, callsPerCustomer };
}

export interface CallFilter {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Part of the customer's name (case and accents ignored). */
  customer?: string;
  phone?: string;
  status?: 'in-progress' | 'completed';
  outcome?: string;
  category?: string;
  agent?: string;
  limit?: number;
}

/** `list`: the calls matching every filter given, newest first. */
export function listCalls(index: CallIndex, filter: CallFilter): CallSummary[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.from) add('started >= ?', filter.from.getTime());
  if (filter.to) add('started < ?', filter.to.getTime());
  if (filter.status) add('completed = ?', filter.status === 'completed' ? 1 : 0);
  if (filter.agent !== undefined) add('agent_key = ?', agentKey(filter.agent));
  // The outcome column is a completed call's (what stats counts); a call still in progress
  // may have answered it already, and the list shows it: found too.
  if (filter.outcome !== undefined) {
    add("(outcome = ? COLLATE NOCASE OR (completed = 0 AND trim(json_extract(summary, '$.outcome')) = ? COLLATE NOCASE))", filter.outcome.trim(), filter.outcome.trim());
  }
  if (filter.category !== undefined) add('category_key = ?', filter.category.trim().toLowerCase());
  // A number is looked up by its last seven digits, then compared whole (phonesMatch).
  if (filter.phone !== undefined) add('substr(phone_key, -7) = ? AND phone_key IS NOT NULL', phoneTail(filter.phone) ?? '');
  if (filter.customer !== undefined) add("name_key LIKE ? ESCAPE '\\'", `%${likeText(nameKey(filter.customer) ?? '')}%`);
  // With a phone the rows are compared after the query: the limit with them.
  const sqlLimit = filter.limit !== undefined && filter.phone === undefined;
  const sql = `SELECT ${SHOWN_ROW} FROM calls${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started DESC, id DESC${sqlLimit ? ' LIMIT ?' : ''}`;
  if (sqlLimit) params.push(filter.limit!);
  const calls = summariesOf(index, index.sql(sql).iterate(...params));
  if (filter.phone === undefined) return calls;
  const matching = calls.filter((call) => phonesMatch(filter.phone, call.customer.phone));
  return filter.limit === undefined ? matching : matching.slice(0, filter.limit);
}

function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** The calls of the customer being looked up (their phone as `phonesMatch` says, or their account), newest first. */
export function customerCalls(index: CallIndex, customer: Customer): CallSummary[] {
  const tail = phoneTail(customer.phone) ?? null;
  const account = accountKey(customer.account) ?? null;
  if (tail === null && account === null) return [];
  const rows = index
    .sql(`SELECT ${SHOWN_ROW} FROM calls WHERE (substr(phone_key, -7) = ? AND phone_key IS NOT NULL) OR account_key = ? ORDER BY started DESC, id DESC`)
    .iterate(tail, account);
  return summariesOf(index, rows).filter((call) => looksLikeCustomer(customer, call.customer));
}

/** Calls still in progress (of one agent, or everyone's), newest first. */
export function unfinishedCalls(index: CallIndex, agent?: string): CallSummary[] {
  const rows =
    agent === undefined
      ? index.sql(`SELECT ${SHOWN_ROW} FROM calls WHERE completed = 0 ORDER BY started DESC, id DESC`).iterate()
      : index.sql(`SELECT ${SHOWN_ROW} FROM calls WHERE completed = 0 AND agent_key = ? ORDER BY started DESC, id DESC`).iterate(agentKey(agent));
  return summariesOf(index, rows);
}

/** Call files that could not be used, newest first (optionally only those of calls started in a range). */
export function damagedFiles(index: CallIndex, range: { fromId?: string; toId?: string } = {}): DamagedFile[] {
  const root = callsRoot(index.dataDir);
  const out: DamagedFile[] = [];
  for (const row of index.sql('SELECT id, dir, problem FROM files WHERE problem IS NOT NULL ORDER BY id DESC').iterate()) {
    const id = row.id as string;
    if (range.fromId !== undefined && id < range.fromId) continue;
    if (range.toId !== undefined && id >= range.toId) continue;
    out.push({ path: join(root, row.dir as string, `${id}.json`), problem: row.problem as string });
  }
  return out;
}

/** Full ids of the calls whose id ends in `-<short>`. */
export function idsEndingIn(index: CallIndex, short: string): string[] {
  return index.sql('SELECT id FROM files WHERE substr(id, 17) = ? ORDER BY id').all(short).map((r) => r.id as string);
}

/** The stamps at which the index took each file of a month for a good call: export reads those without checking them again. */
export function checkedStamps(index: CallIndex, month: string): Map<string, FileStamp> {
  const out = new Map<string, FileStamp>();
  const dir = month.replace('-', '/');
  for (const row of index.sql("SELECT id, size, mtime, ino FROM files WHERE dir >= ? AND dir < ? AND problem IS NULL").iterate(`${dir}/`, `${dir}/~`)) {
    out.set(row.id as string, { size: row.size as number, mtime: row.mtime as number, ino: row.ino as number });
  }
  return out;
}

/** Readable calls in the index. */
export function callCount(index: CallIndex): number {
  return index.sql('SELECT count(*) AS n FROM calls').get()?.n as number;
}

export interface SearchScope {
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Only this agent's calls; undefined: everyone's. */
  agent?: string;
  limit: number;
}

export interface SearchHit {
  call: CallSummary;
  /** Where the words were found, with them between `HIT_START` and `HIT_END`. */
  snippet: string;
  /** bm25 of the match: lower is better. */
  rank: number;
}

/** Marks around a matching word in a snippet (control characters: never in a call's text as shown). */
export const HIT_START = '\u0001';
export const HIT_END = '\u0002';

/** Full-text search over what was said and done in the calls, best first. */
export function searchCalls(index: CallIndex, match: string, scope: SearchScope): SearchHit[] {
  index.bringTextUpToDate();
  const where = ['call_text MATCH ?'];
  const params: SqlValue[] = [match];
  if (scope.agent !== undefined) {
    where.push('c.agent_key = ?');
    params.push(agentKey(scope.agent));
  }
  if (scope.from) {
    where.push('c.started >= ?');
    params.push(scope.from.getTime());
  }
  if (scope.to) {
    where.push('c.started < ?');
    params.push(scope.to.getTime());
  }
  const rows = index
    .sql(
      `SELECT ${SHOWN_ROW.split(', ').map((column) => `c.${column}`).join(', ')}, snippet(call_text, -1, '${HIT_START}', '${HIT_END}', '…', 14) AS snippet, call_text.rank AS rank
       FROM call_text JOIN calls AS c ON c.n = call_text.rowid WHERE ${where.join(' AND ')} ORDER BY call_text.rank LIMIT ?`,
    )
    .all(...params, scope.limit);
  const calls = summariesOf(index, rows);
  return rows.map((row, i) => ({ call: calls[i]!, snippet: row.snippet as string, rank: row.rank as number }));
}
