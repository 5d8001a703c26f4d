/**
 * The craft (issue 16) through the real CLI in a pseudo-terminal: the promise record of a
 * repeat caller, and the check before the summary left with a reason.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInPty, saveCall, tempDir } from './helpers.js';
import { makeCall } from './fixtures/makeCall.js';
import { parseCallText } from '../src/store/callStore.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { closeCallIndex } from '../src/store/index/indexAccess.js';
import { listCommand } from '../src/commands/list.js';
import { testContext } from './helpers.js';

const PLAYBOOK = `import { definePlaybook } from 'csr-call';
export default definePlaybook({
  id: 'brief', title: 'Brief', description: 'pty test of the craft', version: '1',
  stages: [
    { id: 'who', title: 'Who is calling', tip: 'Get their name.', steps: [
      { id: 'name', question: 'Name of caller', type: 'text', meaning: 'customer.name' },
      { id: 'phone', question: 'Phone of caller', type: 'text', meaning: 'customer.phone' },
      { id: 'mood', question: 'Their mood', type: 'choice', choices: ['angry', 'calm'], meaning: 'mood.start' },
      { id: 'empathy', question: 'What you said about how it affects them', type: 'text', meaning: 'empathy' },
    ] },
    { id: 'end', title: 'Close', tip: 'Be realistic.', steps: [
      { id: 'outcome', question: 'Outcome code', type: 'choice', choices: ['resolved', 'callback'], required: true, meaning: 'outcome' },
    ] },
  ],
});
`;

const PHONE = '555 0199';

/** The calls of a store, as their files hold them. */
function callsIn(home: string): CallRecord[] {
  const root = join(home, 'calls');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile());
  return files.map((f) => parseCallText(readFileSync(f, 'utf8'))).flatMap((p) => (p.ok ? [p.record] : []));
}

/** Two earlier calls of the customer: a promise kept, and one broken (its check still open long after its date). */
async function storeWithPromises(home: string): Promise<void> {
  const customer = { name: 'Ana Lima', phone: PHONE };
  await saveCall(
    home,
    makeCall({
      startedAt: '2020-03-02T10:00:00.000Z',
      customer,
      promises: [{ text: 'the refund', due: '2020-03-05T17:00:00.000Z' }],
      followups: [{ promiseId: 'p1', due: '2020-03-05T17:00:00.000Z', status: 'done', doneAt: '2020-03-04T09:00:00.000Z' }],
    }),
  );
  await saveCall(
    home,
    makeCall({
      startedAt: '2020-04-01T10:00:00.000Z',
      customer,
      promises: [{ text: 'a visit by an engineer', due: '2020-04-03T17:00:00.000Z' }],
      followups: [{ promiseId: 'p1', due: '2020-04-03T17:00:00.000Z' }],
    }),
  );
  await closeCallIndex(home);
}

describe('the promise record of a customer', () => {
  it('list --phone ends with it, and --json gives it as figures', async () => {
    const home = tempDir();
    await storeWithPromises(home);
    const text = testContext({ dataDir: home });
    await listCommand({ phone: PHONE }, text);
    expect(text.out()).toMatch(/\n2 calls\nPromises to this customer: 1 kept, 1 broken \(a visit by an engineer, promised Wed 1 Apr 2020\)\n$/);
    const json = testContext({ dataDir: home });
    await listCommand({ phone: PHONE, json: true }, json);
    expect(JSON.parse(json.out()).promiseRecord).toEqual({
      kept: 1,
      late: 0,
      broken: 1,
      pending: 0,
      brokenPromises: [{ text: 'a visit by an engineer', madeAt: '2020-04-01T10:00:00.000Z', deadline: '2020-04-03T17:00:00.000Z' }],
    });
    // Not asked about one customer: no record.
    const all = testContext({ dataDir: home });
    await listCommand({ json: true }, all);
    expect(JSON.parse(all.out())).not.toHaveProperty('promiseRecord');
  });
});

