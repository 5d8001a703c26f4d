/**
 * Finds and loads playbooks: the built-in ones (compiled with the program, loaded with a
 * plain import so `start` shows its first prompt at once) and the user's own `.ts` files
 * (compiled once into a cache and imported from there; tsx, imported lazily, for what the
 * cache does not take and for every error message).
 */
import { existsSync, type Stats } from 'node:fs';
import { register } from 'node:module';
import { readdir, readFile, stat, unlink } from '../asyncFs.js';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import { resolveDataDir, resolvePlaybookDir } from '../paths.js';
import { packageRoot, packageVersion, playbookApiUrl, runningBuilt } from '../installPaths.js';
import { oneLine } from '../render/terminalText.js';
import { importOutside } from '../importOutside.js';
import { requireBuiltin } from '../requireBuiltin.js';
import { noun, plural } from '../text/plural.js';
import { assertPlaybook, assertSolutions, closestMatch, PlaybookError } from './playbookSchema.js';
import type { AnswerValue, Playbook, Solution, StepType } from './types.js';

export { PlaybookError } from './playbookSchema.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadedPlaybook {
  playbook: Playbook;
  kind: 'built-in' | 'user' | 'file';
  /** 'built-in', or the absolute path of the file. */
  source: string;
}

export type ListedPlaybook =
  | { ok: true; playbook: Playbook; kind: LoadedPlaybook['kind']; source: string }
  | { ok: false; source: string; problem: string };

// Literal paths, so the bundle includes the built-in playbooks (and vitest
// maps them to the .ts sources).
const BUILT_INS = {
  standard: () => import('../../playbooks/standard.js'),
  irate: () => import('../../playbooks/irate.js'),
  callback: () => import('../../playbooks/callback.js'),
  sales: () => import('../../playbooks/sales.js'),
} satisfies Record<string, () => Promise<{ default: unknown }>>;
type BuiltInId = keyof typeof BUILT_INS;

export const BUILT_IN_PLAYBOOK_IDS = Object.keys(BUILT_INS) as BuiltInId[];

const isBuiltIn = (name: string): name is BuiltInId => Object.hasOwn(BUILT_INS, name);

/** A built-in playbook, checked with the same schema as the user's own. */
export async function loadBuiltIn(id: BuiltInId): Promise<Playbook> {
  const module = await BUILT_INS[id]();
  return assertPlaybook(module.default, `playbooks/${id}.ts`);
}

/** Something that looks like a file rather than a playbook name. */
function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.m?ts$/i.test(nameOrPath);
}

/**
 * `--playbook NAME|FILE`: a path loads that file; a name is a built-in playbook, else one
 * of the user's (a file `<name>.ts` in their playbook folder, or one whose id is `name`).
 */
export async function findPlaybook(nameOrPath: string, env: Env): Promise<LoadedPlaybook> {
  if (looksLikePath(nameOrPath)) {
    const path = resolve(nameOrPath);
    return { playbook: await loadPlaybookFile(path, env), kind: 'file', source: path };
  }
  const name = nameOrPath.trim().toLowerCase();
  if (isBuiltIn(name)) return { playbook: await loadBuiltIn(name), kind: 'built-in', source: 'built-in' };

  const dir = resolvePlaybookDir(env);
  const named = join(dir, `${name}.ts`);
  if (/^[a-z0-9_-]+$/.test(name) && `${name}.ts` !== TEAM_SOLUTIONS_FILE && existsSync(named)) {
    const playbook = await loadPlaybookFile(named, env);
    if (isBuiltIn(playbook.id)) throw new PlaybookError(displayPath(named), [builtInClash(named, playbook.id)]);
    return { playbook, kind: 'user', source: named };
  }
  const listed = await listUserPlaybooks(dir, env);
  const match = listed.find((entry) => entry.ok && entry.playbook.id === name);
  if (match?.ok) return { playbook: match.playbook, kind: 'user', source: match.source };

  const available = [...BUILT_IN_PLAYBOOK_IDS, ...listed.flatMap((entry) => (entry.ok ? [entry.playbook.id] : []))];
  const near = closestMatch(name, available);
  const broken = listed.filter((entry) => !entry.ok).length;
  throw new UserError(
    `unknown playbook "${oneLine(nameOrPath, 60)}"${near ? ` (did you mean "${near}"?)` : ''}; available: ${available.join(', ')}, or the path of a .ts file` +
      (broken > 0 ? ` (${plural(broken, 'file')} in ${dir} could not be loaded: see csr-call playbooks)` : ''),
    2,
  );
}

