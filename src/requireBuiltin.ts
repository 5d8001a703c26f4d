import { createRequire } from 'node:module';

/**
 * A Node built-in module loaded when first needed, not when the program starts (node:crypto,
 * child_process with net and dgram, worker_threads: milliseconds each, on every command
 * that imports them). Synchronous, and not `import()`: the built program cannot call
 * `import()` itself on Node 20 (see importOutside.ts).
 */
export const requireBuiltin = createRequire(import.meta.url) as <T>(specifier: `node:${string}`) => T;
