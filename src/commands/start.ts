/**
 * `csr-call start` and `csr-call resume`: the call itself. Thin: option checks, loading
 * the playbook, wiring a prompter, signals and the store to the engine's `runCall`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from '../zod.js';
import type { Context } from '../context.js';
import { UserError, InterruptedError, formatIssuePath } from '../errors.js';
import type { Answer, CallRecord } from '../domain/callRecord.js';
import { newCallId, parseCallIdArg, shortFollowUpId, shortId } from '../domain/ids.js';
import { CALLING_HOURS, describeHours, followUpsOutsideCallingHours } from '../domain/followUpRules.js';
import { earlierCallsOf, type CallSummary } from '../domain/callSummary.js';
import { callPath } from '../store/callFiles.js';
import { createCall, readCall, resolveCallId, saveSession, type WrittenCall } from '../store/callStore.js';
import { withCallIndex } from '../store/index/indexAccess.js';
import { customerCalls, unfinishedCalls } from '../store/index/indexQueries.js';
import { findPlaybook, type LoadedPlaybook } from '../playbook/loadPlaybook.js';
import type { Playbook } from '../playbook/types.js';
import { allSteps, applyAnswer, newCallRecord, coerceAnswer, instantOf, PlaybookRuntimeError, type Coerced } from '../engine/callEngine.js';
import { runCall, type CallPrompter } from '../engine/runCall.js';
import { createScriptedPrompter, parseAnswersFile, checkAnswerKeys } from '../prompt/scriptedPrompter.js';
import { colorsFor } from '../render/colors.js';
import { renderCallSummary } from '../render/callSummary.js';
import { formatDateTime, formatDue, describeLateness } from '../dates/formatDue.js';
import { oneLine } from '../render/terminalText.js';
import { formatAgo } from '../dates/formatDuration.js';
import { isStartOfDayIn } from '../dates/zone.js';
import { acquireSessionLock, readSessionLock, sessionLockIsLive } from '../store/sessionLock.js';
import { isPromptInterruption } from '../prompt/promptErrors.js';
import { MAX_LINE_ANSWER_CHARS, MAX_LONG_ANSWER_CHARS } from '../domain/limits.js';
import { hostname } from 'node:os';

const text = (what: string) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, `${what} is empty`),
      z.maxLength(500, `${what} is too long (500 characters at most)`),
      z.refine((value) => !/[\u0000-\u001f\u007f]/.test(value), `${what} contains control characters`),
    );

/** Options are checked at the boundary like everything else that comes in. */
const StartOptions = z.object({
  playbook: z._default(text('--playbook'), 'standard'),
  customer: z.optional(text('--customer')),
  phone: z.optional(
    text('--phone').check(z.refine((value) => /\d/.test(value) && /^[\d\s()+\-./x#*]+$/i.test(value), '--phone must be a phone number (digits, spaces, + - ( ) .)')),
  ),
  account: z.optional(text('--account')),
  answers: z.optional(text('--answers')),
});
export type StartOptions = z.input<typeof StartOptions>;

function checkOptions<T extends z.ZodMiniType>(schema: T, opts: unknown): z.infer<T> {
  const parsed = schema.safeParse(opts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message.startsWith('-') ? issue.message : `${formatIssuePath(issue.path)}: ${issue.message}`);
  }
  return parsed.data;
}

/** The playbook loader keeps compiled playbooks in the data directory's cache: the one in use. */
const playbookEnv = (ctx: Context) => ({ ...ctx.env, CSR_CALL_HOME: ctx.dataDir });

function requireTerminal(ctx: Context, command: string): void {
  if (!ctx.stdin.isTTY) {
    throw new UserError(
      `csr-call ${command} asks its questions in a terminal, and the input here is not one; to script a call, give --answers FILE.json`,
    );
  }
}

async function readAnswers(path: string): Promise<{ answers: Record<string, unknown>; name: string }> {
  let content: string;
  try {
    content = await readFile(resolve(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read answers file ${path}${code === 'ENOENT' ? ': no such file' : ` (${code})`}`);
  }
  return { answers: parseAnswersFile(content, path), name: path };
}

function newRecord(ctx: Context, loaded: LoadedPlaybook): CallRecord {
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

/** Customer details given as flags answer the playbook's matching steps, so they are not asked again. */
function applyCustomerFlags(playbook: Playbook, record: CallRecord, flags: z.infer<typeof StartOptions>, ctx: Context): CallRecord {
  const given = { 'customer.name': flags.customer, 'customer.phone': flags.phone, 'customer.account': flags.account } as const;
  let next: CallRecord = { ...record, customer: { ...record.customer } };
  for (const [meaning, value] of Object.entries(given)) {
    if (value === undefined) continue;
    next.customer[meaning.slice('customer.'.length) as 'name' | 'phone' | 'account'] = value;
    const ref = allSteps(playbook).find((r) => r.step.meaning === meaning);
    if (!ref) continue;
    const result = coerceAnswer(ref.step, value, { now: ctx.now(), timeZone: ctx.timeZone, ...(ctx.dateOrder ? { dateOrder: ctx.dateOrder } : {}) });
    if (result.ok) next = applyAnswer(playbook, next, ref, result, { at: ctx.now(), by: ctx.agent, timeZone: ctx.timeZone });
  }
  return next;
}

export async function startCommand(rawOptions: StartOptions, ctx: Context): Promise<void> {
  const options = checkOptions(StartOptions, rawOptions);
  if (!options.answers) requireTerminal(ctx, 'start');
  // The prompts' code is read from disk while the playbook is loaded and the call saved.
  const prompts = options.answers ? undefined : loadPrompts();
  const scripted = options.answers ? await readAnswers(options.answers) : undefined;
  const loaded = await findPlaybook(options.playbook, playbookEnv(ctx));
  if (scripted) checkAnswerKeys(loaded.playbook, scripted.answers as never, scripted.name);

  const record = applyCustomerFlags(loaded.playbook, newRecord(ctx, loaded), options, ctx);
  if (scripted) {
    // A dry run in memory first: a bad answers file is refused before anything is written.
    await runWith(ctx, loaded.playbook, record, createScriptedPrompter(scripted.answers as never, scripted.name), async (r) => r);
    const prompter = createScriptedPrompter(scripted.answers as never, scripted.name);
    const saver = sessionSaver(ctx, await createCall(ctx.dataDir, record));
    const finished = await runWith(ctx, loaded.playbook, saver.latest(), prompter, saver.save);
    for (const key of prompter.unused()) ctx.warn(`${scripted.name}: "${key}" was not asked on this call (its condition was false)`);
    for (const { problem, fix } of callingHoursWarnings(ctx, finished)) ctx.warn(`${problem}; ${fix}`);
    printEnd(ctx, finished);
    return;
  }
  await runInteractive(ctx, loaded.playbook, record, { fresh: true }, prompts);
}

export interface ResumeOptions {
  answers?: string;
}

export async function resumeCommand(id: string | undefined, opts: ResumeOptions, ctx: Context): Promise<void> {
  if (!opts.answers) requireTerminal(ctx, 'resume');
  let record: CallRecord;
  if (id !== undefined) {
    record = await readCall(ctx.dataDir, await resolveCallId(ctx.dataDir, parseCallIdArg(id)));
  } else {
    const latest = await latestUnfinishedCall(ctx);
    record = await readCall(ctx.dataDir, latest.id);
  }
  if (record.status === 'completed') {
    throw new UserError(`call ${shortId(record.id)} is already completed; add to it with: csr-call note ${shortId(record.id)} "..."`, 1);
  }
  const loaded = await findPlaybook(record.playbook.source ?? record.playbook.id, playbookEnv(ctx));
  if (loaded.playbook.version !== record.playbook.version) {
    ctx.warn(`playbook ${loaded.playbook.id} is now version ${loaded.playbook.version}; this call began with version ${record.playbook.version}`);
  }
  if (opts.answers) {
    const scripted = await readAnswers(opts.answers);
    checkAnswerKeys(loaded.playbook, scripted.answers as never, scripted.name);
    await runWith(ctx, loaded.playbook, record, createScriptedPrompter(scripted.answers as never, scripted.name), async (r) => r);
    const release = await holdSession(ctx, record.id);
    try {
      // Read again under the lock: the copy read before may be stale.
      const saver = sessionSaver(ctx, unreadCopy(await readCall(ctx.dataDir, record.id)));
      const finished = await runWith(ctx, loaded.playbook, saver.latest(), createScriptedPrompter(scripted.answers as never, scripted.name), saver.save);
      for (const { problem, fix } of callingHoursWarnings(ctx, finished)) ctx.warn(`${problem}; ${fix}`);
      printEnd(ctx, finished);
    } finally {
      await release();
    }
    return;
  }
  await runInteractive(ctx, loaded.playbook, record, { fresh: false }, loadPrompts());
}

/**
 * Your latest unfinished call that is not open in another window (a call open elsewhere is
 * being worked on: `resume` with its id takes it over, after asking).
 */
async function latestUnfinishedCall(ctx: Context): Promise<CallSummary> {
  const unfinished = await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => unfinishedCalls(index, ctx.agent));
  if (unfinished.length === 0) throw new UserError(`no unfinished call for agent ${ctx.agent}; start one with: csr-call start`, 1);
  for (const call of unfinished) {
    const holder = await readSessionLock(ctx.dataDir, call.id);
    if (!holder || !sessionLockIsLive(holder, hostname())) return call;
  }
  const open = unfinished.map((c) => shortId(c.id)).join(', ');
  throw new UserError(`your unfinished calls are all open in other windows (${open}): finish them there, or take one over with csr-call resume ID`, 1);
}

/** A record read outside the call's lock: its first save looks at the file again (its stamp is unknown). */
function unreadCopy(record: CallRecord): WrittenCall {
  return { record, stamp: { size: -1, mtime: -1, ino: -1 } };
}

/**
 * The live call's saves: each one merges into what is on disk (store/saveSession), so a
 * note or a follow-up change made meanwhile from another window is kept, and a clash on
 * one field is said on screen and kept in a note.
 */
function sessionSaver(ctx: Context, first: WrittenCall): { save: (record: CallRecord) => Promise<CallRecord>; latest: () => CallRecord } {
  let base = first;
  return {
    latest: () => base.record,
    save: async (record) => {
      const saved = await saveSession(ctx.dataDir, base, record, ctx.now(), ctx.agent);
      base = saved;
      for (const clash of saved.clashes) {
        ctx.warn(`${clash.path} was also changed outside this call just now: kept ${clash.kept === 'call' ? 'yours' : 'the other change'}; the other value is saved as a note on the call`);
      }
      return saved.record;
    },
  };
}

async function runWith(
  ctx: Context,
  playbook: Playbook,
  record: CallRecord,
  prompter: CallPrompter,
  save: (record: CallRecord) => Promise<CallRecord>,
  onSaved?: (record: CallRecord) => void,
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
    });
  } catch (error) {
    if (error instanceof PlaybookRuntimeError) {
      throw new UserError(`playbook ${playbook.id}: ${error.message}; fix the playbook, then: csr-call resume ${shortId(record.id)}`, 2);
    }
    throw error;
  }
}

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

type PromptsModule = typeof import('../prompt/inquirerPrompter.js');

/** Starts loading the prompts (awaited, and a failure reported, where they are used). */
function loadPrompts(): Promise<PromptsModule> {
  const prompts = import('../prompt/inquirerPrompter.js');
  prompts.catch(() => {});
  return prompts;
}

async function runInteractive(
  ctx: Context,
  playbook: Playbook,
  initial: CallRecord,
  { fresh }: { fresh: boolean },
  prompts: Promise<PromptsModule> = loadPrompts(),
): Promise<void> {
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = (line = '') => ctx.stdout.write(`${line}\n`);
  const release = await holdSession(ctx, initial.id);
  try {
    await runInteractiveLocked(ctx, playbook, initial, { fresh }, color, write, prompts);
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
async function offerDiscard(ctx: Context, callId: string): Promise<void> {
  if (!ctx.stdin.isTTY) return;
  const record = await readCall(ctx.dataDir, callId).catch(() => undefined);
  if (!record || record.customer.name || record.customer.phone || record.customer.account) return;
  try {
    const { default: confirm } = await import('@inquirer/confirm');
    const away = await confirm(
      { message: `Nothing about a customer was typed on call ${shortId(callId)}. Throw it away?`, default: false },
      { output: ctx.stderr, input: ctx.stdin },
    );
    if (!away) return;
  } catch {
    return; // Ctrl-C again, or the terminal went: the call is kept
  }
  const { discardCommand } = await import('./forget.js');
  await discardCommand(callId, { yes: true }, { ...ctx, stdout: ctx.stderr });
}

/**
 * One window at a time on a call: a second `resume` of the same call elsewhere would
 * otherwise overwrite answers. A lock left by a crashed process here is taken over
 * silently; one held from another computer is only taken over when the agent says so.
 */
async function holdSession(ctx: Context, callId: string): Promise<() => Promise<void>> {
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
    const { default: confirm } = await import('@inquirer/confirm');
    const takeOver = await confirm(
      { message: `Call ${shortId(callId)} is open by ${holder.agent} on ${holder.host} since ${since}. Take it over (their unsaved line is lost)?`, default: false },
      { output: ctx.stdout, input: ctx.stdin },
    );
    if (!takeOver) throw new UserError(`left call ${shortId(callId)} with ${holder.agent}`, 1);
    result = await acquireSessionLock(ctx.dataDir, callId, owner, { takeOverFrom: holder });
    if (!result.acquired) throw new UserError(`call ${shortId(callId)} changed hands meanwhile; try again`, 1);
  }
  return result.release;
}

async function runInteractiveLocked(
  ctx: Context,
  playbook: Playbook,
  initial: CallRecord,
  { fresh }: { fresh: boolean },
  color: ReturnType<typeof colorsFor>,
  write: (line?: string) => void,
  prompts: Promise<PromptsModule>,
): Promise<void> {
  // Your unfinished calls, looked up before this one is written: the index then finds the
  // store as it left it (no folder to list again), and is open to take the new call.
  const unfinished = fresh ? await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => unfinishedCalls(index, ctx.agent)) : [];
  // A resumed call is read again under the lock: the copy read before may be stale.
  const saver = sessionSaver(ctx, fresh ? await createCall(ctx.dataDir, initial) : unreadCopy(await readCall(ctx.dataDir, initial.id)));
  let latest = saver.latest();

  // Signals: stop the prompt through its AbortSignal (the call is saved after every
  // answer) instead of letting the process die mid-write.
  const controller = new AbortController();
  let received: Signal | undefined;
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => {
      received ??= signal;
      controller.abort(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });

  // Only what is needed is looked up (the index answers both without reading the store).
  if (fresh) {
    if (unfinished.length) printUnfinished(ctx, unfinished, color);
  } else {
    // A short recap so the agent picks up the thread without scrolling back. The count says
    // what the recap shows: given answers (skipped steps counted apart), the last eight.
    const given = latest.answers.filter((a) => a.value !== null);
    const recap = given.slice(-8);
    const counts = `${answerCount(latest.answers)} so far${recap.length < given.length ? `, the last ${recap.length}` : ''}`;
    write(color.bold(`Resuming call ${shortId(latest.id)}`) + color.dim(` — ${counts}${recap.length ? ':' : ''}`));
    for (const answer of recap) {
      const value = Array.isArray(answer.value) ? answer.value.join('; ') : typeof answer.value === 'boolean' ? (answer.value ? 'yes' : 'no') : String(answer.value);
      write(color.dim(`  ${oneLine(answer.question, 40)}: `) + oneLine(answer.raw ?? value, 60));
    }
  }
  let shownHistoryFor: string | undefined;
  let summaries: CallSummary[] = [];
  // The earlier calls on screen: an account typed after the phone shows only the calls it adds.
  const shownEarlier = new Set<string>();
  const showHistory = async (record: CallRecord): Promise<CallRecord | void> => {
    const key = `${record.customer.phone ?? ''}|${record.customer.account ?? ''}`;
    if (key === '|' || key === shownHistoryFor) return;
    shownHistoryFor = key;
    const earlier = earlierCallsOf(record.customer, await withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => customerCalls(index, record.customer)), record.id);
    const added = earlier.filter((call) => !shownEarlier.has(call.id));
    // Their zone, from their latest call that had one: dates about them are read in it.
    const knownZone = record.customer.zone ? undefined : earlier.find((call) => call.customer.zone)?.customer.zone;
    if (!added.length && !knownZone) return;
    if (added.length) {
      printCustomerHistory(ctx, added, { more: shownEarlier.size > 0 });
      for (const call of added) shownEarlier.add(call.id);
      summaries = earlier;
    }
    if (!knownZone) return { ...record, earlierCalls: earlier.map((s) => s.id) };
    write(`  Their time zone (from an earlier call): ${color.bold(oneLine(knownZone))}, where it is ${formatDateTime(ctx.now(), knownZone)} now`);
    return { ...record, earlierCalls: earlier.map((s) => s.id), customer: { ...record.customer, zone: knownZone } };
  };
  const before = await showHistory(latest);
  if (before) latest = await saver.save(before);

  // Follow-ups already said to be outside calling hours (by id and due time): said once.
  const warnedCallingHours = new Set<string>();
  const { createInquirerPrompter } = await prompts;
  const prompter = createInquirerPrompter({
    answerLimits: { oneLine: MAX_LINE_ANSWER_CHARS, lines: MAX_LONG_ANSWER_CHARS },
    color,
    output: ctx.stdout,
    input: ctx.stdin,
    signal: controller.signal,
    describeDate: (ok) => describeDateAnswer(ctx, ok),
    afterAnswer: async (ref, record) => {
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
      if (ref.step.meaning === 'customer.phone' || ref.step.meaning === 'customer.account') return showHistory(record);
    },
  });
  try {
    const finished = await runWith(ctx, playbook, latest, prompter, saver.save, (saved) => (latest = saved));
    printEnd(ctx, finished);
    printEarlierOpenFollowUps(ctx, finished, summaries);
  } catch (error) {
    if (isPromptInterruption(error) || received) {
      const signal: Signal = received ?? 'SIGINT';
      try {
        ctx.stderr.write(
          `\n${color.yellow('Call saved as in progress')} with ${answerCount(latest.answers)}${draftCount(playbook, latest)}: ${callPath(ctx.dataDir, latest.id)}\n` +
            `Continue it with: csr-call resume ${shortId(latest.id)}\n`,
        );
      } catch {
        // The terminal may be gone (SIGHUP): the call is saved all the same.
      }
      throw new InterruptedError(signal, latest.id);
    }
    throw error;
  } finally {
    for (const remove of handlers) remove();
  }
}

/** The agent's other unfinished calls, newest first, each with its age and how to go on with it or throw it away. */
function printUnfinished(ctx: Context, unfinished: readonly CallSummary[], color: ReturnType<typeof colorsFor>): void {
  const write = (line: string) => ctx.stdout.write(`${line}\n`);
  const shown = unfinished.slice(0, 5);
  write(color.dim(`You have ${unfinished.length} unfinished call${unfinished.length > 1 ? 's' : ''}:`));
  for (const call of shown) {
    const who = oneLine(call.customer.name ?? call.customer.phone ?? 'no customer details', 30);
    const id = shortId(call.id);
    write(color.dim(`  ${id}  started ${formatAgo(new Date(call.startedAt), ctx.now())}, ${who}  → csr-call resume ${id} · csr-call discard ${id}`));
  }
  if (unfinished.length > shown.length) write(color.dim(`  … and ${unfinished.length - shown.length} more (csr-call list --status in-progress)`));
}

function describeDateAnswer(ctx: Context, ok: Extract<Coerced, { ok: true }>): string {
  const value = String(ok.value);
  const at = instantOf(value, ok.timeZone ?? ctx.timeZone, ctx.now());
  // A day with no time ("by friday") is that day's midnight: shown as the day, not 00:00.
  const allDay = /^\d{4}-\d{2}-\d{2}$/.test(value) || isStartOfDayIn(at, ok.timeZone ?? ctx.timeZone);
  return formatDue(at, { now: ctx.now(), timeZone: ctx.timeZone, ...(allDay ? { allDay } : {}), ...(ok.timeZone ? { customerTimeZone: ok.timeZone } : {}) });
}

/** The earlier calls of this customer; `more`: others were shown already, and these are the ones just found. */
function printCustomerHistory(ctx: Context, earlier: CallSummary[], { more }: { more: boolean }): void {
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = (line = '') => ctx.stdout.write(`${line}\n`);
  const now = ctx.now();
  const count = `${earlier.length}${more ? ' more' : ''} earlier call${earlier.length > 1 ? 's' : ''}`;
  write('');
  write(color.bold.magenta(more ? `Also this customer's: ${count}` : `Known caller: ${count}`));
  for (const call of earlier.slice(0, 5)) {
    const parts = [
      formatDateTime(new Date(call.startedAt), ctx.timeZone),
      call.category,
      call.paraphrase && `"${oneLine(call.paraphrase, 60)}"`,
      `→ ${call.outcome ?? call.status}`,
    ].filter(Boolean);
    write(`  ${parts.join('  ')}`);
    for (const f of call.openFollowups) {
      const due = new Date(f.due);
      const theirs = f.timeZone && f.timeZone !== ctx.timeZone ? { customerTimeZone: f.timeZone } : {};
      const late = due < now
        ? color.red(describeLateness(due, now, { timeZone: ctx.timeZone, ...(f.allDay ? { allDay: true } : {}) }))
        : formatDue(due, { now, timeZone: ctx.timeZone, ...(f.allDay ? { allDay: true } : {}), ...theirs });
      write(`    open follow-up ${shortId(call.id)}.${f.id.split('.').at(-1)}: ${oneLine(f.text, 60)} — ${late}`);
    }
  }
  if (earlier.length > 5) write(color.dim(`  … and ${earlier.length - 5} more (csr-call list --phone …)`));
  const unresolved = earlier.some((c) => c.outcome !== 'resolved' && c.outcome !== 'info') || earlier.some((c) => c.openFollowups.length > 0);
  if (unresolved) write(color.yellow('  An earlier problem is still open: acknowledge it first, so they need not tell the story again.'));
}

/**
 * A call with a customer who was waiting on an earlier follow-up often settles it: say
 * which are still open and how to close them, so follow-through is not left to memory.
 */
function printEarlierOpenFollowUps(ctx: Context, record: CallRecord, summaries: CallSummary[]): void {
  const earlier = new Set(record.earlierCalls ?? []);
  const open = summaries.filter((s) => earlier.has(s.id)).flatMap((s) => s.openFollowups.map((f) => ({ call: s, f })));
  if (!open.length) return;
  const color = colorsFor(ctx.stdout, ctx.env);
  ctx.stdout.write(`${color.bold('Earlier follow-ups still open for this customer')} (close what this call settled):\n`);
  for (const { call, f } of open) {
    const id = `${shortId(call.id)}.${f.id.split('.').at(-1)}`;
    ctx.stdout.write(`  csr-call followups done ${id}   ${color.dim(oneLine(f.text, 60))}\n`);
  }
}

function printEnd(ctx: Context, record: CallRecord): void {
  const color = colorsFor(ctx.stdout, ctx.env);
  const write = (line = '') => ctx.stdout.write(`${line}\n`);
  write('');
  write(color.bold.green('── Call summary (paste into the ticket) ──'));
  write(renderCallSummary(record, { timeZone: ctx.timeZone, now: ctx.now(), color }));
  write('');
  write(color.dim(`Saved: ${callPath(ctx.dataDir, record.id)}`));
}

/**
 * The call's follow-ups booked at a time the customer may not be called (their time, when
 * known), each with how to move it; those in `alreadySaid` (id and due) are not said again.
 */
function callingHoursWarnings(ctx: Context, record: CallRecord, alreadySaid = new Set<string>()): Array<{ problem: string; fix: string }> {
  return followUpsOutsideCallingHours(record, ctx.timeZone).flatMap(({ followup, timeZone }) => {
    const key = `${followup.id} ${followup.due}`;
    if (alreadySaid.has(key)) return [];
    alreadySaid.add(key);
    const id = shortFollowUpId(followup.id);
    return [
      {
        problem: `${id}: ${formatDateTime(new Date(followup.due), timeZone)} ${timeZone} is outside calling hours (${describeHours(CALLING_HOURS)} their time)`,
        fix: `move it with: csr-call followups snooze ${id} --until "…"`,
      },
    ];
  });
}

/** ' and 2 lines of "Notes while they talk"': the lines of the answer being typed, saved as they came. */
function draftCount(playbook: Playbook, record: CallRecord): string {
  const lines = record.draft?.lines.length ?? 0;
  if (!lines) return '';
  const question = allSteps(playbook).find((ref) => ref.fullId === record.draft!.stepId)?.step.question;
  return ` and ${lines} line${lines === 1 ? '' : 's'}${question ? ` of "${oneLine(question, 40)}"` : ' being typed'}`;
}

/** "3 answers (1 skipped)": the steps answered, and apart from them those skipped. */
function answerCount(answers: readonly Answer[]): string {
  const skipped = answers.filter((a) => a.value === null).length;
  const given = answers.length - skipped;
  return `${given} answer${given === 1 ? '' : 's'}${skipped ? ` (${skipped} skipped)` : ''}`;
}
