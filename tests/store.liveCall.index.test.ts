import { describe, expect, it } from 'vitest';
import { createCall, saveSession } from '../src/store/callStore.js';
import { callIndexOf } from '../src/store/index/indexAccess.js';
import { makeCall } from './fixtures/makeCall.js';
import { runCli, testContext } from './helpers.js';

/**
 * The live call's autosaves leave the index to catch up (store/saveSession): what was
 * typed must still be found at once by any command, in another process or this one.
 */
describe('the index during a live call', () => {
  it("finds words typed a moment ago, from another process and from the call's own, and the call as it ends", async () => {
    const { dataDir } = testContext();
    await callIndexOf(dataDir); // open, as `start` has it
    const first = await createCall(dataDir, makeCall({ agent: 'test-agent', facts: undefined, endedAt: undefined, status: 'in-progress' }));
    const typed = { ...first.record, facts: 'the parcel went to a neighbour called Quillfeather' };
    const saved = await saveSession(dataDir, first, typed, new Date(), 'test-agent');

    const search = (word: string) => {
      const result = runCli(['search', word, '--all', '--json', '--data-dir', dataDir]);
      expect(result.status, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { hits: Array<{ id: string }> }).hits.map((hit) => hit.id);
    };
    expect(search('quillfeather')).toEqual([first.record.id]);
    expect((await callIndexOf(dataDir)).sql("SELECT rowid FROM call_text WHERE call_text MATCH 'quillfeather'").all()).toHaveLength(1);

    // The end of the call is indexed as it is written.
    const ended = { ...saved.record, facts: 'resolved with Marchbank', status: 'completed' as const, endedAt: new Date().toISOString() };
    await saveSession(dataDir, saved, ended, new Date(), 'test-agent');
    expect(search('marchbank')).toEqual([first.record.id]);
    expect(search('quillfeather')).toEqual([]);
  });
});
