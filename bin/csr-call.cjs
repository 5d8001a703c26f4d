#!/usr/bin/env node
'use strict';
/*
 * Runs the built program, dist/app/main.cjs: one CommonJS script (see src/build/bundle.ts)
 * that starts with the functions a command runs already compiled, from a code cache: ~15 ms
 * of each start, with a caller waiting.
 *
 * Node 22 and later keep such a cache themselves (module.enableCompileCache): the bundle is
 * then required as usual, with a cache folder per command in the user's cache folder (Node
 * writes a cache once and never adds to it, so one shared by every command would hold only
 * what the first command run compiled). Node 20 has none: the bundle is compiled here with
 * the V8 code cache the build wrote for the command, dist/app/code-cache/<command>.bin. That
 * cache is used only with the very build it was made from (the bundle's first line names its
 * build by a hash of its content, and the cache's first line names the build it was made
 * for) and only if V8 takes it (same Node, same V8 flags); otherwise the program is compiled
 * as usual, just a little slower to start.
 */
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const moduleApi = require('node:module');
const { homedir } = require('node:os');
const { join } = require('node:path');

const APP = join(__dirname, '..', 'dist', 'app');
const BUNDLE = join(APP, 'main.cjs');

/** The command's name: the first word that is neither an option nor a global option's value. */
function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--data-dir' || arg === '--agent') i += 1;
    else if (!arg.startsWith('-')) return /^[a-z]{1,20}$/.test(arg) ? arg : 'other';
  }
  return 'other';
}

/**
 * The user's cache folder for csr-call, as src/paths.ts has it for the index (a test holds
 * the two alike): never a folder others may write to, since a code cache is code.
 */
function userCacheDir(env) {
  const home = env.HOME || homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'csr-call');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'csr-call', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'csr-call');
}

if (!existsSync(BUNDLE)) {
  process.stderr.write('csr-call is not built yet: run `npm run build` in its folder.\n');
  process.exit(1);
}
const command = commandOf(process.argv.slice(2));
const debug = process.env.CSR_CALL_DEBUG_CODE_CACHE ? (state) => process.stderr.write(`csr-call: code cache for ${command}: ${state}\n`) : undefined;

// Checked by feature, not by version. The build's own runs write the V8 caches (below).
if (typeof moduleApi.enableCompileCache === 'function' && process.env.CSR_CALL_WRITE_CODE_CACHE !== '1') {
  const folder = join(userCacheDir(process.env), 'compile-cache', command);
  let result;
  try {
    result = moduleApi.enableCompileCache(folder);
  } catch (error) {
    result = { message: String(error && error.message) };
  }
  // status: ENABLED, ALREADY_ENABLED (NODE_COMPILE_CACHE set: Node's folder), FAILED, DISABLED.
  const status = Object.keys(moduleApi.constants?.compileCacheStatus ?? {}).find((name) => moduleApi.constants.compileCacheStatus[name] === result?.status);
  if (debug) {
    // Whether this run found a cache: Node says nothing, but writes one only where there was none.
    const dir = result?.directory ?? folder;
    let found = false;
    try {
      found = require('node:fs').readdirSync(dir, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile());
    } catch {
      /* no folder yet */
    }
    debug(`node ${(status ?? 'failed').toLowerCase()}, ${found ? 'found' : 'none yet'} in ${dir}${result?.message ? ` (${result.message})` : ''}`);
  }
  require(BUNDLE);
} else {
  runWithOwnCache();
}

function runWithOwnCache() {
  const { Script } = require('node:vm');
  // ASCII (the build checks): Latin-1 is read without decoding.
  const source = readFileSync(BUNDLE, 'latin1');
  // `//csr-call build <hash of the bundle>` (src/build/bundle.ts); an unmarked bundle has no cache.
  const build = source.startsWith('//csr-call build ') ? source.slice(17, source.indexOf('\n')) : 'unmarked';
  const cacheFile = join(APP, 'code-cache', `${command}.bin`);
  const header = `csr-call code cache 2 ${build} ${process.version} ${process.arch}\n`;
  let cachedData;
  let state = 'none';
  try {
    const file = readFileSync(cacheFile);
    if (file.length > header.length && file.toString('latin1', 0, header.length) === header) cachedData = file.subarray(header.length);
    else state = 'stale';
  } catch {
    /* no cache for this command */
  }

  // The bundle on one line with the wrapper's start, so stack traces keep its line numbers.
  // `__csrCallImport`: see src/importOutside.ts.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __csrCallImport) {${source}\n})`, { filename: BUNDLE, cachedData });
  if (cachedData) state = script.cachedDataRejected ? 'rejected' : 'used';
  if (debug) debug(state);

  if (process.env.CSR_CALL_WRITE_CODE_CACHE === '1') {
    // The build's run of this command (src/build/codeCache.ts): keep what it compiled, with
    // what the cache it started from held.
    process.on('exit', () => {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
      renameSync(temp, cacheFile);
    });
  }

  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, moduleApi.createRequire(BUNDLE), bundleModule, BUNDLE, APP, (specifier) => import(specifier));
}
