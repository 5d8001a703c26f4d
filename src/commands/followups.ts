import type { Context } from '../context.js';
import { forOption, UserError } from '../errors.js';
import { noteTooLong } from '../domain/limits.js';
import { oneLine } from '../render/terminalText.js';
import { existsSync } from 'node:fs';
import { callsRoot } from '../paths.js';
import { parseCallIdArg, parseFollowUpIdArg, shortId } from '../domain/ids.js';
import { failIfStrict, warnDamaged } from './damagedFiles.js';
import type { BoardItem, FollowUpBoard } from '../followups/followupBoard.js';
import { MAX_DAYS, nothingDueText } from '../followups/boardWords.js';
import { shortFollowUpId } from '../domain/ids.js';
import type { OptionsOf } from '../commandSpec.js';
import type { followupsDoneOptions, followupsListOptions, followupsSnoozeOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import type { FollowUpChangeJson } from '../render/itemJson.js';

/**
 * `csr-call followups`: the morning list, and `done` / `snooze`.
 *
 * The list is on the hot path (agents run it dozens of times a day with a caller
 * waiting), so this module loads no zod and no prompts: it asks the index of calls for
 * the open follow-ups, and `done`/`snooze` import the store and
 * the change functions only when they run. The date code, chalk and the text rendering
 * (`followups/boardText.ts`) load only when there is a follow-up to show, and the agent's
 * zone is looked up only when a date is worked out.
 */

export type FollowupsListOptions = OptionsOf<typeof followupsListOptions>;
export type FollowupsDoneOptions = OptionsOf<typeof followupsDoneOptions>;
export type FollowupsSnoozeOptions = OptionsOf<typeof followupsSnoozeOptions>;

const DEFAULT_DAYS = 7;

export function parseDaysOption(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DAYS;
  const trimmed = text.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS) {
    throw new UserError(`--days must be a whole number of days from 1 to ${MAX_DAYS} (got "${oneLine(text, 20)}")`);
  }
  return n;
}

export async function followupsListCommand(opts: FollowupsListOptions, ctx: Context): Promise<void> {
  const days = parseDaysOption(opts.days);
  if (opts.all && opts.agent) throw new UserError('give either --agent NAME or --all, not both');
  const owner = opts.all ? undefined : (opts.agent?.trim() || ctx.agent);
  const now = ctx.now();
  let asOf = now;
  if (opts.on !== undefined) {
    const timeZone = ctx.timeZone;
    const [{ parseDay }, { startOfDayIn }] = await Promise.all([import('../dates/parseWhen.js'), import('../dates/zone.js')]);
    // Another day: the list as it will stand when that day starts; today: as of now.
    const day = forOption('--on', () => parseDay(opts.on!, { now, timeZone, direction: 'future', ...(ctx.dateOrder ? { dateOrder: ctx.dateOrder } : {}) }));
    (await import('./dayRange.js')).sayCorrections(ctx, '--on', day.corrections);
    const dayStart = startOfDayIn(day.start, timeZone);
    if (dayStart.getTime() !== startOfDayIn(now, timeZone).getTime()) asOf = dayStart;
  }

  // No calls yet (a new agent's first morning): not even the index's code is loaded.
  const typed = opts.all ? undefined : opts.agent?.trim() || undefined;
  const { calls, callsPerCustomer, damaged, like } = existsSync(callsRoot(ctx.dataDir))
    ? await loadOpenFollowUps(ctx, owner, typed)
    : { calls: [], callsPerCustomer: new Map<string, number>(), damaged: [], like: undefined };
  warnDamaged(damaged, ctx);
  if (like !== undefined) (await import('./agentTypo.js')).warnAgentTypo(ctx, typed, like);
  if (calls.length === 0 && asOf === now) {
    // Nothing open anywhere (a new agent, an empty store): no dates to work out, so none of
    // the date and colour code is loaded.
    if (opts.json) writeJson(ctx, { ...boardToJson({ asOf, overdue: [], today: [], upcoming: [] }, owner, days) });
    else ctx.stdout.write(nothingDueText({ owner, days }));
    failIfStrict(damaged, opts.strict);
    return;
  }

  const [{ buildFollowUpBoard }, text] = await Promise.all([
    import('../followups/followupBoard.js'),
    opts.json ? undefined : import('../followups/boardText.js'),
  ]);
  // The agent's zone is looked up only once a date is worked out or shown.
  const board = buildFollowUpBoard(calls, {
    asOf,
    get timeZone() {
      return ctx.timeZone;
    },
    days,
    callsPerCustomer,
    ...(owner !== undefined ? { owner } : {}),
  });

  if (!text) writeJson(ctx, { ...boardToJson(board, owner, days) });
  else ctx.stdout.write(await text.renderBoard(board, { timeZone: () => ctx.timeZone, days, owner, onOtherDay: asOf !== now, stream: ctx.stdout, env: ctx.env }));
  failIfStrict(damaged, opts.strict);
}

