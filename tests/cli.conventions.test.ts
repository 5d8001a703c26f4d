import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO, saveCall, stripAnsi, tempDir } from './helpers.js';
import { makeCall } from './fixtures/makeCall.js';
import { readCall } from '../src/store/callStore.js';
import { SETTING_KEYS } from '../src/settings/settingsTable.js';

// Issue 18 through the real CLI: settings and `config`, --json, help topics and examples,
// the ticket, `-` for standard input, display widths. The processes run in parallel.

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: string;
}

function cli(args: string[], { env = {}, input = '' }: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input);
    child.on('close', (status) => resolve({ status, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr), raw: stdout }));
  });
}

function world() {
  const root = tempDir();
  const env = { XDG_CONFIG_HOME: join(root, 'config'), CSR_CALL_HOME: join(root, 'data'), CSR_CALL_AGENT: '' };
  return { root, env, configFile: join(root, 'config', 'csr-call', 'config.json') };
}

describe('config', () => {
  it('set, get, list with where each value comes from; flags beat the environment, which beats the file', async () => {
    const { env, configFile } = world();
    expect((await cli(['config', 'set', 'agent', 'sam'], { env })).stdout).toBe(`agent = sam  (in ${configFile})\n`);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(configFile, '..')).mode & 0o777).toBe(0o700);
    const [fromFile, fromEnv, fromFlag, list] = await Promise.all([
      cli(['config', 'get', 'agent'], { env }),
      cli(['config', 'get', 'agent', '--json'], { env: { ...env, CSR_CALL_AGENT: 'ana' } }),
      cli(['--agent', 'bo', 'config', 'get', 'agent'], { env: { ...env, CSR_CALL_AGENT: 'ana' } }),
      cli(['config', 'list', '--json'], { env }),
    ]);
    expect(fromFile.stdout).toBe('sam\n');
    expect(JSON.parse(fromEnv.stdout)).toEqual({ jsonVersion: 1, key: 'agent', value: 'ana', source: 'env', from: 'CSR_CALL_AGENT' });
    expect(fromFlag.stdout).toBe('bo\n');
    const listed = JSON.parse(list.stdout) as { settings: Array<{ key: string; source: string }> };
    expect(listed.settings.map((s) => s.key)).toEqual(SETTING_KEYS);
    expect(listed.settings.find((s) => s.key === 'agent')!.source).toBe('config');
    expect(listed.settings.find((s) => s.key === 'pager')!.source).toBe('default');
  });

  it('refuses a wrong value, an unknown key and a password in the team database, writing nothing', async () => {
    const { env, configFile } = world();
    const [badHours, unknown, password, unset, playbook] = await Promise.all([
      cli(['config', 'set', 'business-hours', '9 to 5'], { env }),
      cli(['config', 'set', 'agnet', 'x'], { env }),
      cli(['config', 'set', 'team.db', 'postgresql://sam:secret@db.example/team'], { env }),
      cli(['config', 'unset', 'agent'], { env }),
      cli(['config', 'set', 'playbook', 'irat'], { env }),
    ]);
    expect(playbook.status).toBe(2);
    expect(playbook.stderr).toMatch(/^csr-call: unknown playbook "irat" \(did you mean "irate"\?\)/);
    expect(badHours.status).toBe(2);
    expect(badHours.stderr).toMatch(/^csr-call: business-hours .* must be opening and closing times like 09:00-17:00, not "9 to 5"\n$/);
    expect(unknown.stderr).toMatch(/^csr-call: no setting "agnet" \(did you mean agent\?\)/);
    expect(password.stderr).toMatch(/holds a password: keep it out of the config file; put it in ~\/\.pgpass/);
    expect(password.stderr).not.toContain('secret');
    expect(unset.stdout).toMatch(/agent was not in .*: nothing changed/);
    expect(() => readFileSync(configFile)).toThrow();
  });

  it('the config file sets what every command uses: data directory, business hours, the team database', async () => {
    const { env, configFile, root } = world();
    mkdirSync(join(configFile, '..'), { recursive: true });
    writeFileSync(configFile, `\uFEFF${JSON.stringify({ 'data-dir': join(root, 'elsewhere'), 'business-hours': '7:00-23:00', 'team.db': 'postgresql://sam@db.example/team' })}`, { mode: 0o644 });
    const noHome = { ...env, CSR_CALL_HOME: '' };
    const list = await cli(['config', 'list'], { env: noHome });
    expect(list.stderr).toMatch(/was readable by other users: made private \(0600\)/);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(list.stdout).toContain(`data-dir        ${join(root, 'elsewhere')}  (config file)`);
    expect(list.stdout).toMatch(/business-hours  ✗ business-hours \(in .*\) must lie within the hours a customer may be called, 08:00–21:00; got 07:00–23:00/);
    expect(list.stdout).toContain('team.db         postgresql://sam@db.example/team  (config file)');
  });
});

