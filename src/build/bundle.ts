/**
 * `npm run build`: bundles the program into dist/app/ with esbuild (the compiler tsx
 * already installs), then writes V8 code caches for it (see codeCache.ts).
 * - `main.cjs`: the whole program as one CommonJS script. Node resolving, reading and
 *   compiling a hundred separate modules was most of the start-up time, and only a script
 *   can be compiled with a code cache on Node 20 (bin/csr-call.cjs does that). Commands
 *   still load lazily: esbuild turns each `import()` of our own modules into a call that
 *   runs that module's code on first use.
 * - `definePlaybook.js`: the ES module a user's playbook imports as 'csr-call'. It holds
 *   plain data and helpers (no identity the program checks), so its own copy is fine.
 * - `indexWorker.cjs`: the worker threads that read call files for an index build.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { BUNDLE_DIR, packageRoot } from '../installPaths.js';
import { writeCodeCaches } from './codeCache.js';

/**
 * A plugin that gives the modules `importer` matches a stand-in for `module`: a script
 * of its own, in place of the real module (which the stand-in may load later itself).
 */
function standIn(name: string, module: RegExp, importer: RegExp, contents: string, options: { notImporter?: RegExp; resolveDir?: boolean } = {}): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: module }, (args) =>
        importer.test(args.importer) && !options.notImporter?.test(args.importer) ? { path: args.path, namespace: name } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: name }, () => ({
        contents,
        loader: 'js',
        ...(options.resolveDir ? { resolveDir: build.initialOptions.absWorkingDir ?? process.cwd() } : {}),
      }));
    },
  };
}

/** A stand-in that loads the built-in `module` on the first use of one of its exports. */
const builtinOnFirstUse = (module: string) => `let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('${module}'))[key] });`;

const inPackage = (pkg: string) => new RegExp(`[\\\\/]node_modules[\\\\/]${pkg}[\\\\/]`);

/**
 * commander requires node:child_process when it loads, for subcommands run as separate
 * programs (csr-call has none): ~5 ms of every start, with net and dgram behind it. It
 * gets a stand-in that loads the real module on first use instead.
 */
const lazyChildProcessForCommander = standIn('lazy-child-process-for-commander', /^node:child_process$/, inPackage('commander'), builtinOnFirstUse('node:child_process'));

/**
 * Postgres.js loads node:tls as it loads (~2 ms), for a connection that asks for TLS: a
 * stand-in loads it on the first use.
 */
const lazyTlsForPostgres = standIn('lazy-tls-for-postgres', /^(node:)?tls$/, inPackage('postgres'), builtinOnFirstUse('node:tls'));

/**
 * Postgres.js imports perf_hooks (~0.7 ms to load: the whole performance API) only to
 * time the wait before a reconnection, which csr-call's single short connection never
 * makes; process.hrtime gives the same clock.
 */
const clockForPostgres = standIn(
  'clock-for-postgres',
  /^(node:)?perf_hooks$/,
  inPackage('postgres'),
  'module.exports = { performance: { now: () => Number(process.hrtime.bigint()) / 1e6 } };',
);

/**
 * string-width makes an Intl.Segmenter when it loads (~10-25 ms of every start, loading
 * ICU's break data), though most text is measured without it (terminalText's NARROW). Our
 * modules get a stand-in that loads it on the first text that needs it. (The importers are
 * ES modules in Node's mode: their default import is module.exports.)
 */
const lazyStringWidth = standIn(
  'lazy-string-width',
  /^string-width$/,
  /[\\/]src[\\/]/,
  "let real; module.exports = (text, options) => (real ??= require('string-width').default)(text, options);",
  { notImporter: /[\\/]node_modules[\\/]/, resolveDir: true },
);

/**
 * chalk finds out at import whether stdout and stderr take colour (its supports-color,
 * which loads node:tty, and with it node:net: ~2 ms of every command's start). csr-call
 * never uses that answer: every Chalk is made with the level colorsFor decides
 * (src/render/colors.ts). In the bundle, chalk's detection says "no colour" without
 * looking.
 */
const chalkWithoutDetection = standIn('chalk-without-detection', /^#supports-color$/, /[\\/]chalk[\\/]/, 'export default { stdout: false, stderr: false };');

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // esbuild runs its own binary and tsx its own loader threads: both stay packages. The
  // team database's client (postgres, and pgpass) is a script of its own (teamClient.cjs),
  // loaded only when a team database is set.
  external: ['esbuild', 'tsx', 'tsx/*', 'postgres', 'pgpass'],
  // Smaller files parse faster; names stay readable in an internal error's stack.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

export async function bundle(root = packageRoot()): Promise<void> {
  const outdir = join(root, BUNDLE_DIR);
  await rm(outdir, { recursive: true, force: true });
  await Promise.all([
    build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: ['src/main.ts'],
      outfile: join(outdir, 'main.cjs'),
      format: 'cjs',
      // A script has no import.meta: the module's own URL, from the file name the bin gives it.
      define: { 'import.meta.url': '__csrCallUrl' },
      banner: { js: 'var __csrCallUrl=require("node:url").pathToFileURL(__filename).href;' },
      plugins: [lazyChildProcessForCommander, lazyStringWidth, chalkWithoutDetection],
    }),
    build({ ...COMMON, absWorkingDir: root, entryPoints: ['src/playbook/definePlaybook.ts'], outfile: join(outdir, 'definePlaybook.js'), format: 'esm' }),
    // The team database's client (src/team/teamClient.ts).
    build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: ['src/team/teamClient.ts'],
      outfile: join(outdir, 'teamClient.cjs'),
      format: 'cjs',
      external: ['esbuild', 'tsx', 'tsx/*'],
      plugins: [lazyTlsForPostgres, clockForPostgres],
    }),
    // The worker threads of an index build (src/store/index/bulkReader.ts).
    build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: ['src/store/index/indexWorker.ts'],
      outfile: join(outdir, 'indexWorker.cjs'),
      format: 'cjs',
      define: { 'import.meta.url': '__csrCallUrl' },
      banner: { js: 'var __csrCallUrl=require("node:url").pathToFileURL(__filename).href;' },
    }),
  ]);
  await markBuild(join(outdir, 'main.cjs'));
  writeCodeCaches(root);
}

/**
 * The bundle's first line names its build by a hash of its content: the code caches are
 * made for that build and used only with it, wherever the program is installed (an
 * install by npm gives the files new times, so a cache keyed on the file's time went stale).
 */
async function markBuild(bundlePath: string): Promise<void> {
  const code = await readFile(bundlePath, 'utf8');
  // The bin reads the bundle as Latin-1 (~4 ms less than decoding 1.3 MB of UTF-8 on every
  // start): it must be ASCII. esbuild escapes strings but not regular expressions.
  const wide = /[^\x00-\x7f]/.exec(code);
  if (wide) throw new Error(`the bundle must be ASCII: write ${JSON.stringify(wide[0])} as \\u${wide[0].charCodeAt(0).toString(16).padStart(4, '0')} in "${code.slice(Math.max(0, wide.index - 60), wide.index + 20)}"`);
  const id = createHash('sha256').update(code).digest('hex').slice(0, 32);
  await writeFile(bundlePath, `${BUILD_LINE_PREFIX}${id}\n${code}`);
}

/** Read by bin/csr-call.cjs (which cannot import this module): keep the two alike. */
const BUILD_LINE_PREFIX = '//csr-call build ';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await bundle();
