/**
 * Who else hears of the store's changes: the team's outbox, when a team database is set
 * (main sets it; nothing here loads the team's code). The one write path calls it under
 * the call's lock *before* writing or erasing the file, so that a crash between the two
 * leaves at worst a call marked for sending that did not change, never a change unmarked.
 */
export interface StoreListener {
  /** `id`'s file is about to be written or erased. */
  changing(dataDir: string, id: string): void;
}

let listener: StoreListener | undefined;

export function listenToStore(next: StoreListener | undefined): void {
  listener = next;
}

export function storeListener(): StoreListener | undefined {
  return listener;
}
