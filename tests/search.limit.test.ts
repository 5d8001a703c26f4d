/** How many a search shows, and whether it says there are more: known, not guessed from the count. */
import { describe, expect, it } from 'vitest';
import { searchCommand } from '../src/commands/search.js';
import { closeCallIndex } from '../src/store/index/indexAccess.js';
import { makeCall } from './fixtures/makeCall.js';
import { saveCall, testContext } from './helpers.js';

describe('search --limit', () => {
  it('says "the best N" only when more calls match', async () => {
    const dataDir = testContext().dataDir;
    for (const day of ['20', '21', '22']) await saveCall(dataDir, makeCall({ startedAt: `2026-11-${day}T09:00:00.000Z`, facts: 'refund sent' }));
    await closeCallIndex(dataDir);
    const footer = async (limit: string) => {
      const ctx = testContext({ dataDir });
      await searchCommand(['refund'], { limit }, ctx);
      return ctx.out().trimEnd().split('\n').at(-1);
    };
    expect(await footer('2')).toBe('2 calls (the best 2: --limit N for more)');
    expect(await footer('3')).toBe('3 calls');
    const json = testContext({ dataDir });
    await searchCommand(['refund'], { limit: '2', json: true }, json);
    expect(JSON.parse(json.out())).toMatchObject({ more: true });
    expect((JSON.parse(json.out()) as { hits: unknown[] }).hits).toHaveLength(2);
  });
});