/** Every playbook: the built-in ones, then each `.ts` file in the user's folder (broken ones with their problem). */
export async function listPlaybooks(env: Env): Promise<ListedPlaybook[]> {
  const builtIns: ListedPlaybook[] = [];
  for (const id of BUILT_IN_PLAYBOOK_IDS) builtIns.push({ ok: true, playbook: await loadBuiltIn(id), kind: 'built-in', source: 'built-in' });
  return [...builtIns, ...(await listUserPlaybooks(resolvePlaybookDir(env), env))];
}

async function listUserPlaybooks(dir: string, env: Env): Promise<ListedPlaybook[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      // `_parts.ts`: a helper the playbooks import, not a playbook itself.
      // solutions.ts: the team's prepared solutions, not a playbook.
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && /^[^._].*\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') && entry.name !== TEAM_SOLUTIONS_FILE)
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    return [{ ok: false, source: dir, problem: `${dir}: cannot read the playbook folder (${code ?? (error as Error).message})` }];
  }

  const listed: ListedPlaybook[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const path = join(dir, name);
    try {
      const playbook = await loadPlaybookFile(path, env);
      const clash = isBuiltIn(playbook.id) ? builtInClash(path, playbook.id) : seen.has(playbook.id) ? idClash(path, playbook.id, seen.get(playbook.id)!) : undefined;
      if (clash) {
        listed.push({ ok: false, source: path, problem: clash });
        continue;
      }
      seen.set(playbook.id, displayPath(path));
      listed.push({ ok: true, playbook, kind: 'user', source: path });
    } catch (error) {
      // One broken file must not hide the others.
      if (!(error instanceof UserError)) throw error;
      listed.push({ ok: false, source: path, problem: error.message });
    }
  }
  return listed;
}

// A built-in id would make records and `--playbook` ambiguous.
const builtInClash = (path: string, id: string) => idClash(path, id, 'a built-in playbook');
const idClash = (path: string, id: string, owner: string) => `${displayPath(path)}: id: "${id}" is already used by ${owner}; give this playbook its own id`;

/**
 * Loads a playbook from a `.ts` file anywhere on disk, via tsx. Any failure — missing
 * file, syntax error, a throw at load time, a wrong shape — is a PlaybookError naming the
 * file (and the line or field), never a stack trace.
 */
/** `env` says where the data directory is, for the compiled-playbook cache. */
export async function loadPlaybookFile(path: string, env: Env = process.env): Promise<Playbook> {
  const absolute = resolve(path);
  const shown = displayPath(absolute);
  let info;
  try {
    info = await stat(absolute);
  } catch {
    throw new PlaybookError(shown, [`${shown}: no such file (a playbook is a .ts file)`]);
  }
  if (!info.isFile()) throw new PlaybookError(shown, [`${shown}: not a file (a playbook is a .ts file)`]);
  if (!/\.m?ts$/i.test(absolute)) throw new PlaybookError(shown, [`${shown}: a playbook is a TypeScript file ending in .ts`]);

  const module = await importTypeScript(absolute, shown, info, env);
  if (module.default === undefined) {
    throw new PlaybookError(shown, [`${shown}: export default: missing; the file must end with \`export default definePlaybook({ ... })\``]);
  }
  const playbook = assertPlaybook(module.default, shown);
  // A copy of a built-in that kept its id would be taken for it in every list and stat
  // (the built-in's own source, checked by its authors, is itself).
  if (isBuiltIn(playbook.id) && absolute !== join(packageRoot(), 'playbooks', `${playbook.id}.ts`)) {
    throw new PlaybookError(shown, [builtInClash(absolute, playbook.id)]);
  }
  return playbook;
}

/** A user's .ts file as a module: from the compile cache when it takes it, else through tsx. */
async function importTypeScript(absolute: string, shown: string, info: Stats, env: Env): Promise<{ default?: unknown }> {
  return (await importCompiled(absolute, info, env)) ?? (await importWithTsx(absolute, shown));
}

