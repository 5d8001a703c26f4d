/**
 * What the bench checks csr-call's answers against and picks its arguments from, read
 * straight from a store's call files with `JSON.parse` alone (no csr-call code), once per
 * generated store, and kept beside it (`<store>/facts.json`):
 * - the open follow-ups (the truth `followups --all` is checked against);
 * - a phone of a customer with a few calls, and how many calls have that phone (`list --phone`);
 * - in how many calls each word of interest occurs in a searched field (`search WORD`);
 * - the craft the live call looks up (issue 16): how often each prepared solution was
 *   offered and chosen, by category, and each agent's latest empathy lines.
 * Read again whenever a folder of the store changed since (a file added, removed or
 * replaced): others may run csr-call against the bench's stores too.
 */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreInfo } from './generateStore.js';

export interface StoreFacts {
  generatorVersion: number;
  /** Call files found (the store's size, unless someone else added or removed some). */
  calls: number;
  openFollowUps: string[];
  /** A phone as typed on one of its calls, the calls with its key, and that key (its last ten digits). */
  phone: { phone: string; key: string; calls: number };
  /** Calls whose searched text holds the word (as the full-text index splits words), by word (lower case). */
  wordCalls: Record<string, number>;
  /** Per category (as written) and solution id: the calls that offered it and those that chose it. */
  solutions: Record<string, Record<string, { offered: number; chosen: number }>>;
  /** Per agent: the empathy lines (trimmed) of their latest completed calls, newest first (`EMPATHY_CALLS` calls, those with a line). */
  empathy: Record<string, string[]>;
}

/** How many of an agent's latest completed calls `empathy` looks at. */
export const EMPATHY_CALLS = 20;

/** The call record's fields the bench reads (a file's JSON, not checked). */
interface RawCall {
  agent: string;
  status: string;
  customer: { phone?: string };
  answers: Array<{ meaning?: string; value: unknown }>;
  problem: { story?: string; wants?: string; paraphrase?: string; rootCause?: string; category?: string };
  solutions?: { offered: string[]; chosen?: string };
  facts?: string;
  options?: string[];
  resolution?: string;
  escalation?: { to?: string; handoffNote?: string };
  queries: string[];
  notes: Array<{ text: string }>;
  followups: Array<{ id: string; status: string }>;
}

const CALL_FILE = /^\d{8}-\d{6}-[0-9a-z]{6}\.json$/;

/** The newest modification time of the store's folders (calls/, years, months, weeks). */
function newestFolderStamp(dataDir: string): number {
  const root = join(dataDir, 'calls');
  let newest = statSync(root).mtimeMs;
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      newest = Math.max(newest, statSync(path).mtimeMs);
      if (depth < 2) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return newest;
}

const factsPath = (store: StoreInfo) => join(store.dataDir, '..', 'facts.json');

/**
 * Says the facts are still those of the store, though its folders' times moved: after the
 * bench put back every file it changed (mutateStore's restore).
 */
export function markFactsFresh(store: StoreInfo): void {
  const now = new Date();
  utimesSync(factsPath(store), now, now);
}

/** `calls/YYYY/MM/<week>` of a data directory, in order, read straight from the disk. */
export function weekDirs(dataDir: string): string[] {
  const root = join(dataDir, 'calls');
  const subdirs = (dir: string) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name))
      .sort();
  return subdirs(root).flatMap(subdirs).flatMap(subdirs);
}

export function* callFiles(dataDir: string): Generator<string> {
  for (const dir of weekDirs(dataDir)) for (const name of readdirSync(dir).sort()) if (CALL_FILE.test(name)) yield join(dir, name);
}

/** The text `search` looks through, as in the index's full-text table (problem, facts, options, resolution, handoff, questions, notes). */
export function searchedText(call: RawCall): string {
  return [
    call.problem.story, call.problem.wants, call.problem.paraphrase, call.problem.rootCause, call.facts, ...(call.options ?? []), call.resolution,
    call.escalation?.to, call.escalation?.handoffNote, ...call.queries, ...call.notes.map((n) => n.text),
  ]
    .filter((part): part is string => typeof part === 'string')
    .join('\n');
}

