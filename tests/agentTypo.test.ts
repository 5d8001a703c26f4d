/**
 * A filter by agent that finds nothing because the name is mistyped says whose name it
 * looks like; a name with no close match (a new agent) is left alone.
 */
import { describe, expect, it } from 'vitest';
import { followupsListCommand } from '../src/commands/followups.js';
import { listCommand } from '../src/commands/list.js';
import { searchCommand } from '../src/commands/search.js';
import { statsCommand } from '../src/commands/stats.js';
import { closeCallIndex } from '../src/store/index/indexAccess.js';
import { makeCall } from './fixtures/makeCall.js';
import { saveCall, testContext } from './helpers.js';

async function store(): Promise<string> {
  const ctx = testContext();
  await saveCall(ctx.dataDir, makeCall({ agent: 'Amira', facts: 'refund sent' }));
  await saveCall(ctx.dataDir, makeCall({ agent: 'ben', startedAt: '2026-11-21T09:00:00.000Z' }));
  await closeCallIndex(ctx.dataDir);
  return ctx.dataDir;
}

describe('a mistyped agent name', () => {
  it('list, stats, search and followups say whose name it looks like, once, on stderr', async () => {
    const dataDir = await store();
    const warning = 'csr-call: warning: no call in this store is by amria: did you mean amira?\n';
    const list = testContext({ dataDir });
    await listCommand({ agent: 'amria' }, list);
    expect(list.err()).toBe(warning);
    expect(list.out()).toBe('No calls match these filters.\n');
    const stats = testContext({ dataDir });
    await statsCommand({ agent: 'amria' }, stats);
    expect(stats.err()).toBe(warning);
    const search = testContext({ dataDir });
    await searchCommand(['refund'], { agent: 'amria' }, search);
    expect(search.err()).toBe(warning);
    const followups = testContext({ dataDir });
    await followupsListCommand({ agent: 'amria' }, followups);
    expect(followups.err()).toBe(warning);
  });

  it('says nothing for a name with calls, or with no close one', async () => {
    const dataDir = await store();
    for (const agent of ['AMIRA', 'zoe']) {
      const ctx = testContext({ dataDir });
      await listCommand({ agent, from: '2030-01-01' }, ctx);
      expect(ctx.err(), agent).toBe('');
    }
  });
});

describe('your own name with no calls yet', () => {
  it('is not taken for a typo of a colleague\'s (a new agent)', async () => {
    const dataDir = await store();
    for (const run of [(ctx: ReturnType<typeof testContext>) => statsCommand({}, ctx), (ctx: ReturnType<typeof testContext>) => searchCommand(['refund'], {}, ctx)]) {
      const ctx = testContext({ dataDir, agent: 'amria' });
      await run(ctx);
      expect(ctx.err()).toBe('');
    }
  });
});
