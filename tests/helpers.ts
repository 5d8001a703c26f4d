import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Context, Prompts } from '../src/context.js';
import { Settings } from '../src/settings/settings.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { UserError } from '../src/errors.js';

export const BIN = fileURLToPath(new URL('../bin/csr-call.cjs', import.meta.url));
export const REPO = fileURLToPath(new URL('..', import.meta.url));

export function tempDir(prefix = 'csr-call-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// eslint-disable-next-line no-control-regex
/** The UserError `fn` throws (the test fails when it throws nothing, or something else). */
export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

/** Every path (as keys/indexes) in a JSON value. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

export const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

export interface TestContext extends Context {
  out: () => string;
  err: () => string;
}

/** A context with a fixed clock and captured output, for running commands in-process. */
export function testContext(overrides: Partial<Context> = {}): TestContext {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += String(chunk)));
  stderr.on('data', (chunk) => (err += String(chunk)));
  const ctx: TestContext = {
    dataDir: overrides.dataDir ?? join(tempDir(), 'data'),
    agent: 'test-agent',
    now: () => new Date('2026-11-23T14:00:00Z'),
    timeZone: 'UTC',
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    warn: (message) => stderr.write(`csr-call: warning: ${message}\n`),
    settings: new Settings({ env: overrides.env ?? {}, config: { path: '(no config file)', values: {} } }),
    prompts: scriptedPrompts([]),
    ...overrides,
    out: () => stripAnsi(out),
    err: () => stripAnsi(err),
  };
  return ctx;
}

/** Confirmations answered in order by `answers`; the questions asked are kept in `asked`. A question beyond the answers fails the test. */
export function scriptedPrompts(answers: boolean[]): Prompts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async confirm(message) {
      asked.push(message);
      if (asked.length > answers.length) throw new Error(`not expected to ask: ${message}`);
      return answers[asked.length - 1]!;
    },
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: SpawnSyncReturns<string>;
}

/** Runs the real CLI (compiled) as a user would, stdin not a terminal. */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): CliResult {
  const raw = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: 30_000,
  });
  return { status: raw.status, stdout: stripAnsi(raw.stdout), stderr: stripAnsi(raw.stderr), raw };
}

export type PtyStep = { expect: string; timeout?: number } | { send: string; delay?: number } | { signal: string } | { sleep: number } | { run: string[] };

/** The standard playbook's first stage in a pseudo-terminal: the caller's name, the rest skipped, up to the notes. */
export function upToTheNotes(name: string): PtyStep[] {
  return [
    { expect: "Caller's name" },
    { send: `${name}\r` },
    ...['Best number', 'Account', 'Their time zone', 'How do they sound'].flatMap((question): PtyStep[] => [{ expect: question }, { send: '\r' }]),
    { expect: 'Notes while they talk' },
  ];
}

export interface PtyResult {
  exitCode: number | null;
  signal: number | null;
  failure: string | null;
  transcript: string;
  /** What each `run` step printed and exited with. */
  runs: Array<{ status: number; stdout: string; stderr: string }>;
}

/**
 * Runs the real CLI in a pseudo-terminal (python's pty), typing as an agent would once
 * each expected text is on screen. Needs python3, which the project's machines have.
 */
export function runInPty(args: string[], steps: PtyStep[], env: Record<string, string> = {}): PtyResult {
  const { command, commandArgs, options } = ptyCommand(args, steps, env);
  const raw = spawnSync(command, commandArgs, { ...options, encoding: 'utf8', timeout: 60_000 });
  if (raw.status !== 0) throw new Error(`pty driver failed: ${raw.stderr}`);
  return JSON.parse(raw.stdout) as PtyResult;
}

/**
 * runInPty without blocking the test's event loop (a long session beside other processes
 * whose output the test reads), with its own time limit.
 */
export function runInPtyAsync(args: string[], steps: PtyStep[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<PtyResult> {
  const { command, commandArgs, options } = ptyCommand(args, steps, env);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve(JSON.parse(out) as PtyResult) : reject(new Error(`pty driver failed (${signal ?? code}): ${err}`))));
  });
}

function ptyCommand(args: string[], steps: PtyStep[], env: Record<string, string>) {
  const scriptFile = join(tempDir('csr-pty-'), 'script.json');
  writeFileSync(scriptFile, JSON.stringify(steps));
  const driver = fileURLToPath(new URL('./fixtures/pty_driver.py', import.meta.url));
  return {
    command: 'python3',
    commandArgs: [driver, scriptFile, '--', process.execPath, BIN, ...args],
    options: { cwd: REPO, env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color', ...env } },
  };
}

/** Writes a file as another program would (no store code, no journal), making its directory first. */
export function writeFileMakingDir(path: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode });
}

/**
 * Puts `record` in the store as its call file, through the store's one write path: a new
 * call is created, an existing one changed to this record (its revision moved on).
 * Returns what was written.
 */
export async function saveCall(dataDir: string, record: CallRecord): Promise<CallRecord> {
  const { createCall, readCallText, updateCall } = await import('../src/store/callStore.js');
  if ((await readCallText(dataDir, record.id)) === undefined) return (await createCall(dataDir, record)).record;
  return updateCall(dataDir, record.id, () => ({ ...record }));
}
