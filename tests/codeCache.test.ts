import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { REPO, runCli, tempDir } from './helpers.js';
import { nodeHasCompileCache } from '../src/build/codeCache.js';
import { resolveIndexDir } from '../src/paths.js';

// bin/csr-call.cjs runs the bundle with the V8 code cache the build wrote for the command
// (src/build/codeCache.ts). It says what it did with the cache when asked to.
const DEBUG = { CSR_CALL_DEBUG_CODE_CACHE: '1' };
const cacheLine = (stderr: string) => /csr-call: code cache for (\S+): (\S+)/.exec(stderr)?.slice(1, 3);

// On Node 22 and later the bin uses Node's compile cache instead (below): these are Node 20's.
describe.skipIf(nodeHasCompileCache)('the code cache of the built program', () => {
  it('the build wrote one for each command an agent runs, and the bin uses it', () => {
    for (const command of ['start', 'resume', 'followups', 'list', 'show', 'note', 'export', 'stats', 'doctor', 'playbooks', 'other']) {
      expect(existsSync(join(REPO, 'dist', 'app', 'code-cache', `${command}.bin`)), command).toBe(true);
    }
    const home = tempDir();
    expect(cacheLine(runCli(['--help'], { env: DEBUG }).stderr)).toEqual(['other', 'used']);
    // The command is found past the global options and their values.
    const followups = runCli(['--data-dir', home, '--agent', 'ana', 'followups'], { env: DEBUG });
    expect(followups.status).toBe(0);
    expect(cacheLine(followups.stderr)).toEqual(['followups', 'used']);
    expect(followups.stdout).toContain('Nothing to follow up for ana');
  });

  it('a cache V8 will not take (other V8 flags) is left aside: the command runs as usual', () => {
    const raw = spawnSync(process.execPath, ['--stack-size=2000', join(REPO, 'bin', 'csr-call.cjs'), '--version'], {
      encoding: 'utf8',
      env: { ...process.env, ...DEBUG },
    });
    expect(raw.status).toBe(0);
    expect(cacheLine(raw.stderr)).toEqual(['other', 'rejected']);
    expect(raw.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an installed copy (new file times, as npm gives them) uses the caches of its build', () => {
    const copy = tempDir();
    for (const part of ['bin', 'dist', 'playbooks', 'package.json']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
    const bundle = join(copy, 'dist', 'app', 'main.cjs');
    const { atime, mtimeMs } = statSync(bundle);
    utimesSync(bundle, atime, new Date(mtimeMs + 60_000));
    const run = spawnSync(process.execPath, [join(copy, 'bin', 'csr-call.cjs'), '--help'], { encoding: 'utf8', env: { ...process.env, ...DEBUG } });
    expect(run.status).toBe(0);
    expect(cacheLine(run.stderr)).toEqual(['other', 'used']);
  });

  it('a cache made from another build of the program is never used, even one of the same size', () => {
    const copy = tempDir();
    for (const part of ['bin', 'dist', 'playbooks', 'package.json']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
    mkdirSync(join(copy, 'node_modules'));
    const bin = join(copy, 'bin', 'csr-call.cjs');
    const run = () => spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, ...DEBUG } });
    expect(cacheLine(run().stderr)).toEqual(['other', 'used']);
    // Another build (here: the same bytes, so the same length, which is all V8 checks), named so.
    const bundle = join(copy, 'dist', 'app', 'main.cjs');
    const code = readFileSync(bundle, 'utf8');
    writeFileSync(bundle, code.replace(/^\/\/csr-call build [0-9a-f]{32}/, `//csr-call build ${'0'.repeat(32)}`));
    const after = run();
    expect(after.status).toBe(0);
    expect(cacheLine(after.stderr)).toEqual(['other', 'stale']);
    expect(after.stdout).toContain('Usage: csr-call');
  });
});

