import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, saveCall, tempDir, testContext } from './helpers.js';
import { makeCall } from './fixtures/makeCall.js';
import { completeWords, formatCandidates, FILES, liveLookup, type Lookup } from '../src/completion/complete.js';
import { COMMANDS, GROUPS } from '../src/cli.js';

// `csr-call completion bash|zsh|fish` print scripts that ask `csr-call __complete` for the
// candidates; the tests run them in real shells, against a store with live calls.

const noLookup: Lookup = async () => [];
const values = async (line: string, lookup = noLookup) => {
  const words = line.split(' ');
  const result = await completeWords(words, testContext(), lookup);
  return result === FILES ? FILES : result.map((c) => c.value);
};

describe('what is completed (from the registry)', () => {
  it.each([
    ['', [...GROUPS.map((g) => g.name), ...COMMANDS.filter((c) => !c.name.includes(' ')).map((c) => c.name)].sort()],
    ['st', ['start', 'stats']],
    ['followups ', ['list', 'done', 'snooze', 'claim', 'release', 'assign']],
    ['followups sn', ['snooze']],
    ['list --outc', ['--outcome']],
    ['list --outcome ', ['resolved', 'escalated', 'transferred', 'callback', 'not-resolved', 'info']],
    ['show --format ', ['text', 'md']],
    ['--data-dir x list --st', ['--status', '--strict']],
    ['completion ', ['bash', 'zsh', 'fish']],
    ['note abc123 --j', []], // the words of a note are text
  ])('%j', async (line, expected) => {
    const got = await values(line);
    expect(got === FILES ? got : [...got].sort()).toEqual([...expected].sort());
  });

  it('help completes topics, commands and the groups of commands', async () => {
    const got = await completeWords(['help', 'foll'], testContext(), liveLookup);
    expect(got === FILES ? got : got.map((c) => c.value)).toEqual(['followups']);
  });

  it('a file is left to the shell', async () => {
    expect(await values('start --answers ')).toBe(FILES);
    expect(await values('start --playbook ./my')).toBe(FILES); // a playbook given as a path
    expect(await values('playbooks validate ')).toBe(FILES);
  });

  it('ids are looked up only where the cursor wants one', async () => {
    const asked: string[] = [];
    const lookup: Lookup = async (kind) => {
      asked.push(kind);
      return [{ value: 'abc123.f1' }, { value: 'xyz789.f2' }];
    };
    expect(await values('followups done a', lookup)).toEqual(['abc123.f1']);
    expect(await values('list --from ', lookup)).toEqual([]);
    expect(asked).toEqual(['followup']);
  });

  it('descriptions are one safe line for each shell', () => {
    const candidates = [{ value: 'abc123', description: 'Ana\u001b[31m\tLima: \u202eevil' }];
    expect(formatCandidates('bash', candidates)).toBe('abc123\n');
    expect(formatCandidates('zsh', candidates)).toBe('abc123:Ana\\x1b[31m Lima: \\u202eevil\n');
    expect(formatCandidates('fish', candidates)).toBe('abc123\tAna\\x1b[31m Lima: \\u202eevil\n');
  });
});

describe('in real shells', () => {
  let bin: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    // `csr-call` on the PATH, as an agent has it, and a store with live calls.
    bin = tempDir();
    writeFileSync(join(bin, 'csr-call'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'csr-call'), 0o755);
    const dataDir = join(tempDir(), 'data');
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    await saveCall(dataDir, makeCall({ id: '20261120-090000-abc123', startedAt: recent, agent: 'test-agent', followups: [{ text: 'Check the refund' }] }));
    await saveCall(dataDir, makeCall({ id: '20261120-100000-zzz999', startedAt: recent, agent: 'test-agent', status: 'in-progress' }));
    env = { PATH: `${bin}:${process.env.PATH}`, CSR_CALL_HOME: dataDir, CSR_CALL_AGENT: 'test-agent', HOME: tempDir() };
  });

  it('bash: commands, options, values, and live follow-up and call ids', () => {
    const complete = (line: string) => {
      const script = `source <(csr-call completion bash)
read -ra COMP_WORDS <<< "csr-call ${line}"
${line.endsWith(' ') ? 'COMP_WORDS+=("")' : ''}
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_csr_call_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
      const run = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect(run.stderr).toBe('');
      return run.stdout.split('\n').filter(Boolean).sort();
    };
    expect(complete('followups d')).toEqual(['done']);
    expect(complete('list --outcome res')).toEqual(['resolved']);
    expect(complete('followups done ')).toEqual(['abc123.f1']);
    expect(complete('resume ')).toEqual(['zzz999']);
    expect(complete('show ')).toEqual(['abc123', 'zzz999']);
    expect(complete('start --playbook ir')).toEqual(['irate']);
    // The program's own options are part of the line, not taken out of it.
    expect(complete('list --agent ')).toEqual(['test-agent']);
    expect(complete('stats --agent te')).toEqual(['test-agent']);
    expect(complete('--data-dir x list --fr')).toEqual(['--from']);
  });

  it('zsh: Tab in an interactive shell completes subcommands, values and ids', () => {
    const zdot = tempDir();
    mkdirSync(zdot, { recursive: true });
    writeFileSync(
      join(zdot, '.zshrc'),
      `PS1='> '\nautoload -Uz compinit && compinit -u -d ${join(zdot, 'dump')}\nsource <(csr-call completion zsh)\necho READY\n`,
    );
    const which = spawnSync('zsh', ['--version'], { encoding: 'utf8' });
    expect(which.status, 'zsh is installed (.ci/run installs it)').toBe(0);
    const run = spawnSync(
      'python3',
      [
        new URL('./fixtures/pty_driver.py', import.meta.url).pathname,
        writeSteps([
          { expect: 'READY' },
          { send: 'csr-call followups sn\t' },
          { expect: 'csr-call followups snooze ' },
          { send: '\u0015csr-call list --outcome esc\t' },
          { expect: 'escalated' },
          { send: '\u0015csr-call followups done \t' },
          { expect: 'abc123\\.f1' },
          { send: '\u0015exit\r' },
        ]),
        '--',
        'zsh',
        '-i',
      ],
      { encoding: 'utf8', env: { ...process.env, ...env, ZDOTDIR: zdot, TERM: 'xterm' }, timeout: 60_000 },
    );
    const report = JSON.parse(run.stdout) as { failure: string | null; transcript: string };
    expect(report.failure, report.transcript.slice(-500)).toBeNull();
  });
});

function writeSteps(steps: unknown[]): string {
  const file = join(tempDir(), 'steps.json');
  writeFileSync(file, JSON.stringify(steps));
  return file;
}
