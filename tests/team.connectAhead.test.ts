import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCall } from './fixtures/makeCall.js';
import { runCli, saveCall, tempDir } from './helpers.js';

describe('a short command with a team database set (no PostgreSQL needed)', () => {
  it('does not wait for the connection it opened as it started when its end has nothing to send', async () => {
    // A server that takes the connection and never answers: a database that hangs.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const dataDir = join(tempDir(), 'data');
      await saveCall(dataDir, makeCall({ id: '20261120-100000-annann' }));
      // A recent look for teammates' actions, nothing waiting to be sent.
      mkdirSync(join(dataDir, 'team'), { recursive: true });
      writeFileSync(join(dataDir, 'team', 'checked'), '');
      const env = { CSR_CALL_TEAM_DB: `postgresql://alice:pw@127.0.0.1:${port}/team`, CSR_CALL_TEAM_TIMEOUT: '5', CSR_CALL_AGENT: 'alice' };
      const started = Date.now();
      const missing = runCli(['--data-dir', dataDir, 'note', 'zzzzzz', 'hello'], { env });
      const took = Date.now() - started;
      expect(missing.status, missing.stderr).toBe(1);
      expect(missing.stderr).toMatch(/no call zzzzzz/);
      // Well under the 5 s the connection would be given.
      expect(took).toBeLessThan(2_500);
    } finally {
      silent.close();
    }
  });
});
