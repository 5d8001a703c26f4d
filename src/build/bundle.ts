/**
 * `npm run build`: bundles the program into dist/app/ with esbuild (the compiler tsx
 * already installs). Node resolves, reads and compiles every ES module file separately,
 * and on these machines that was most of the start-up time: one main file plus a few
 * shared chunks, loaded only by the commands that need them, start in about half the time.
 * Two entry points: the program, and the 'csr-call' module a user's playbook imports,
 * sharing their chunks so a playbook gets the very same functions the program checks with.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { BUNDLE_DIR, packageRoot } from '../installPaths.js';

/**
 * commander requires node:child_process when it loads, for subcommands run as separate
 * programs (csr-call has none): ~5 ms of every start, with net and dgram behind it. It
 * gets a stand-in that loads the real module on first use instead.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Bundled CommonJS packages (commander, mute-stream) call require() for Node's own modules,
 * which an ES module does not have: the files that use it get one. Only those: making it
 * costs ~0.2 ms a file, and nearly every file of the bundle never calls it.
 */
const REQUIRE_BANNER = "import { createRequire as __csrCallRequire } from 'node:module'; const require = __csrCallRequire(import.meta.url);\n";
const usesRequire = (code: string) => /\brequire\b/.test(code);

export async function bundle(root = packageRoot()): Promise<void> {
  const outdir = join(root, BUNDLE_DIR);
  await rm(outdir, { recursive: true, force: true });
  const { outputFiles } = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/main.ts', definePlaybook: 'src/playbook/definePlaybook.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // esbuild runs its own binary and tsx its own loader threads: both stay packages.
    external: ['esbuild', 'tsx', 'tsx/*'],
    // Smaller files parse faster; names stay readable in an internal error's stack.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyChildProcessForCommander],
    write: false,
  });
  for (const file of outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, usesRequire(file.text) ? REQUIRE_BANNER + file.text : file.text);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await bundle();
