import { statSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const dirs = ['2024/03', '2024/07', '2025/02', '2025/09', '2026/01', '2026/06'].map((d) => `bench/.stores/100000/data/calls/${d}`);
const mode = process.argv[2];
const w = performance.now(); const c = cpu(); let n = 0;
for (const dir of dirs) {
  const names = readdirSync(dir);
  if (mode === 'sync') for (const name of names) { statSync(join(dir, name)); n++; }
  if (mode === 'async') { await Promise.all(names.map((name) => stat(join(dir, name)))); n += names.length; }
  if (mode === 'readdir') n += names.length;
}
console.log(mode, n, 'cpu', (cpu() - c).toFixed(1), 'wall', (performance.now() - w).toFixed(1));
