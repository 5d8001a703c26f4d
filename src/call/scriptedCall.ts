/**
 * A call answered from an `--answers` file: a dry run in memory first, so a bad file is
 * refused before anything is written, then the same engine with the store's saves.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { CallRecord } from '../domain/callRecord.js';
import { createCall, readCall } from '../store/callStore.js';
import type { Playbook } from '../playbook/types.js';
import { createScriptedPrompter, parseAnswersFile, checkAnswerKeys } from '../prompt/scriptedPrompter.js';
import { holdSession, runCallWith, sessionSaver, unreadCopy } from './callSession.js';
import { callingHoursWarnings, printEnd } from './callScreens.js';

export interface AnswersFile {
  answers: Record<string, unknown>;
  name: string;
}

export async function readAnswersFile(path: string): Promise<AnswersFile> {
  let content: string;
  try {
    content = await readFile(resolve(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read answers file ${path}${code === 'ENOENT' ? ': no such file' : ` (${code})`}`);
  }
  return { answers: parseAnswersFile(content, path), name: path };
}

/** Refuses an answers file naming steps this playbook does not have. */
export function checkAnswersFile(playbook: Playbook, file: AnswersFile): void {
  checkAnswerKeys(playbook, file.answers as never, file.name);
}

const prompterFor = (file: AnswersFile) => createScriptedPrompter(file.answers as never, file.name);

/** Dry run in memory: throws on the first answer the file gets wrong, before anything is written. */
async function dryRun(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<void> {
  await runCallWith(ctx, playbook, record, prompterFor(file), async (r) => r);
}

/** A new call, answered from the file; `record` is not written yet. */
export async function runScriptedStart(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<void> {
  await dryRun(ctx, playbook, record, file);
  const prompter = prompterFor(file);
  const saver = sessionSaver(ctx, await createCall(ctx.dataDir, record));
  const finished = await runCallWith(ctx, playbook, saver.latest(), prompter, saver.save);
  for (const key of prompter.unused()) ctx.warn(`${file.name}: "${key}" was not asked on this call (its condition was false)`);
  warnCallingHours(ctx, finished);
  printEnd(ctx, finished);
}

/** An unfinished call from the store, its remaining answers taken from the file. */
export async function runScriptedResume(ctx: Context, playbook: Playbook, record: CallRecord, file: AnswersFile): Promise<void> {
  await dryRun(ctx, playbook, record, file);
  const release = await holdSession(ctx, record.id);
  try {
    // Read again under the lock: the copy read before may be stale.
    const saver = sessionSaver(ctx, unreadCopy(await readCall(ctx.dataDir, record.id)));
    const finished = await runCallWith(ctx, playbook, saver.latest(), prompterFor(file), saver.save);
    warnCallingHours(ctx, finished);
    printEnd(ctx, finished);
  } finally {
    await release();
  }
}

function warnCallingHours(ctx: Context, record: CallRecord): void {
  for (const { problem, fix } of callingHoursWarnings(ctx, record)) ctx.warn(`${problem}; ${fix}`);
}
