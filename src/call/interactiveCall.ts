/**
 * A call asked in a terminal: holds the call's lock, traps signals, shows the screens
 * around the questions, and on Ctrl-C says how to go on (or offers to throw away a call
 * with nothing about a customer in it).
 */
import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import type { CallRecord } from '../domain/callRecord.js';
import { shortId } from '../domain/ids.js';
import { createCall, readCall } from '../store/callStore.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { unfinishedCalls } from '../store/index/indexQueries.js';
import type { Playbook } from '../playbook/types.js';
import { colorsFor } from '../render/colors.js';
import { formatDateTime } from '../dates/formatDue.js';
import { oneLine } from '../render/terminalText.js';
import { isPromptInterruption } from '../prompt/promptErrors.js';
import { MAX_LINE_ANSWER_CHARS, MAX_LONG_ANSWER_CHARS } from '../domain/limits.js';
import { holdSession, runCallWith, sessionSaver, unreadCopy, type SessionSaver } from './callSession.js';
import { trapCallSignals } from './callSignals.js';
import { customerHistory } from './customerHistory.js';
import {
  callingHoursWarnings,
  describeDateAnswer,
  printEarlierOpenFollowUps,
  printEnd,
  printInterrupted,
  printResumeRecap,
  printUnfinished,
  screenWriter,
  type Colors,
} from './callScreens.js';

export type PromptsModule = typeof import('../prompt/inquirerPrompter.js');

/** Starts loading the prompts (awaited, and a failure reported, where they are used). */
export function loadPrompts(): Promise<PromptsModule> {
  const prompts = import('../prompt/inquirerPrompter.js');
  prompts.catch(() => {});
  return prompts;
}

/** `fresh`: a new call, written here; else a call resumed from the store. Returns the call as saved at its end. */
export async function runInteractiveCall(
  ctx: Context,
  playbook: Playbook,
  initial: CallRecord,
  { fresh }: { fresh: boolean },
  prompts: Promise<PromptsModule> = loadPrompts(),
): Promise<CallRecord> {
  const color = colorsFor(ctx.stdout, ctx.env);
  const release = await holdSession(ctx, initial.id);
  try {
    return await runLocked(ctx, playbook, initial, { fresh }, color, prompts);
  } catch (error) {
    await release();
    if (error instanceof InterruptedError && error.signal === 'SIGINT' && error.callId) await offerDiscard(ctx, error.callId);
    throw error;
  } finally {
    await release();
  }
}

/**
 * Ctrl-C on a call that has nothing about a customer yet (started by mistake, or the line
 * dropped): offer to throw it away, so it does not linger as an unfinished call. Another
 * Ctrl-C, or no, keeps it.
 */
export async function offerDiscard(ctx: Context, callId: string): Promise<void> {
  if (!ctx.stdin.isTTY) return;
  const record = await readCall(ctx.dataDir, callId).catch(() => undefined);
  if (!record || record.customer.name || record.customer.phone || record.customer.account) return;
  try {
    const away = await ctx.prompts.confirm(`Nothing about a customer was typed on call ${shortId(callId)}. Throw it away?`, { default: false });
    if (!away) return;
  } catch {
    return; // Ctrl-C again, or the terminal went: the call is kept
  }
  const { discardCommand } = await import('../commands/forget.js');
  await discardCommand(callId, { yes: true }, { ...ctx, stdout: ctx.stderr });
}

/**
 * A call that ended while the disk refused its saves: tried again for as long as the agent
 * says (they free some space meanwhile). No terminal to ask: left as it is.
 */
async function saveBeforeLeaving(ctx: Context, saver: SessionSaver, signal: AbortSignal): Promise<void> {
  while (saver.unsaved() && ctx.stdin.isTTY) {
    let again: boolean;
    try {
      again = await ctx.prompts.confirm(`The call is not saved: ${saver.unsaved()}. Once that is fixed (space freed, or the folder writable again): save it now?`, { default: true, signal });
    } catch {
      return; // Ctrl-C, Ctrl-D or a signal: the summary says what was not saved
    }
    if (!again) return;
    await saver.save(saver.latest());
  }
}

