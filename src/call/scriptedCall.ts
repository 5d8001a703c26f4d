/**
 * A call answered from an `--answers` file: a dry run in memory first, so a bad file is
 * refused before anything is written, then the same engine with the store's saves.
 */
import type { Context } from '../context.js';
import type { CallRecord } from '../domain/callRecord.js';
import { createCall, readCall } from '../store/callStore.js';
import type { Playbook } from '../playbook/types.js';
import { createScriptedPrompter, parseAnswersFile, checkAnswerKeys } from '../prompt/scriptedPrompter.js';
import { holdSession, runCallWith, sessionSaver, unreadCopy } from './callSession.js';
import { callingHoursWarnings, printEnd } from './callScreens.js';
import { readTextFile, STDIN } from '../prompt/textSources.js';

export interface AnswersFile {
  answers: Record<string, unknown>;
  name: string;
}

/** The answers file (`-`: standard input), a byte-order mark dropped. */
export async function readAnswersFile(path: string, ctx: Pick<Context, 'stdin'>): Promise<AnswersFile> {
  const name = path === STDIN ? 'standard input' : path;
  return { answers: parseAnswersFile(await readTextFile(path, ctx, 'answers file'), name), name };
}

/** Refuses an answers file naming steps this playbook does not have. */
export function checkAnswersFile(playbook: Playbook, file: AnswersFile): void {
  checkAnswerKeys(playbook, file.answers as never, file.name);
}

/**
 * The prompter of the real run. A script's call is quiet about the craft: its nudges are
 * kept in the call (`show`, `stats`), and the check's items it leaves are listed in the
 * summary, with the reason the file gives or "(no reason given in the answers file)".
 */
const prompterFor = (file: AnswersFile, warn?: (message: string) => void) => createScriptedPrompter(file.answers as never, file.name, warn);

/**
 * Dry run in memory (the store not even looked at): throws on the first answer the file
 * gets wrong, before anything is written. The words it read as others are said here, once.
 */
async function dryRun(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<void> {
  await runCallWith(ctx, playbook, record, prompterFor(file, ctx.warn), async (r) => r, { dryRun: true });
}

/** A new call, answered from the file; `record` is not written yet. Returns the call as saved at its end. */
export async function runScriptedStart(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<CallRecord> {
  await dryRun(ctx, playbook, record, file);
  const prompter = prompterFor(file);
  const saver = sessionSaver(ctx, await createCall(ctx.dataDir, record));
  const finished = await runCallWith(ctx, playbook, saver.latest(), prompter, saver.save);
  for (const key of prompter.unused()) {
    ctx.warn(key.startsWith('checklist.') ? `${file.name}: "${key}" was not needed: the call met that check` : `${file.name}: "${key}" was not asked on this call (its condition was false)`);
  }
  warnCallingHours(ctx, finished);
  printEnd(ctx, finished);
  return finished;
}

/** An unfinished call from the store, its remaining answers taken from the file. Returns the call as saved at its end. */
export async function runScriptedResume(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<CallRecord> {
  await dryRun(ctx, playbook, record, file);
  const release = await holdSession(ctx, record.id);
  try {
    // Read again under the lock: the copy read before may be stale.
    const saver = sessionSaver(ctx, unreadCopy(await readCall(ctx.dataDir, record.id)));
    const finished = await runCallWith(ctx, playbook, saver.latest(), prompterFor(file), saver.save);
    warnCallingHours(ctx, finished);
    printEnd(ctx, finished);
    return finished;
  } finally {
    await release();
  }
}

function warnCallingHours(ctx: Context, record: CallRecord): void {
  for (const { problem, fix } of callingHoursWarnings(ctx, record)) ctx.warn(`${problem}; ${fix}`);
}