/** A preload giving Node 20 a stand-in for Node 22's module.enableCompileCache, saying where it was asked to keep the cache. */
function fakeNode22(): string {
  const file = join(tempDir(), 'fake-compile-cache.cjs');
  writeFileSync(
    file,
    `const Module = require('node:module');
Module.constants ??= {};
Module.constants.compileCacheStatus ??= { FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 };
Module.enableCompileCache = (directory) => { process.stderr.write('enableCompileCache ' + directory + '\\n'); return { status: 1, directory }; };
`,
  );
  return file;
}

describe("Node 22's own compile cache", () => {
  it('where Node has one, the bin asks for it, a folder per command in the user\'s cache folder, and requires the bundle as usual', () => {
    const cacheHome = tempDir();
    const home = tempDir();
    const env = { ...process.env, ...DEBUG, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' };
    const run = (args: string[]) => spawnSync(process.execPath, ['--require', fakeNode22(), join(REPO, 'bin', 'csr-call.cjs'), ...args], { encoding: 'utf8', env });
    // The same folder src/paths.ts gives the index: the user's own, never a shared one (a code cache is code).
    const folder = (command: string) => join(dirname(resolveIndexDir({ XDG_CACHE_HOME: cacheHome })), 'compile-cache', command);
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: csr-call');
    expect(help.stderr).toContain(`enableCompileCache ${folder('other')}\n`);
    expect(cacheLine(help.stderr)).toEqual(['other', 'node']);
    const followups = run(['--data-dir', home, '--agent', 'ana', 'followups']);
    expect(followups.stdout).toContain('Nothing to follow up for ana');
    expect(followups.stderr).toContain(`enableCompileCache ${folder('followups')}\n`);
    // A module from outside the bundle (tsx, for a playbook file) is imported as from any CommonJS module.
    const validate = run(['playbooks', 'validate', join(REPO, 'playbooks', 'standard.ts')]);
    expect(validate.stderr.replace(/^(csr-call: code cache|enableCompileCache).*\n/gm, '')).toBe('');
    expect(validate.status).toBe(0);
  });

  // Node 20 here: the test of the real thing is by hand, with Node 22 (see the README, Development).
});

describe('installed from npm pack', () => {
  it('the program npm installs from its tarball uses the code cache, run after run', async () => {
    const work = tempDir();
    const run = promisify(execFile);
    const npmEnv = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
    // The tarball as published, made from the build the tests run (no scripts: no rebuild).
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: REPO, env: npmEnv });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
    // Its dependencies, offline: a project whose node_modules links to the repository's
    // packages, which npm takes as installed (it unlinks those it does not need).
    const project = join(work, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "install-test", "version": "1.0.0", "private": true }\n');
    const modules = realpathSync(join(REPO, 'node_modules'));
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      if (!name.startsWith('@')) symlinkSync(join(modules, name), join(project, 'node_modules', name));
      else {
        mkdirSync(join(project, 'node_modules', name));
        for (const inner of readdirSync(join(modules, name))) symlinkSync(join(modules, name, inner), join(project, 'node_modules', name, inner));
      }
    }
    await run('npm', ['install', '--no-save', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', join(work, tarball)], { cwd: project, env: npmEnv });
    const bin = join(project, 'node_modules', '.bin', 'csr-call');
    const env = { ...process.env, ...DEBUG, XDG_CACHE_HOME: join(work, 'cache') };
    const first = spawnSync(bin, ['--help'], { encoding: 'utf8', env });
    const second = spawnSync(bin, ['--help'], { encoding: 'utf8', env });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('Usage: csr-call');
    if (nodeHasCompileCache) {
      expect(first.stderr).toMatch(/code cache for other: node enabled, none yet/);
      expect(second.stderr).toMatch(/code cache for other: node enabled, found/);
    } else {
      // The caches the build made ship in the tarball, and are taken wherever it is installed.
      expect(cacheLine(first.stderr)).toEqual(['other', 'used']);
      expect(cacheLine(second.stderr)).toEqual(['other', 'used']);
    }
  }, 60_000);
});
