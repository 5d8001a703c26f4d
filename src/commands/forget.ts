import { sub } from 'date-fns/sub';
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import { parseAge } from '../dates/parseAge.js';
import { zonedParts } from '../dates/zone.js';
import { colorsFor } from '../render/colors.js';
import { oneLine } from '../render/terminalText.js';
import { accountKey, nameKey, phoneDigits, phoneKey, sameAccount, samePhone, type Customer } from '../domain/customerKeys.js';
import { callIdSecond, shortId } from '../domain/ids.js';
import {
  eraseCalls,
  findMentions,
  phoneMatcher,
  planErasure,
  relativeToData,
  rewriteIndex,
  clearIndexLeftovers,
  textMatcher,
  type ErasurePlan,
  type ErasureSelection,
} from '../store/eraseCalls.js';
import { callIndexOf } from '../store/index/indexAccess.js';
import type { CallIndex } from '../store/index/callIndex.js';
import { unfinishedCalls } from '../store/index/indexQueries.js';
import { resolveCallId } from '../store/callStore.js';
import { parseCallIdArg } from '../domain/ids.js';
import type { OptionsOf } from '../commandSpec.js';
import type { discardOptions, forgetOptions, purgeOptions } from '../cli.js';
import { writeJson } from '../render/jsonOutput.js';
import { plural } from '../text/plural.js';

/**
 * `csr-call forget` (everything about one customer), `csr-call purge` (calls past the
 * retention period) and `csr-call discard` (a call started by mistake). Each shows exactly
 * what will go, asks (unless --yes), and erases it as thoroughly as the others: the call
 * files under their locks, their temporary files, their rows in the index (overwritten).
 * `forget` then searches the data directory and the index's files to confirm the
 * customer's details are gone; running it again finishes one that was cut short.
 */

export type ForgetOptions = OptionsOf<typeof forgetOptions>;
export type PurgeOptions = OptionsOf<typeof purgeOptions>;
export type DiscardOptions = OptionsOf<typeof discardOptions>;

export async function forgetCommand(options: ForgetOptions, ctx: Context): Promise<void> {
  await reporting(options.json, ctx, (human, report) => forget(options, human, report));
}

async function forget(options: ForgetOptions, ctx: Context, report: ErasureReport): Promise<void> {
  const selector = selectorOf(options);
  const index = await callIndexOf(ctx.dataDir, { warn: ctx.warn });
  const plan = await planErasure(index, selector.selection);
  const stored = plan.calls.flatMap((c) => (selector.kind === 'phone' && c.customer?.phone ? [c.customer.phone] : []));
  const mentions = selector.kind === 'phone' ? phoneMatcher(selector.value, stored) : selector.selection.tempMatches!;

  const erased = new Set([...plan.calls.map((c) => c.path), ...plan.tempFiles]);
  const elsewhere = (await findMentions(ctx.dataDir, mentions)).filter((path) => !erased.has(path));

  const write = line(ctx);
  const color = colorsFor(ctx.stdout, ctx.env);
  if (plan.calls.length === 0 && plan.tempFiles.length === 0) {
    write(`nothing stored for ${selector.label}: no call has this customer`);
    // An erasure cut short may have left the index's copy behind: cleared all the same.
    const left = await proveGone(ctx, index, mentions);
    if (elsewhere.length > 0 || left.length > 0) {
      listElsewhere(ctx, [...new Set([...elsewhere, ...left])], selector.label);
      throw new OperationError(`${selector.label} still appears in ${plural(new Set([...elsewhere, ...left]).size, 'file')} listed above: review them`);
    }
    await forgetInTeam(selector, options, ctx);
    return;
  }

  write(color.bold(`To erase for ${selector.label}:`));
  describePlan(ctx, plan);
  if (elsewhere.length > 0) listElsewhere(ctx, elsewhere, selector.label);
  refuseBusy(plan);

  const question = `Erase ${plural(plan.calls.length, 'call')} about ${selector.label}? This cannot be undone.`;
  if (!(await confirmed(options.yes, question, ctx))) {
    write('nothing erased');
    return;
  }
  const result = await eraseCalls(index, plan);
  erasedInto(report, plan, result);
  const left = await proveGone(ctx, index, mentions);
  write(color.green(`erased ${summaryOf(result, plan)}`));
  if (left.length > 0) {
    for (const path of left) write(`  still mentioned in ${describeFile(ctx.dataDir, path)}`);
    throw new OperationError(`${selector.label} still appears in ${plural(left.length, 'file')} listed above: review them`);
  }
  write(`a search of ${oneLine(ctx.dataDir)} and of the index of calls finds ${selector.label} nowhere`);
  await forgetInTeam(selector, options, ctx);
  write(color.dim('Exports written with --out are not tracked by csr-call: delete any copies you made yourself.'));
}

