/**
 * `import()` of a module that is not part of the program's bundle: tsx and esbuild (to
 * load a user's playbook) and a user's compiled playbook.
 *
 * The built program runs as a script compiled with V8's code cache (bin/csr-call.cjs), and
 * a script compiled that way cannot call `import()` itself on Node 20 without an
 * experimental flag; the bin hands it one of its own as `__csrCallImport`. From source
 * (tests, `npm run dev`) there is none and the plain `import()` is used.
 */
declare const __csrCallImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importOutside<T>(specifier: string): Promise<T> {
  return (typeof __csrCallImport === 'function' ? __csrCallImport(specifier) : import(specifier)) as Promise<T>;
}
