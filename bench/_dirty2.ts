import { StoreMutator } from './mutateStore.js';
import { ensureStore } from './generateStore.js';
import { spawnSync } from 'node:child_process';
const store = await ensureStore('bench/.stores', Number(process.argv[2]), console.log);
const m = new StoreMutator(store, 'ben');
await m.tenChanges();
const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof2', 'bench/_lo.mjs', store.dataDir], { encoding: 'utf8' });
console.log(r.stdout.trim(), r.stderr.trim());
await m.restore();