/** `typed`: an agent given with --agent, looked at for a typo when they have nothing open. */
async function loadOpenFollowUps(ctx: Context, owner: string | undefined, typed: string | undefined) {
  const [{ withCallIndex }, { openFollowUps, damagedFiles, agentNameLike }] = await Promise.all([
    import('../store/index/indexAccess.js'),
    import('../store/index/indexQueries.js'),
  ]);
  return withCallIndex(ctx.dataDir, { warn: ctx.warn }, (index) => {
    const open = openFollowUps(index, owner);
    return { ...open, damaged: damagedFiles(index), like: open.calls.length === 0 && typed !== undefined ? agentNameLike(index, typed) : undefined };
  });
}

// ---------------------------------------------------------------------------------------
// JSON: a stable shape for scripts. Absent values are null, never missing keys.

export interface FollowUpJson {
  id: string;
  shortId: string;
  due: string;
  allDay: boolean;
  /** The customer's zone, when the callback time was given in it. */
  timeZone: string | null;
  text: string;
  owner: string;
  promiseId: string | null;
  repeatEveryDays: number | null;
  repeatCaller: boolean;
  customer: { name: string | null; phone: string | null; account: string | null };
  call: { id: string; startedAt: string; agent: string; category: string | null };
}

export interface FollowUpBoardJson {
  asOf: string;
  agent: string | null;
  days: number;
  groups: { overdue: FollowUpJson[]; today: FollowUpJson[]; upcoming: FollowUpJson[] };
}

function itemToJson(item: BoardItem): FollowUpJson {
  const { followup: f, call } = item;
  return {
    id: f.id,
    shortId: shortFollowUpId(f.id),
    due: f.due,
    allDay: f.allDay === true,
    timeZone: f.timeZone ?? null,
    text: f.text,
    owner: f.owner,
    promiseId: f.promiseId ?? null,
    repeatEveryDays: f.repeatEveryDays ?? null,
    repeatCaller: item.repeatCaller,
    customer: { name: call.customer.name ?? null, phone: call.customer.phone ?? null, account: call.customer.account ?? null },
    call: { id: call.id, startedAt: call.startedAt, agent: call.agent, category: call.category ?? null },
  };
}

export function boardToJson(board: Pick<FollowUpBoard, 'asOf' | 'overdue' | 'today' | 'upcoming'>, owner: string | undefined, days: number): FollowUpBoardJson {
  return {
    asOf: board.asOf.toISOString(),
    agent: owner ?? null,
    days,
    groups: {
      overdue: board.overdue.map(itemToJson),
      today: board.today.map(itemToJson),
      upcoming: board.upcoming.map(itemToJson),
    },
  };
}

// ---------------------------------------------------------------------------------------
// done / snooze: change one follow-up inside its call file (locked, atomic), with history.

type FollowUpIdArg = ReturnType<typeof parseFollowUpIdArg>;

async function resolveFollowUp(parsed: FollowUpIdArg, ctx: Context): Promise<{ callId: string; followupId: string }> {
  const { resolveCallId } = await import('../store/callStore.js');
  const callId = await resolveCallId(ctx.dataDir, parsed.callPart);
  return { callId, followupId: `${callId}.f${parsed.index}` };
}

/**
 * The end of a change to a follow-up, in the file or the team database: `--json` prints
 * the changed item, and the on-followup-change hook hears of it (after the change is saved).
 */
