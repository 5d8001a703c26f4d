/**
 * `forget` and `purge` in the team database: after the agent's own files, the calls the
 * team database holds about the customer (or past the retention period) that this role
 * may erase (an agent: their own; a lead: everyone's), shown, asked, erased. Their
 * follow-ups and history go with them (ON DELETE CASCADE).
 */
import type { Context } from '../context.js';
import { OperationError } from '../errors.js';
import { teamSettingsFrom } from './teamSettings.js';
import { plural } from '../text/plural.js';

export interface TeamErasure {
  /** What is erased, for the question and the result line: `about phone +1 555…`. */
  label: string;
  /** SQL over csr_call.calls AS c with $1…, and its parameters. */
  where: string;
  params: unknown[];
  yes: boolean | undefined;
  confirm: (question: string) => Promise<boolean>;
}

export async function eraseInTeam(ctx: Context, erasure: TeamErasure): Promise<void> {
  const settings = teamSettingsFrom(ctx.env);
  if (!settings) return;
  const [{ connectTeamDb, TeamDbError }, { whoAmI }] = await Promise.all([import('./teamDb.js'), import('./teamSession.js')]);
  const write = (line: string) => ctx.stdout.write(`${line}\n`);
  let db;
  try {
    db = await connectTeamDb(settings, ctx.env, settings.connectTimeoutMs);
  } catch (error) {
    if (error instanceof TeamDbError) {
      throw new OperationError(`${error.message.replace(/; your calls are kept.*$/, '')}: nothing erased there yet; run this again once it is reachable`);
    }
    throw error;
  }
  try {
    const me = await whoAmI(db);
    const [count] = await db.query<{ n: string; others: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE c.agent_key <> $${erasure.params.length + 1}) AS others FROM csr_call.calls AS c WHERE ${erasure.where}`,
      [...erasure.params, me.agent],
    );
    const n = Number(count?.n ?? 0);
    if (n === 0) {
      write(`the team database ${db.target} holds no call ${erasure.label}${me.lead ? '' : ' of yours (a lead erases other agents\' calls there)'}`);
      return;
    }
    const others = Number(count?.others ?? 0);
    const what = `${plural(n, 'call')} ${erasure.label} in the team database${others > 0 ? ` (${others} of other agents)` : ''}`;
    if (!erasure.yes && !(await erasure.confirm(`Erase ${what}? This cannot be undone.`))) {
      write('nothing erased in the team database');
      return;
    }
    const erased = await db.query(`DELETE FROM csr_call.calls AS c WHERE ${erasure.where} RETURNING c.id`, erasure.params);
    write(`erased ${plural(erased.length, 'call')} ${erasure.label} in the team database, with their follow-ups and history`);
  } finally {
    await db.close();
  }
}
