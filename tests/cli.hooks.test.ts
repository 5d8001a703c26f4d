import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO, saveCall, stripAnsi, tempDir } from './helpers.js';
import { makeCall } from './fixtures/makeCall.js';
import { readCall } from '../src/store/callStore.js';
import { createServer } from 'node:http';
import { parse } from 'csv-parse/sync';

// Issue 18's second half through the real CLI: hooks, start --json / --copy, `-` for
// standard input, and --json of the writes. The processes of a test run in parallel.

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], { env = {}, input = '' }: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input);
    child.on('close', (status) => resolve({ status, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr), ms: Date.now() - started }));
  });
}

/** A data folder and a config folder of its own, and hooks written into it. */
function world() {
  const root = tempDir();
  const config = join(root, 'config');
  const env: Record<string, string> = { XDG_CONFIG_HOME: config, CSR_CALL_HOME: join(root, 'data'), CSR_CALL_AGENT: 'sam', CSR_CALL_CONFIG_DIR: '' };
  const hooks = join(config, 'csr-call', 'hooks');
  const hook = (name: string, body: string, mode = 0o755) => {
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(hooks, name), mode);
  };
  return { root, env, hook, dataDir: env.CSR_CALL_HOME! };
}

const ANSWERS = {
  'identify.name': 'Ana Lima',
  'identify.phone': '+1 555 0100',
  'readback.paraphrase': 'Charged twice.',
  'decide.path': 'solve',
  'resolve.done': 'Refunded the second charge.',
  'outcome.code': 'resolved',
  'promise.made': false,
  'followup.needed': false,
};
const ESCALATED = { ...ANSWERS, 'decide.path': 'escalate', 'decide.to': 'Billing tier 2', 'decide.handoff': 'Refund over the limit.', 'outcome.code': 'escalated' };

