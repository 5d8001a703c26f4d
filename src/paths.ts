import { homedir } from 'node:os';
import { configDir, defaultDataDir } from './settings/settingsTable.js';
import { join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a data directory keeps its call files (`calls/YYYY/MM/<week>/`). */
export function callsRoot(dataDir: string): string {
  return join(dataDir, 'calls');
}

/**
 * Where calls are kept, for code that has only the environment (a playbook's compile
 * cache): `--data-dir`, else `CSR_CALL_HOME`, else the platform's user data directory.
 * Commands use `ctx.dataDir`, which the config file can set too (src/settings).
 */
export function resolveDataDir(flag: string | undefined, env: Env = process.env, platform = process.platform): string {
  if (flag) return resolve(flag);
  if (env.CSR_CALL_HOME) return resolve(env.CSR_CALL_HOME);
  return defaultDataDir(env, platform);
}

/** The user's own playbooks: `CSR_CALL_PLAYBOOKS`, else `<config dir>/playbooks`. */
export function resolvePlaybookDir(env: Env = process.env, platform = process.platform): string {
  if (env.CSR_CALL_PLAYBOOKS) return resolve(env.CSR_CALL_PLAYBOOKS);
  return join(configDir(env, platform), 'playbooks');
}

/**
 * The folder of the indexes of calls: the user's cache folder (XDG_CACHE_HOME on Linux),
 * on this machine, never inside a data directory, which may be a network share (SQLite
 * must not run over one). Everything in it can be deleted; it is rebuilt from the files.
 */
export function resolveIndexDir(env: Env = process.env, platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'csr-call', 'index');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'csr-call', 'Cache', 'index');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'csr-call', 'index');
}
