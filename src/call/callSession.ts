/**
 * What a call needs around the engine, whether asked in a terminal or from an answers
 * file: the call's lock, its saves (merged with changes made meanwhile elsewhere), and
 * running the engine with the context's clock, zone and agent.
 */
import { hostname } from 'node:os';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { CallRecord } from '../domain/callRecord.js';
import { newCallId, shortId } from '../domain/ids.js';
import type { CallSummary } from '../domain/callSummary.js';
import { saveSession, storeWriteFailure, type WrittenCall } from '../store/callStore.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { unfinishedCalls } from '../store/index/indexQueries.js';
import { acquireSessionLock, readSessionLock, sessionLockIsLive } from '../store/sessionLock.js';
import type { LoadedPlaybook } from '../playbook/loadPlaybook.js';
import type { Playbook } from '../playbook/types.js';
import { newCallRecord, PlaybookRuntimeError } from '../engine/callEngine.js';
import { runCall, type CallPrompter } from '../engine/runCall.js';
import { formatDateTime } from '../dates/formatDue.js';
import { recentEmpathyLines } from '../store/index/craftQueries.js';
import { STOCK_EMPATHY_RECENT_CALLS } from '../coaching/stockEmpathy.js';
import { solutionCatalog } from '../solutions/solutionCatalog.js';

/** The playbook loader keeps compiled playbooks in the data directory's cache: the one in use. */
export const playbookEnv = (ctx: Context) => ({ ...ctx.env, CSR_CALL_HOME: ctx.dataDir });

/** A new, empty call with this playbook, started now by the context's agent. */
export function newRecord(ctx: Context, loaded: LoadedPlaybook): CallRecord {
  const { playbook } = loaded;
  const startedAt = ctx.now();
  return newCallRecord({
    id: newCallId(startedAt),
    agent: ctx.agent,
    startedAt,
    playbook: {
      id: playbook.id,
      version: playbook.version,
      title: playbook.title,
      ...(loaded.kind === 'built-in' ? {} : { source: loaded.source }),
    },
  });
}

/**
 * Your latest unfinished call that is not open in another window (a call open elsewhere is
 * being worked on: `resume` with its id takes it over, after asking).
 */
export async function latestUnfinishedCall(ctx: Context): Promise<CallSummary> {
  const unfinished = await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => unfinishedCalls(index, ctx.agent));
  if (unfinished.length === 0) throw new UserError(`no unfinished call for agent ${ctx.agent}; start one with: csr-call start`, 1);
  let elsewhere = false;
  for (const call of unfinished) {
    const holder = await readSessionLock(ctx.dataDir, call.id);
    if (!holder || !sessionLockIsLive(holder, hostname())) return call;
    if (holder.host !== hostname()) elsewhere = true;
  }
  const open = unfinished.map((c) => shortId(c.id)).join(', ');
  // A window on this computer is the agent's own: no taking over from it (holdSession).
  const takeOver = elsewhere ? ', or take one open on another computer over with csr-call resume ID' : '';
  throw new UserError(`your unfinished calls are all open in other windows (${open}): finish them there${takeOver}`, 1);
}

/** A record read outside the call's lock: its first save looks at the file again (its stamp is unknown). */
export function unreadCopy(record: CallRecord): WrittenCall {
  return { record, stamp: { size: -1, mtime: -1, ino: -1 } };
}

export interface SessionSaver {
  save: (record: CallRecord) => Promise<CallRecord>;
  latest: () => CallRecord;
  /** Why the call as it stands is not on disk yet (`keepGoing` saves only), else undefined. */
  unsaved: () => string | undefined;
}

/**
 * The live call's saves: each one merges into what is on disk (store/saveSession), so a
 * note or a follow-up change made meanwhile from another window is kept, and a clash on
 * one field is said on screen and kept in a note.
 *
 * `keepGoing` (a call in a terminal, with the caller on the line): a save the disk refuses
 * (full, read-only, gone) does not end the call (`unsaved` says why, for the screen to
 * tell): the call goes on from what is held here, and each later save tries again with
 * everything since the last one that went through.
 */