/** The team's prepared solutions: this file in the playbook folder, offered by every playbook. */
export const TEAM_SOLUTIONS_FILE = 'solutions.ts';

/**
 * The team's prepared solutions (`solutions.ts` in the playbook folder, `export default
 * defineSolutions([...])`); none when there is no such file. A file that cannot be used is
 * a PlaybookError naming it and every problem.
 */
export async function loadTeamSolutions(env: Env): Promise<{ solutions: Solution[]; source?: string }> {
  const absolute = join(resolvePlaybookDir(env), TEAM_SOLUTIONS_FILE);
  let info: Stats;
  try {
    info = await stat(absolute);
  } catch {
    return { solutions: [] };
  }
  const shown = displayPath(absolute);
  if (!info.isFile()) throw new PlaybookError(shown, [`${shown}: not a file (the team's solutions are a .ts file)`]);
  const module = await importTypeScript(absolute, shown, info, env);
  if (module.default === undefined) {
    throw new PlaybookError(shown, [`${shown}: export default: missing; the file must end with \`export default defineSolutions([ ... ])\``]);
  }
  return { solutions: assertSolutions(module.default, shown), source: absolute };
}

/** The reference path: tsx compiles and runs the file; every error message comes from here. */
async function importWithTsx(absolute: string, shown: string): Promise<{ default?: unknown }> {
  try {
    registerPackageResolver();
    // Stack positions in the user's .ts lines, for "the file threw" messages.
    process.setSourceMapsEnabled(true);
    const { tsImport } = await importOutside<typeof import('tsx/esm/api')>('tsx/esm/api');
    // No tsconfig lookup: a tsconfig.json near the user's folder has nothing to do with us.
    return (await tsImport(pathToFileURL(absolute).href, { parentURL: import.meta.url, tsconfig: false })) as { default?: unknown };
  } catch (error) {
    throw new PlaybookError(shown, [describeLoadError(error, absolute, shown)]);
  }
}

