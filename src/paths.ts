import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a data directory keeps its call files (`calls/YYYY/MM/<week>/`). */
export function callsRoot(dataDir: string): string {
  return join(dataDir, 'calls');
}

/**
 * Where calls are kept: `--data-dir`, else `CSR_CALL_HOME`, else the platform's user
 * data directory (XDG on Linux).
 */
export function resolveDataDir(flag: string | undefined, env: Env = process.env, platform = process.platform): string {
  if (flag) return resolve(flag);
  if (env.CSR_CALL_HOME) return resolve(env.CSR_CALL_HOME);
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'csr-call');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'csr-call', 'Data');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'csr-call');
}

/** The user's own playbooks: `CSR_CALL_PLAYBOOKS`, else `<config dir>/csr-call/playbooks`. */
export function resolvePlaybookDir(env: Env = process.env, platform = process.platform): string {
  if (env.CSR_CALL_PLAYBOOKS) return resolve(env.CSR_CALL_PLAYBOOKS);
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'csr-call', 'playbooks');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'csr-call', 'playbooks');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'csr-call', 'playbooks');
}

/** The agent's name: `--agent`, else `CSR_CALL_AGENT`, else the login name. */
export function resolveAgent(flag: string | undefined, env: Env = process.env): string {
  if (flag && flag.trim()) return flag.trim();
  if (env.CSR_CALL_AGENT && env.CSR_CALL_AGENT.trim()) return env.CSR_CALL_AGENT.trim();
  try {
    return userInfo().username || 'agent';
  } catch {
    return env.USER || env.USERNAME || 'agent';
  }
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
