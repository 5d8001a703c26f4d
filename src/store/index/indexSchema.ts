/**
 * The tables of the index of calls (SQLite). Derived data only: the call files are the
 * truth, and a missing, damaged or other-version index is rebuilt from them.
 *
 * - `dirs`, `files`: the stamps the index was brought up to date at, per folder and per
 *   call file (changes by other agents and programs are found by comparing them).
 * - `calls`: one row per readable call: what the lists show (`summary`, JSON, with a
 *   checksum), the columns filters and stats ask about, the customer's keys.
 * - `open_followups`: the follow-ups still open (the morning list).
 * - `promise_deadlines`: the promises still open, one row each (`calls.open_promises` laid
 *   out as rows, with the solution chosen): stats count them broken or pending as of now.
 * - `call_text`: full text (FTS5) of what was said and done, for `search`.
 * - `pending_text`: the new text of calls changed since theirs went into `call_text`,
 *   moved there before a search (changing a full-text document costs milliseconds).
 * - `day_*`: per agent and day (in the index's time zone), the sums `stats` adds up, kept
 *   up as calls change (rollups.ts), so stats never walk every call; `day_counts` holds
 *   the counters of the craft (coaching, holds, solutions, promises, causes), and
 *   `total_counts` the same over all days.
 */

/** Bump when any table or the rows' checksum changes: an index of another version is rebuilt. */
export const INDEX_SCHEMA_VERSION = 10;

export const CREATE_TABLES = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE dirs(path TEXT PRIMARY KEY, stamp REAL NOT NULL) WITHOUT ROWID;

CREATE TABLE files(
  id TEXT PRIMARY KEY,
  dir TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime REAL NOT NULL,
  ino REAL NOT NULL,
  problem TEXT
) WITHOUT ROWID;
-- Covering: the stamps of a folder that changed are read from this index alone.
CREATE INDEX files_dir ON files(dir, size, mtime, ino);
CREATE INDEX files_damaged ON files(id) WHERE problem IS NOT NULL;
-- The six characters agents type for a call (k3v9q2).
CREATE INDEX files_short ON files(substr(id, 17));

CREATE TABLE calls(
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  agent_key TEXT NOT NULL,
  started INTEGER NOT NULL,
  day INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  playbook TEXT NOT NULL,
  outcome TEXT,
  category_key TEXT,
  category TEXT,
  phone_key TEXT,
  account_key TEXT,
  name_key TEXT,
  customer INTEGER,
  duration REAL,
  resolved INTEGER NOT NULL,
  repeat_contact INTEGER NOT NULL DEFAULT 0,
  handed_off INTEGER NOT NULL,
  upset INTEGER NOT NULL,
  turned INTEGER NOT NULL,
  fu_on_time INTEGER NOT NULL,
  fu_late INTEGER NOT NULL,
  fu_cancelled INTEGER NOT NULL,
  fu_open INTEGER NOT NULL,
  stages TEXT,
  summary TEXT NOT NULL,
  crc INTEGER NOT NULL,
  -- The checksum of id and summary alone, what the lists read (indexRows.ts SHOWN_ROW).
  shown_crc INTEGER NOT NULL,
  -- The craft of the call (issue 16): coaching, holds, solutions, promises, empathy (JSON; indexRows.ts CraftColumn).
  craft TEXT,
  cause_key TEXT,
  cause TEXT,
  -- Deadlines (ms) of the call's promises still open (JSON): broken once passed.
  open_promises TEXT
);

