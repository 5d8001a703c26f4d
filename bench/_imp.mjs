import { createRequire } from 'node:module';
const how = process.argv[2];
const t = performance.now();
if (how === 'esm') await import('commander');
else if (how === 'cjs') createRequire(import.meta.url)('commander');
else if (how === 'chalk') await import('chalk');
else if (how === 'main') { process.argv = [process.argv[0], 'x', '--help']; }
process.stdout.write(String(performance.now() - t));