/** With a team database: the customer's calls there too (the selection's SQL fits its columns). */
async function forgetInTeam(selector: Selector, options: ForgetOptions, ctx: Context): Promise<void> {
  if (!ctx.env.CSR_CALL_TEAM_DB) return;
  const { eraseInTeam } = await import('../team/teamErase.js');
  let n = 0;
  const where = selector.selection.where.replace(/\?/g, () => `$${++n}`);
  await eraseInTeam(ctx, { label: `about ${selector.label}`, where, params: selector.selection.params, yes: options.yes, confirm: (q) => confirmed(options.yes, q, ctx) });
}

/**
 * Searches the data directory and the index's files for the customer. The index is
 * checkpointed first; if its files still mention the customer (pages freed before secure
 * deletion), it is rewritten whole and searched again. A mention the index keeps because
 * a call kept in the data directory has it (another customer's note) is that call's, and
 * is reported as that call only.
 */
async function proveGone(ctx: Context, index: CallIndex, mentions: (text: string) => boolean): Promise<string[]> {
  clearIndexLeftovers(index);
  const inIndex = (path: string) => path.startsWith(index.path);
  let left = await findMentions(ctx.dataDir, mentions, index.path);
  if (left.some(inIndex) && !left.some((path) => !inIndex(path))) {
    rewriteIndex(index);
    left = await findMentions(ctx.dataDir, mentions, index.path);
  }
  return left.some((path) => !inIndex(path)) ? left.filter((path) => !inIndex(path)) : left;
}

export async function purgeCommand(options: PurgeOptions, ctx: Context): Promise<void> {
  await reporting(options.json, ctx, (human, report) => purge(options, human, report));
}

async function purge(options: PurgeOptions, ctx: Context, report: ErasureReport): Promise<void> {
  const age = parseAge(String(options.olderThan ?? ''));
  const cutoff = sub(ctx.now(), age);
  const index = await callIndexOf(ctx.dataDir, { warn: ctx.warn });
  const cutoffId = callIdSecond(cutoff);
  const plan = await planErasure(index, { where: 'c.started < ?', params: [cutoff.getTime()], damaged: (id) => id < cutoffId });
  const write = line(ctx);
  const color = colorsFor(ctx.stdout, ctx.env);
  const when = formatTime(cutoff, ctx.timeZone);
  if (plan.calls.length === 0) {
    write(`no call started before ${when}: nothing to purge`);
    await purgeInTeam(cutoff, when, options, ctx);
    return;
  }
  write(color.bold(`To erase: calls started before ${when} (older than ${oneLine(String(options.olderThan))}):`));
  describePlan(ctx, plan);
  refuseBusy(plan);
  const question = `Erase ${plural(plan.calls.length, 'call')} started before ${when}? This cannot be undone.`;
  if (!(await confirmed(options.yes, question, ctx))) {
    write('nothing erased');
    return;
  }
  const result = await eraseCalls(index, plan);
  erasedInto(report, plan, result);
  write(color.green(`erased ${summaryOf(result, plan)}`));
  await purgeInTeam(cutoff, when, options, ctx);
}

async function purgeInTeam(cutoff: Date, when: string, options: PurgeOptions, ctx: Context): Promise<void> {
  if (!ctx.env.CSR_CALL_TEAM_DB) return;
  const { eraseInTeam } = await import('../team/teamErase.js');
  await eraseInTeam(ctx, { label: `started before ${when}`, where: 'c.started < $1', params: [cutoff.toISOString()], yes: options.yes, confirm: (q) => confirmed(options.yes, q, ctx) });
}

/**
 * `csr-call discard [ID]`: throws away an unfinished call (yours, the latest, when no id is
 * given), as thoroughly as `forget`. A completed call is kept: it is a record of work done.
 */
