import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where this program is installed, found from this module's own file, so the answer is
 * the same whether it runs as the bundle the `bin` loads (dist/app/main.cjs) or from
 * source (tests, `npm run dev`).
 */
const here = fileURLToPath(import.meta.url);
let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(here);
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'csr-call.cjs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find csr-call's package.json above ${here}`);
    dir = up;
  }
  return (root = dir);
}

let version: string | undefined;

export function packageVersion(): string {
  return (version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version);
}

/** The folder the bundle is built into (`npm run build`); the `bin` runs its main.cjs. */
export const BUNDLE_DIR = join('dist', 'app');

/** True when this code is the built bundle rather than the TypeScript sources. */
export function runningBuilt(): boolean {
  return here.startsWith(join(packageRoot(), BUNDLE_DIR) + sep);
}

/**
 * The module a user's playbook gets for `import ... from 'csr-call'`: the built one
 * (dist/app/definePlaybook.js) or, from source, the .ts file.
 */
export function playbookApiUrl(): string {
  const file = runningBuilt() ? join(packageRoot(), BUNDLE_DIR, 'definePlaybook.js') : join(packageRoot(), 'src', 'playbook', 'definePlaybook.ts');
  return pathToFileURL(file).href;
}
