/**
 * zod, as every schema of the program uses it (`import * as z from '../zod.js'`): its
 * tree-shakeable build (`zod/mini`: functions, not methods, so `z.optional(z.string())`).
 * Nearly every command checks a call file or a playbook before its first output; this
 * build puts ~50 KB of zod on that path where the full one put ~140 KB to compile.
 * Messages are zod's English ones, as the full build gives them.
 *
 * zod compiles a checking function for each object schema on its first parse
 * (`new Function`): ~10 ms per schema, won back only over hundreds of parses. A command
 * checks one playbook, one set of options, or the few call files a cache scan re-reads,
 * so compiling stays off until a bulk read asks for it (see compileValidators): the first
 * check of a call file then takes half the time.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({ ...en(), jitless: true });

/** For reads that check thousands of call files (export, a cache rebuild): compiled checks are ~15% faster each. */
export function compileValidators(): void {
  config({ jitless: false });
}

export * from 'zod/mini';
