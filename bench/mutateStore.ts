/**
 * "Another process added, changed or removed 10 call files": the changes another agent's
 * csr-call makes in a shared store between two `followups` of ours, made through the
 * store's own code (saveCall, removeCall) like that agent's would be. Every change is journalled and
 * undone by `restore()`, so the bench store stays as generated.
 *
 * It also keeps the truth the `followups` output is checked against: the set of open
 * follow-ups, first read straight from the call files (no csr-call code involved), then
 * updated with every change made here.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createCall, eraseCall, serializeCall, updateCall } from '../src/store/callStore.js';
import { ensurePrivateDir } from '../src/store/callFiles.js';
import { callPath } from '../src/store/callFiles.js';
import { writeFileAtomic } from '../src/store/writeFileAtomic.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { makeExtraCall, type StoreInfo } from './generateStore.js';

/** Open follow-up ids of a store, read from the files with JSON.parse alone; cached beside the store. */
export function openFollowUpTruth(store: StoreInfo): Set<string> {
  const cachePath = join(store.dataDir, '..', 'open-followups.json');
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as { generatorVersion: number; ids: string[] };
    if (cached.generatorVersion === store.generatorVersion) return new Set(cached.ids);
  }
  const ids: string[] = [];
  for (const path of allCallFiles(store.dataDir)) {
    const record = JSON.parse(readFileSync(path, 'utf8')) as CallRecord;
    for (const f of record.followups) if (f.status === 'open') ids.push(f.id);
  }
  writeFileSync(cachePath, JSON.stringify({ generatorVersion: store.generatorVersion, ids }));
  return new Set(ids);
}

function* allCallFiles(dataDir: string): Generator<string> {
  for (const dir of weekDirs(dataDir)) for (const name of readdirSync(dir)) if (/^\d{8}-\d{6}-[0-9a-z]{6}\.json$/.test(name)) yield join(dir, name);
}

/** `calls/YYYY/MM/<week>`, read straight from the disk (no csr-call code). */
function weekDirs(dataDir: string): string[] {
  const root = join(dataDir, 'calls');
  const subdirs = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name)).sort();
  return subdirs(root).flatMap(subdirs).flatMap(subdirs);
}

export class StoreMutator {
  readonly open: Set<string>;
  private readonly added: string[] = [];
  /** Original text of every file changed or removed, by path. */
  private readonly originals = new Map<string, string>();
  private round = 0;
  private readonly weeks: string[];

  /**
   * `direct`: the changes are made by another program (a sync tool, a restore, a hand
   * edit): same files, but written past csr-call's store code and its journal.
   */
  constructor(
    private readonly store: StoreInfo,
    private readonly agent: string,
    private readonly direct = false,
  ) {
    this.open = openFollowUpTruth(store);
    this.weeks = weekDirs(store.dataDir);
  }

  /** 4 calls added, 2 follow-ups done, 2 notes added to old calls, 2 calls removed. */
  async tenChanges(): Promise<void> {
    const round = ++this.round;
    let seed = round * 1000;
    const random = () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
      return seed / 4294967296;
    };
    const endAt = Date.parse(this.store.endAt);
    for (let i = 0; i < 4; i++) {
      const record = makeExtraCall(endAt + round * 60_000 + i * 1000, round * 10 + i + (this.direct ? 5000 : 0));
      await this.save(record);
      this.added.push(callPath(this.store.dataDir, record.id));
      for (const f of record.followups) if (f.status === 'open') this.open.add(f.id);
    }
    const openIds = [...this.open].filter((id) => !this.isTouched(this.callPathOfFollowUp(id)));
    for (let i = 0; i < 2 && openIds.length; i++) {
      const id = openIds.splice(Math.floor(random() * openIds.length), 1)[0]!;
      const path = this.callPathOfFollowUp(id);
      if (this.isTouched(path)) continue; // another follow-up of a call changed this round
      await this.change(path, (record) => ({
        ...record,
        followups: record.followups.map((f) =>
          f.id === id
            ? { ...f, status: 'done' as const, doneAt: new Date().toISOString(), history: [...f.history, { at: new Date().toISOString(), by: this.agent, action: 'done' as const, note: 'Called back: sorted' }] }
            : f,
        ),
      }));
      this.open.delete(id);
    }
    for (let i = 0; i < 2; i++) {
      const path = this.randomUntouchedCall(random);
      await this.change(path, (record) => ({
        ...record,
        notes: [...record.notes, { at: new Date().toISOString(), by: this.agent, text: 'Customer rang back: the refund arrived.' }],
      }));
    }
    for (let i = 0; i < 2; i++) {
      const path = this.randomUntouchedCall(random);
      const text = readFileSync(path, 'utf8');
      this.originals.set(path, text);
      const record = JSON.parse(text) as CallRecord;
      for (const f of record.followups) this.open.delete(f.id);
      if (this.direct) unlinkSync(path);
      else await eraseCall(this.store.dataDir, record.id);
    }
  }

  private async save(record: CallRecord): Promise<void> {
    if (!this.direct) {
      if (existsSync(callPath(this.store.dataDir, record.id))) await updateCall(this.store.dataDir, record.id, () => record);
      else await createCall(this.store.dataDir, record);
      return;
    }
    const path = callPath(this.store.dataDir, record.id);
    await ensurePrivateDir(dirname(path));
    await writeFileAtomic(path, serializeCall({ ...record, revision: record.revision + 1 }));
  }

  /** Puts every file back as it was (the open set too). */
  async restore(): Promise<void> {
    for (const path of this.added.splice(0)) await eraseCall(this.store.dataDir, basename(path, '.json'));
    for (const [path, text] of this.originals) await writeFileAtomic(path, text);
    this.originals.clear();
    const truth = openFollowUpTruth(this.store);
    this.open.clear();
    for (const id of truth) this.open.add(id);
  }

  private async change(path: string, edit: (record: CallRecord) => CallRecord): Promise<void> {
    const text = readFileSync(path, 'utf8');
    if (!this.originals.has(path)) this.originals.set(path, text); // the first version is the one to put back
    await this.save(edit(JSON.parse(text) as CallRecord));
  }

  private isTouched(path: string): boolean {
    return this.originals.has(path) || this.added.includes(path);
  }

  private callPathOfFollowUp(id: string): string {
    return callPath(this.store.dataDir, id.slice(0, id.lastIndexOf('.f')));
  }

  private randomUntouchedCall(random: () => number): string {
    for (;;) {
      const dir = this.weeks[Math.floor(random() * this.weeks.length)]!;
      const names = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
      if (names.length === 0) continue;
      const path = join(dir, names[Math.floor(random() * names.length)]!);
      if (!this.isTouched(path)) return path;
    }
  }
}

/** Follow-up ids in a command's output, in their short form (`k3v9q2.f1`), whatever the layout. */
export function followUpIdsIn(output: string): Set<string> {
  const ids = new Set<string>();
  for (const match of output.matchAll(/(?:\d{8}-\d{6}-)?([0-9a-z]{6}\.f\d+)/g)) ids.add(match[1]!);
  return ids;
}

export const shortFollowUpId = (id: string) => id.slice(id.lastIndexOf('.f') - 6);
