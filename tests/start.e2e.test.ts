import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, runInPty, tempDir } from './helpers.js';
import { parseCallText } from '../src/store/callStore.js';
import { acquireSessionLock } from '../src/store/sessionLock.js';
import { hostname } from 'node:os';

function callFiles(dataDir: string): string[] {
  const root = join(dataDir, 'calls');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((relative) => join(root, relative))
    .filter((path) => statSync(path).isFile());
}

const fullCall = {
  'identify.name': 'Ana Lima',
  'identify.phone': '+1 555 010 0100',
  'identify.mood': 'angry',
  'listen.story': 'Charged twice for November.\n? which card was used',
  'listen.queries': ['Since when?'],
  'readback.paraphrase': 'Charged twice for November; wants one charge refunded.',
  'decide.path': 'escalate',
  'decide.to': 'Billing',
  'decide.handoff': 'Double charge confirmed on the account; refund one.',
  'outcome.code': 'escalated',
  'outcome.mood': 'calm',
  'promise.made': true,
  'promise.what': 'Refund within 5 days',
  'promise.due': '2030-01-04 17:00',
  'wrapup.category': 'billing',
};

function writeAnswers(answers: unknown): string {
  const file = join(tempDir(), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  return file;
}

describe('csr-call start --answers', () => {
  it('walks the standard playbook, leaves a valid private call file and prints the summary', () => {
    const home = tempDir();
    const result = runCli(['start', '--answers', writeAnswers(fullCall)], { env: { CSR_CALL_HOME: home } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const files = callFiles(home);
    expect(files).toHaveLength(1);
    const parsed = parseCallText(readFileSync(files[0]!, 'utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const call = parsed.record;
    expect(call.status).toBe('completed');
    expect(call.customer).toEqual({ name: 'Ana Lima', phone: '+1 555 010 0100' });
    expect(call.outcome).toBe('escalated');
    expect(call.escalation?.to).toBe('Billing');
    expect(call.queries).toEqual(['which card was used', 'Since when?']);
    expect(call.promises[0]?.due).toBeDefined();
    expect(call.followups.length).toBeGreaterThan(0);
    expect(statSync(files[0]!).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'calls')).mode & 0o777).toBe(0o700);
    expect(result.stdout).toContain('Call summary');
    expect(result.stdout).toContain('Charged twice for November; wants one charge refunded.');
    expect(result.stdout).toContain('Escalated to:  Billing');
    expect(result.stdout).toContain('Refund within 5 days');
    expect(result.stdout).toContain(files[0]!);
  });

  it('a promise made for a day reads as that day in the summary, and its check is for the day', () => {
    const home = tempDir();
    const result = runCli(['start', '--answers', writeAnswers({ ...fullCall, 'promise.due': 'fri 4 jan 2030' })], { env: { CSR_CALL_HOME: home, TZ: 'UTC' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Refund within 5 days — by Fri 4 Jan 2030\n/);
    const parsed = parseCallText(readFileSync(callFiles(home)[0]!, 'utf8'));
    expect(parsed.ok && parsed.record.promises[0]!.due).toBe('2030-01-04T00:00:00.000Z');
    expect(parsed.ok && parsed.record.followups.find((f) => f.promiseId)).toMatchObject({ due: '2030-01-04T00:00:00.000Z', allDay: true });
  });

  it('a date in the file with a misspelt word is read, and said so once on stderr, as in a call', () => {
    const home = tempDir();
    const result = runCli(['start', '--answers', writeAnswers({ ...fullCall, 'promise.due': 'firday 4 jan 2030' })], { env: { CSR_CALL_HOME: home, TZ: 'UTC' } });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^csr-call: warning: \S+: "promise\.due": read "firday" as friday\n$/);
  });

  it.each([
    ['a missing required answer', { ...fullCall, 'readback.paraphrase': undefined }, /missing required answer "readback\.paraphrase".*expected text/],
    ['a value not among the choices', { ...fullCall, 'outcome.code': 'fixed' }, /"outcome\.code".*"fixed" is not a choice; expected one of: resolved, escalated/],
    ['a value of the wrong type', { ...fullCall, 'promise.made': 'perhaps' }, /"promise\.made".*expected yes or no/],
    ['a bad date', { ...fullCall, 'promise.due': 'someday' }, /"promise\.due".*not a date/],
    ['an unknown key', { ...fullCall, 'readback.paraphase': 'x' }, /unknown step id "readback\.paraphase".*did you mean "readback\.paraphrase"/],
    ['not an object', ['a'], /expected an object/],
  ])('refuses %s: one line, exit 2, nothing written', (_name, answers, message) => {
    const home = tempDir();
    const result = runCli(['start', '--answers', writeAnswers(answers)], { env: { CSR_CALL_HOME: home } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(callFiles(home)).toEqual([]);
  });

  it('refuses to prompt when stdin is not a terminal', () => {
    const home = tempDir();
    const result = runCli(['start'], { env: { CSR_CALL_HOME: home } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not one; to script a call, give --answers FILE\.json/);
    expect(callFiles(home)).toEqual([]);
  });

  it('refuses bad flags before asking anything', () => {
    const result = runCli(['start', '--phone', 'call me maybe', '--answers', writeAnswers(fullCall)], { env: { CSR_CALL_HOME: tempDir() } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--phone must be a phone number/);
  });
});

/** A small user playbook (TypeScript, outside the repo, importing 'csr-call'). */
function userPlaybook(): string {
  const dir = tempDir('csr-pb-');
  const file = join(dir, 'quick.ts');
  writeFileSync(
    file,
    `import { definePlaybook } from 'csr-call';
export default definePlaybook({
  id: 'quick', title: 'Quick', description: 'pty test', version: '2',
  stages: [
    { id: 'who', title: 'Who is calling', tip: 'Get their name.', steps: [
      { id: 'name', question: 'Name of caller', type: 'text', meaning: 'customer.name' },
      { id: 'phone', question: 'Phone of caller', type: 'text', meaning: 'customer.phone' },
    ] },
    { id: 'listen', title: 'Listen', tip: 'Let them talk.', steps: [
      { id: 'story', question: 'Story notes', type: 'longtext', meaning: 'problem.story' },
      { id: 'later', question: 'Questions for later', type: 'list', meaning: 'queries' },
      { id: 'summary', question: 'Read back', type: 'text', required: true, meaning: 'problem.paraphrase' },
    ] },
    { id: 'end', title: 'Close', tip: 'Be realistic.', steps: [
      { id: 'outcome', question: 'Outcome code', type: 'choice', choices: ['resolved', 'callback'], required: true, meaning: 'outcome' },
      { id: 'about', question: 'Call back about', type: 'text', meaning: 'followup.text', default: 'The refund', when: (a) => a['end.outcome'] === 'callback' },
      { id: 'when', question: 'Call back when', type: 'datetime', meaning: 'followup.due', when: (a) => a['end.outcome'] === 'callback' },
    ] },
  ],
});
`,
  );
  return file;
}

describe('csr-call start in a terminal', () => {
  it('asks step by step, shows tips and progress, keeps a refused answer, and prints the summary', () => {
    const home = tempDir();
    const result = runInPty(['start', '--playbook', userPlaybook()], [
      { expect: 'Who is calling' },
      { expect: 'stage 1 of 3' },
      { expect: 'Tip: Get their name\\.' },
      { expect: 'Name of caller' },
      { send: 'Ana Lima\r' },
      { expect: 'Phone of caller' },
      // Pasted with the terminal's paste marks: its line break becomes a space, not an Enter.
      { send: '\u001b[200~555\r\n0100\u001b[201~\r' },
      { expect: 'Story notes' },
      // Pasted: two lines in one piece of input (a prompt per line kept only the first).
      { send: 'first line\r? ask about the card\r' },
      { send: '\r' },
      // The question parked while listening is shown, not asked for again.
      { expect: 'Questions for later' },
      { expect: 'Parked while they talked:\\s+\\? ask about the card' },
      { send: 'check the address\r' },
      { send: '\r' },
      { expect: 'Read back' },
      { send: '\r' },
      { expect: 'an answer is needed' },
      { send: 'Card charged twice\r' },
      { expect: 'Outcome code' },
      { send: 'c' },
      { send: '\r', delay: 0.6 },
      { expect: 'Call back about' },
      { send: '\r' },
      { expect: 'Call back when' },
      { send: 'someday\r' },
      { expect: 'not a date' },
      { send: '\x15tomorrow 9am\r' },
      // The check before the summary: the parked questions were neither answered nor
      // carried into the callback. One key goes back to the callback's text, then back here.
      { expect: 'Before the summary' },
      { expect: '2 parked questions neither answered nor in a follow-up' },
      { send: '1' },
      { expect: 'Back to: Close' },
      { expect: 'Call back about' },
      { send: '\x15The refund; ask about the card; check the address\r' },
      { expect: 'Call summary' },
    ], { CSR_CALL_HOME: home, TZ: 'UTC' });
    expect(result.failure, result.transcript).toBeNull();
    expect(result.exitCode).toBe(0);
    const files = callFiles(home);
    const parsed = parseCallText(readFileSync(files[0]!, 'utf8'));
    expect(parsed.ok && parsed.record.status).toBe('completed');
    if (!parsed.ok) return;
    expect(parsed.record.customer).toEqual({ name: 'Ana Lima', phone: '555 0100' });
    expect(parsed.record.problem.story).toBe('first line\n? ask about the card');
    expect(parsed.record.queries).toEqual(['ask about the card', 'check the address']);
    expect(parsed.record.outcome).toBe('callback');
    expect(parsed.record.followups).toEqual([expect.objectContaining({ text: 'The refund; ask about the card; check the address', due: expect.stringMatching(/T09:00:00\.000Z$/) })]);
    expect(parsed.record.checklist).toEqual([expect.objectContaining({ item: 'parked-questions', result: 'fixed' })]);
    expect(parsed.record.playbook).toMatchObject({ id: 'quick', version: '2' });
    expect(result.transcript).toMatch(/Outcome:\s+callback/);
  });

  it('a paste too big for its answer keeps what fits and says so; Ctrl-U clears a one-line answer (issue 14, item 7)', () => {
    const home = tempDir();
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1} of a long email`);
    const paste = lines.join('\r\n');
    const result = runInPty(['start', '--playbook', userPlaybook()], [
      { expect: 'Name of caller' },
      { send: `\u001b[200~${paste}\u001b[201~` },
      { expect: 'paste cut: kept 2,000 of [\\d,]+ characters \\(the answer holds 2,000\\)' },
      { send: '\u0015Ana Lima\r' },
      { expect: 'Phone of caller' },
      { send: '\r' },
      { expect: 'Story notes' },
      { send: 'first line\r' },
      { send: `\u001b[200~${paste}\r\n\u001b[201~` },
      { expect: 'paste cut: kept 19,989 of [\\d,]+ characters \\(the answer holds 20,000\\)' },
      // The part of a line that fitted waits on the line being typed: Enter keeps it.
      { send: '\r' },
      { sleep: 1 },
      { send: '\x03' },
    ], { CSR_CALL_HOME: home });
    expect(result.failure, result.transcript).toBeNull();
    const saved = parseCallText(readFileSync(callFiles(home)[0]!, 'utf8'));
    expect(saved.ok && saved.record.customer).toEqual({ name: 'Ana Lima' });
    const draft = saved.ok ? saved.record.draft : undefined;
    expect(draft?.stepId).toBe('listen.story');
    expect(draft?.lines.join('\n')).toBe(`first line\n${lines.join('\n')}`.slice(0, 20_000));
  });

  it.each([
    ['Ctrl-C', { send: '\x03' }, 130],
    // Ctrl-D (end of input) means the same as Ctrl-C, at an empty prompt as anywhere.
    ['Ctrl-D', { send: '\x04' }, 130],
    ['SIGTERM', { signal: 'SIGTERM' }, 143],
    ['SIGHUP (window closed)', { signal: 'SIGHUP' }, 129],
  ])('%s mid-call saves the call as in progress, says how to resume, and resume finishes it', (_name, interrupt, code) => {
    const home = tempDir();
    const playbook = userPlaybook();
    const first = runInPty(['start', '--playbook', playbook], [
      { expect: 'Name of caller' },
      { send: 'Bo Chen\r' },
      { expect: 'Phone of caller' },
      { send: '\r' }, // skipped
      { expect: 'Story notes' },
      { send: 'line one\r' },
      // Time for the line to be saved as a draft, even on a busy machine.
      { sleep: 1 },
      interrupt as never,
    ], { CSR_CALL_HOME: home });
    expect(first.failure, first.transcript).toBeNull();
    expect(first.exitCode).toBe(code);
    const files = callFiles(home);
    expect(files).toHaveLength(1);
    const saved = parseCallText(readFileSync(files[0]!, 'utf8'));
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.record.status).toBe('in-progress');
    expect(saved.record.customer).toEqual({ name: 'Bo Chen' });
    expect(saved.record.draft).toEqual({ stepId: 'listen.story', lines: ['line one'] });
    // The window on the call is closed: no session lock is left behind.
    expect(readdirSync(dirname(files[0]!)).filter((name) => name.endsWith('.lock'))).toEqual([]);
    // Counted as the resume below counts them: answers given, skipped steps apart.
    // ...and the line of notes typed (issue 15, item 17).
    if (code !== 129) expect(first.transcript).toMatch(/in progress with 1 answer \(1 skipped\) and 1 line of "Story notes": [\s\S]*csr-call resume [0-9a-z]{6}/);

    const second = runInPty(['resume'], [
      // The count is of the answers the recap below it shows.
      { expect: 'Resuming call' },
      { expect: '1 answer \\(1 skipped\\) so far:' },
      { expect: 'Story notes' },
      { expect: 'line one' },
      { send: 'line two\r' },
      { send: '\r' },
      { expect: 'Questions for later' },
      { send: '\r' },
      { expect: 'Read back' },
      { send: 'All good\r' },
      { expect: 'Outcome code' },
      { send: '\r' },
      { expect: 'Call summary' },
    ], { CSR_CALL_HOME: home });
    expect(second.failure, second.transcript).toBeNull();
    expect(second.exitCode).toBe(0);
    const done = parseCallText(readFileSync(files[0]!, 'utf8'));
    expect(done.ok && done.record.status).toBe('completed');
    if (done.ok) expect(done.record.problem.story).toBe('line one\nline two');
  });

  it('recognises a repeat caller before the first question when the phone is given', () => {
    const home = tempDir();
    runCli(['start', '--answers', writeAnswers(fullCall)], { env: { CSR_CALL_HOME: home } });
    const result = runInPty(['start', '--phone', '(555) 010-0100'], [
      { expect: 'Known caller: 1 earlier call' },
      { expect: 'Charged twice for November' },
      { expect: 'open follow-up' },
      { expect: 'acknowledge it first' },
      { expect: "Caller's name" },
      { send: '\x03' },
    ], { CSR_CALL_HOME: home });
    expect(result.failure).toBeNull();
    expect(result.exitCode).toBe(130);
  });
});

describe('a repeat caller recognised by phone, then by account (issue 15, item 5)', () => {
  it('shows the earlier calls once, and then only those the account adds', () => {
    const home = tempDir();
    const earlier = (phone: string, paraphrase: string) => {
      const answers = { 'identify.name': 'Ana Lima', 'identify.phone': phone, 'identify.account': 'A-1', 'readback.paraphrase': paraphrase, 'outcome.code': 'resolved' };
      expect(runCli(['start', '--answers', writeAnswers(answers)], { env: { CSR_CALL_HOME: home } }).status).toBe(0);
    };
    earlier('555 0100', 'First: charged twice');
    earlier('555 0100', 'Second: refund missing');
    earlier('555 0199', 'Third: from the office line');
    const result = runInPty(['start'], [
      { expect: "Caller's name" },
      { send: 'Ana Lima\r' },
      { expect: 'Best number' },
      { send: '555 0100\r' },
      { expect: 'Known caller: 2 earlier calls' },
      { expect: 'Account or order number' },
      { send: 'A-1\r' },
      { expect: "Also this customer's: 1 more earlier call" },
      { expect: 'Third: from the office line' },
      { expect: 'Their time zone' },
      // A zone typed short is said back, with the customer's clock (item 13).
      { send: 'pt\r' },
      { expect: '→ America/Los_Angeles, where it is \\w+ \\d+ \\w+ \\d{4} \\d\\d:\\d\\d now' },
      { expect: 'How do they sound' },
      { send: '\x03' },
    ], { CSR_CALL_HOME: home });
    expect(result.failure, result.transcript).toBeNull();
    const times = (text: string) => result.transcript.split(text).length - 1;
    expect(times('Known caller')).toBe(1);
    expect(times('First: charged twice')).toBe(1);
    expect(times('Second: refund missing')).toBe(1);
    expect(times('Third: from the office line')).toBe(1);
    // Both are this customer's earlier calls all the same.
    const live = callFiles(home).map((file) => JSON.parse(readFileSync(file, 'utf8'))).find((call) => call.status === 'in-progress');
    expect(live.earlierCalls).toHaveLength(3);
  });
});

describe("the customer's time zone (issue 15, item 13)", () => {
  it('standard: asked once in identify, then the callback and the promise are booked in it', () => {
    const home = tempDir();
    const answers = { ...fullCall, 'identify.zone': 'CT', 'promise.due': '2030-01-04 17:00', 'followup.needed': true, 'followup.due': '2030-01-03 10:00' };
    const result = runCli(['start', '--answers', writeAnswers(answers)], { env: { CSR_CALL_HOME: home, TZ: 'Europe/London' } });
    expect(result.stderr).toBe('');
    const call = JSON.parse(readFileSync(callFiles(home)[0]!, 'utf8'));
    expect(call.customer.zone).toBe('America/Chicago');
    // 10:00 and 17:00 in Chicago (UTC-6 in January), not in London.
    expect(call.promises[0]).toMatchObject({ due: '2030-01-04T23:00:00.000Z', timeZone: 'America/Chicago' });
    expect(call.followups).toEqual([expect.objectContaining({ due: '2030-01-03T16:00:00.000Z', timeZone: 'America/Chicago' })]);
    expect(result.stdout).toContain('time zone America/Chicago');
    expect(result.stdout).toContain('Thu 3 Jan 2030 16:00 (Thu 3 Jan 2030 10:00 America/Chicago)');
  });

  it('a callback booked when the customer may not be called is said, with how to move it (item 14)', () => {
    const home = tempDir();
    const { 'promise.what': _what, 'promise.due': _due, ...noPromise } = fullCall;
    const answers = { ...noPromise, 'identify.zone': 'PT', 'promise.made': false, 'followup.needed': true, 'followup.what': 'Progress', 'followup.due': '2030-01-03 07:30' };
    const result = runCli(['start', '--answers', writeAnswers(answers)], { env: { CSR_CALL_HOME: home, TZ: 'UTC' } });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /^csr-call: warning: [0-9a-z]{6}\.f1: Thu 3 Jan 2030 07:30 America\/Los_Angeles is outside calling hours \(08:00–21:00 their time\); move it with: csr-call followups snooze [0-9a-z]{6}\.f1 --until "…"\n$/,
    );
  });

  it('known from an earlier call of theirs: said when they are recognised, offered by Enter, and the callback is in it', () => {
    const home = tempDir();
    const earlier = runCli(['start', '--answers', writeAnswers({ 'identify.phone': '555 0100', 'identify.zone': 'CT', 'readback.paraphrase': 'Refund missing', 'outcome.code': 'callback' })], { env: { CSR_CALL_HOME: home } });
    expect(earlier.status, earlier.stderr).toBe(0);
    const dir = tempDir('csr-pb-');
    const playbook = join(dir, 'zoned.ts');
    writeFileSync(
      playbook,
      `import { definePlaybook } from 'csr-call';
export default definePlaybook({
  id: 'zoned', title: 'Zoned', description: 'pty test', version: '1',
  stages: [
    { id: 'who', title: 'Who is calling', tip: 'Get their number.', steps: [
      { id: 'phone', question: 'Phone of caller', type: 'text', meaning: 'customer.phone' },
      { id: 'zone', question: 'Their zone', type: 'text', meaning: 'customer.zone' },
    ] },
    { id: 'end', title: 'Close', tip: 'Book it.', steps: [
      { id: 'about', question: 'Call back about', type: 'text', meaning: 'followup.text', default: 'The refund' },
      { id: 'when', question: 'Call back when', type: 'datetime', meaning: 'followup.due', zone: 'customer', default: 'tomorrow 10:00' },
    ] },
  ],
});
`,
    );
    const result = runInPty(['start', '--playbook', playbook], [
      { expect: 'Phone of caller' },
      { send: '555 0100\r' },
      { expect: 'Known caller: 1 earlier call' },
      // Its callback, booked in their zone, is shown in both.
      { expect: 'open follow-up [0-9a-z]{6}\\.f1: Progress on: Refund missing — .*\\d\\d:00 / (\\w+ \\d+ \\w+ )?10:00 America/Chicago' },
      { expect: 'Their time zone \\(from an earlier call\\): America/Chicago, where it is' },
      { expect: 'Their zone.*Enter for America/Chicago' },
      { send: '\r' },
      { expect: 'Call back about' },
      { send: '\r' },
      { expect: 'Call back when' },
      { send: 'tomorrow 10pm\r' },
      // In the agent's zone (UTC here) and theirs: 22:00 for them, too late to be called (item 14).
      { expect: '→ .*\\d\\d:00 / (\\w+ \\d+ \\w+ )?22:00 America/Chicago' },
      { expect: '⚠ [0-9a-z]{6}\\.f1: .* 22:00 America/Chicago is outside calling hours \\(08:00–21:00 their\\s+time\\)\\s+After the call, move it with: csr-call followups snooze [0-9a-z]{6}\\.f1' },
      { expect: 'Call summary' },
    ], { CSR_CALL_HOME: home, TZ: 'UTC' });
    expect(result.failure, result.transcript).toBeNull();
    const live = callFiles(home).map((file) => JSON.parse(readFileSync(file, 'utf8'))).find((call) => call.playbook.id === 'zoned');
    expect(live.customer).toEqual({ phone: '555 0100', zone: 'America/Chicago' });
    expect(live.followups[0]).toMatchObject({ text: 'The refund', timeZone: 'America/Chicago' });
  });
});

describe('one window per call', () => {
  it('refuses to resume a call that is open in another live window on this computer', async () => {
    const home = tempDir();
    const answers = writeAnswers({ 'identify.name': 'Cy' });
    // A finished call turned back into an unfinished one, as if the window had closed.
    const partial = runCli(['start', '--answers', writeAnswers(fullCall)], { env: { CSR_CALL_HOME: home } });
    expect(partial.status).toBe(0);
    const id = callFiles(home)[0]!.split('/').at(-1)!.replace('.json', '');
    const file = callFiles(home)[0]!;
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...record, status: 'in-progress', endedAt: undefined }));
    const lock = await acquireSessionLock(home, id, { host: hostname(), pid: process.pid, agent: 'other-window' });
    expect(lock.acquired).toBe(true);
    const result = runCli(['resume', id, '--answers', answers], { env: { CSR_CALL_HOME: home } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/open in another window on this computer \(other-window/);
    if (lock.acquired) await lock.release();
    const again = runCli(['resume', id, '--answers', answers], { env: { CSR_CALL_HOME: home } });
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
  });
});
