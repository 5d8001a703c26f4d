import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Tests never touch the real user data or playbook folders.
const root = mkdtempSync(join(tmpdir(), 'csr-call-test-'));
process.env.CSR_CALL_HOME = join(root, 'data');
process.env.CSR_CALL_PLAYBOOKS = join(root, 'playbooks');
process.env.CSR_CALL_AGENT = 'test-agent';
process.env.NO_COLOR = '1';