export async function followUpChanged(change: FollowUpChangeJson, opts: { json?: boolean }, ctx: Context): Promise<void> {
  if (opts.json) writeJson(ctx, { ...change });
  const { runHooks } = await import('../hooks/runHook.js');
  await runHooks(ctx, 'on-followup-change', { ...change });
}

/**
 * A follow-up named by its call alone (`k3v9q2`, as the lists show calls): that call's one
 * open follow-up. Several open, or none: one line saying which there are.
 */
async function followUpNamed(text: string, ctx: Context): Promise<string> {
  let callPart: ReturnType<typeof parseCallIdArg>;
  try {
    callPart = parseCallIdArg(text);
  } catch {
    return text; // a follow-up id, or a typo the follow-up id check describes
  }
  const { resolveCallId, readCall } = await import('../store/callStore.js');
  const record = await readCall(ctx.dataDir, await resolveCallId(ctx.dataDir, callPart));
  const open = record.followups.filter((f) => f.status === 'open').map((f) => shortFollowUpId(f.id));
  if (open.length === 1) return open[0]!;
  throw new UserError(
    open.length === 0
      ? `call ${shortId(record.id)} has no open follow-up`
      : `call ${shortId(record.id)} has ${open.length} open follow-ups (${open.join(', ')}): give the one you mean`,
    1,
  );
}

export async function followupsDoneCommand(idArg: string, opts: FollowupsDoneOptions, ctx: Context): Promise<void> {
  refuseLongNote(opts.note);
  const id = await followUpNamed(idArg, ctx);
  const parsed = parseFollowUpIdArg(id); // before anything touches the file system
  const inTeam = await doneInTeam(id, opts, ctx);
  if (inTeam) return followUpChanged(inTeam, opts, ctx);
  const [{ updateCall }, { markDone, businessHoursFromEnv }, { formatDue }, { followUpChangeJson }] = await Promise.all([
    import('../store/callStore.js'),
    import('../domain/followUpRules.js'),
    import('../dates/formatDue.js'),
    import('../render/itemJson.js'),
  ]);
  // Read before anything is changed: a wrong setting is refused, not half applied.
  const businessHours = businessHoursFromEnv(ctx.env.CSR_CALL_BUSINESS_HOURS);
  const { callId, followupId } = await resolveFollowUp(parsed, ctx);
  const now = ctx.now();
  let next: import('../domain/callRecord.js').FollowUp | undefined;
  const saved = await updateCall(ctx.dataDir, callId, (record) => {
    const result = markDone(record, followupId, {
      at: now,
      by: ctx.agent,
      timeZone: ctx.timeZone,
      businessHours,
      ...(opts.note !== undefined ? { note: opts.note } : {}),
      ...(opts.last ? { last: true } : {}),
    });
    next = result.next;
    return result.record;
  });
  const change = followUpChangeJson({ action: 'done', at: now, by: ctx.agent, note: opts.note }, saved, followupId, next?.id);
  if (!opts.json) {
    const customer = saved.customer.name ?? saved.customer.phone ?? '';
    const who = customer ? ` (${oneLine(customer, 40)})` : '';
    ctx.stdout.write(`Done: ${shortFollowUpId(followupId)} ${oneLine(change.followup.text, 80)}${who}\n`);
    if (next) {
      const due = formatDue(new Date(next.due), {
        now,
        timeZone: ctx.timeZone,
        ...(next.allDay ? { allDay: true } : {}),
        ...(next.timeZone && next.timeZone !== ctx.timeZone ? { customerTimeZone: next.timeZone } : {}),
      });
      ctx.stdout.write(`Next progress call ${shortFollowUpId(next.id)}: ${due}\n`);
    }
  }
  await followUpChanged(change, opts, ctx);
}

