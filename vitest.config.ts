import { defineConfig } from 'vitest/config';

export default defineConfig({
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
