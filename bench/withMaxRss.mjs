// Peak memory where /usr/bin/time is missing: runs a script in this process and writes
// process.resourceUsage().maxRSS (KB) to a file when it exits.
// usage: node withMaxRss.mjs <out-file> <script> [args...]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [out, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
await import(pathToFileURL(resolve(script)).href);