export async function followupsSnoozeCommand(idArg: string, opts: FollowupsSnoozeOptions, ctx: Context): Promise<void> {
  refuseLongNote(opts.note);
  const id = await followUpNamed(idArg, ctx);
  const parsed = parseFollowUpIdArg(id); // before anything touches the file system
  const now = ctx.now();
  if (opts.until === undefined || opts.until.trim() === '') throw new UserError('--until needs a date, like tomorrow, +2d, fri 10:00 or 2026-12-01');
  const [{ parseWhen }, { formatDateTime, formatDue }, { isStartOfDayIn }, { startOfDayAfter }, { sayCorrections }] = await Promise.all([
    import('../dates/parseWhen.js'),
    import('../dates/formatDue.js'),
    import('../dates/zone.js'),
    import('../followups/followupBoard.js'),
    import('./dayRange.js'),
  ]);
  const when = forOption('--until', () => parseWhen(opts.until, { now, timeZone: ctx.timeZone, ...(ctx.dateOrder ? { dateOrder: ctx.dateOrder } : {}) }));
  sayCorrections(ctx, '--until', when.corrections);
  const ahead = when.allDay ? startOfDayAfter(when.at, 1, when.timeZone ?? ctx.timeZone) > now : when.at > now;
  if (!ahead) {
    throw new UserError(`cannot snooze to ${formatDateTime(when.at, ctx.timeZone)}: that is in the past (give a later time, like tomorrow or +2d)`);
  }
  const inTeam = await snoozeInTeam(id, opts, when, ctx);
  if (inTeam) return followUpChanged(inTeam, opts, ctx);
  const [{ updateCall }, { snooze, CALLING_HOURS, describeHours }, { followUpChangeJson }] = await Promise.all([
    import('../store/callStore.js'),
    import('../domain/followUpRules.js'),
    import('../render/itemJson.js'),
  ]);
  const { callId, followupId } = await resolveFollowUp(parsed, ctx);
  let result: import('../domain/followUpRules.js').SnoozeResult | undefined;
  const saved = await updateCall(ctx.dataDir, callId, (record) => {
    result = snooze(record, followupId, {
      at: now,
      until: when.at,
      agentTimeZone: ctx.timeZone,
      by: ctx.agent,
      ...(when.allDay ? { allDay: true } : {}),
      ...(when.timeZone ? { timeZone: when.timeZone } : {}),
      ...(opts.note !== undefined ? { note: opts.note } : {}),
    });
    return result.record;
  });
  const customer = saved.customer.name ?? saved.customer.phone ?? 'the customer';
  const changedOne = saved.followups.find((f) => f.id === followupId)!;
  const due = formatDue(new Date(changedOne.due), {
    now,
    timeZone: ctx.timeZone,
    ...(changedOne.allDay ? { allDay: true } : {}),
    ...(changedOne.timeZone && changedOne.timeZone !== ctx.timeZone ? { customerTimeZone: changedOne.timeZone } : {}),
  });
  if (!opts.json) ctx.stdout.write(`Snoozed ${shortFollowUpId(followupId)} to ${due}\n`);
  const theirZone = result!.outsideCallingHoursIn;
  if (theirZone) {
    ctx.warn(
      `${formatDateTime(when.at, theirZone)} ${theirZone} is outside the hours ${oneLine(customer, 40)} may be called (${describeHours(CALLING_HOURS)} their time); pick another time with --until`,
    );
  }
  if (result!.breaksPromise && result!.promise?.due) {
    const promise = result!.promise;
    const promisedAt = new Date(promise.due!);
    // A promise for a day ("by Friday") is stored as that day's midnight: show it as a day.
    const forADay = isStartOfDayIn(promisedAt, promise.timeZone ?? ctx.timeZone);
    const promised = formatDue(promisedAt, {
      now,
      timeZone: ctx.timeZone,
      ...(forADay ? { allDay: true } : {}),
      ...(promise.timeZone && promise.timeZone !== ctx.timeZone ? { customerTimeZone: promise.timeZone } : {}),
    });
    ctx.warn(
      `this breaks a promise to ${oneLine(customer, 40)}: "${oneLine(promise.text, 80)}" was promised by ${promised}; let the customer know`,
    );
  }
  await followUpChanged(followUpChangeJson({ action: 'snoozed', at: now, by: ctx.agent, note: opts.note }, saved, followupId), opts, ctx);
}

/** A --note holds what `csr-call note` holds, and is refused before anything is changed. */
function refuseLongNote(note: string | undefined): void {
  const tooLong = note === undefined ? undefined : noteTooLong(note);
  if (tooLong) throw new UserError(`--note: ${tooLong}`);
}