CREATE TABLE open_followups(
  id TEXT PRIMARY KEY,
  call INTEGER NOT NULL,
  owner_key TEXT NOT NULL,
  due INTEGER NOT NULL,
  deadline INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX open_followups_call ON open_followups(call);

-- In the order stats group them (a scan without a sort); the call's, to replace them.
CREATE TABLE promise_deadlines(
  agent_key TEXT NOT NULL,
  solution TEXT NOT NULL,
  call INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  n INTEGER NOT NULL,
  started INTEGER NOT NULL,
  PRIMARY KEY(agent_key, solution, call, deadline)
) WITHOUT ROWID;
CREATE INDEX promise_deadlines_call ON promise_deadlines(call);

CREATE VIRTUAL TABLE call_text USING fts5(
  problem, facts, options, resolution, handoff, queries, notes,
  tokenize = 'unicode61 remove_diacritics 2'
);
-- Deleted text is removed from the full-text index at once, not left for a later merge.
INSERT INTO call_text(call_text, rank) VALUES ('secure-delete', 1);
-- A changed call's text (n: calls.n), waiting to replace its document in call_text.
CREATE TABLE pending_text(
  n INTEGER PRIMARY KEY,
  problem TEXT, facts TEXT, options TEXT, resolution TEXT, handoff TEXT, queries TEXT, notes TEXT
);

-- What stats add up, per agent and day (in the index's zone): kept by rollups.ts.
CREATE TABLE day_calls(
  agent_key TEXT NOT NULL, day INTEGER NOT NULL,
  calls INTEGER NOT NULL, completed INTEGER NOT NULL, resolved INTEGER NOT NULL, first_contact INTEGER NOT NULL,
  handed_off INTEGER NOT NULL, upset INTEGER NOT NULL, turned INTEGER NOT NULL,
  fu_on_time INTEGER NOT NULL, fu_late INTEGER NOT NULL, fu_cancelled INTEGER NOT NULL, fu_open INTEGER NOT NULL,
  PRIMARY KEY(agent_key, day)
) WITHOUT ROWID;
CREATE TABLE day_outcomes(agent_key TEXT NOT NULL, day INTEGER NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(agent_key, day, outcome)) WITHOUT ROWID;
CREATE TABLE day_categories(agent_key TEXT NOT NULL, day INTEGER NOT NULL, category_key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(agent_key, day, category_key)) WITHOUT ROWID;
-- Counters of the craft (issue 16), by kind and up to two keys (a solution and a category,
-- a coaching rule, a cause and a category): what each kind counts is said in rollups.ts.
CREATE TABLE day_counts(
  agent_key TEXT NOT NULL, day INTEGER NOT NULL, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(agent_key, day, kind, a, b)
) WITHOUT ROWID;
CREATE TABLE day_stages(
  agent_key TEXT NOT NULL, day INTEGER NOT NULL, playbook TEXT NOT NULL, stage TEXT NOT NULL,
  position INTEGER NOT NULL, n INTEGER NOT NULL, seconds REAL NOT NULL,
  PRIMARY KEY(agent_key, day, playbook, stage)
) WITHOUT ROWID;
-- day_counts summed over all days (rollups.ts): the solutions' records asked at the
-- options step, by category, and stats over all time read a few rows, not every day's.
CREATE TABLE total_counts(
  kind TEXT NOT NULL, b TEXT NOT NULL, a TEXT NOT NULL, agent_key TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(kind, b, a, agent_key)
) WITHOUT ROWID;
`;

/**
 * The indexes on calls and the day sums for the questions asked of them. Made after the
 * rows when the whole index is built at once (an index made in one go is several times
 * cheaper than one kept up row by row).
 */
export const CALL_INDEXES = `
CREATE INDEX IF NOT EXISTS calls_started ON calls(started);
CREATE INDEX IF NOT EXISTS calls_agent ON calls(agent_key, started);
CREATE INDEX IF NOT EXISTS calls_unfinished ON calls(agent_key, started) WHERE completed = 0;
CREATE INDEX IF NOT EXISTS calls_phone ON calls(phone_key, started) WHERE phone_key IS NOT NULL;
-- A number looked up as typed ('555 0100' for '+1 555 0100'): by its last seven digits.
CREATE INDEX IF NOT EXISTS calls_phone_tail ON calls(substr(phone_key, -7), started) WHERE phone_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_account ON calls(account_key, started) WHERE account_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_name ON calls(name_key) WHERE name_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_category ON calls(category_key, started) WHERE category_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_customer ON calls(customer, agent_key, started) WHERE customer IS NOT NULL;
-- stats' repeat callers of one agent: their customers in order, from the index alone.
CREATE INDEX IF NOT EXISTS calls_agent_customer ON calls(agent_key, customer, started) WHERE customer IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_duration ON calls(agent_key, duration) WHERE duration IS NOT NULL;
CREATE INDEX IF NOT EXISTS calls_cause ON calls(cause_key, started) WHERE cause_key IS NOT NULL;
-- Stats of every agent group the day sums by what they count: these hold the rows in
-- that order (a scan without a sort: 30-35 ms less each at 300k calls over three years).
CREATE INDEX IF NOT EXISTS day_outcomes_by ON day_outcomes(outcome, day, agent_key, n);
CREATE INDEX IF NOT EXISTS day_categories_by ON day_categories(category_key, day, agent_key, n);
CREATE INDEX IF NOT EXISTS day_counts_by ON day_counts(kind, a, b, day, agent_key, n);
CREATE INDEX IF NOT EXISTS day_stages_by ON day_stages(playbook, stage, day, agent_key, position, n, seconds);
`;

export const DROP_CALL_INDEXES = [...CALL_INDEXES.matchAll(/INDEX IF NOT EXISTS (\w+)/g)].map((m) => `DROP INDEX IF EXISTS ${m[1]};`).join('\n');

