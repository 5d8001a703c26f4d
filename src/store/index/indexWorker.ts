/**
 * A worker thread of an index build: reads, checks and turns into rows the call files it
 * is sent, in batches, while the command's thread writes the rows of earlier batches.
 * Built as its own script (dist/app/indexWorker.cjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bulkCallParser } from '../callStore.js';
import { dayNumbering } from './indexRows.js';
import { readCallFile, type FileToRead } from './readCallFile.js';
import { addShares } from './bulkReader.js';
import { RollupChanges } from './rollups.js';

const { callsRoot, timeZone, rollups: gather } = workerData as { callsRoot: string; timeZone: string; rollups: boolean };
const ready = bulkCallParser().then((parse) => ({ callsRoot, parse, timeZone, dayOf: dayNumbering(timeZone) }));
// A batch of files to read. With `gather`, the batch's shares of the day sums come with it
// (and are forgotten here: a build's sums are written as it goes, not held to its end).
parentPort!.on('message', (files: FileToRead[]) => {
  void ready.then((context) => {
    try {
      const outcomes = files.map((file) => readCallFile(file, context));
      if (!gather) {
        parentPort!.postMessage({ outcomes });
        return;
      }
      const rollups = new RollupChanges();
      addShares(rollups, outcomes);
      parentPort!.postMessage({ outcomes, rollups: rollups.data() });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message, code: (error as NodeJS.ErrnoException).code });
    }
  });
});