async function runLocked(
  ctx: Context,
  playbook: Playbook,
  initial: CallRecord,
  { fresh }: { fresh: boolean },
  color: Colors,
  prompts: Promise<PromptsModule>,
): Promise<CallRecord> {
  const write = screenWriter(ctx);
  // Your unfinished calls, looked up before this one is written: the index then finds the
  // store as it left it (no folder to list again), and is open to take the new call.
  const unfinished = fresh ? await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => unfinishedCalls(index, ctx.agent)) : [];
  // A resumed call is read again under the lock: the copy read before may be stale.
  const saver = sessionSaver(ctx, fresh ? await createCall(ctx.dataDir, initial) : unreadCopy(await readCall(ctx.dataDir, initial.id)), { keepGoing: true });
  let latest = saver.latest();
  const signals = trapCallSignals();

  // Only what is needed is looked up (the index answers both without reading the store).
  if (fresh) {
    if (unfinished.length) printUnfinished(ctx, unfinished, color);
  } else {
    printResumeRecap(ctx, latest, color);
  }
  const history = customerHistory(ctx, color);
  const before = await history.show(latest);
  if (before) latest = await saver.save(before);

  // Why the saves fail, as last said on screen.
  let saidUnsaved: string | undefined;
  // Follow-ups already said to be outside calling hours (by id and due time): said once.
  const warnedCallingHours = new Set<string>();
  const { createInquirerPrompter } = await prompts;
  const prompter = createInquirerPrompter({
    answerLimits: { oneLine: MAX_LINE_ANSWER_CHARS, lines: MAX_LONG_ANSWER_CHARS },
    color,
    output: ctx.stdout,
    input: ctx.stdin,
    signal: signals.signal,
    now: ctx.now,
    get timeZone() {
      return ctx.timeZone;
    },
    describeDate: (ok, step) => describeDateAnswer(ctx, ok, step),
    afterAnswer: async (ref, record) => {
      // Said between questions, not over a line being typed.
      const unsaved = saver.unsaved();
      if (unsaved !== saidUnsaved) {
        if (unsaved) write(color.yellow(`  ⚠ Not saved: ${unsaved}. Go on: what you type is kept here, and saved as soon as the disk takes it.`));
        else write(color.green('  ✔ Saved again: the whole call so far is on disk.'));
        saidUnsaved = unsaved;
      }
      if (ref.step.meaning === 'promise.due' || ref.step.meaning === 'followup.due') {
        for (const { problem, fix } of callingHoursWarnings(ctx, record, warnedCallingHours)) {
          write(color.yellow(`  ⚠ ${problem}`));
          write(color.dim(`    After the call, ${fix}`));
        }
      }
      // How a zone typed short was read ('CT'), and what their clock says.
      const typedZone = ref.step.meaning === 'customer.zone' && record.answers.find((a) => a.stepId === ref.fullId)?.raw !== undefined;
      if (typedZone && record.customer.zone) {
        write(color.dim(`  → ${oneLine(record.customer.zone)}, where it is ${formatDateTime(ctx.now(), record.customer.zone)} now`));
      }
      if (ref.step.meaning === 'customer.phone' || ref.step.meaning === 'customer.account') return history.show(record);
    },
  });
  try {
    const finished = await runCallWith(ctx, playbook, latest, prompter, saver.save, { onSaved: (saved) => (latest = saved) });
    await saveBeforeLeaving(ctx, saver, signals.signal);
    const unsaved = saver.unsaved();
    printEnd(ctx, saver.latest(), unsaved);
    if (unsaved) throw new OperationError(`call ${shortId(finished.id)} is not saved: ${unsaved}; paste the summary above into the ticket (once that is fixed, csr-call resume ${shortId(finished.id)} goes on from its last save)`);
    printEarlierOpenFollowUps(ctx, finished, history.earlier());
    return finished;
  } catch (error) {
    const received = signals.received();
    if (isPromptInterruption(error) || received) {
      const unsaved = saver.unsaved();
      printInterrupted(ctx, playbook, saver.latest(), color, unsaved);
      // Not saved is the news, whatever stopped the call: exit 1, as at the end of a call.
      if (unsaved) throw new OperationError(`call ${shortId(latest.id)} is not saved: ${unsaved}; what was typed is above`);
      throw new InterruptedError(received ?? 'SIGINT', latest.id);
    }
    throw error;
  } finally {
    signals.release();
  }
}
