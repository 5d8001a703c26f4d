// The floor for `export`: one node process that reads and JSON.parses every call file,
// and nothing else. Plain JavaScript so it pays no compiler.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const calls = join(process.argv[2], 'calls');
let count = 0;
for (const year of readdirSync(calls).sort()) {
  for (const month of readdirSync(join(calls, year)).sort()) {
    for (const week of readdirSync(join(calls, year, month)).sort()) {
      const dir = join(calls, year, month, week);
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        JSON.parse(readFileSync(join(dir, name), 'utf8'));
        count += 1;
      }
    }
  }
}
process.stdout.write(`${count}\n`);
