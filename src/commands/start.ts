/**
 * `csr-call start` and `csr-call resume`: the call itself. Thin: option checks, loading
 * the playbook, then the call in a terminal (src/call/interactiveCall) or from an answers
 * file (src/call/scriptedCall).
 */
import * as z from '../zod.js';
import type { Context } from '../context.js';
import { UserError, formatIssuePath } from '../errors.js';
import type { CallRecord } from '../domain/callRecord.js';
import { parseCallIdArg, shortId } from '../domain/ids.js';
import { readCall, resolveCallId } from '../store/callStore.js';
import { findPlaybook } from '../playbook/loadPlaybook.js';
import type { Playbook } from '../playbook/types.js';
import { allSteps, applyAnswer, coerceAnswer } from '../engine/callEngine.js';
import { latestUnfinishedCall, newRecord, playbookEnv } from '../call/callSession.js';
import { loadPrompts, runInteractiveCall } from '../call/interactiveCall.js';
import { checkAnswersFile, readAnswersFile, runScriptedResume, runScriptedStart } from '../call/scriptedCall.js';
import type { OptionsOf } from '../commandSpec.js';
import type { resumeOptions, startOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';

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
export type StartCommandOptions = OptionsOf<typeof startOptions>;
export type ResumeOptions = OptionsOf<typeof resumeOptions>;

function checkOptions<T extends z.ZodMiniType>(schema: T, opts: unknown): z.infer<T> {
  const parsed = schema.safeParse(opts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message.startsWith('-') ? issue.message : `${formatIssuePath(issue.path)}: ${issue.message}`);
  }
  return parsed.data;
}

function requireTerminal(ctx: Context, command: string): void {
  if (!ctx.stdin.isTTY) {
    throw new UserError(
      `${command} asks its questions in a terminal, and the input here is not one; to script a call, give --answers FILE.json`,
    );
  }
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

export async function startCommand(rawOptions: StartCommandOptions, ctx: Context): Promise<void> {
  // No --playbook: the playbook setting (config file, CSR_CALL_PLAYBOOK), else standard.
  const options = checkOptions(StartOptions, { ...rawOptions, playbook: rawOptions.playbook ?? ctx.settings.get('playbook') });
  if (!options.answers) requireTerminal(ctx, 'start');
  // The prompts' code is read from disk while the playbook is loaded and the call saved.
  const prompts = options.answers ? undefined : loadPrompts();
  const scripted = options.answers ? await readAnswersFile(options.answers, ctx) : undefined;
  const loaded = await findPlaybook(options.playbook, playbookEnv(ctx));
  if (scripted) checkAnswersFile(loaded.playbook, scripted);

  const record = applyCustomerFlags(loaded.playbook, newRecord(ctx, loaded), options, ctx);
  // The ticket this call is for (a step with the meaning 'ticket' may change it).
  const ticket = rawOptions.ticket?.trim();
  if (ticket) record.ticket = ticket;
  const callCtx = screensFor(ctx, rawOptions);
  const finished = scripted
    ? await runScriptedStart(callCtx, loaded.playbook, record, scripted)
    : await runInteractiveCall(callCtx, loaded.playbook, record, { fresh: true }, prompts);
  await afterCall(finished, rawOptions, ctx);
}

/**
 * The context the call runs in: with --json its screens (questions, summary) go to stderr,
 * which is the terminal, and stdout holds only the JSON printed at the end. Built without
 * reading the context's lazy values (the agent's zone is looked up only when needed).
 */
function screensFor(ctx: Context, opts: { json?: boolean }): Context {
  if (!opts.json) return ctx;
  const moved = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx)) as Context;
  Object.defineProperty(moved, 'stdout', { value: ctx.stderr, enumerable: true });
  return moved;
}

/**
 * Once the call is saved and its summary shown: `--json` prints it (id, summary, record),
 * `--copy` copies the summary for the ticket (a copy that fails is one warning line: the
 * call is saved), then the hooks hear of it (on-call-end; on-escalation when handed off).
 */
async function afterCall(finished: CallRecord, opts: { copy?: boolean; json?: boolean }, ctx: Context): Promise<void> {
  const [{ ticketSummary, copySummary }, { callEndJson, wasHandedOff }, { runHooks }] = await Promise.all([
    import('./show.js'),
    import('../render/itemJson.js'),
    import('../hooks/runHook.js'),
  ]);
  const summary = ticketSummary(finished, 'text', ctx);
  const item = callEndJson(finished, summary);
  if (opts.json) writeJson(ctx, { ...item });
  if (opts.copy) {
    try {
      await copySummary(summary, ctx);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      ctx.warn(`${error.message} (the call is saved; later: csr-call show ${shortId(finished.id)} --summary --copy)`);
    }
  }
  await runHooks(ctx, 'on-call-end', { ...item });
  if (wasHandedOff(finished)) await runHooks(ctx, 'on-escalation', { ...item });
}

export async function resumeCommand(id: string | undefined, opts: ResumeOptions, ctx: Context): Promise<void> {
  // Whether there is a call to go on with is said first: it is the answer a script needs.
  const callId = id !== undefined ? await resolveCallId(ctx.dataDir, parseCallIdArg(id)) : (await latestUnfinishedCall(ctx)).id;
  const record = await readCall(ctx.dataDir, callId);
  if (record.status === 'completed') {
    throw new UserError(`call ${shortId(record.id)} is already completed; add to it with: csr-call note ${shortId(record.id)} "..."`, 1);
  }
  if (!opts.answers) requireTerminal(ctx, 'resume');
  const loaded = await findPlaybook(record.playbook.source ?? record.playbook.id, playbookEnv(ctx));
  if (loaded.playbook.version !== record.playbook.version) {
    ctx.warn(`playbook ${loaded.playbook.id} is now version ${loaded.playbook.version}; this call began with version ${record.playbook.version}`);
  }
  const callCtx = screensFor(ctx, opts);
  let finished: CallRecord;
  if (opts.answers) {
    const scripted = await readAnswersFile(opts.answers, ctx);
    checkAnswersFile(loaded.playbook, scripted);
    finished = await runScriptedResume(callCtx, loaded.playbook, record, scripted);
  } else {
    finished = await runInteractiveCall(callCtx, loaded.playbook, record, { fresh: false }, loadPrompts());
  }
  await afterCall(finished, opts, ctx);
}
