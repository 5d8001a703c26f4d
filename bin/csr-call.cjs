#!/usr/bin/env node
'use strict';
/*
 * Runs the built program, dist/app/main.cjs: one CommonJS script (see src/build/bundle.ts),
 * compiled with V8's code cache for the command at hand, dist/app/code-cache/<command>.bin,
 * which the build writes by running each command once. The functions a command runs are
 * then not compiled again on every start: ~15 ms of each, with a caller waiting. Node 20
 * has no such cache for ES modules, hence a CommonJS script and this file.
 *
 * A cache is used only with the very build it was made from (the bundle's first line names
 * its build by a hash of its content, and the cache's first line names the build it was
 * made for) and only if V8 takes it (same Node, same V8 flags); otherwise the program is
 * compiled as usual, just a little slower to start.
 */
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

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

let source;
try {
  source = readFileSync(BUNDLE, 'utf8');
} catch (error) {
  if (error && error.code === 'ENOENT') {
    process.stderr.write('csr-call is not built yet: run `npm run build` in its folder.\n');
    process.exit(1);
  }
  throw error;
}

// `//csr-call build <hash of the bundle>` (src/build/bundle.ts); an unmarked bundle has no cache.
const build = source.startsWith('//csr-call build ') ? source.slice(17, source.indexOf('\n')) : 'unmarked';
const command = commandOf(process.argv.slice(2));
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
if (process.env.CSR_CALL_DEBUG_CODE_CACHE) process.stderr.write(`csr-call: code cache for ${command}: ${state}\n`);

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
script.runInThisContext()(bundleModule.exports, createRequire(BUNDLE), bundleModule, BUNDLE, APP, (specifier) => import(specifier));