describe('--json, help and the ticket', () => {
  it('help topics come from the README; every command has examples in --help', async () => {
    const [dates, helpList, listHelp, writing] = await Promise.all([cli(['help', 'dates']), cli(['help', 'list']), cli(['list', '--help']), cli(['help', 'writing-playbooks'])]);
    // The guide to writing a playbook is a topic of its own ('playbooks' is the command's help).
    expect(writing.stdout).toMatch(/^Writing a playbook/);
    expect(dates.stdout).toMatch(/^Typing dates\n=+\n/);
    expect(dates.stdout).toContain('fri 10:00 America/Chicago');
    expect(dates.stdout).not.toContain('`');
    expect(helpList.stdout).toBe(listHelp.stdout);
    expect(listHelp.stdout).toMatch(/-n, --limit <n>/);
    expect(listHelp.stdout).toMatch(/Examples:\n {2}csr-call list --from mon\n/);
  });

  it('a ticket number shown in list and summary; list --ticket, -n; note - reads stdin (BOM dropped); --json on writes', async () => {
    const { env } = world();
    const dataDir = env.CSR_CALL_HOME;
    await saveCall(dataDir, makeCall({ id: '20261120-090000-tkt001', ticket: 'T-4411', customer: { name: '山田太郎', phone: '555 0100' } }));
    await saveCall(dataDir, makeCall({ id: '20261121-090000-tkt002', startedAt: '2026-11-21T09:00:00.000Z', customer: { name: 'Ana 👍🏽', phone: '555 0101' } }));
    const [byTicket, limited, table, note, summary] = await Promise.all([
      cli(['list', '--ticket', 't-4411', '--json'], { env }),
      cli(['list', '-n', '1'], { env }),
      cli(['list'], { env }),
      cli(['note', 'tkt001', '-', '--json'], { env, input: '\uFEFFcustomer rang back\nall good\n' }),
      cli(['show', 'tkt001', '--summary', '--format', 'md'], { env }),
    ]);
    expect(JSON.parse(byTicket.stdout)).toMatchObject({ jsonVersion: 1, total: 1, calls: [{ id: '20261120-090000-tkt001', ticket: 'T-4411' }] });
    expect(limited.stdout).toMatch(/1 call \(the newest 1 of 2\)\n$/);
    // Columns line up by display width whatever the names.
    const rows = table.stdout.split('\n').slice(0, 3);
    const column = (line: string, name: string) => line.indexOf(name);
    expect(rows[0]).toMatch(/^ID {6}TICKET/);
    const { displayWidth } = await import('../src/render/terminalText.js');
    const phoneAt = (row: string) => displayWidth(row.slice(0, column(row, '555 010')));
    expect(phoneAt(rows[1]!)).toBe(phoneAt(rows[2]!));
    expect(note.status, note.stderr).toBe(0);
    expect(JSON.parse(note.stdout)).toMatchObject({ jsonVersion: 1, callId: '20261120-090000-tkt001', note: { text: 'customer rang back\nall good' } });
    expect((await readCall(dataDir, '20261120-090000-tkt001')).notes.at(-1)!.text).toBe('customer rang back\nall good');
    expect(summary.stdout).toMatch(/^### Call 20261120-090000-tkt001\n\*\*Customer:\*\* 山田太郎 · 555 0100 {2}\n\*\*Ticket:\*\* T-4411 {2}\n/);
  });

  it('TERM=dumb: no colour even when forced by a terminal', async () => {
    const [dumb, xterm] = await Promise.all([
      cli(['playbooks'], { env: { TERM: 'dumb', FORCE_COLOR: '1', NO_COLOR: '' } }),
      cli(['playbooks'], { env: { TERM: 'xterm', FORCE_COLOR: '1', NO_COLOR: '' } }),
    ]);
    expect(xterm.raw).toMatch(/\u001b\[/);
    expect(dumb.raw).not.toMatch(/\u001b\[/);
  });
});

describe('start', () => {
  it('--ticket is kept on the call; the playbook setting picks the playbook', async () => {
    const { env, root } = world();
    const answers = join(root, 'answers.json');
    writeFileSync(answers, JSON.stringify({ 'identify.name': 'Ana Lima', 'readback.paraphrase': 'Charged twice.', 'decide.path': 'solve', 'resolve.done': 'Refunded.', 'outcome.code': 'resolved', 'promise.made': false, 'followup.needed': false }));
    const [started, wrongPlaybook] = await Promise.all([
      cli(['start', '--answers', answers, '--ticket', 'T-77'], { env }),
      cli(['start', '--answers', answers], { env: { ...env, CSR_CALL_PLAYBOOK: 'sales' } }),
    ]);
    expect(started.status, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/Ticket: +T-77/);
    expect(JSON.parse((await cli(['list', '--ticket', 'T-77', '--json'], { env })).stdout).total).toBe(1);
    expect(wrongPlaybook.status).toBe(2);
    expect(wrongPlaybook.stderr).toMatch(/for playbook sales/);
  });
});

describe('the README', () => {
  it("its settings table is the settings table's", async () => {
    const { settingsTableMarkdown } = await import('../src/commands/config.js');
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain(settingsTableMarkdown());
  });
});
