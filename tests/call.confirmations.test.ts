import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { saveCall, scriptedPrompts, tempDir, testContext } from './helpers.js';
import { makeCall } from './fixtures/makeCall.js';
import { holdSession, latestUnfinishedCall } from '../src/call/callSession.js';
import { offerDiscard } from '../src/call/interactiveCall.js';
import { acquireSessionLock, readSessionLock } from '../src/store/sessionLock.js';
import { readCallText } from '../src/store/callStore.js';
import { UserError } from '../src/errors.js';

// The questions a call asks outside its playbook go through the context's prompts, like
// every other confirmation: answered here in-process.

const terminal = () => Object.assign(new PassThrough(), { isTTY: true });

describe("a call's own confirmations", () => {
  it('a call open on another computer is taken over only when the agent says yes', async () => {
    const dataDir = join(tempDir(), 'data');
    const call = makeCall({ id: '20261120-090000-conf01', status: 'in-progress' });
    await saveCall(dataDir, call);
    const elsewhere = await acquireSessionLock(dataDir, call.id, { host: `not-${hostname()}`, pid: 1, agent: 'ana' });
    expect(elsewhere.acquired).toBe(true);

    const no = scriptedPrompts([false]);
    const refused = await holdSession(testContext({ dataDir, stdin: terminal(), prompts: no }), call.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toBe('left call conf01 with ana');
    expect(no.asked).toEqual([expect.stringMatching(/^Call conf01 is open by ana on not-.* since .*\. Take it over \(their unsaved line is lost\)\?$/)]);
    expect((await readSessionLock(dataDir, call.id))?.agent).toBe('ana');

    const yes = scriptedPrompts([true]);
    const release = await holdSession(testContext({ dataDir, stdin: terminal(), prompts: yes }), call.id);
    expect((await readSessionLock(dataDir, call.id))?.agent).toBe('test-agent');
    await release();
  });

  it('resume with every unfinished call open: taking over is offered only for a call open on another computer', async () => {
    const dataDir = join(tempDir(), 'data');
    const here = makeCall({ id: '20261120-090000-here01', status: 'in-progress', agent: 'test-agent' });
    const there = makeCall({ id: '20261120-100000-there1', status: 'in-progress', agent: 'test-agent' });
    await saveCall(dataDir, here);
    const ctx = testContext({ dataDir });
    await acquireSessionLock(dataDir, here.id, { host: hostname(), pid: process.pid, agent: 'test-agent' });
    const thisComputer = await latestUnfinishedCall(ctx).catch((error: unknown) => error);
    expect((thisComputer as UserError).message).toBe('your unfinished calls are all open in other windows (here01): finish them there');
    await saveCall(dataDir, there);
    await acquireSessionLock(dataDir, there.id, { host: `not-${hostname()}`, pid: 1, agent: 'test-agent' });
    const another = await latestUnfinishedCall(ctx).catch((error: unknown) => error);
    expect((another as UserError).message).toBe(
      'your unfinished calls are all open in other windows (there1, here01): finish them there, or take one open on another computer over with csr-call resume ID',
    );
  });

  it('Ctrl-C on a call with nothing about a customer offers to throw it away: yes removes it, no keeps it', async () => {
    const dataDir = join(tempDir(), 'data');
    const empty = makeCall({ id: '20261120-090000-conf02', status: 'in-progress', customer: {} });
    const kept = makeCall({ id: '20261120-090000-conf03', status: 'in-progress', customer: {} });
    const known = makeCall({ id: '20261120-090000-conf04', status: 'in-progress', customer: { name: 'Ana Lima' } });
    for (const call of [empty, kept, known]) await saveCall(dataDir, call);

    const yes = scriptedPrompts([true]);
    await offerDiscard(testContext({ dataDir, stdin: terminal(), prompts: yes }), empty.id);
    expect(yes.asked).toEqual(['Nothing about a customer was typed on call conf02. Throw it away?']);
    expect(await readCallText(dataDir, empty.id)).toBeUndefined();

    await offerDiscard(testContext({ dataDir, stdin: terminal(), prompts: scriptedPrompts([false]) }), kept.id);
    expect(await readCallText(dataDir, kept.id)).toBeDefined();
    // A call with a customer in it is never offered (the prompts would fail the test if asked).
    await offerDiscard(testContext({ dataDir, stdin: terminal(), prompts: scriptedPrompts([]) }), known.id);
    expect(await readCallText(dataDir, known.id)).toBeDefined();
  });
});
