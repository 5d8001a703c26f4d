import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The built-in playbooks import 'csr-call' like anyone's: the source, as tsconfig.json's "paths" say.
    alias: { 'csr-call': fileURLToPath(new URL('./src/playbook/definePlaybook.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    // Most time goes to waiting on spawned CLI processes and terminals, not to CPU in the
    // test workers, so more workers than the machine's 2 cores still shortens the run.
    maxWorkers: 4,
    hookTimeout: 60_000,
    globalSetup: ['tests/globalSetup.ts'],
  },
});
