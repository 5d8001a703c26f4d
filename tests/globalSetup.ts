import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundle } from '../src/build/bundle.js';
import { findPgBin, HOW_TO_GET_ONE, removeTestServer, startTestServer, type TestServer } from './teamServer.js';

/** Newest modification time of the files under `dir`. */
function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** When the oldest of the built files was built (0: one is missing). */
function builtAt(root: string): number {
  try {
    return Math.min(statSync(join(root, 'dist', 'app', 'main.cjs')).mtimeMs, statSync(join(root, STORE_FOR_CHILDREN)).mtimeMs);
  } catch {
    return 0;
  }
}

/**
 * The store as one plain JavaScript file for the child processes of the crash and
 * concurrency tests (tests/fixtures/*.mjs): hundreds of them start, and each must start fast.
 */
const STORE_FOR_CHILDREN = join('dist', 'test', 'callStore.js');

async function bundleStoreForChildren(root: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/store/callStore.ts'],
    outfile: join(root, STORE_FOR_CHILDREN),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // A CommonJS package with a compiled part: loaded as it is installed.
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
}

// End-to-end tests run the built CLI (bin/ → dist/app/), as users do. `npm install` builds
// it (prepare); rebuild here only when a source is newer, which keeps `npm test` fast.
// The bundle is all the tests need (tsc's type declarations are for playbook authors);
// type errors are reported by `npm run typecheck`.
export default async function setup(): Promise<() => void> {
  // Every temporary folder of the run (stores of made-up customers among them) goes in one,
  // removed at the end: the test workers and the processes they start inherit TMPDIR.
  const scratch = mkdtempSync(join(tmpdir(), 'csr-call-tests-'));
  // The team tests' PostgreSQL: started once for the run (its folder outside the scratch
  // folder, which the server's own user may not enter), stopped and removed at the end.
  const pg = startTeamServer(tmpdir());
  process.env.TMPDIR = scratch;
  let server: TestServer | undefined;
  const teardown = () => {
    if (server) removeTestServer(server);
    rmSync(scratch, { recursive: true, force: true });
  };
  const root = fileURLToPath(new URL('..', import.meta.url));
  const sources = Math.max(
    newestIn(join(root, 'src')),
    newestIn(join(root, 'playbooks')),
    statSync(join(root, 'package.json')).mtimeMs,
  );
  if (builtAt(root) < sources) await Promise.all([bundle(root), bundleStoreForChildren(root)]);
  server = await pg;
  process.env.CSR_CALL_TEST_PG = server ? JSON.stringify(server) : '';
  return teardown;
}

/**
 * With CI=true a missing server is a failure (.ci/run installs it); elsewhere the team
 * tests are skipped with one line saying how to get one.
 */
async function startTeamServer(parent: string): Promise<TestServer | undefined> {
  const bin = findPgBin();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error('CI: no PostgreSQL server programs found for the team tests (.ci/run installs the postgresql package)');
    process.stderr.write(`${HOW_TO_GET_ONE}\n`);
    return undefined;
  }
  return startTestServer(bin, parent);
}