export async function discardCommand(id: string | undefined, options: DiscardOptions, ctx: Context): Promise<void> {
  await reporting(options.json, ctx, (human, report) => discard(id, options, human, report));
}

async function discard(id: string | undefined, options: DiscardOptions, ctx: Context, report: ErasureReport): Promise<void> {
  const index = await callIndexOf(ctx.dataDir, { warn: ctx.warn });
  const callId = id !== undefined ? await resolveCallId(ctx.dataDir, parseCallIdArg(id)) : latestUnfinished(index, ctx);
  const plan = await planErasure(index, { where: 'c.id = ?', params: [callId], damaged: (damagedId) => damagedId === callId });
  const write = line(ctx);
  const target = plan.calls[0];
  if (!target) throw new UserError(`no call ${shortId(callId)} in ${ctx.dataDir}`, 1);
  const summary = index.sql('SELECT completed FROM calls WHERE id = ?').get(callId);
  if (summary?.completed === 1) {
    throw new UserError(`call ${shortId(callId)} is completed and is kept; to erase a customer's data use csr-call forget`, 1);
  }
  write(colorsFor(ctx.stdout, ctx.env).bold('To throw away:'));
  describePlan(ctx, plan);
  refuseBusy(plan);
  if (!(await confirmed(options.yes, `Throw away call ${shortId(callId)}? This cannot be undone.`, ctx))) {
    write('nothing thrown away');
    return;
  }
  const result = await eraseCalls(index, plan);
  erasedInto(report, plan, result);
  write(colorsFor(ctx.stdout, ctx.env).green(`thrown away: ${summaryOf(result, plan)}`));
}

/** Your latest unfinished call, when discard is given no id. */
function latestUnfinished(index: CallIndex, ctx: Context): string {
  const latest = unfinishedCalls(index, ctx.agent)[0];
  if (!latest) throw new UserError(`no unfinished call for agent ${ctx.agent}: give the id of the call to throw away`, 1);
  return latest.id;
}

interface Selector {
  kind: 'phone' | 'account' | 'customer';
  value: string;
  label: string;
  selection: ErasureSelection;
}

