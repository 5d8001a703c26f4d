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
const rollups = new RollupChanges();

// A batch of files to read, or 'rollups': the shares of the calls read, once all are.
parentPort!.on('message', (files: FileToRead[] | 'rollups') => {
  if (files === 'rollups') {
    parentPort!.postMessage({ rollups: rollups.data() });
    return;
  }
  void ready.then((context) => {
    try {
      const outcomes = files.map((file) => readCallFile(file, context));
      if (gather) addShares(rollups, outcomes);
      parentPort!.postMessage({ outcomes });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message, code: (error as NodeJS.ErrnoException).code });
    }
  });
});
