/**
 * The calls the team database may be behind on: one empty file per call id in
 * `<data directory>/team/outbox/`, made (under the call's lock) before the call's file is
 * written or erased, removed once the team database has the call as it is now (or has
 * erased it). A crash leaves at worst a mark for a call that did not change: sending it
 * again changes nothing (the team database never takes an older revision). Nothing about a
 * customer is written here, only ids.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCallId } from '../domain/ids.js';
import type { StoreListener } from '../store/storeEvents.js';

export function outboxDir(dataDir: string): string {
  return join(dataDir, 'team', 'outbox');
}

export function markForSending(dataDir: string, id: string): void {
  const dir = outboxDir(dataDir);
  try {
    writeFileSync(join(dir, id), '', { mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, id), '', { mode: 0o600 });
  }
}

/** The call ids waiting, oldest name first (ids sort by when the call started). */
export function waitingIds(dataDir: string): string[] {
  try {
    return readdirSync(outboxDir(dataDir)).filter(isCallId).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function sent(dataDir: string, id: string): void {
  // unlink, not rm: rmSync loads its recursive remover for one file.
  try {
    unlinkSync(join(outboxDir(dataDir), id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The store's listener: every change to a call is marked before it is made. */
export function outboxListener(warn: (message: string) => void): StoreListener {
  let warned = false;
  return {
    changing(dataDir, id) {
      try {
        markForSending(dataDir, id);
      } catch (error) {
        // The call's own file still comes first: it is written all the same, and `team sync`
        // finds what the outbox missed by comparing revisions.
        if (!warned) warn(`cannot note call ${id} for the team database (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); csr-call team sync will send it`);
        warned = true;
      }
    },
  };
}

/** When this data directory last looked for teammates' actions (0: never). */
export function lastCheck(dataDir: string): number {
  return statSync(join(dataDir, 'team', 'checked'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

export function checkedNow(dataDir: string): void {
  try {
    writeFileSync(join(dataDir, 'team', 'checked'), '', { mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(join(dataDir, 'team'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, 'team', 'checked'), '', { mode: 0o600 });
  }
}
