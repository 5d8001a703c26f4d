/**
 * Team databases for the team tests, on the run's throwaway PostgreSQL (tests/teamServer.ts,
 * started by globalSetup): each test file makes its own database, set up as a team does
 * (the README, Team): the group roles, an owner role owning the database, `csr-call team
 * migrate` as the owner, agents' and a lead's login roles with passwords.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe } from 'vitest';
import type { TestServer } from './teamServer.js';
import { runCli, tempDir } from './helpers.js';

export const server: TestServer | undefined = process.env.CSR_CALL_TEST_PG ? (JSON.parse(process.env.CSR_CALL_TEST_PG) as TestServer) : undefined;

/** `describe`, or skipped when the run has no server (globalSetup said so in one line; under CI it failed the run). */
export function describeTeam(name: string, body: () => void): void {
  if (server) describe(name, body);
  else describe.skip(name, body);
}

export const PASSWORD = 'pw-Secret-71';

/** A connection with pg's `query(text, params)` shape: the tests' SQL reads as SQL. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
  end(): Promise<void>;
}

export function sqlClient(options: string | { host: string; port: number; user: string; database: string }): SqlClient {
  const common = { max: 1, onnotice: () => undefined, fetch_types: false };
  const sql = typeof options === 'string' ? postgres(options, common) : postgres({ ...common, ...options });
  return {
    async query(text, params = []) {
      const rows = await sql.unsafe(text, params as never[]);
      return { rows: Array.from(rows), rowCount: rows.count ?? rows.length };
    },
    end: () => sql.end({ timeout: 1 }),
  };
}

/** A client as the cluster's superuser (over the socket). */
export async function adminClient(database = 'postgres'): Promise<SqlClient> {
  return sqlClient({ host: server!.socketDir, port: server!.port, user: server!.admin, database });
}

async function ignoreExisting(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    // Roles are the cluster's: another test file may have made the same one a moment ago.
    if (!['42710', '23505', 'XX000'].includes((error as { code?: string }).code ?? '')) throw error;
  }
}

export interface TeamDbFixture {
  name: string;
  owner: string;
  /** The connection URL for `role` (with the password in it, as a test may). */
  url: (role: string, password?: string) => string;
  /** The URL without a password: .pgpass or PGPASSWORD gives it. */
  bareUrl: (role: string) => string;
  admin: SqlClient;
  /** Runs csr-call as `agent` (their role, their data directory). */
  cli: (agent: string, args: string[], extra?: { env?: Record<string, string>; dataDir?: string }) => ReturnType<typeof runCli>;
  dataDirOf: (agent: string) => string;
  close: () => Promise<void>;
}

/** A fresh team database with agents `agents` and leads `leads`, migrated by its owner. */
export async function makeTeamDb(agents: string[], leads: string[] = []): Promise<TeamDbFixture> {
  const name = `team_${randomBytes(4).toString('hex')}`;
  const owner = `owner_${name.slice(5)}`;
  const root = await adminClient();
  await ignoreExisting(() => root.query('CREATE ROLE csr_call_agent NOLOGIN'));
  await ignoreExisting(() => root.query('CREATE ROLE csr_call_lead NOLOGIN'));
  await root.query(`CREATE ROLE ${owner} LOGIN PASSWORD '${PASSWORD}'`);
  for (const role of [...agents, ...leads]) await ignoreExisting(() => root.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`));
  for (const role of agents) await ignoreExisting(() => root.query(`GRANT csr_call_agent TO ${role}`));
  for (const role of leads) await ignoreExisting(() => root.query(`GRANT csr_call_lead TO ${role}`));
  await root.query(`CREATE DATABASE ${name} OWNER ${owner}`);
  await root.end();
  const url = (role: string, password = PASSWORD) => `postgresql://${role}:${encodeURIComponent(password)}@${server!.host}:${server!.port}/${name}`;
  const bareUrl = (role: string) => `postgresql://${role}@${server!.host}:${server!.port}/${name}`;
  const base = tempDir('csr-team-db-');
  const dataDirOf = (agent: string) => `${base}/${agent}`;
  const cli: TeamDbFixture['cli'] = (agent, args, extra = {}) =>
    runCli(args, { env: { CSR_CALL_HOME: extra.dataDir ?? dataDirOf(agent), CSR_CALL_AGENT: agent, CSR_CALL_TEAM_DB: url(agent), ...extra.env } });
  const migrated = runCli(['team', 'migrate'], { env: { CSR_CALL_TEAM_DB: url(owner), CSR_CALL_HOME: dataDirOf(owner) } });
  if (migrated.status !== 0) throw new Error(`team migrate failed: ${migrated.stderr}`);
  const admin = await adminClient(name);
  return {
    name,
    owner,
    url,
    bareUrl,
    admin,
    cli,
    dataDirOf,
    close: async () => {
      await admin.end();
    },
  };
}

/** A standard-playbook call with a promise whose check is due at `due` (a follow-up). */
export function answersWithFollowUp(customer: string, due: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'identify.name': customer,
    'identify.phone': `+1 555 ${String(Math.floor(Math.random() * 900) + 100)} ${String(Math.floor(Math.random() * 9000) + 1000)}`,
    'identify.mood': 'upset',
    'listen.story': `${customer} was charged twice for November.`,
    'readback.paraphrase': 'Charged twice; wants one charge refunded.',
    'decide.path': 'solve',
    'resolve.done': 'Refund of the second charge issued.',
    'outcome.code': 'resolved',
    'outcome.mood': 'calm',
    'promise.made': true,
    'promise.what': 'Refund within 5 days',
    'promise.due': due,
    'wrapup.category': 'billing',
    ...extra,
  };
}
