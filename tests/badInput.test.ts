import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callRecordSchema } from '../src/domain/callRecord.js';
import { callPath } from '../src/store/callFiles.js';
import { makeCall } from './fixtures/makeCall.js';
import { BIN, tempDir, saveCall } from './helpers.js';

/**
 * Issue 4 §5: every bad input, through the real CLI, gets one line on stderr saying what
 * was wrong and what is accepted, a non-zero exit, no stack trace, and changes nothing.
 * The rows run concurrently (each spawn is a few hundred ms of Node start-up).
 */

interface CliRun {
  status: number | null;
  /** Raw, ANSI codes and all: a raw escape byte reaching the terminal is what is tested. */
  stdout: string;
  stderr: string;
}

/** The real CLI, stdin a pipe (not a terminal), without blocking the other rows. */
function runCliAsync(args: string[], options: { cwd: string; env: Record<string, string>; input?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {}); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Every file and directory under `dir`: path, mode and content hash. Temp and lock files show up too. */
function snapshot(dir: string): string {
  if (!existsSync(dir)) return '(none)';
  const lines: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    const rel = relative(dir, path) || '.';
    if (info.isDirectory()) {
      lines.push(`${rel}/ ${(info.mode & 0o777).toString(8)}`);
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      lines.push(`${rel} ${(info.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(dir);
  return lines.join('\n');
}

const ANN = '20261120-090000-ann001';
const BOB = '20261121-100000-bob002';

/** A valid answers file for the standard playbook. */
const GOOD_ANSWERS = JSON.stringify({ 'readback.paraphrase': 'Charged twice', 'outcome.code': 'resolved' });

interface World {
  /** The row's own folder: cwd of the CLI, holds the answers files. */
  dir: string;
  dataDir: string;
}

type DataDir = 'store' | 'missing' | 'file';

interface Row {
  name: string;
  args: string[];
  /** Where CSR_CALL_HOME points: a store holding two calls (default), nothing, or a regular file. */
  dataDir?: DataDir;
  /** Files written into the row's folder (the CLI's cwd) before it runs. */
  files?: Record<string, string>;
  input?: string;
  exit: number;
  /** The one line on stderr, `csr-call: ` included. */
  stderr?: RegExp;
  /** For the rows that succeed (a missing data dir is an empty store). */
  stdout?: RegExp;
  /** Extra checks on the result. */
  check?: (result: CliRun, world: World) => void;
}

const NOT_A_CALL_ID = /^csr-call: ".*" is not a call id: expected like 20261123-145203-k3v9q2 or its last part k3v9q2$/;
const NOT_A_FOLLOWUP_ID = /^csr-call: ".*" is not a follow-up id: expected like k3v9q2\.f1 \(as shown by csr-call followups\)$/;
const LONG_ID = 'k'.repeat(10_000);
// A NUL cannot be passed at all: argv strings are C strings (spawn refuses them, and a
// shell cuts the argument there). \x01 stands in for "a control character in an id".
const CONTROL_ID = 'ab\x01c\x1b[2Jd';

/** The same bad id for every command that takes one. */
/**
 * Every command that takes an id checks it the same way (parseCallIdArg / parseFollowUpIdArg),
 * so the first id runs through all four and the rest through `show` and `followups done`,
 * to keep the suite quick.
 */
function idRows(label: string, id: string, echoed: RegExp | undefined, every = false): Row[] {
  const shown = (line: RegExp) => (result: CliRun) => {
    const first = result.stderr.split('\n')[0]!;
    expect(first).toMatch(line);
    if (echoed) expect(first).toMatch(echoed);
    // A 10,000-character id is not echoed back whole.
    expect(first.length).toBeLessThan(200);
  };
  const rows: Row[] = [
    { name: `show ${label}`, args: ['show', id], exit: 2, stderr: NOT_A_CALL_ID, check: shown(NOT_A_CALL_ID) },
    { name: `note ${label}`, args: ['note', id, 'customer rang back'], exit: 2, stderr: NOT_A_CALL_ID, check: shown(NOT_A_CALL_ID) },
    {
      name: `resume ${label}`,
      args: ['resume', id, '--answers', 'answers.json'],
      files: { 'answers.json': GOOD_ANSWERS },
      exit: 2,
      stderr: NOT_A_CALL_ID,
      check: shown(NOT_A_CALL_ID),
    },
    { name: `followups done ${label}`, args: ['followups', 'done', id], exit: 2, stderr: NOT_A_FOLLOWUP_ID, check: shown(NOT_A_FOLLOWUP_ID) },
  ];
  return every ? rows : rows.filter((row) => row.args[0] === 'show' || row.args[0] === 'followups');
}

const DATA_DIR_IS_A_FILE = /^csr-call: .*\bnot a directory\b.*--data-dir \/ CSR_CALL_HOME/;

const ROWS: Row[] = [
  // usage: unknown command or option, missing argument: one line, with the nearest and where to read more
  { name: 'unknown command', args: ['folowups'], exit: 2, stderr: /^csr-call: unknown command 'folowups' \(did you mean followups\?\); see csr-call --help$/ },
  { name: 'unknown subcommand', args: ['followups', 'dne', 'x.f1'], exit: 2, stderr: /^csr-call: unknown command 'followups dne' \(did you mean done\?\); see csr-call followups --help$/ },
  { name: 'unknown option', args: ['list', '--form', 'x'], exit: 2, stderr: /^csr-call: unknown option '--form' \(did you mean --from\?\); see csr-call list --help$/ },
  {
    name: 'unknown command with an escape sequence in it',
    args: ['\x1b[2Jfolowups'],
    exit: 2,
    stderr: /^csr-call: unknown command '\\x1b\[2Jfolowups'.*; see csr-call --help$/,
  },
  { name: 'show without an id', args: ['show'], exit: 2, stderr: /^csr-call: missing required argument 'id'; see csr-call show --help$/ },
  { name: 'note without its text, and no terminal for an editor', args: ['note', 'ann001'], exit: 2, stderr: /^csr-call: no text given, and the input is not a terminal to open an editor in: give the text, or - to read it from standard input$/ },
  {
    name: 'snooze without --until',
    args: ['followups', 'snooze', 'x.f1'],
    exit: 2,
    stderr: /^csr-call: required option '--until <when>' not specified; see csr-call followups snooze --help$/,
  },
  { name: 'export --format xml', args: ['export', '--format', 'xml'], exit: 2, stderr: /^csr-call: --format: "xml" is not one of csv, json, ndjson$/ },
  { name: 'list --outcome resolvd', args: ['list', '--outcome', 'resolvd'], exit: 2, stderr: /^csr-call: --outcome: "resolvd" is not one of resolved, .* \(did you mean resolved\?\)$/ },
  { name: 'list --outcome esc (the start of one)', args: ['list', '--outcome', 'esc'], exit: 2, stderr: /^csr-call: --outcome: "esc" is not one of resolved, .* \(did you mean escalated\?\)$/ },
  { name: 'list --status done', args: ['list', '--status', 'done'], exit: 2, stderr: /^csr-call: --status: "done" is not one of in-progress, completed$/ },
  { name: 'help on no such topic', args: ['help', 'dats'], exit: 2, stderr: /^csr-call: no help on "dats" \(did you mean dates\?\): topics are dates, writing-playbooks, answers, or a command's name$/ },

  // dates
  { name: 'list --from 2026-02-30', args: ['list', '--from', '2026-02-30'], exit: 2, stderr: /^csr-call: --from: "2026-02-30" is not a real date: February 2026 has 28 days$/ },
  { name: 'followups --on someday', args: ['followups', '--on', 'someday'], exit: 2, stderr: /^csr-call: --on: "someday" is not a day I understand; use today, .*\+3d$/ },
  {
    name: 'snooze --until yesterdayish',
    args: ['followups', 'snooze', 'ann001.f1', '--until', 'yesterdayish'],
    exit: 2,
    stderr: /^csr-call: --until: "yesterdayish" is not a date I understand; use 2026-12-01, .*fri 10:00 America\/Chicago$/,
  },
  {
    name: 'snooze into the past',
    args: ['followups', 'snooze', 'ann001.f1', '--until', '2020-01-01'],
    exit: 2,
    stderr: /^csr-call: cannot snooze to .*2020.*: that is in the past \(give a later time, like tomorrow or \+2d\)$/,
  },

  // numbers and other option values
  ...['0', '-1', 'abc'].map(
    (days): Row => ({
      name: `followups --days ${days}`,
      args: ['followups', '--days', days],
      exit: 2,
      stderr: new RegExp(`^csr-call: --days must be a whole number of days from 1 to 3660 \\(got "${days}"\\)$`),
    }),
  ),
  { name: 'purge --older-than soon', args: ['purge', '--older-than', 'soon', '--yes'], exit: 2, stderr: /^csr-call: "soon" is not an age I understand; use 2y, / },
  { name: 'forget with no customer', args: ['forget', '--yes'], exit: 2, stderr: /^csr-call: say whose data to erase: exactly one of --phone/ },

  // ids
  ...idRows('../../etc/passwd', '../../etc/passwd', /"\.\.\/\.\.\/etc\/passwd"/, true),
  ...idRows('/abs/path', '/abs/path', /"\/abs\/path"/),
  ...idRows('(empty)', '', /^csr-call: "" is not/),
  ...idRows('of 10,000 characters', LONG_ID, /"k{40}…"/),
  ...idRows('with control characters', CONTROL_ID, /"ab\?c\?\[2Jd"/),
  { name: 'show an unknown call', args: ['show', 'zzzzzz'], exit: 1, stderr: /^csr-call: no call zzzzzz in .*data$/ },
  { name: 'done on an unknown follow-up', args: ['followups', 'done', 'ann001.f9'], exit: 1, stderr: /^csr-call: call ann001 has no follow-up ann001\.f9: it has ann001\.f1$/ },

  // notes
  { name: 'an empty note', args: ['note', 'ann001', '  '], exit: 2, stderr: /^csr-call: the note is empty: write what happened/ },
  { name: 'a note of 10,001 characters', args: ['note', 'ann001', 'x'.repeat(10_001)], exit: 2, stderr: /^csr-call: the note is 10,001 characters long: a note holds 10,000 at most$/ },
  { name: 'a --note of 10,001 characters on done', args: ['followups', 'done', 'ann001.f1', '--note', 'x'.repeat(10_001)], exit: 2, stderr: /^csr-call: --note: the note is 10,001 characters long: a note holds 10,000 at most$/ },
  { name: 'a --note of 10,001 characters on snooze', args: ['followups', 'snooze', 'ann001.f1', '--until', 'fri', '--note', 'x'.repeat(10_001)], exit: 2, stderr: /^csr-call: --note: the note is 10,001 characters long: a note holds 10,000 at most$/ },

  // playbooks
  {
    name: 'unknown playbook',
    args: ['start', '--playbook', 'nope', '--answers', 'answers.json'],
    files: { 'answers.json': GOOD_ANSWERS },
    exit: 2,
    stderr: /^csr-call: unknown playbook "nope"; available: standard, irate, callback, sales, or the path of a \.ts file$/,
  },
  {
    name: 'misspelt playbook',
    args: ['start', '--playbook', 'standrd', '--answers', 'answers.json'],
    files: { 'answers.json': GOOD_ANSWERS },
    exit: 2,
    stderr: /^csr-call: unknown playbook "standrd" \(did you mean "standard"\?\); available: standard, /,
  },

  // no terminal for the prompts
  { name: 'start with piped input', args: ['start'], input: 'Ana Lima\n555 0100\n', exit: 2, stderr: /^csr-call: start asks its questions in a terminal, .*give --answers FILE\.json$/ },
  // Whether there is a call to go on with comes first: that is what a script needs to know.
  { name: 'resume with piped input and nothing unfinished', args: ['resume'], input: 'y\n', exit: 1, stderr: /^csr-call: no unfinished call for agent .*; start one with: csr-call start$/ },
  { name: 'resume of a completed call with piped input', args: ['resume', 'ann001'], input: 'y\n', exit: 1, stderr: /^csr-call: call ann001 is already completed/ },

  // answers files
  { name: 'answers file missing', args: ['start', '--answers', 'nofile.json'], exit: 2, stderr: /^csr-call: cannot read answers file nofile\.json: no such file$/ },
  {
    name: 'answers file is a directory',
    args: ['start', '--answers', '.'],
    exit: 2,
    stderr: /^csr-call: cannot read answers file \. \(EISDIR\)$/,
  },
  {
    name: 'answers file not JSON',
    args: ['start', '--answers', 'bad.json'],
    files: { 'bad.json': 'not json\n{"identify.name": \n' },
    exit: 2,
    stderr: /^csr-call: bad\.json: not valid JSON \(.+\); expected an object like \{"identify\.name": "Jane"\}$/,
  },
  { name: 'answers file is a list', args: ['start', '--answers', 'list.json'], files: { 'list.json': '["Ana"]' }, exit: 2, stderr: /^csr-call: list\.json: expected an object like .*, got a list$/ },
  {
    name: 'answers file with an unknown step',
    args: ['start', '--answers', 'typo.json'],
    files: { 'typo.json': JSON.stringify({ 'readback.paraphrse': 'x', 'outcome.code': 'resolved' }) },
    exit: 2,
    stderr: /^csr-call: typo\.json: unknown step id "readback\.paraphrse" for playbook standard \(did you mean "readback\.paraphrase"\?\)$/,
  },
  {
    name: 'answers file with an object as an answer',
    args: ['start', '--answers', 'object.json'],
    files: { 'object.json': JSON.stringify({ 'readback.paraphrase': { text: 'x' } }) },
    exit: 2,
    stderr: /^csr-call: object\.json: "readback\.paraphrase": .*; expected an object of step id → text, number, true\/false, null or a list of texts$/,
  },
  {
    name: 'answers file with a choice spread over two lines',
    args: ['start', '--answers', 'choice.json'],
    files: { 'choice.json': JSON.stringify({ 'readback.paraphrase': 'x', 'outcome.code': 'res\nolved' }) },
    exit: 2,
    stderr: /^csr-call: choice\.json: "outcome\.code" \(Outcome of the call\): .* is not a choice; expected one of: resolved, escalated, /,
  },
  {
    name: 'answers file with an empty required answer',
    args: ['start', '--answers', 'empty.json'],
    files: { 'empty.json': JSON.stringify({ 'readback.paraphrase': '   ', 'outcome.code': 'resolved' }) },
    exit: 2,
    stderr: /^csr-call: empty\.json: "readback\.paraphrase" \(.*\): an answer is needed \(text\)$/,
  },
  {
    name: 'answers file with a bad date',
    args: ['start', '--answers', 'date.json'],
    files: {
      'date.json': JSON.stringify({ 'readback.paraphrase': 'x', 'outcome.code': 'resolved', 'promise.made': true, 'promise.what': 'refund', 'promise.due': 'whenever' }),
    },
    exit: 2,
    stderr: /^csr-call: date\.json: "promise\.due" \(By when\?\): "whenever" is not a date I understand; use /,
  },

  // the data directory
  ...(
    // One command per way of reading the store: the cached lists, the scan, an id lookup.
    [['list'], ['export'], ['followups', 'done', 'ann001.f1']] as string[][]
  ).map((args): Row => ({ name: `${args.join(' ')} with --data-dir a regular file`, args, dataDir: 'file', exit: 1, stderr: DATA_DIR_IS_A_FILE })),
  {
    name: 'start with --data-dir a regular file',
    args: ['start', '--answers', 'answers.json'],
    files: { 'answers.json': GOOD_ANSWERS },
    dataDir: 'file',
    exit: 1,
    stderr: /^csr-call: cannot save call \S+: part of the path is not a directory \(ENOTDIR at .*\); the file on disk is unchanged\. Check --data-dir/,
  },
  // A missing data directory is a store with no calls yet (the first day at work): the
  // read-only commands say so, exit 0, and create nothing.
  { name: 'list with no data directory yet', args: ['list'], dataDir: 'missing', exit: 0, stdout: /^No calls yet: start one with csr-call start\.\n$/ },
  { name: 'followups with no data directory yet', args: ['followups'], dataDir: 'missing', exit: 0, stdout: /^Nothing to follow up for test-agent: / },
  { name: 'show with no data directory yet', args: ['show', 'ann001'], dataDir: 'missing', exit: 1, stderr: /^csr-call: no call ann001 in .*data$/ },
  {
    name: 'export --out into a missing folder',
    args: ['export', '--out', 'no/such/folder/calls.csv'],
    exit: 1,
    stderr: /^csr-call: cannot write no\/such\/folder\/calls\.csv: its folder does not exist \(ENOENT\)$/,
  },
];

async function prepare(row: Row): Promise<World> {
  const dir = tempDir('csr-bad-');
  const dataDir = join(dir, 'data');
  const kind: DataDir = row.dataDir ?? 'store';
  if (kind === 'store') {
    await saveCall(dataDir, makeCall({ id: ANN, followups: [{}], promises: [{ due: '2026-11-25T17:00:00.000Z' }] }));
    await saveCall(dataDir, makeCall({ id: BOB, startedAt: '2026-11-21T10:00:00.000Z', customer: { name: 'Bob Jones', phone: '+1 555 010 0200' } }));
  } else if (kind === 'file') {
    writeFileSync(dataDir, 'not a directory\n');
  }
  for (const [name, content] of Object.entries(row.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return { dir, dataDir };
}

describe('bad input through the real CLI', () => {
  it.concurrent.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const world = await prepare(row);
    const before = snapshot(world.dir);
    const args = row.dataDir === 'file' ? ['--data-dir', world.dataDir, ...row.args] : row.args;
    const result = await runCliAsync(args, {
      cwd: world.dir,
      env: { CSR_CALL_HOME: world.dataDir, CSR_CALL_PLAYBOOKS: join(world.dir, 'playbooks'), CSR_CALL_AGENT: 'test-agent' },
      ...(row.input !== undefined ? { input: row.input } : {}),
    });
    const context = `csr-call ${JSON.stringify(row.args).slice(0, 200)}\nstdout: ${result.stdout.slice(0, 500)}\nstderr: ${result.stderr.slice(0, 2000)}`;

    expect(result.status, context).toBe(row.exit);
    // No stack trace, nothing raw that could drive the terminal (only newlines).
    expect(result.stderr, context).not.toMatch(/^\s+at /m);
    expect(result.stderr, context).not.toMatch(/internal error/);
    expect(result.stderr, context).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(result.stdout, context).not.toMatch(/[\u001b\u009b]/);

    if (row.exit !== 0) {
      // Exactly one line.
      expect(result.stderr, context).toMatch(/^[^\n]*\n$/);
      expect(result.stderr.trimEnd(), context).toMatch(row.stderr!);
      expect(result.stdout, context).toBe('');
    } else {
      expect(result.stderr, context).toBe('');
      expect(result.stdout, context).toMatch(row.stdout!);
    }
    row.check?.(result, world);

    // Nothing lost or half-written: every call file, the data-dir file and the answers
    // files as they were, no temporary or lock file left; the cache may have been built.
    const after = snapshot(world.dir);
    const withoutCache = (text: string) => text.split('\n').filter((line) => !line.startsWith('data/cache')).join('\n');
    expect(withoutCache(after), context).toBe(withoutCache(before));
    if (row.dataDir === 'missing') expect(existsSync(world.dataDir), `${context}\nthe data dir was created`).toBe(false);
  });
});

// Root may read and write anything, so these run only as an ordinary user.
describe.skipIf(process.getuid?.() === 0)('a data directory the agent may not write, or not even read', () => {
  const envFor = (world: World) => ({ CSR_CALL_HOME: world.dataDir, CSR_CALL_PLAYBOOKS: join(world.dir, 'playbooks'), CSR_CALL_AGENT: 'test-agent' });

  it('read-only: the lists still work; a change is refused in one line and nothing changes', async () => {
    const world = await prepare({ name: 'read-only', args: [], exit: 1, files: { 'answers.json': GOOD_ANSWERS } });
    const dirs = [world.dataDir, join(world.dataDir, 'calls'), join(world.dataDir, 'calls', '2026'), join(world.dataDir, 'calls', '2026', '11')];
    for (const dir of dirs) chmodSync(dir, 0o500);
    try {
      const before = snapshot(join(world.dataDir, 'calls'));
      const [list, note, done, start] = await Promise.all([
        runCliAsync(['list'], { cwd: world.dir, env: envFor(world) }),
        runCliAsync(['note', 'ann001', 'hello'], { cwd: world.dir, env: envFor(world) }),
        runCliAsync(['followups', 'done', 'ann001.f1'], { cwd: world.dir, env: envFor(world) }),
        runCliAsync(['start', '--answers', 'answers.json'], { cwd: world.dir, env: envFor(world) }),
      ]);
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/ann001/);
      for (const [what, result] of Object.entries({ note, done, start })) {
        expect(result.status, `${what}: ${result.stderr}`).toBe(1);
        expect(result.stderr, what).toMatch(/^csr-call: cannot (update|save) call \S+: no permission to write \(EACCES at [^\n]*\); the file on disk is unchanged\. Check --data-dir [^\n]*\n$/);
      }
      expect(snapshot(join(world.dataDir, 'calls'))).toBe(before);
    } finally {
      for (const dir of dirs) chmodSync(dir, 0o700);
    }
  });

  it('unreadable: one line naming the folder, exit 1', async () => {
    const world = await prepare({ name: 'unreadable', args: [], exit: 1 });
    chmodSync(world.dataDir, 0o000);
    try {
      const results = await Promise.all([['list'], ['show', 'ann001'], ['export']].map((args) => runCliAsync(args, { cwd: world.dir, env: envFor(world) })));
      for (const result of results) {
        expect(result.status, result.stderr).toBe(1);
        expect(result.stderr).toMatch(/^csr-call: cannot use [^\n]*: no permission \(EACCES\); check --data-dir \/ CSR_CALL_HOME and its permissions\n$/);
        expect(result.stdout).toBe('');
      }
    } finally {
      chmodSync(world.dataDir, 0o700);
    }
  });
});

describe('text that could rewrite the screen, and a 100 KB answer', () => {
  it('a 100 KB answer is refused in one line, before anything is written', async () => {
    const dir = tempDir('csr-bad-');
    const dataDir = join(dir, 'data');
    const env = { CSR_CALL_HOME: dataDir, CSR_CALL_PLAYBOOKS: join(dir, 'playbooks'), CSR_CALL_AGENT: 'test-agent' };
    writeFileSync(join(dir, 'answers.json'), JSON.stringify({ 'identify.name': 'Ana', 'listen.wants': `${'refund '.repeat(14_629)}end`, 'outcome.code': 'resolved' }));
    const start = await runCliAsync(['start', '--answers', 'answers.json'], { cwd: dir, env });
    expect(start.status).toBe(2);
    expect(start.stderr).toBe(
      'csr-call: answers.json: "listen.wants" (What do they want out of this?): the answer is 102,406 characters long: a one-line answer can hold 2,000 at most\n',
    );
    expect(existsSync(join(dataDir, 'calls'))).toBe(false);
  });

  it('is stored exactly as typed and never replayed raw to the terminal', async () => {
    const dir = tempDir('csr-bad-');
    const dataDir = join(dir, 'data');
    const env = { CSR_CALL_HOME: dataDir, CSR_CALL_PLAYBOOKS: join(dir, 'playbooks'), CSR_CALL_AGENT: 'test-agent' };
    const typed = {
      'identify.name': 'Ana\u001b[31m Lima\u0007',
      'identify.phone': '555\r0100',
      'listen.story': 'line one\n\u001b[2Kline two\u0000nul\u009b31m\n? which card\u001b]0;pwned\u0007',
      'listen.queries': ['first\u001b[0m question', 'second\b\b'],
      'listen.wants': `${'refund '.repeat(280)}end`, // ~2 KB pasted: all a one-line answer holds
      'readback.paraphrase': 'Charged twice \u001b[2J\u001b[H\u001b[31mRED\u001b[1A',
      'facts.found': 'found\u001bc',
      'resolve.options': ['option\u001b[7m one'],
      'resolve.done': 'done\u009b2J',
      'outcome.code': 'resolved',
      'promise.made': true,
      'promise.what': 'Refund\u001b[5m in 2 days',
      'promise.due': 'tomorrow 10:00',
    };
    expect(typed['listen.wants'].length).toBeGreaterThan(1900);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(typed));

    const start = await runCliAsync(['start', '--answers', 'answers.json'], { cwd: dir, env });
    expect(start.status, start.stderr).toBe(0);
    expect(start.stderr).toBe('');
    const id = /^Call (\S+)$/m.exec(start.stdout)?.[1];
    expect(id, start.stdout.slice(0, 500)).toBeDefined();

    // Stored exactly as typed (arrays item by item, text whole).
    const record = callRecordSchema().parse(JSON.parse(readFileSync(callPath(dataDir, id!), 'utf8')));
    const stored = Object.fromEntries(record.answers.map((a) => [a.stepId, a.value]));
    for (const key of ['identify.name', 'identify.phone', 'listen.story', 'listen.wants', 'readback.paraphrase', 'facts.found', 'resolve.done', 'promise.what'] as const) {
      expect(stored[key], key).toBe(typed[key]);
    }
    expect(stored['listen.queries']).toEqual(typed['listen.queries']);
    expect(stored['resolve.options']).toEqual(typed['resolve.options']);
    expect(record.customer.name).toBe(typed['identify.name']);
    expect(record.problem.wants).toBe(typed['listen.wants']);
    expect(statSync(callPath(dataDir, id!)).mode & 0o777).toBe(0o600);

    const [show, list, note] = await Promise.all([
      runCliAsync(['show', id!.slice(-6)], { cwd: dir, env }),
      runCliAsync(['list'], { cwd: dir, env }),
      runCliAsync(['note', id!.slice(-6), 'rang back \u001b[2J twice'], { cwd: dir, env }),
    ]);
    const after = await runCliAsync(['show', id!.slice(-6)], { cwd: dir, env });
    for (const [what, result] of Object.entries({ start, show, list, note, after })) {
      expect(result.status, `${what}: ${result.stderr}`).toBe(0);
      // The raw ESC (and the one-byte CSI) never reaches the terminal; other controls neither.
      expect(result.stdout, what).not.toMatch(/[\u001b\u009b]/);
      expect(result.stdout, what).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(result.stderr, what).toBe('');
    }
    // ...but shown as visible marks, so the agent sees something odd was typed.
    for (const text of [start.stdout, show.stdout]) {
      expect(text).toContain('Ana\\x1b[31m Lima\\x07');
      expect(text).toContain('Charged twice \\x1b[2J\\x1b[H\\x1b[31mRED\\x1b[1A');
    }
    expect(show.stdout).toContain('\\x9b31m');
    expect(show.stdout).toContain(typed['listen.wants']); // the whole 100 KB answer
    expect(after.stdout).toContain('rang back \\x1b[2J twice');
    expect(callRecordSchema().parse(JSON.parse(readFileSync(callPath(dataDir, id!), 'utf8'))).notes.map((n) => n.text)).toEqual(['rang back \u001b[2J twice']);
  });
});
