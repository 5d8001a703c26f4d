/**
 * How commands and the store get the index of a data directory: opened once per process,
 * brought up to date, and made anew when it turns out damaged (then the question is asked
 * again). Nothing here loads zod until a call file has to be read.
 */
import { asIndexDamaged, CallIndex, deleteIndexFiles, IndexDamagedError, indexPathFor, type IndexOptions, type ParseCall } from './callIndex.js';
import { indexSettings } from './indexSettings.js';
import { systemTimeZone } from '../../dates/zone.js';

const open = new Map<string, Promise<CallIndex>>();

const loadParser = async (bulk: boolean): Promise<ParseCall> => {
  const store = await import('../callStore.js');
  return bulk ? store.bulkCallParser() : (text) => store.parseCallText(text);
};

export interface IndexRequest {
  /** The agent's zone; a new index numbers its days in it. */
  timeZone?: string;
  /** One line for the agent (the command's own warnings), else the program's. */
  warn?: (message: string) => void;
  /** The days must be in `timeZone` (stats). */
  sameZone?: boolean;
}

function optionsFor(request: IndexRequest): IndexOptions {
  const { onRebuild } = indexSettings();
  const warn = request.warn ?? indexSettings().warn;
  return {
    timeZone: request.timeZone ?? systemTimeZone(),
    parse: loadParser,
    ...(onRebuild ? { onRebuild } : {}),
    ...(warn ? { warn } : {}),
    ...(request.sameZone ? { sameZone: true } : {}),
  };
}

/** The index of `dataDir`, up to date with its files as of this call. */
export async function callIndexOf(dataDir: string, request: IndexRequest = {}): Promise<CallIndex> {
  let pending = open.get(dataDir);
  if (pending) {
    const index = await pending;
    if (request.sameZone && request.timeZone !== undefined && index.timeZone !== request.timeZone) {
      index.close();
      open.delete(dataDir);
      return callIndexOf(dataDir, request);
    }
    try {
      await index.refresh();
    } catch (error) {
      if (!(error instanceof IndexDamagedError)) throw error;
      // Damage found while bringing it up to date: made anew, as on opening.
      closeIndex(dataDir, index);
      deleteIndexFiles(index.path);
      return callIndexOf(dataDir, request);
    }
    return index;
  }
  pending = openOrRebuild(dataDir, optionsFor(request));
  open.set(dataDir, pending);
  try {
    return await pending;
  } catch (error) {
    open.delete(dataDir);
    throw error;
  }
}

async function openOrRebuild(dataDir: string, options: IndexOptions): Promise<CallIndex> {
  try {
    return await CallIndex.open(dataDir, options);
  } catch (error) {
    if (!(error instanceof IndexDamagedError)) throw error;
    deleteIndexFiles(indexPathFor(dataDir, options.indexDir));
    return CallIndex.open(dataDir, { ...options, rebuildReason: 'the index of calls was damaged' });
  }
}

/**
 * Runs a question against the index. Rows that fail their checksum are read again from
 * their files and the question asked again; a damaged database is made anew first.
 */
export async function withCallIndex<T>(dataDir: string, request: IndexRequest, ask: (index: CallIndex) => T | Promise<T>): Promise<T> {
  let index = await callIndexOf(dataDir, request);
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask(index);
    } catch (thrown) {
      // A page found damaged only as a query reads it (a truncated file) is a damaged index too.
      const error = asIndexDamaged(thrown);
      if (!(error instanceof IndexDamagedError) || attempt >= 2) throw error;
      if (error.callIds && attempt === 0) {
        await index.reread(error.callIds);
      } else {
        closeIndex(dataDir, index);
        deleteIndexFiles(index.path);
        index = await callIndexOf(dataDir, request);
      }
    }
  }
}

/** The index if this process has it open already (the store's own writes update it then). */
export function openedIndex(dataDir: string): Promise<CallIndex> | undefined {
  return open.get(dataDir);
}

/** Closes this process's connection to the index of `dataDir`, if it has one. */
export async function closeCallIndex(dataDir: string): Promise<void> {
  const pending = open.get(dataDir);
  open.delete(dataDir);
  const index = await pending?.catch(() => undefined);
  index?.close();
}

function closeIndex(dataDir: string, index: CallIndex): void {
  open.delete(dataDir);
  try {
    index.close();
  } catch {
    /* already unusable */
  }
}