// ---------------------------------------------------------------------------------------
// With a team database: done / snooze go through it (one transaction; see teamFollowups.ts).

async function teamSettingsOf(ctx: Context) {
  if (!ctx.env.CSR_CALL_TEAM_DB) return undefined;
  return (await import('../team/teamSettings.js')).teamSettingsFrom(ctx.env);
}

/** The change when the team database took it (and it was said); undefined: do it in the file alone. */
async function doneInTeam(id: string, opts: FollowupsDoneOptions, ctx: Context): Promise<FollowUpChangeJson | undefined> {
  const settings = await teamSettingsOf(ctx);
  if (!settings) return undefined;
  const { actOnFollowUp, teamChangeJson } = await import('./teamFollowups.js');
  const options = { ...(opts.note !== undefined ? { note: opts.note } : {}), ...(opts.last ? { last: true } : {}) };
  const outcome = await actOnFollowUp(id, { action: { kind: 'done' }, options }, ctx, settings);
  if (!outcome) return undefined;
  const next = outcome.event.nextId && outcome.event.nextDue ? { id: outcome.event.nextId, due: outcome.event.nextDue } : undefined;
  if (!opts.json) {
    const who = outcome.customer ? ` (${oneLine(outcome.customer, 40)})` : '';
    ctx.stdout.write(`Done: ${shortFollowUpId(outcome.event.followupId)} ${oneLine(outcome.text, 80)}${who}\n`);
    if (next) {
      const { formatDue } = await import('../dates/formatDue.js');
      ctx.stdout.write(`Next progress call ${shortFollowUpId(next.id)}: ${formatDue(next.due, { now: ctx.now(), timeZone: ctx.timeZone })}\n`);
    }
  }
  return teamChangeJson('done', opts.note, outcome, ctx);
}

async function snoozeInTeam(
  id: string,
  opts: { note?: string; json?: boolean },
  when: { at: Date; allDay?: boolean; timeZone?: string },
  ctx: Context,
): Promise<FollowUpChangeJson | undefined> {
  const settings = await teamSettingsOf(ctx);
  if (!settings) return undefined;
  const { actOnFollowUp, teamChangeJson } = await import('./teamFollowups.js');
  const until = { at: when.at, ...(when.allDay ? { allDay: true } : {}), ...(when.timeZone ? { timeZone: when.timeZone } : {}) };
  const outcome = await actOnFollowUp(id, { action: { kind: 'snooze' }, options: { until, ...(opts.note !== undefined ? { note: opts.note } : {}) } }, ctx, settings);
  if (!outcome) return undefined;
  const [{ formatDue }, { promiseDeadline }] = await Promise.all([import('../dates/formatDue.js'), import('../domain/followUpRules.js')]);
  const now = ctx.now();
  // The follow-up's zone from here on: the one typed, else the one it had.
  const theirZone = when.timeZone ?? outcome.row.time_zone ?? undefined;
  if (!opts.json) {
    ctx.stdout.write(
      `Snoozed ${shortFollowUpId(outcome.event.followupId)} to ${formatDue(outcome.event.due ?? when.at, { now, timeZone: ctx.timeZone, ...(when.allDay ? { allDay: true } : {}), ...(theirZone && theirZone !== ctx.timeZone ? { customerTimeZone: theirZone } : {}) })}\n`,
    );
  }
  // The promise it keeps is in the call's file: known when the call is this agent's.
  const followup = outcome.record?.followups.find((f) => f.id === outcome.event.followupId);
  const promise = followup?.promiseId ? outcome.record!.promises.find((p) => p.id === followup.promiseId) : undefined;
  const deadline = promise ? promiseDeadline(promise, ctx.timeZone) : undefined;
  if (promise && deadline && when.at.getTime() > deadline.getTime()) {
    ctx.warn(`this breaks a promise to ${oneLine(outcome.customer ?? 'the customer', 40)}: "${oneLine(promise.text, 80)}" was promised by ${formatDue(deadline, { now, timeZone: ctx.timeZone })}; let the customer know`);
  }
  return teamChangeJson('snoozed', opts.note, outcome, ctx);
}