export function sessionSaver(ctx: Context, first: WrittenCall, { keepGoing = false }: { keepGoing?: boolean } = {}): SessionSaver {
  let base = first;
  let held: { record: CallRecord; reason: string } | undefined;
  return {
    latest: () => held?.record ?? base.record,
    unsaved: () => held?.reason,
    save: async (record) => {
      let saved: Awaited<ReturnType<typeof saveSession>>;
      try {
        saved = await saveSession(ctx.dataDir, base, record, ctx.now(), ctx.agent);
      } catch (error) {
        const reason = keepGoing ? storeWriteFailure(error) : undefined;
        if (reason === undefined) throw error;
        held = { record, reason };
        return record;
      }
      held = undefined;
      base = saved;
      for (const clash of saved.clashes) {
        ctx.warn(`${clash.path} was also changed outside this call just now: kept ${clash.kept === 'call' ? 'yours' : 'the other change'}; the other value is saved as a note on the call`);
      }
      return saved.record;
    },
  };
}

/**
 * Runs the engine with the context's clock, zone and agent; a playbook that fails mid-call
 * is the user's to fix. `dryRun`: the store is not looked at (no earlier empathy lines, no
 * solution records: the solutions in their written order).
 */
export async function runCallWith(
  ctx: Context,
  playbook: Playbook,
  record: CallRecord,
  prompter: CallPrompter,
  save: (record: CallRecord) => Promise<CallRecord>,
  { onSaved, dryRun = false }: { onSaved?: (record: CallRecord) => void; dryRun?: boolean } = {},
): Promise<CallRecord> {
  try {
    return await runCall({
      playbook,
      record,
      prompter,
      save,
      now: ctx.now,
      // Read when a date is answered, not before the first question: on a machine whose
      // zone only Intl knows, finding it costs ~25 ms with the caller waiting.
      get timeZone() {
        return ctx.timeZone;
      },
      get dateOrder() {
        return ctx.dateOrder;
      },
      agent: ctx.agent,
      ...(onSaved ? { onSaved } : {}),
      ...(dryRun ? {} : { recentEmpathy: () => withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => recentEmpathyLines(index, ctx.agent, STOCK_EMPATHY_RECENT_CALLS)) }),
      solutions: solutionCatalog(playbook, ctx, { records: !dryRun }),
    });
  } catch (error) {
    if (error instanceof PlaybookRuntimeError) {
      // A dry run (an answers file checked before anything is written) saved no call to resume.
      const then = dryRun ? 'run it again' : `csr-call resume ${shortId(record.id)}`;
      throw new UserError(`playbook ${playbook.id}: ${error.message}; fix the playbook, then: ${then}`, 2);
    }
    throw error;
  }
}

/**
 * One window at a time on a call: a second `resume` of the same call elsewhere would
 * otherwise overwrite answers. A lock left by a crashed process here is taken over
 * silently; one held from another computer is only taken over when the agent says so.
 */
export async function holdSession(ctx: Context, callId: string): Promise<() => Promise<void>> {
  const owner = { host: hostname(), pid: process.pid, agent: ctx.agent };
  let result = await acquireSessionLock(ctx.dataDir, callId, owner);
  if (!result.acquired) {
    const holder = result.holder;
    const since = formatDateTime(new Date(holder.since), ctx.timeZone);
    if (result.sameHost) {
      throw new UserError(`call ${shortId(callId)} is open in another window on this computer (${holder.agent}, since ${since}); finish it there`, 1);
    }
    if (!ctx.stdin.isTTY) {
      throw new UserError(`call ${shortId(callId)} is open by ${holder.agent} on ${holder.host} since ${since}; not taking it over without asking`, 1);
    }
    const takeOver = await ctx.prompts.confirm(`Call ${shortId(callId)} is open by ${holder.agent} on ${holder.host} since ${since}. Take it over (their unsaved line is lost)?`, { default: false });
    if (!takeOver) throw new UserError(`left call ${shortId(callId)} with ${holder.agent}`, 1);
    result = await acquireSessionLock(ctx.dataDir, callId, owner, { takeOverFrom: holder });
    if (!result.acquired) throw new UserError(`call ${shortId(callId)} changed hands meanwhile; try again`, 1);
  }
  return result.release;
}