describe('the craft in a terminal', () => {
  it('a repeat caller: their promise record and the broken one to own first; the check before the summary left with a reason', async () => {
    const home = tempDir();
    await storeWithPromises(home);
    const playbook = join(tempDir('csr-pb-'), 'brief.ts');
    writeFileSync(playbook, PLAYBOOK);
    const result = runInPty(['start', '--playbook', playbook], [
      { expect: 'Name of caller' },
      { send: 'Ana Lima\r' },
      { expect: 'Phone of caller' },
      { send: `${PHONE}\r` },
      { expect: 'Known caller: 2 earlier calls' },
      { expect: 'Promises to this customer: 1 kept, 1 broken \\(a visit by an engineer, promised [^)]*Apr 2020\\)' },
      { expect: 'A promise to them was broken: say so and own it first' },
      { expect: 'Their mood' },
      { send: '1\r' },
      { expect: 'What you said about how it affects them' },
      { send: '\r' },
      { expect: 'Outcome code' },
      { send: '1\r' },
      // Upset at the start and no empathy recorded: the check says so before the summary.
      { expect: 'Before the summary' },
      { expect: '1\\) They started angry and no empathy is recorded' },
      { expect: 'leave 1 with a reason' },
      { send: '\r' },
      { expect: 'Why leave it\\?' },
      { send: '\r' },
      { expect: 'a reason is needed' },
      { send: 'they wanted it done, not talked about\r' },
      { expect: 'Call summary' },
      { expect: 'Left at the check before the summary:' },
    ], { CSR_CALL_HOME: home, TZ: 'UTC' });
    expect(result.failure, result.transcript).toBeNull();
    expect(result.exitCode).toBe(0);
    expect(result.transcript).toMatch(/They started angry and no empathy is recorded — they wanted it done, not talked about/);
    const latest = callsIn(home).find((r) => r.playbook.id === 'brief')!;
    expect(latest.checklist).toEqual([expect.objectContaining({ item: 'empathy', result: 'left', reason: 'they wanted it done, not talked about' })]);
  });
});

const PROMISE_PLAYBOOK = `import { definePlaybook } from 'csr-call';
export default definePlaybook({
  id: 'promise', title: 'Promise', description: 'pty test of the callback check', version: '1',
  stages: [
    { id: 'close', title: 'Close', tip: 'Date every promise.', steps: [
      { id: 'outcome', question: 'Outcome code', type: 'choice', choices: ['resolved', 'callback'], required: true, meaning: 'outcome' },
      { id: 'promise', question: 'What did you promise', type: 'text', meaning: 'promise.text' },
      { id: 'by', question: 'Promised by when', type: 'datetime', meaning: 'promise.due' },
      { id: 'about', question: 'Callback about', type: 'text', meaning: 'followup.text' },
      { id: 'when', question: 'Callback when', type: 'datetime', meaning: 'followup.due' },
    ] },
  ],
});
`;

describe('the check before the summary: a callback after the promise it checks', () => {
  it('is named, goes back to the callback time (offered as a date to read), and is fixed there', async () => {
    const home = tempDir();
    const playbook = join(tempDir('csr-pb-'), 'promise.ts');
    writeFileSync(playbook, PROMISE_PLAYBOOK);
    const result = runInPty(['start', '--playbook', playbook], [
      { expect: 'Outcome code' },
      { send: '2\r' },
      { expect: 'What did you promise' },
      { send: 'the refund\r' },
      { expect: 'Promised by when' },
      { send: '+2d\r' },
      { expect: 'Callback about' },
      { send: 'refund arrived?\r' },
      { expect: 'Callback when' },
      { send: '+3d 10:00\r' },
      { expect: 'Before the summary' },
      { expect: '1\\) Callback due after the deadline of "the refund": call by then' },
      { send: '1' },
      { expect: 'Callback when \\(Enter for \\w{3} \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}\\)' },
      { send: '\u0015+1d\r' },
      { expect: 'Call summary' },
    ], { CSR_CALL_HOME: home, TZ: 'UTC' });
    expect(result.failure, result.transcript).toBeNull();
    expect(result.exitCode).toBe(0);
    const record = callsIn(home)[0]!;
    expect(record.checklist).toEqual([expect.objectContaining({ item: 'callback-by-deadline', result: 'fixed' })]);
    expect(Date.parse(record.followups[0]!.due)).toBeLessThan(Date.parse(record.promises[0]!.due!));
  });
});