/** Paths under the current folder are shown relative, as the user probably typed them. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/** One line for an error thrown while compiling or running a playbook file. */
function describeLoadError(error: unknown, absolute: string, shown: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // esbuild's syntax errors: "Transform failed with N error(s):\n<file>:<line>:<col>: ERROR: <text>".
  // (They arrive as plain text: the error object crossed the loader thread.)
  const syntax = /^.*?:(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (syntax) {
    const count = Number(/failed with (\d+) error/.exec(message)?.[1] ?? 1);
    const more = count > 1 ? ` (and ${count - 1} more syntax ${noun(count - 1, 'error')})` : '';
    // esbuild counts columns from 0; editors and terminals count from 1.
    return `${shown}:${syntax[1]}:${Number(syntax[2]) + 1}: ${oneLine(syntax[3]!, 300)}${more}`;
  }
  const clean = oneLine(
    message
      .replace(/\?(tsx-)?namespace=[\w-]+/g, '') // tsx's per-import query
      .replace(/file:\/\//g, '')
      .split('\nRequire stack:')[0]!,
    300,
  );
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `${shown}: cannot load: ${clean}; a playbook may import only 'csr-call' and files beside it`;
  }
  if (/module 'csr-call(\/playbook)?' does not provide an export/.test(message)) {
    return `${shown}: cannot load: ${clean}; 'csr-call' exports definePlaybook, defineSolutions, promiseStage, followupStage, timeOffLineSteps, categoryStep, STARTER_SOLUTIONS, MOODS, OUTCOMES, PROBLEM_CATEGORIES, STEP_TYPES, MEANINGS, COACHING_RULE_IDS`;
  }
  // A throw while the playbook's own code ran: point at the line when the stack shows it.
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const at = stack.split('\n').find((line) => line.includes(absolute));
  const position = at ? /:(\d+):(\d+)\)?\s*$/.exec(at) : null;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${position ? `${shown}:${position[1]}:${position[2]}` : shown}: the file threw while loading: ${name}${clean}`;
}

// ---------------------------------------------------------------------------------------
// The compile cache: a user's playbook is compiled once, not on every `start`

/*
 * Loading a .ts file through tsx costs about 200 ms (its loader hooks, its compiler
 * service) with a caller waiting. So the built program compiles a user's playbook once,
 * with esbuild (the compiler tsx itself uses), into `<dataDir>/cache/playbooks/`, keyed by
 * the file's path, size, times and inode and by this program's version; later starts
 * import the cached JavaScript directly. The cache may be deleted at any time: a missing
 * or stale entry is simply compiled again.
 *
 * Only the plain case is cached: a playbook whose only imports are 'csr-call' (rewritten
 * to this program's own definePlaybook module, so nothing needs a node_modules). A file
 * that imports anything else (a file beside it, a package), uses import.meta or require,
 * does not compile, or throws while loading goes through tsx as before, so every error
 * message is exactly tsx's.
 */

const CACHE_FORMAT = 'csr-call-playbook-cache-1';
const CACHE_FILE = /^([0-9a-f]{16})-[0-9a-f]{24}\.mjs$/;
/** `import ... from "csr-call"` as esbuild prints it (one statement per line). */
const PACKAGE_IMPORT = /^(import|export)\b([^"'`;\n]*?\bfrom)?\s*"csr-call(?:\/playbook)?";$/gm;
/** Anything else that would load a module or depend on where the file lives. */
const OTHER_LOADING = /\bimport\b|\brequire\b|\bfrom\s*["'`]|__dirname|__filename/;

/** The bundle's definePlaybook entry; undefined when run from source (tests, dev), which always goes through tsx. */
function compiledEntryUrl(): string | undefined {
  return runningBuilt() ? playbookApiUrl() : undefined;
}

function playbookCacheDir(env: Env): string {
  return join(resolveDataDir(undefined, env), 'cache', 'playbooks');
}

function cacheFileName(absolute: string, info: Stats, target: string): string {
  // Loaded on first use: the built-in playbooks (most calls) need no hash.
  const { createHash } = requireBuiltin<typeof import('node:crypto')>('node:crypto');
  const pathKey = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  const stamp = [CACHE_FORMAT, packageVersion(), process.version, target, info.size, info.mtimeMs, info.ctimeMs, info.ino].join('\0');
  return `${pathKey}-${createHash('sha256').update(stamp).digest('hex').slice(0, 24)}.mjs`;
}

/**
 * The playbook's module from the compile cache (compiling it on a miss), or undefined
 * when it must go through tsx: run from source (tests, dev), a file the cache does not
 * take, or any failure at all (then tsx reports it as before).
 */
async function importCompiled(absolute: string, info: Stats, env: Env): Promise<{ default?: unknown } | undefined> {
  const target = compiledEntryUrl();
  if (target === undefined) return undefined;
  try {
    const dir = playbookCacheDir(env);
    const name = cacheFileName(absolute, info, target);
    const cached = join(dir, name);
    if (!existsSync(cached)) {
      const code = await compileForCache(absolute, target);
      if (code === undefined) return undefined;
      const [{ ensurePrivateDir }, { writeFileAtomic }] = await Promise.all([import('../store/callFiles.js'), import('../store/writeFileAtomic.js')]);
      await ensurePrivateDir(dir);
      await writeFileAtomic(cached, code, { durable: false });
      await pruneStale(dir, name);
    }
    try {
      return await importOutside<{ default?: unknown }>(pathToFileURL(cached).href);
    } catch (error) {
      // The file threw while loading (tsx now reports it), or the entry is damaged: compile afresh next time.
      await unlink(cached).catch(() => undefined);
      throw error;
    }
  } catch {
    return undefined;
  }
}

/** The file as an ES module with 'csr-call' pointing at `target`; undefined when not cacheable. */
async function compileForCache(absolute: string, target: string): Promise<string | undefined> {
  const source = await readFile(absolute, 'utf8');
  const { transform } = await importOutside<typeof import('esbuild')>('esbuild');
  let code: string;
  try {
    ({ code } = await transform(source, { loader: 'ts', format: 'esm', target: `node${process.versions.node}`, sourcefile: absolute, logLevel: 'silent' }));
  } catch {
    return undefined; // a syntax error: tsx reports it
  }
  if (OTHER_LOADING.test(code.replace(PACKAGE_IMPORT, ''))) return undefined;
  return code.replace(PACKAGE_IMPORT, (statement) => statement.replace(/"csr-call(?:\/playbook)?";$/, `${JSON.stringify(target)};`));
}

/** Earlier compilations of the same file (it has been edited since). */
async function pruneStale(dir: string, keep: string): Promise<void> {
  const prefix = keep.slice(0, 17);
  for (const name of await readdir(dir)) {
    if (name !== keep && name.startsWith(prefix) && CACHE_FILE.test(name)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------
// `import { definePlaybook } from 'csr-call'` in a user's playbook

let resolverRegistered = false;

/**
 * A user's playbook lives anywhere (~/.config/csr-call/playbooks) with no node_modules
 * beside it, so Node could not find 'csr-call' on its own. A tiny module-resolution hook
 * maps the bare specifier to this program's own definePlaybook module. It also makes
 * Node treat `.ts` files as ES modules even outside a `"type": "module"` package, so the
 * import goes through the ESM hooks at all (tsx would otherwise compile to CommonJS).
 */
function registerPackageResolver(): void {
  if (resolverRegistered) return;
  resolverRegistered = true;
  const hook = `
let target;
export function initialize(data) { target = data.target; }
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'csr-call' || specifier === 'csr-call/playbook') {
    return { url: target, format: 'module', shortCircuit: true };
  }
  const resolved = await nextResolve(specifier, context);
  if (resolved.url.startsWith('file:') && /\\.ts$/i.test(new URL(resolved.url).pathname)) return { ...resolved, format: 'module' };
  return resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { target: playbookApiUrl() } });
}

// ---------------------------------------------------------------------------------------
// Description

export interface StepDescription {
  /** The full id, `stage.step`: the key in an `--answers` file. */
  id: string;
  question: string;
  type: StepType;
  choices?: Array<{ value: string; label: string; hint?: string }>;
  required: boolean;
  meaning?: string;
  hint?: string;
  /** 'customer': a date read in the customer's zone when known. */
  zone?: 'customer';
  /** Asked only when a condition on earlier answers holds. */
  hasCondition: boolean;
  /** A choice among what the call holds, not a fixed list. */
  choicesFromCall?: 'the options offered' | 'the questions parked';
  /** Ids the step had in earlier versions (answers files may use them). */
  formerly?: string[];
  /** Present when the default is a fixed value (not computed from answers). */
  default?: AnswerValue;
  hasComputedDefault?: true;
}

export interface StageDescription {
  id: string;
  title: string;
  /** A tip computed from the answers reads "(depends on answers)". */
  tip: string;
  hasCondition: boolean;
  steps: StepDescription[];
}

export interface PlaybookDescription {
  id: string;
  title: string;
  description: string;
  version: string;
  stages: StageDescription[];
}

/** A plain-data description of a playbook, for `playbooks show --json` and the docs. */
export function describePlaybook(playbook: Playbook): PlaybookDescription {
  return {
    id: playbook.id,
    title: playbook.title,
    description: playbook.description,
    version: playbook.version,
    stages: playbook.stages.map((stage) => ({
      id: stage.id,
      title: stage.title,
      tip: typeof stage.tip === 'string' ? stage.tip : '(depends on answers)',
      hasCondition: stage.when !== undefined,
      steps: stage.steps.map((step) => {
        const described: StepDescription = {
          id: `${stage.id}.${step.id}`,
          question: step.question,
          type: step.type,
          required: step.required === true,
          hasCondition: step.when !== undefined,
        };
        if (step.choices) {
          described.choices = step.choices.map((choice) => {
            if (typeof choice === 'string') return { value: choice, label: choice };
            return { value: choice.value, label: choice.label ?? choice.value, ...(choice.hint ? { hint: choice.hint } : {}) };
          });
        }
        if (step.meaning) described.meaning = step.meaning;
        if (step.meaning === 'options.chosen') described.choicesFromCall = 'the options offered';
        if (step.meaning === 'queries.answered') described.choicesFromCall = 'the questions parked';
        if (step.formerly?.length) described.formerly = step.formerly;
        if (step.hint) described.hint = step.hint;
        if (step.zone) described.zone = step.zone;
        if (typeof step.default === 'function') described.hasComputedDefault = true;
        else if (step.default !== undefined) described.default = step.default;
        return described;
      }),
    })),
  };
}
