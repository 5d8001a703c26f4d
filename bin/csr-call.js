#!/usr/bin/env node
// Runs the built bundle: compiling TypeScript, or even resolving a hundred separate modules,
// on every start would cost the agent a noticeable pause with a caller waiting.
// `npm install` builds dist/app/ (prepare script).
import('../dist/app/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('csr-call is not built yet: run `npm run build` in its folder.\n');
    process.exit(1);
  }
  throw error;
});
