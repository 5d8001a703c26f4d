import { StoreMutator } from './mutateStore.js';
import { ensureStore } from './generateStore.js';
import { spawnSync } from 'node:child_process';
const store = await ensureStore('bench/.stores', Number(process.argv[2]), console.log);
const m = new StoreMutator(store, 'ben');
for (let i = 0; i < 3; i++) {
  await m.tenChanges();
  const r = spawnSync(process.execPath, ['bench/_lo.mjs', store.dataDir], { encoding: 'utf8' });
  console.log(r.stdout.trim(), r.stderr.trim());
}
await m.restore();
