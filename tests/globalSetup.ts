import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Newest modification time of the files under `dir`. */
function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(root: string): number {
  try {
    return statSync(join(root, 'dist', 'src', 'main.js')).mtimeMs;
  } catch {
    return 0;
  }
}

// End-to-end tests run the compiled CLI (bin/ → dist/), as users do. `npm install` builds
// it (prepare); rebuild here only when a source is newer, which keeps `npm test` fast.
// Type errors are reported by `npm run typecheck`; tsc still emits JavaScript with them.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const sources = Math.max(
    newestIn(join(root, 'src')),
    newestIn(join(root, 'playbooks')),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
    statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  );
  if (builtAt(root) >= sources) return;
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`tsc reported problems:\n${result.stdout}${result.stderr}\n`);
}
