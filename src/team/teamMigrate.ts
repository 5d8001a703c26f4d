/**
 * `csr-call team migrate`: applies the schema steps the team database lacks, each in one
 * transaction that records it, under an advisory lock (two migrations at once: the second
 * waits, then finds nothing to do). Only the team's owner may: an agent's or a lead's role
 * is refused before anything is tried.
 */
import { OperationError } from '../errors.js';
import type { TeamDb } from './teamDb.js';
import { AGENT_ROLE, BOOKKEEPING, LATEST_SCHEMA_VERSION, LEAD_ROLE, MIGRATIONS, pendingMigrations, type Migration } from './teamSchema.js';
import { schemaVersion, whoAmI } from './teamSession.js';

export interface MigrateResult {
  from: number;
  applied: Migration[];
}

export async function migrateTeamDb(db: TeamDb): Promise<MigrateResult> {
  const me = await whoAmI(db);
  const [owner] = await db.query<{ owns: boolean }>(
    "SELECT pg_has_role(current_user, datdba, 'MEMBER') AS owns FROM pg_database WHERE datname = current_database()",
  );
  if (me.member && !me.superuser) {
    throw new OperationError(
      `csr-call team migrate changes the team database's tables: it is run as the role that owns the database, not as ${me.lead ? 'a lead' : 'an agent'} role (you are connected as ${me.role}); ask whoever set up the team database`,
    );
  }
  if (!me.superuser && !owner?.owns) {
    throw new OperationError(`csr-call team migrate needs the role that owns the team database (you are connected as ${me.role}); ask whoever set up the team database`);
  }
  const [roles] = await db.query<{ n: string; can: boolean }>(
    `SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN ('${AGENT_ROLE}', '${LEAD_ROLE}')) AS n, (SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user) AS can`,
  );
  if (Number(roles?.n) < 2 && !roles?.can && !me.superuser) {
    throw new OperationError(
      `the roles ${AGENT_ROLE} and ${LEAD_ROLE} do not exist yet and ${me.role} may not create roles: the server's administrator creates them first (CREATE ROLE ${AGENT_ROLE} NOLOGIN; CREATE ROLE ${LEAD_ROLE} NOLOGIN;), see the README, Team`,
    );
  }
  return db.transaction(async () => {
    await db.query("SELECT pg_advisory_xact_lock(hashtext('csr-call team migrate'))");
    const from = await schemaVersion(db);
    if (from > LATEST_SCHEMA_VERSION) {
      throw new OperationError(`the team database's schema is version ${from}, newer than this csr-call knows (${LATEST_SCHEMA_VERSION}): update csr-call`);
    }
    await db.query(BOOKKEEPING);
    const applied: Migration[] = [];
    for (const step of pendingMigrations(from, MIGRATIONS)) {
      await db.query(step.sql);
      await db.query('INSERT INTO csr_call.schema_migrations(version, description) VALUES ($1, $2)', [step.version, step.description]);
      applied.push(step);
    }
    return { from, applied };
  });
}
