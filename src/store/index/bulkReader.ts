/**
 * Reads thousands of call files for an index build: in worker threads when the program
 * runs built (each file read, checked and turned into rows there, while this thread writes
 * the rows), else here, batch by batch. Outcomes come back in the order of `files`.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUNDLE_DIR, packageRoot, runningBuilt } from '../../installPaths.js';
import { dayNumbering } from './indexRows.js';
import { readCallFile, type FileToRead, type ParseCall, type ReadOutcome } from './readCallFile.js';

const BATCH = 250;
/** Below this many files, starting workers (each loads the checks) costs more than it saves. */
const WORKERS_FROM = 4_000;

export async function* readInBatches(
  files: readonly FileToRead[],
  options: { timeZone: string; parse: () => Promise<ParseCall> },
): AsyncGenerator<ReadOutcome[]> {
  const batches: FileToRead[][] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  if (!runningBuilt() || files.length < WORKERS_FROM) {
    const parse = await options.parse();
    const dayOf = dayNumbering(options.timeZone);
    for (const batch of batches) yield batch.map((file) => readCallFile(file, parse, options.timeZone, dayOf));
    return;
  }
  yield* readInWorkers(batches, options.timeZone);
}

async function* readInWorkers(batches: FileToRead[][], timeZone: string): AsyncGenerator<ReadOutcome[]> {
  const script = join(packageRoot(), BUNDLE_DIR, 'indexWorker.cjs');
  const count = Number(process.env.CSR_CALL_INDEX_WORKERS) || Math.max(1, Math.min(4, availableParallelism()));
  const workers = Array.from({ length: count }, () => new Worker(script, { workerData: { timeZone } }));
  // Each worker answers its batches in the order sent: one queue of pending answers per worker.
  const waiting = workers.map(() => [] as Array<{ resolve: (outcomes: ReadOutcome[]) => void; reject: (error: Error) => void }>);
  workers.forEach((worker, w) => {
    worker.on('message', (message: { outcomes?: ReadOutcome[]; error?: string; code?: string }) => {
      const next = waiting[w]!.shift()!;
      if (message.outcomes) next.resolve(message.outcomes);
      else next.reject(Object.assign(new Error(message.error), { code: message.code }));
    });
    worker.on('error', (error) => {
      for (const pending of waiting[w]!.splice(0)) pending.reject(error);
    });
  });
  const send = (index: number) =>
    new Promise<ReadOutcome[]>((resolve, reject) => {
      const w = index % count;
      waiting[w]!.push({ resolve, reject });
      workers[w]!.postMessage(batches[index]);
    });
  // A few batches ahead per worker: enough to keep them busy, few enough that memory stays flat.
  const ahead = count * 3;
  const inFlight: Array<Promise<ReadOutcome[]>> = [];
  try {
    let next = 0;
    while (next < batches.length && inFlight.length < ahead) inFlight.push(send(next++));
    while (inFlight.length > 0) {
      const outcomes = await inFlight.shift()!;
      if (next < batches.length) inFlight.push(send(next++));
      yield outcomes;
    }
  } finally {
    for (const pending of inFlight) pending.catch(() => {});
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
