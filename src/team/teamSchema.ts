/**
 * The team database's schema, as numbered migrations applied in order by
 * `csr-call team migrate` (each in the one transaction that records it in
 * `csr_call.schema_migrations`). Never edit a published step: add the next one.
 *
 * Who sees what (row-level security; csr-call connects as the agent's own role):
 * - `csr_call_agent`: reads and writes the rows of their own calls (the role's name is the
 *   agent's name, lower case); reads every follow-up of the team (what a callback needs:
 *   the text, when, the customer's name and phone, never the call's notes); changes a
 *   follow-up of another agent's call only when it is the team's, theirs, or overdue past
 *   the team's grace; records what they did in `followup_events`.
 * - `csr_call_lead`: reads and writes everything (the lead's view, forget and purge for all).
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const AGENT_ROLE = 'csr_call_agent';
export const LEAD_ROLE = 'csr_call_lead';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'calls, follow-ups and their history, with row-level security',
    sql: `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AGENT_ROLE}') THEN CREATE ROLE ${AGENT_ROLE} NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${LEAD_ROLE}') THEN CREATE ROLE ${LEAD_ROLE} NOLOGIN; END IF;
END $$;

GRANT USAGE ON SCHEMA csr_call TO ${AGENT_ROLE}, ${LEAD_ROLE};

CREATE TABLE csr_call.settings(key text PRIMARY KEY, value text NOT NULL);
INSERT INTO csr_call.settings VALUES ('claim_grace_minutes', '120');
GRANT SELECT ON csr_call.settings TO ${AGENT_ROLE}, ${LEAD_ROLE};
GRANT UPDATE ON csr_call.settings TO ${LEAD_ROLE};

-- How long after its due time an agent's follow-up may be claimed by the team.
CREATE FUNCTION csr_call.claim_grace() RETURNS interval LANGUAGE sql STABLE AS
  $$ SELECT make_interval(mins => value::int) FROM csr_call.settings WHERE key = 'claim_grace_minutes' $$;

CREATE TABLE csr_call.calls(
  id text PRIMARY KEY,
  agent_key text NOT NULL,
  revision integer NOT NULL,
  started timestamptz NOT NULL,
  completed boolean NOT NULL,
  playbook text NOT NULL,
  outcome text,
  category_key text,
  category text,
  phone_key text,
  account_key text,
  name_key text,
  duration double precision,
  resolved boolean NOT NULL,
  handed_off boolean NOT NULL,
  upset boolean NOT NULL,
  turned boolean NOT NULL,
  fu_on_time integer NOT NULL,
  fu_late integer NOT NULL,
  fu_cancelled integer NOT NULL,
  fu_open integer NOT NULL,
  stages jsonb,
  summary jsonb NOT NULL,
  record jsonb NOT NULL,
  -- What search --team looks through: the call's text, accents and case folded (teamRows.ts).
  search_text text NOT NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_agent ON csr_call.calls(agent_key, started);
CREATE INDEX calls_started ON csr_call.calls(started);
CREATE INDEX calls_phone ON csr_call.calls(phone_key, started) WHERE phone_key IS NOT NULL;
CREATE INDEX calls_account ON csr_call.calls(account_key, started) WHERE account_key IS NOT NULL;
CREATE INDEX calls_name ON csr_call.calls(name_key) WHERE name_key IS NOT NULL;
CREATE INDEX calls_category ON csr_call.calls(category_key, started) WHERE category_key IS NOT NULL;
CREATE INDEX calls_search ON csr_call.calls USING gin(search);

CREATE TABLE csr_call.followups(
  id text PRIMARY KEY,
  call_id text NOT NULL REFERENCES csr_call.calls(id) ON DELETE CASCADE,
  call_agent text NOT NULL,
  owner text,
  status text NOT NULL,
  due timestamptz NOT NULL,
  all_day boolean NOT NULL,
  time_zone text,
  text text NOT NULL,
  repeat_days integer,
  customer_name text,
  customer_phone text,
  customer_account text,
  revision integer NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX followups_call ON csr_call.followups(call_id);
-- What agents type: the call id's last six characters and the follow-up's number (k3v9q2.f1).
CREATE INDEX followups_short ON csr_call.followups(substr(id, 17));
CREATE INDEX followups_open ON csr_call.followups((owner IS NOT NULL), due) WHERE status = 'open';

-- What teammates did to follow-ups, in order; applied_revision: the revision of the call
-- file that took it in (null until the call's agent's csr-call has).
CREATE TABLE csr_call.followup_events(
  seq bigserial PRIMARY KEY,
  followup_id text NOT NULL,
  call_id text NOT NULL REFERENCES csr_call.calls(id) ON DELETE CASCADE,
  call_agent text NOT NULL,
  at timestamptz NOT NULL,
  by_agent text NOT NULL,
  action text NOT NULL,
  owner text,
  note text,
  due timestamptz,
  previous_due timestamptz,
  all_day boolean,
  time_zone text,
  last boolean,
  next_id text,
  next_due timestamptz,
  applied_revision integer
);
CREATE INDEX followup_events_pending ON csr_call.followup_events(call_agent, call_id) WHERE applied_revision IS NULL;
CREATE INDEX followup_events_followup ON csr_call.followup_events(followup_id);

ALTER TABLE csr_call.calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE csr_call.followups ENABLE ROW LEVEL SECURITY;
ALTER TABLE csr_call.followup_events ENABLE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE, DELETE ON csr_call.calls, csr_call.followups TO ${AGENT_ROLE}, ${LEAD_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON csr_call.followup_events TO ${AGENT_ROLE}, ${LEAD_ROLE};
GRANT USAGE ON SEQUENCE csr_call.followup_events_seq_seq TO ${AGENT_ROLE}, ${LEAD_ROLE};
GRANT SELECT ON csr_call.schema_migrations TO ${AGENT_ROLE}, ${LEAD_ROLE};

CREATE POLICY calls_own ON csr_call.calls TO ${AGENT_ROLE}
  USING (agent_key = current_user) WITH CHECK (agent_key = current_user);
CREATE POLICY calls_lead ON csr_call.calls TO ${LEAD_ROLE} USING (true) WITH CHECK (true);

CREATE POLICY followups_read ON csr_call.followups FOR SELECT TO ${AGENT_ROLE} USING (true);
CREATE POLICY followups_own_call ON csr_call.followups TO ${AGENT_ROLE}
  USING (call_agent = current_user) WITH CHECK (call_agent = current_user);
CREATE POLICY followups_team_work ON csr_call.followups FOR UPDATE TO ${AGENT_ROLE}
  USING (status = 'open' AND (owner IS NULL OR owner = current_user OR (owner = call_agent AND due < now() - csr_call.claim_grace())))
  WITH CHECK (owner IS NULL OR owner = current_user);
CREATE POLICY followups_next ON csr_call.followups FOR INSERT TO ${AGENT_ROLE} WITH CHECK (owner = current_user);
CREATE POLICY followups_lead ON csr_call.followups TO ${LEAD_ROLE} USING (true) WITH CHECK (true);

CREATE POLICY events_read ON csr_call.followup_events FOR SELECT TO ${AGENT_ROLE} USING (true);
CREATE POLICY events_write ON csr_call.followup_events FOR INSERT TO ${AGENT_ROLE} WITH CHECK (by_agent = current_user);
CREATE POLICY events_apply ON csr_call.followup_events FOR UPDATE TO ${AGENT_ROLE}
  USING (call_agent = current_user) WITH CHECK (call_agent = current_user);
CREATE POLICY events_lead ON csr_call.followup_events TO ${LEAD_ROLE} USING (true) WITH CHECK (true);
`,
  },
  {
    version: 2,
    description: "the craft's facts of each call (issue 16), for stats --team and stats --team --causes",
    // Rows already there have no facts (facts_version 0): each agent's next `team sync`
    // sends them again with their facts (teamFullSync.ts); the rules stay in one place
    // (domain/callFacts.ts), not written again in SQL here.
    sql: `
ALTER TABLE csr_call.calls
  ADD COLUMN craft jsonb,
  ADD COLUMN facts_version integer NOT NULL DEFAULT 0;
-- A cause is shown as the earliest call with it wrote it.
CREATE INDEX calls_cause ON csr_call.calls((craft->>'causeKey'), started) WHERE (craft->>'causeKey') IS NOT NULL;
`,
  },
  {
    version: 3,
    description: 'list --team --phone finds a number however much of its prefix was typed (by its last seven digits)',
    sql: `
CREATE INDEX calls_phone_tail ON csr_call.calls(right(phone_key, 7), started) WHERE phone_key IS NOT NULL;
`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The bookkeeping every step is recorded in; made by the first `team migrate`. */
export const BOOKKEEPING = `
CREATE SCHEMA IF NOT EXISTS csr_call;
CREATE TABLE IF NOT EXISTS csr_call.schema_migrations(
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT current_user
);`;

/** The steps still to apply to a database at `current`. */
export function pendingMigrations(current: number, steps: readonly Migration[] = MIGRATIONS): Migration[] {
  return steps.filter((step) => step.version > current);
}
