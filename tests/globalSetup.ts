import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// End-to-end tests run the compiled CLI (bin/ → dist/), as users do: build it once.
// Type errors are reported by `npm run typecheck`; tsc still emits JavaScript with them.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`tsc reported problems:\n${result.stdout}${result.stderr}\n`);
}
