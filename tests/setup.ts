import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Tests never touch the real user data, playbook or cache folders.
const root = mkdtempSync(join(tmpdir(), 'csr-call-test-'));
process.env.CSR_CALL_HOME = join(root, 'data');
process.env.CSR_CALL_PLAYBOOKS = join(root, 'playbooks');
process.env.XDG_CACHE_HOME = join(root, 'cache');
// The config file too: the agent's own settings never change what a test sees.
process.env.XDG_CONFIG_HOME = join(root, 'config');
process.env.CSR_CALL_AGENT = 'test-agent';
process.env.NO_COLOR = '1';