describe('hooks', () => {
  it('on-call-end and on-escalation get the call as JSON on stdin, after the call is saved', async () => {
    const { root, env, hook, dataDir } = world();
    const got = join(root, 'got');
    mkdirSync(got);
    // Each hook keeps what it was given, and checks the call's file is already there.
    hook('on-call-end', `cat > "${got}/end-$$.json"; echo "ticket system says ok"`);
    hook('on-escalation', `cat > "${got}/escalation.json"`);
    const answers = join(root, 'escalated.json');
    writeFileSync(answers, JSON.stringify(ESCALATED));
    const run = await cli(['start', '--answers', answers, '--ticket', 'T-9', '--json'], { env });
    expect(run.status, run.stderr).toBe(0);
    // What a hook prints goes to stderr: stdout is the command's JSON alone.
    expect(run.stderr).toContain('ticket system says ok');
    const printed = JSON.parse(run.stdout) as { jsonVersion: number; callId: string; summary: string; ticket: string; escalation: { to: string } };
    const [endFile] = (await import('node:fs')).readdirSync(got).filter((f) => f.startsWith('end-'));
    const end = JSON.parse(readFileSync(join(got, endFile!), 'utf8')) as Record<string, unknown>;
    expect(end).toMatchObject({ jsonVersion: 1, event: 'on-call-end', callId: printed.callId, ticket: 'T-9', summary: printed.summary, outcome: 'escalated' });
    expect((end.call as { status: string }).status).toBe('completed');
    const escalation = JSON.parse(readFileSync(join(got, 'escalation.json'), 'utf8')) as Record<string, unknown>;
    expect(escalation).toMatchObject({ event: 'on-escalation', callId: printed.callId, escalation: { to: 'Billing tier 2', handoffNote: 'Refund over the limit.' } });
    expect((await readCall(dataDir, printed.callId)).status).toBe('completed');
  });

  it('a hook that fails, one that hangs past the limit, one not executable: one warning line each, nothing lost', async () => {
    const failing = world();
    failing.hook('on-call-end', 'echo "boom: no route to tickets.example" >&2; exit 3');
    const hanging = world();
    // It and what it started are stopped at the limit.
    hanging.hook('on-call-end', 'sleep 30 & sleep 30');
    const notExecutable = world();
    notExecutable.hook('on-call-end', 'echo never', 0o644);
    const othersCanWrite = world();
    othersCanWrite.hook('on-call-end', 'echo never either', 0o777);
    const answers = join(failing.root, 'answers.json');
    writeFileSync(answers, JSON.stringify(ANSWERS));
    const [failed, hung, skipped, unsafe] = await Promise.all([
      cli(['start', '--answers', answers], { env: failing.env }),
      cli(['start', '--answers', answers], { env: { ...hanging.env, CSR_CALL_HOOK_TIMEOUT: '1' } }),
      cli(['start', '--answers', answers], { env: notExecutable.env }),
      cli(['start', '--answers', answers], { env: othersCanWrite.env }),
    ]);
    // A hook other users could have changed is not run: it would run as the agent, with the call.
    expect(unsafe.stderr).toMatch(/csr-call: warning: hook on-call-end was not run: \S+on-call-end can be changed by other users; make it yours alone: chmod go-w \S+on-call-end\n/);
    expect(unsafe.stderr + unsafe.stdout).not.toContain('never either');
    for (const [run, { env }] of [[failed, failing], [hung, hanging], [skipped, notExecutable], [unsafe, othersCanWrite]] as const) {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Call summary');
      const listed = JSON.parse((await cli(['list', '--json'], { env })).stdout) as { total: number };
      expect(listed.total).toBe(1);
    }
    expect(failed.stderr).toContain('csr-call: warning: hook on-call-end failed (exit 3): boom: no route to tickets.example; nothing else is affected\n');
    expect(hung.stderr).toContain('csr-call: warning: hook on-call-end ran longer than 1 s and was stopped; nothing else is affected\n');
    expect(hung.ms).toBeLessThan(15_000);
    expect(skipped.stderr).toMatch(/csr-call: warning: hook on-call-end is not executable and was not run: chmod \+x \S+on-call-end\n/);
    expect(skipped.stderr).not.toContain('never');
  });

  it('followups done and snooze: --json prints the changed item, and on-followup-change gets the same; --note - reads stdin', async () => {
    const { root, env, hook, dataDir } = world();
    const got = join(root, 'changes.ndjson');
    hook('on-followup-change', `cat >> "${got}"`);
    const call = makeCall({ id: '20261120-090000-hook01', agent: 'sam', ticket: 'T-1', followups: [{ text: 'Check the refund' }, { text: 'Call with progress', repeatEveryDays: 2, due: '2026-11-24T10:00:00.000Z' }] });
    await saveCall(dataDir, call);
    const done = await cli(['followups', 'done', 'hook01.f1', '--note', '-', '--json'], { env, input: 'refund arrived\n' });
    expect(done.status, done.stderr).toBe(0);
    const snoozed = await cli(['followups', 'snooze', 'hook01.f2', '--until', '+3d', '--json'], { env });
    expect(snoozed.status, snoozed.stderr).toBe(0);
    const doneJson = JSON.parse(done.stdout) as Record<string, unknown>;
    expect(doneJson).toMatchObject({
      jsonVersion: 1,
      action: 'done',
      by: 'sam',
      note: 'refund arrived',
      followup: { id: '20261120-090000-hook01.f1', shortId: 'hook01.f1', status: 'done', text: 'Check the refund' },
      next: null,
      call: { id: '20261120-090000-hook01', ticket: 'T-1', customer: { name: 'Ann Smith' } },
    });
    const snoozedJson = JSON.parse(snoozed.stdout) as { action: string; followup: { status: string; due: string } };
    expect(snoozedJson).toMatchObject({ jsonVersion: 1, action: 'snoozed', followup: { status: 'open' } });
    const stored = await readCall(dataDir, call.id);
    expect(stored.followups[0]!.history.at(-1)!.note).toBe('refund arrived');
    expect(stored.followups[1]!.due).toBe(snoozedJson.followup.due);
    const heard = readFileSync(got, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(heard).toEqual([
      { event: 'on-followup-change', ...doneJson },
      { event: 'on-followup-change', ...(snoozedJson as object), jsonVersion: 1 },
    ]);
  });
});

describe("the README's hooks", () => {
  it('post the summary to the ticket with curl, append a CSV row to a sheet, tell the chat of an escalation', async () => {
    const { root, env, hook } = world();
    // Every hook the README shows, as written there.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const scripts = [...readme.matchAll(/```sh\n(#!\/bin\/sh\n# hooks\/([\w-]+):[\s\S]*?)```/g)];
    expect(scripts.map((m) => m[2])).toEqual(['on-call-end-ticket', 'on-call-end-sheet', 'on-escalation']);
    for (const [, script, name] of scripts) hook(name!, script!.replace(/^#!\/bin\/sh\n/, ''));
    // The ticket system and the chat: a server on this machine that keeps what it is sent.
    const received: Array<{ url: string; auth: string | undefined; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        received.push({ url: req.url ?? '', auth: req.headers.authorization, body });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const sheet = join(root, 'calls.csv');
    const hookEnv = { ...env, TICKETS_URL: `http://127.0.0.1:${port}/api`, TICKETS_TOKEN: 'k-123', CHAT_WEBHOOK_URL: `http://127.0.0.1:${port}/chat`, CALLS_SHEET: sheet };
    try {
      const escalated = join(root, 'escalated.json');
      const resolved = join(root, 'resolved.json');
      writeFileSync(escalated, JSON.stringify(ESCALATED));
      writeFileSync(resolved, JSON.stringify({ ...ANSWERS, 'readback.paraphrase': '=HYPERLINK("x"), "quoted", twice' }));
      const first = await cli(['start', '--answers', escalated, '--ticket', 'T-9', '--json'], { env: hookEnv });
      const second = await cli(['start', '--answers', resolved], { env: hookEnv });
      expect(first.status, first.stderr).toBe(0);
      expect(second.status, second.stderr).toBe(0);
      expect(first.stderr + second.stderr).not.toContain('warning');
      const call = JSON.parse(first.stdout) as { shortId: string; summary: string };
      // The ticket: only the call with a ticket number; the chat: only the escalation.
      expect(received).toEqual([
        { url: '/api/tickets/T-9/notes', auth: 'Bearer k-123', body: call.summary },
        { url: '/chat', auth: undefined, body: JSON.stringify({ text: `Call ${call.shortId}, ticket T-9 escalated to Billing tier 2 by sam` }) },
      ]);
      const rows = parse(readFileSync(sheet, 'utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(rows.map((r) => [r.agent, r.ticket, r.outcome, r.problem])).toEqual([
        ['sam', 'T-9', 'escalated', 'Charged twice.'],
        ['sam', '', 'resolved', `'=HYPERLINK("x"), "quoted", twice`],
      ]);
    } finally {
      server.close();
    }
  });
});

describe('start --json, --copy and -', () => {
  it('--answers - reads the answers from stdin; --json prints the saved call with the screens on stderr; --copy copies the summary', async () => {
    const { root, env } = world();
    // A stand-in for xclip that keeps what it was given (as on an X11 desktop).
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const copied = join(root, 'copied.txt');
    writeFileSync(join(bin, 'xclip'), `#!/bin/sh\ncat > "${copied}"\n`, { mode: 0o755 });
    const [json, copy, noClipboard] = await Promise.all([
      cli(['start', '--answers', '-', '--json'], { env, input: `\uFEFF${JSON.stringify(ANSWERS)}` }),
      cli(['start', '--answers', '-', '--copy'], { env: { ...env, DISPLAY: ':0', PATH: `${bin}:${process.env.PATH}` }, input: JSON.stringify(ANSWERS) }),
      cli(['start', '--answers', '-', '--copy'], { env: { ...env, DISPLAY: '', WAYLAND_DISPLAY: '', TMUX: '', SSH_TTY: '', SSH_CONNECTION: '' }, input: JSON.stringify(ANSWERS) }),
    ]);
    expect(json.status, json.stderr).toBe(0);
    const printed = JSON.parse(json.stdout) as { jsonVersion: number; callId: string; shortId: string; status: string; summary: string; call: { customer: { name: string } } };
    expect(printed).toMatchObject({ jsonVersion: 1, status: 'completed', call: { customer: { name: 'Ana Lima' } } });
    expect(printed.summary).toContain('Ana Lima');
    expect(json.stderr).toContain('Call summary (paste into the ticket)');
    expect(copy.status, copy.stderr).toBe(0);
    expect(copy.stderr).toContain('Summary copied with xclip: paste it into the ticket.');
    expect(readFileSync(copied, 'utf8')).toContain('Refunded the second charge.');
    // No way to copy: said in one line, and the call is saved all the same.
    expect(noClipboard.status).toBe(0);
    expect(noClipboard.stderr).toMatch(/csr-call: warning: nothing here can copy to the clipboard .*\(the call is saved; later: csr-call show \w{6} --summary --copy\)\n/);
    expect(JSON.parse((await cli(['list', '--json'], { env })).stdout).total).toBe(3);
  });

  it('--answers - with nothing piped, and a bad answers file on stdin: one line, nothing written', async () => {
    const { env, dataDir } = world();
    const [empty, bad] = await Promise.all([
      cli(['start', '--answers', '-'], { env, input: '' }),
      cli(['start', '--answers', '-'], { env, input: '{"identify.nmae": "x"}' }),
    ]);
    expect(empty.status).toBe(2);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^csr-call: standard input: unknown step id "identify\.nmae" for playbook standard \(did you mean "identify\.name"\?\)\n$/);
    expect(existsSync(join(dataDir, 'calls'))).toBe(false);
  });
});

describe('--json of the other writes and reports', () => {
  it('doctor, playbooks validate (a file and -), export --json, search and stats carry jsonVersion', async () => {
    const { root, env, dataDir } = world();
    await saveCall(dataDir, makeCall({ id: '20261120-090000-json01', agent: 'sam' }));
    const good = `import { definePlaybook } from 'csr-call';\nexport default definePlaybook({ id: 'mini', title: 'Mini', description: 'd', version: '1', stages: [{ id: 's', title: 'S', tip: 't', steps: [{ id: 'a', question: 'Q?', type: 'text' }] }] });\n`;
    const file = join(root, 'mini.ts');
    writeFileSync(file, good);
    const [doctor, validated, fromStdin, broken, exported, both, stats, search] = await Promise.all([
      cli(['doctor', '--json'], { env }),
      cli(['playbooks', 'validate', file, '--json'], { env }),
      cli(['playbooks', 'validate', '-'], { env, input: good }),
      cli(['playbooks', 'validate', '-', '--json'], { env, input: "export default { id: 'x' };\n" }),
      cli(['export', '--json'], { env }),
      cli(['export', '--json', '--format', 'csv'], { env }),
      cli(['stats', '--json'], { env }),
      cli(['search', 'charged', '--json'], { env }),
    ]);
    expect(doctor.status, `${doctor.stderr}${doctor.stdout}`).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ jsonVersion: 1, exists: true, calls: 1, healthy: true, problems: [], fixed: null });
    expect(JSON.parse(validated.stdout)).toEqual({ jsonVersion: 1, file, ok: true, problems: [], playbook: { id: 'mini', title: 'Mini', version: '1', stages: 1, steps: 1 } });
    expect(fromStdin.stdout).toBe('ok: standard input (mini v1, 1 stage, 1 step)\n');
    expect(broken.status).toBe(2);
    const report = JSON.parse(broken.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.join('\n')).toContain('standard input');
    expect(report.problems.join('\n')).not.toMatch(/csr-call-playbook-/);
    expect(broken.stderr).toMatch(/^csr-call: standard input: /);
    // export --json is export --format json: the records, as an array.
    expect((JSON.parse(exported.stdout) as Array<{ id: string }>).map((c) => c.id)).toEqual(['20261120-090000-json01']);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe('csr-call: --json is the same as --format json: give one of --json or --format csv\n');
    expect(JSON.parse(stats.stdout)).toMatchObject({ jsonVersion: 1, agent: 'sam' });
    expect(JSON.parse(search.stdout)).toMatchObject({ jsonVersion: 1, hits: [{}] });
  });

  it('doctor --json with a problem: the findings, exit 1', async () => {
    const { env, dataDir } = world();
    await saveCall(dataDir, makeCall({ id: '20261120-090000-json02', agent: 'sam' }));
    const { callPath } = await import('../src/store/callFiles.js');
    writeFileSync(callPath(dataDir, '20261120-090000-json02'), '{ not json', { mode: 0o600 });
    const run = await cli(['doctor', '--json'], { env });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { healthy: boolean; problems: Array<{ kind: string; path: string }> };
    expect(report.healthy).toBe(false);
    expect(report.problems[0]!.path).toBe(callPath(dataDir, '20261120-090000-json02'));
    expect(run.stderr).toBe('csr-call: the store needs attention: 1 problem (in the JSON above)\n');
  });
});