/** Words as FTS5's unicode61 tokenizer with remove_diacritics sees them: letters and digits, case and accents folded. */
export function wordsOf(text: string): Set<string> {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return new Set(folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
}

const phoneKeyOf = (phone: string | undefined) => {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length < 4 ? undefined : digits.slice(-10);
};

/**
 * The facts of `store`, from `<store>/facts.json` when it was made for this generator
 * version and holds every word asked for; else read from the files (a few seconds per
 * 100k calls) and saved.
 */
export function storeFacts(store: StoreInfo, words: readonly string[], log: (line: string) => void = () => {}): StoreFacts {
  const path = factsPath(store);
  const wanted = [...new Set(words.map((w) => w.toLowerCase()))];
  const written = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  if (written !== undefined) {
    try {
      const cached = JSON.parse(readFileSync(path, 'utf8')) as StoreFacts;
      const fresh = newestFolderStamp(store.dataDir) < written;
      if (cached.generatorVersion === store.generatorVersion && cached.solutions && wanted.every((w) => w in cached.wordCalls)) {
        if (fresh) return cached;
        log(`  the store of ${store.calls} calls changed since the bench last read it (another program, or csr-call run by someone else): read again`);
      }
    } catch {
      /* read again below */
    }
  }
  log(`  reading the call files of the store of ${store.calls} for the bench's truth...`);
  const openFollowUps: string[] = [];
  const wordCalls: Record<string, number> = Object.fromEntries(wanted.map((w) => [w, 0]));
  const phones = new Map<string, { phone: string; calls: number }>();
  const solutions: StoreFacts['solutions'] = {};
  /** Per agent, the empathy answer (or undefined) of their latest completed calls, oldest first: the files are read in time order. */
  const latest = new Map<string, Array<string | undefined>>();
  let calls = 0;
  for (const file of callFiles(store.dataDir)) {
    const call = JSON.parse(readFileSync(file, 'utf8')) as RawCall;
    calls += 1;
    for (const f of call.followups) if (f.status === 'open') openFollowUps.push(f.id);
    const key = phoneKeyOf(call.customer.phone);
    if (key !== undefined) {
      const seen = phones.get(key);
      if (seen) seen.calls += 1;
      else phones.set(key, { phone: call.customer.phone!, calls: 1 });
    }
    const words = wordsOf(searchedText(call));
    for (const w of wanted) if (words.has(w)) wordCalls[w]! += 1;
    if (call.solutions && call.problem.category !== undefined) {
      const byId = (solutions[call.problem.category] ??= {});
      for (const id of call.solutions.offered) (byId[id] ??= { offered: 0, chosen: 0 }).offered += 1;
      if (call.solutions.chosen !== undefined) (byId[call.solutions.chosen] ??= { offered: 0, chosen: 0 }).chosen += 1;
    }
    if (call.status === 'completed') {
      const line = call.answers.find((a) => a.meaning === 'empathy')?.value;
      const lines = latest.get(call.agent) ?? latest.set(call.agent, []).get(call.agent)!;
      lines.push(typeof line === 'string' && line.trim() !== '' ? line.trim() : undefined);
      if (lines.length > EMPATHY_CALLS) lines.shift();
    }
  }
  // "A customer with a few calls": the first phone (in file order) with four calls, else the closest to four.
  let chosen: [string, { phone: string; calls: number }] | undefined;
  for (const entry of phones) {
    if (!chosen || Math.abs(entry[1].calls - 4) < Math.abs(chosen[1].calls - 4)) chosen = entry;
    if (chosen[1].calls === 4) break;
  }
  if (!chosen) throw new Error(`no call of the store of ${store.calls} has a phone`);
  const facts: StoreFacts = {
    generatorVersion: store.generatorVersion,
    calls,
    openFollowUps,
    phone: { phone: chosen[1].phone, key: chosen[0], calls: chosen[1].calls },
    wordCalls,
    solutions,
    empathy: Object.fromEntries([...latest].map(([agent, lines]) => [agent, lines.filter((l): l is string => l !== undefined).reverse()])),
  };
  writeFileSync(path, `${JSON.stringify(facts)}\n`);
  return facts;
}
