/**
 * What to do when a command finds it must read thousands of call files to rebuild the
 * summary cache (after an update of csr-call, or in a store another program changed a
 * lot): the terminal layer says so once, so that a long pause with a caller waiting is
 * not taken for a hang. Apart from the cache so that setting it costs a command nothing.
 */
let notice: (() => void) | undefined;
let threshold = 2_000;
let filesRead = 0;

/** `say` runs once, when the `afterFiles`-th call file of this run is read for the cache. */
export function onCacheRebuild(say: (() => void) | undefined, afterFiles = 2_000): void {
  notice = say;
  threshold = afterFiles;
  filesRead = 0;
}

/** Called by the cache for every call file it reads. */
export function cacheReadAFile(): void {
  filesRead += 1;
  if (filesRead !== threshold || !notice) return;
  const say = notice;
  notice = undefined;
  say();
}
