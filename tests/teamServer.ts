/**
 * A throwaway PostgreSQL cluster for the team tests: initdb in a temporary folder, the
 * server on loopback (a free port) and a Unix socket in that folder, stopped and removed
 * at the end of the run. Started once per test run by globalSetup when the server's
 * programs are found; the test files read where it is from CSR_CALL_TEST_PG.
 *
 * PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the unprivileged
 * `postgres` user that Debian's package creates (else `nobody`), started with runuser.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export interface TestServer {
  host: string;
  port: number;
  /** The folder of the server's Unix socket. */
  socketDir: string;
  /** The cluster's superuser (trusted over the socket only). */
  admin: string;
  dataDir: string;
  bin: string;
  /** The OS user the server runs as, when the tests run as root. */
  runAs?: string;
}

export const HOW_TO_GET_ONE =
  'team tests skipped: they need PostgreSQL server programs (Debian: apt-get install postgresql; or set CSR_CALL_PG_BIN to the folder of initdb and pg_ctl)';

/** The folder holding initdb and pg_ctl: CSR_CALL_PG_BIN, Debian's newest, or PATH. */
export function findPgBin(env = process.env): string | undefined {
  if (env.CSR_CALL_PG_BIN) return existsSync(join(env.CSR_CALL_PG_BIN, 'initdb')) ? env.CSR_CALL_PG_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? join(initdb, '..') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function runAsUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root with neither a postgres nor a nobody user to run the test server as');
}

/**
 * Starts a cluster in a new folder under `parent`; or, given `reuse` (a folder kept between
 * runs: the bench's loaded database), the cluster already there, initialised if it is not.
 */
export async function startTestServer(bin: string, parent = '/tmp', reuse?: string): Promise<TestServer> {
  const user = runAsUser();
  const root = reuse ?? mkdtempSync(join(parent, 'csr-call-pg-'));
  if (reuse) mkdirSync(reuse, { recursive: true });
  if (user) {
    chownSync(root, user.uid, user.gid);
    chmodSync(root, 0o700);
  }
  const run = async (program: string, args: string[]) => {
    const command = user ? ['runuser', '-u', user.name, '--', join(bin, program), ...args] : [join(bin, program), ...args];
    await promisify(execFile)(command[0]!, command.slice(1), { cwd: root });
  };
  const dataDir = join(root, 'data');
  const admin = 'csr_admin';
  if (reuse && existsSync(join(dataDir, 'PG_VERSION'))) {
    const server: TestServer = { host: '127.0.0.1', port: await freePort(), socketDir: root, admin, dataDir, bin, ...(user ? { runAs: user.name } : {}) };
    restartTestServer(server);
    return server;
  }
  await run('initdb', ['-D', dataDir, '-U', admin, '-E', 'UTF8', '--no-locale', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-instructions']);
  // Agents log in with passwords over TCP and over the socket; the superuser over the socket only.
  const hba = ['local all csr_admin trust', 'local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n');
  const hbaPath = join(dataDir, 'pg_hba.conf');
  writeFileSync(hbaPath, hba);
  if (user) chownSync(hbaPath, user.uid, user.gid);
  const port = await freePort();
  const options = serverOptions(port, root);
  await run('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  return { host: '127.0.0.1', port, socketDir: root, admin, dataDir, bin, ...(user ? { runAs: user.name } : {}) };
}

/**
 * The server's settings. A test cluster skips fsync (the tests kill the server process, not
 * the machine: written data survives in the system's cache), but keeps synchronous commit:
 * without it a commit the client was told of can still be in the server's memory when the
 * load test kills it, and an action the CLI said was done would be lost by the test's own
 * server, not by the program.
 */
function serverOptions(port: number, socketDir: string): string {
  return [`-p ${port}`, `-k ${socketDir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200'].join(' ');
}

/** Stops the server: `immediate` is a crash (no shutdown checkpoint), as a killed server. */
export function stopTestServer(server: TestServer, mode: 'fast' | 'immediate' = 'fast'): void {
  const args = ['-D', server.dataDir, '-m', mode, '-w', 'stop'];
  const command = server.runAs ? ['runuser', '-u', server.runAs, '--', join(server.bin, 'pg_ctl'), ...args] : [join(server.bin, 'pg_ctl'), ...args];
  spawnSync(command[0]!, command.slice(1), { stdio: 'ignore' });
}

/** Starts a stopped server again on the same port. */
export function restartTestServer(server: TestServer): void {
  const options = serverOptions(server.port, server.socketDir);
  const args = ['-D', server.dataDir, '-l', join(server.socketDir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'];
  const command = server.runAs ? ['runuser', '-u', server.runAs, '--', join(server.bin, 'pg_ctl'), ...args] : [join(server.bin, 'pg_ctl'), ...args];
  execFileSync(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function removeTestServer(server: TestServer): void {
  stopTestServer(server);
  rmSync(server.socketDir, { recursive: true, force: true });
}

/** Who the tests run as, for messages. */
export const testUser = () => userInfo().username;
