import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, runCli, tempDir } from './helpers.js';

// bin/csr-call.cjs runs the bundle with the V8 code cache the build wrote for the command
// (src/build/codeCache.ts). It says what it did with the cache when asked to.
const DEBUG = { CSR_CALL_DEBUG_CODE_CACHE: '1' };
const cacheLine = (stderr: string) => /csr-call: code cache for (\S+): (\S+)/.exec(stderr)?.slice(1, 3);

describe('the code cache of the built program', () => {
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
