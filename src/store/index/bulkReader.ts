/**
 * Reads thousands of call files for an index build: in worker threads when the program
 * runs built (each file read, checked and turned into rows there, while this thread writes
 * the rows), else here, batch by batch. Outcomes come back in the order of `files`.
 * Given `rollups`, each call's share of the day sums is added to it (taken as no repeat
 * contact) as its batch is handed over, in this thread: the reader thread is a build's
 * slowest part, this one waits on it.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_DIR, packageRoot, runningBuilt } from '../../installPaths.js';
import { dayNumbering } from './indexRows.js';
import { readCallFile, type FileToRead, type ParseCall, type ReadOutcome } from './readCallFile.js';
import type { RollupChanges } from './rollups.js';
import { requireBuiltin } from '../../requireBuiltin.js';

const BATCH = 250;
/** Below this many files, starting workers (each loads the checks) costs more than it saves. */
const WORKERS_FROM = 4_000;

export async function* readInBatches(
  files: Iterable<FileToRead>,
  total: number,
  options: { callsRoot: string; timeZone: string; parse: () => Promise<ParseCall>; rollups?: RollupChanges },
): AsyncGenerator<ReadOutcome[]> {
  // Made as they are needed: a first build's file list is not held whole.
  const batches = batchesOf(files);
  const threads = workerCount(total);
  if (!runningBuilt() || threads === 0) {
    yield* readHere(batches, options);
    return;
  }
  // The batches sent to the threads and not yet handed over, in order.
  const unread: FileToRead[][] = [];
  try {
    for await (const outcomes of readInWorkers(batches, unread, threads, options.callsRoot, options.timeZone)) {
      if (options.rollups) addShares(options.rollups, outcomes);
      yield outcomes;
    }
  } catch (error) {
    // A batch of unusually large calls outgrew a reader thread's heap: the rest is read
    // here, where the heap has no such limit (slower, but the build goes through).
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
    yield* readHere(
      (function* () {
        yield* unread;
        yield* batches;
      })(),
      options,
    );
  }
}

async function* readHere(batches: Iterable<FileToRead[]>, options: { callsRoot: string; timeZone: string; parse: () => Promise<ParseCall>; rollups?: RollupChanges }): AsyncGenerator<ReadOutcome[]> {
  const context = { callsRoot: options.callsRoot, parse: await options.parse(), timeZone: options.timeZone, dayOf: dayNumbering(options.timeZone) };
  for (const batch of batches) {
    const outcomes = batch.map((file) => readCallFile(file, context));
    if (options.rollups) addShares(options.rollups, outcomes);
    yield outcomes;
  }
}

/**
 * A reader thread's heap, in MB. Left to itself V8 lets it grow well past what the thread
 * keeps (one batch's rows) before collecting; capped, the build's peak memory is ~50 MB
 * lower for the same time. A batch that needs more (250 calls near the size limit) kills
 * the thread, and is read in this one. CSR_CALL_INDEX_WORKER_HEAP_MB sets the old
 * generation's cap (tests).
 */
function workerHeapLimits(): { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number } {
  const set = process.env.CSR_CALL_INDEX_WORKER_HEAP_MB;
  return { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: set !== undefined && /^\d+$/.test(set) ? Number(set) : 32 };
}

/** `files` in batches of BATCH. */
function* batchesOf(files: Iterable<FileToRead>): Generator<FileToRead[]> {
  let batch: FileToRead[] = [];
  for (const file of files) {
    batch.push(file);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * How many worker threads read `files` files: none for a few (starting them costs more
 * than they save); else one core is left to this thread, which writes the rows (more than
 * four readers wait on it anyway). CSR_CALL_INDEX_WORKERS sets it, for any number of
 * files; 0: none.
 */
function workerCount(files: number): number {
  const set = process.env.CSR_CALL_INDEX_WORKERS;
  if (set !== undefined && /^\d+$/.test(set)) return Number(set);
  return files < WORKERS_FROM ? 0 : Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Adds the shares of the calls read to `rollups`. */
function addShares(rollups: RollupChanges, outcomes: readonly ReadOutcome[]): void {
  for (const outcome of outcomes) if ('indexed' in outcome) rollups.add(outcome.indexed.row, 1);
}

async function* readInWorkers(
  batches: Iterator<FileToRead[]>,
  unread: FileToRead[][],
  count: number,
  callsRoot: string,
  timeZone: string,
): AsyncGenerator<ReadOutcome[]> {
  const script = join(packageRoot(), BUNDLE_DIR, 'indexWorker.cjs');
  // Loaded for a build only: every command opens the index, few build it.
  const { Worker } = requireBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  const workers = Array.from({ length: count }, () => new Worker(script, { workerData: { callsRoot, timeZone }, resourceLimits: workerHeapLimits() }));
  // Each worker answers its messages in the order sent: one queue of pending answers per worker.
  type Answer = { outcomes: ReadOutcome[]; error?: string; code?: string };
  const waiting = workers.map(() => [] as Array<{ resolve: (answer: Answer) => void; reject: (error: Error) => void }>);
  workers.forEach((worker, w) => {
    worker.on('message', (message: Answer) => {
      const next = waiting[w]!.shift()!;
      if (message.error === undefined) next.resolve(message);
      else next.reject(Object.assign(new Error(message.error), { code: message.code }));
    });
    worker.on('error', (error) => {
      for (const pending of waiting[w]!.splice(0)) pending.reject(error);
    });
  });
  let sent = 0;
  /** Sends the next batch to the next thread; false when there is none left. */
  const sendNext = (): boolean => {
    const batch = batches.next();
    if (batch.done) return false;
    const w = sent++ % count;
    unread.push(batch.value);
    inFlight.push(
      new Promise<Answer>((resolve, reject) => {
        waiting[w]!.push({ resolve, reject });
        workers[w]!.postMessage(batch.value);
      }),
    );
    return true;
  };
  // A few batches ahead per worker: enough to keep them busy, few enough that memory stays flat.
  const ahead = count * 3;
  const inFlight: Array<Promise<Answer>> = [];
  try {
    while (inFlight.length < ahead && sendNext());
    while (inFlight.length > 0) {
      const answer = await inFlight.shift()!;
      unread.shift();
      sendNext();
      yield answer.outcomes;
    }
  } finally {
    for (const pending of inFlight) pending.catch(() => {});
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
