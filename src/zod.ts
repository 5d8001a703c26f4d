/**
 * zod, as every schema of the program uses it (`import * as z from '../zod.js'`): its
 * tree-shakeable build (`zod/mini`: functions, not methods, so `z.optional(z.string())`).
 * Nearly every command checks a call file or a playbook before its first output; this
 * build puts ~50 KB of zod on that path where the full one put ~140 KB to compile.
 * Messages are zod's English ones, as the full build gives them.
 *
 * zod's full build can compile a checking function for each object schema on its first
 * parse (`new Function`): ~10 ms per schema, won back only over hundreds of parses. A
 * command checks one playbook, one set of options, or the few call files that changed,
 * so compiling stays off; bulk reads (an index build, an export) use the full build's
 * compiled schema instead (domain/callRecord's buildCompiledCallRecordSchema).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({ ...en(), jitless: true });

export * from 'zod/mini';
