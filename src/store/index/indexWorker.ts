/**
 * A worker thread of an index build: reads, checks and turns into rows the call files it
 * is sent, in batches, while the command's thread writes the rows of earlier batches.
 * Built as its own script (dist/app/indexWorker.cjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bulkCallParser } from '../callStore.js';
import { dayNumbering } from './indexRows.js';
import { readCallFile, type FileToRead } from './readCallFile.js';

const { callsRoot, timeZone } = workerData as { callsRoot: string; timeZone: string };
const ready = bulkCallParser().then((parse) => ({ callsRoot, parse, timeZone, dayOf: dayNumbering(timeZone) }));
// A batch of files to read; its rows go back to be written (and their day sums added up) there.
parentPort!.on('message', (files: FileToRead[]) => {
  void ready.then((context) => {
    try {
      parentPort!.postMessage({ outcomes: files.map((file) => readCallFile(file, context)) });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message, code: (error as NodeJS.ErrnoException).code });
    }
  });
});