function selectorOf(options: ForgetOptions): Selector {
  const given = (['phone', 'account', 'customer'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new UserError(
      given.length === 0
        ? 'say whose data to erase: exactly one of --phone <number>, --account <id> or --customer <exact name>'
        : `give only one of --phone, --account or --customer (got ${given.map((k) => `--${k}`).join(' and ')})`,
    );
  }
  const kind = given[0]!;
  const value = String(options[kind]).trim();
  if (value === '') throw new UserError(`--${kind} is empty: give the ${kind === 'customer' ? 'exact name' : kind} to erase`);
  if (kind === 'phone') {
    if (phoneDigits(value).length < 4) throw new UserError(`--phone "${oneLine(value, 40)}" has too few digits: give the whole number, like +1 555 010 0100`);
    return {
      kind,
      value,
      label: `phone ${oneLine(value)}`,
      selection: {
        where: 'c.phone_key = ?',
        params: [phoneKey(value)!],
        damaged: (_id, c: Customer | undefined) => samePhone(c?.phone, value),
        tempMatches: phoneMatcher(value),
      },
    };
  }
  if (kind === 'account') {
    return {
      kind,
      value,
      label: `account ${oneLine(value)}`,
      selection: {
        where: 'c.account_key = ?',
        params: [accountKey(value)!],
        damaged: (_id, c) => sameAccount(c?.account, value),
        tempMatches: textMatcher([value]),
      },
    };
  }
  // Names compare case- and accent-insensitively, runs of spaces collapsed: "jose  GARCIA" is "José García".
  const name = nameKey(value)!;
  return {
    kind,
    value,
    label: `customer "${oneLine(value)}"`,
    selection: {
      where: 'c.name_key = ?',
      params: [name],
      damaged: (_id, c) => c?.name !== undefined && nameKey(c.name) === name,
      tempMatches: textMatcher([value]),
    },
  };
}

function describePlan(ctx: Context, plan: ErasurePlan): void {
  const write = line(ctx);
  for (const call of plan.calls) {
    const who = [call.customer?.name, call.customer?.phone, call.customer?.account].filter(Boolean).join(', ') || 'no customer details';
    const follow =
      call.followups > 0 ? `, ${plural(call.followups, 'follow-up')}${call.openFollowups > 0 ? ` (${call.openFollowups} open)` : ''}` : '';
    const damaged = call.damaged ? ` [damaged: ${call.damaged}]` : '';
    write(`  ${formatTime(call.startedAt, ctx.timeZone)}  ${shortId(call.id)}  ${oneLine(who, 60)}${follow}${oneLine(damaged, 100)}`);
  }
  const followups = plan.calls.reduce((n, c) => n + c.followups, 0);
  const open = plan.calls.reduce((n, c) => n + c.openFollowups, 0);
  write(`  = ${plural(plan.calls.length, 'call')}${followups > 0 ? ` with ${plural(followups, 'follow-up')}${open > 0 ? ` (${open} still open)` : ''}` : ''}`);
  if (plan.tempFiles.length > 0) write(`  + ${plural(plan.tempFiles.length, 'temporary file')} left by interrupted saves`);
  write('  + their rows in the index of calls (overwritten, not just unlinked)');
}

function listElsewhere(ctx: Context, paths: string[], label: string): void {
  const write = line(ctx);
  write(`Not erased, but ${paths.length === 1 ? '1 more file mentions' : `${paths.length} more files mention`} ${label} (another customer's call, or a file csr-call cannot attribute):`);
  for (const path of paths) write(`  ${describeFile(ctx.dataDir, path)}`);
}

function describeFile(dataDir: string, path: string): string {
  if (/\.sqlite(-wal|-shm)?$/.test(path)) return `${oneLine(path)}  (the index of calls: csr-call doctor --fix rebuilds it)`;
  const id = /(\d{8}-\d{6}-[0-9a-z]{6})\.json$/.exec(path)?.[1];
  const where = oneLine(relativeToData(dataDir, path));
  return id ? `${where}  (review it: csr-call show ${shortId(id)})` : where;
}

function refuseBusy(plan: ErasurePlan): void {
  if (plan.busy.length === 0) return;
  const first = plan.busy[0]!;
  throw new OperationError(
    `call ${shortId(first.id)} is open for editing by ${oneLine(first.holder.agent)} on ${oneLine(first.holder.host)} since ${first.holder.since}` +
      `${plan.busy.length > 1 ? ` (and ${plan.busy.length - 1} more)` : ''}: finish it there first, then erase`,
  );
}

async function confirmed(yes: boolean | undefined, question: string, ctx: Context): Promise<boolean> {
  if (yes) return true;
  if (!ctx.stdin.isTTY) {
    throw new UserError('erasing needs confirmation and stdin is not a terminal: use --yes to confirm in scripts');
  }
  return ctx.prompts.confirm(question, { default: false });
}

function summaryOf(result: Awaited<ReturnType<typeof eraseCalls>>, plan: ErasurePlan): string {
  const parts = [plural(result.calls, 'call')];
  const followups = plan.calls.reduce((n, c) => n + c.followups, 0);
  if (followups > 0) parts[0] += ` (with ${plural(followups, 'follow-up')})`;
  if (result.tempFiles > 0) parts.push(plural(result.tempFiles, 'temporary file'));
  parts.push('their index rows');
  return parts.join(', ');
}

/** What `--json` reports: the calls erased (none when the agent said no or nothing matched). */
interface ErasureReport {
  erased: { calls: string[]; followups: number; tempFiles: number };
}

function erasedInto(report: ErasureReport, plan: ErasurePlan, result: Awaited<ReturnType<typeof eraseCalls>>): void {
  report.erased = { calls: plan.calls.map((c) => c.id), followups: plan.calls.reduce((n, c) => n + c.followups, 0), tempFiles: result.tempFiles };
}

/** With --json, what a person reads goes to stderr and the report to stdout, at the end. */
async function reporting(json: boolean | undefined, ctx: Context, body: (human: Context, report: ErasureReport) => Promise<void>): Promise<void> {
  const report: ErasureReport = { erased: { calls: [], followups: 0, tempFiles: 0 } };
  await body(json ? { ...ctx, stdout: ctx.stderr } : ctx, report);
  if (json) writeJson(ctx, { ...report });
}

function line(ctx: Context): (text: string) => void {
  return (text) => ctx.stdout.write(`${text}\n`);
}

/** `2026-11-23 14:52` in the agent's zone. */
function formatTime(at: Date, timeZone: string): string {
  const { year, month, day, hour, minute } = zonedParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}`;
}
