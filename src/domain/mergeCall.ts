import type { CallRecord, Note } from './callRecord.js';

/**
 * Three-way merge of a call changed in two places at once: the live call autosaving its
 * answers (`ours`) and, since the session last read the file (`base`), another process
 * writing the file (`theirs`): `csr-call note`, `followups done`/`snooze`, a teammate, an
 * editor. Each side keeps what it changed; nothing either side wrote is dropped.
 *
 * - A field only one side changed takes that side's value.
 * - Lists of items with an `id` (follow-ups, promises) merge item by item.
 * - Lists both sides only appended to (notes, answers) keep both sides' new items.
 * - A field both sides changed differently is a clash. The owner's value is kept: the
 *   commands that work on a call after it was taken own its notes and the progress of
 *   its follow-ups (status, due time, history); the live call owns everything else. The
 *   other value is not lost: it is returned, and `clashNotes` turns it into a note.
 */

export type MergeSide = 'call' | 'elsewhere';

export interface Clash {
  /** Where, like `problem.paraphrase` or `followups[k3v9q2.f1].due`. */
  path: string;
  kept: MergeSide;
  /** The value of the side that was not kept. */
  dropped: unknown;
}

export interface MergeResult {
  record: CallRecord;
  clashes: Clash[];
}

/** The fields of a follow-up that `followups done`/`snooze`/`claim`/`assign` change, and so own. */
const FOLLOWUP_PROGRESS = new Set(['status', 'due', 'doneAt', 'history', 'allDay', 'timeZone', 'owner']);

function ownerOf(path: readonly string[]): MergeSide {
  if (path[0] === 'notes') return 'elsewhere';
  if (path[0] === 'followups' && path.length >= 3 && FOLLOWUP_PROGRESS.has(path[2]!)) return 'elsewhere';
  return 'call';
}

export function mergeCall(base: CallRecord, ours: CallRecord, theirs: CallRecord): MergeResult {
  const clashes: Clash[] = [];
  const merged = mergeValue(base, ours, theirs, [], clashes) as CallRecord;
  return { record: { ...merged, revision: theirs.revision }, clashes };
}

function mergeValue(base: unknown, ours: unknown, theirs: unknown, path: string[], clashes: Clash[]): unknown {
  if (path.length === 1 && path[0] === 'revision') return theirs;
  if (deepEqual(ours, base)) return theirs;
  if (deepEqual(theirs, base)) return ours;
  if (deepEqual(ours, theirs)) return ours;
  if (isRecord(ours) && isRecord(theirs) && (base === undefined || isRecord(base))) {
    return mergeObjects((base as Record<string, unknown> | undefined) ?? {}, ours, theirs, path, clashes);
  }
  if (Array.isArray(ours) && Array.isArray(theirs) && (base === undefined || Array.isArray(base))) {
    const before = (base as unknown[] | undefined) ?? [];
    if (hasIds(before) && hasIds(ours) && hasIds(theirs)) return mergeById(before, ours, theirs, path, clashes);
    if (startsWith(ours, before) && startsWith(theirs, before)) {
      const added = ours.slice(before.length).filter((item) => !theirs.slice(before.length).some((t) => deepEqual(t, item)));
      return [...theirs, ...added];
    }
  }
  const kept = ownerOf(path);
  clashes.push({ path: pathText(path), kept, dropped: kept === 'call' ? theirs : ours });
  return kept === 'call' ? ours : theirs;
}

function mergeObjects(
  base: Record<string, unknown>,
  ours: Record<string, unknown>,
  theirs: Record<string, unknown>,
  path: string[],
  clashes: Clash[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Keys in the order the file has them, then the ones only the call added.
  for (const key of new Set([...Object.keys(theirs), ...Object.keys(ours)])) {
    const value = mergeValue(base[key], ours[key], theirs[key], [...path, key], clashes);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

type WithId = { id: string } & Record<string, unknown>;

function mergeById(base: WithId[], ours: WithId[], theirs: WithId[], path: string[], clashes: Clash[]): WithId[] {
  const byId = (items: WithId[]) => new Map(items.map((item) => [item.id, item]));
  const b = byId(base);
  const o = byId(ours);
  const t = byId(theirs);
  const out: WithId[] = [];
  for (const id of new Set([...t.keys(), ...o.keys()])) {
    const value = mergeValue(b.get(id), o.get(id), t.get(id), [...path, id], clashes);
    if (value !== undefined) out.push(value as WithId);
  }
  return out;
}

function hasIds(items: unknown[]): items is WithId[] {
  return items.every((item) => isRecord(item) && typeof item.id === 'string');
}

function startsWith(items: unknown[], prefix: unknown[]): boolean {
  return items.length >= prefix.length && prefix.every((item, i) => deepEqual(items[i], item));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
    return keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

function pathText(path: readonly string[]): string {
  let out = '';
  for (const [i, part] of path.entries()) {
    // Inside an id-keyed list the part is an id: shown in brackets, as in `followups[k3v9q2.f1].due`.
    const inList = i > 0 && (path[i - 1] === 'followups' || path[i - 1] === 'promises');
    out += inList ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * Notes that keep the side of each clash that was not kept, so no text is lost: the agent
 * and a supervisor can read both in `csr-call show`.
 */
export function clashNotes(clashes: readonly Clash[], at: Date, by: string): Note[] {
  return clashes.map((clash) => ({
    at: at.toISOString(),
    by,
    text:
      `${clash.path} was changed in the live call and elsewhere at the same time; ` +
      `kept the ${clash.kept === 'call' ? 'live call' : 'other'}'s value. The ${clash.kept === 'call' ? 'other' : 'live call'}'s was: ${describe(clash.dropped)}`,
  }));
}

function describe(value: unknown): string {
  if (value === undefined) return '(nothing)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}
