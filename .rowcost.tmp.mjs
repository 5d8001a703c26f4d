import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { parseCallText } from '/work/main/dist/src/store/callStore.js';
import { CALL_COLUMNS, rowOf, headerOf } from '/work/main/dist/src/export/csvColumns.js';
const root = join(process.argv[2], 'calls'); const recs = [];
for (const y of (await readdir(root)).sort()) for (const m of (await readdir(join(root, y))).sort()) {
  const dir = join(root, y, m);
  for (const f of (await readdir(dir)).sort()) recs.push(parseCallText(await readFile(join(dir, f), 'utf8')).record);
}
for (let k = 0; k < 3; k++) {
let t = Date.now(); const rs = recs.map(r => rowOf(CALL_COLUMNS, r)); console.error('rowOf', Date.now() - t);
t = Date.now(); let bytes = 0;
async function* rows() { for (const r of rs) yield r; }
await pipeline(Readable.from(rows()), new Writable({ objectMode: true, write(c, e, cb) { bytes++; cb(); } }));
console.error('generator pipeline only', Date.now() - t);
for (const opts of [{}, { quoted_match: /[\r\n]/ }]) {
t = Date.now();
await pipeline(Readable.from(rows()), stringify({ header: true, columns: headerOf(CALL_COLUMNS), record_delimiter: '\r\n', quote_record_delimiter: true, ...opts }), new Writable({ write(c, e, cb) { bytes += c.length; cb(); } }));
console.error('gen+stringify', JSON.stringify(opts), Date.now() - t);
}}
