/**
 * A worker thread of an index build: reads, checks and turns into rows the call files it
 * is sent, in batches, while the command's thread writes the rows of earlier batches.
 * Built as its own script (dist/app/indexWorker.cjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bulkCallParser } from '../callStore.js';
import { dayNumbering } from './indexRows.js';
import { readCallFile, type FileToRead } from './readCallFile.js';

const { timeZone } = workerData as { timeZone: string };
const dayOf = dayNumbering(timeZone);
const ready = bulkCallParser();

parentPort!.on('message', (files: FileToRead[]) => {
  void ready.then((parse) => {
    try {
      parentPort!.postMessage({ outcomes: files.map((file) => readCallFile(file, parse, timeZone, dayOf)) });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message, code: (error as NodeJS.ErrnoException).code });
    }
  });
});
