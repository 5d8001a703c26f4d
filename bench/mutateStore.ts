/**
 * "Another program added, changed or removed 10 call files" between two `followups` of
 * ours: a sync tool, a restore from a backup, a script, or another agent's csr-call on
 * another machine (the index is on each agent's own machine, so to ours that is just
 * another program changing files in the shared folder). Made with plain file operations
 * only (a new file written beside and renamed over, an unlink), no csr-call code: no
 * lock, no index update. Every change is undone by `restore()`, the same way, so the
 * bench store keeps its calls.
 *
 * It also keeps the truth the `followups` output is checked against: the set of open
 * follow-ups read straight from the call files (storeFacts), updated with every change
 * made here.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeExtraCall, type StoreInfo } from './generateStore.js';
import { weekDirs } from './storeFacts.js';

type CallRecord = ReturnType<typeof makeExtraCall>;

/** Where a call's file goes: `calls/YYYY/MM/<week>/<id>.json`, the week by the day of the month (UTC) in the id. */
export function callFilePath(dataDir: string, id: string): string {
  const day = Number(id.slice(6, 8));
  const week = day <= 7 ? '01-07' : day <= 14 ? '08-14' : day <= 21 ? '15-21' : day <= 28 ? '22-28' : '29-31';
  return join(dataDir, 'calls', id.slice(0, 4), id.slice(4, 6), week, `${id}.json`);
}

/** What a sync tool does: the new content written to a hidden file beside the old one, then renamed over it. */
function replaceFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${path.slice(dirname(path).length + 1)}.${process.pid}${Math.random().toString(36).slice(2, 8)}`);
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

const callText = (record: CallRecord) => `${JSON.stringify(record, null, 2)}\n`;

export class StoreMutator {
  readonly open: Set<string>;
  private readonly added: string[] = [];
  /** Original text of every file changed or removed, by path. */
  private readonly originals = new Map<string, string>();
  private round = 0;
  private readonly weeks: string[];

  constructor(
    private readonly store: StoreInfo,
    private readonly truth: readonly string[],
    private readonly agent: string,
  ) {
    this.open = new Set(truth);
    this.weeks = weekDirs(store.dataDir);
  }

  /** 4 calls added, 2 follow-ups done, 2 notes added to old calls, 2 calls removed. */
  tenChanges(): void {
    const round = ++this.round;
    let seed = round * 1000;
    const random = () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
      return seed / 4294967296;
    };
    const endAt = Date.parse(this.store.endAt);
    for (let i = 0; i < 4; i++) {
      const record = makeExtraCall(endAt + round * 60_000 + i * 1000, round * 10 + i + 5000);
      const path = callFilePath(this.store.dataDir, record.id);
      replaceFile(path, callText(record));
      this.added.push(path);
      for (const f of record.followups) if (f.status === 'open') this.open.add(f.id);
    }
    const openIds = [...this.open].filter((id) => !this.isTouched(this.callPathOfFollowUp(id)));
    for (let i = 0; i < 2 && openIds.length; i++) {
      const id = openIds.splice(Math.floor(random() * openIds.length), 1)[0]!;
      const path = this.callPathOfFollowUp(id);
      if (this.isTouched(path)) continue; // another follow-up of a call changed this round
      const now = new Date().toISOString();
      this.change(path, (record) => ({
        ...record,
        followups: record.followups.map((f) =>
          f.id === id ? { ...f, status: 'done' as const, doneAt: now, history: [...f.history, { at: now, by: this.agent, action: 'done' as const, note: 'Called back: sorted' }] } : f,
        ),
      }));
      this.open.delete(id);
    }
    for (let i = 0; i < 2; i++) {
      const path = this.randomUntouchedCall(random);
      this.change(path, (record) => ({
        ...record,
        notes: [...record.notes, { at: new Date().toISOString(), by: this.agent, text: 'Customer rang back: the refund arrived.' }],
      }));
    }
    for (let i = 0; i < 2; i++) {
      const path = this.randomUntouchedCall(random);
      const text = readFileSync(path, 'utf8');
      this.originals.set(path, text);
      for (const f of (JSON.parse(text) as CallRecord).followups) this.open.delete(f.id);
      unlinkSync(path);
    }
  }

  /** Puts every file back as it was (the open set too), by plain file operations. */
  restore(): void {
    for (const path of this.added.splice(0)) unlinkSync(path);
    for (const [path, text] of this.originals) replaceFile(path, text);
    this.originals.clear();
    this.open.clear();
    for (const id of this.truth) this.open.add(id);
  }

  private change(path: string, edit: (record: CallRecord) => CallRecord): void {
    const text = readFileSync(path, 'utf8');
    if (!this.originals.has(path)) this.originals.set(path, text); // the first version is the one to put back
    const record = edit(JSON.parse(text) as CallRecord);
    replaceFile(path, callText({ ...record, revision: record.revision + 1 }));
  }

  private isTouched(path: string): boolean {
    return this.originals.has(path) || this.added.includes(path);
  }

  private callPathOfFollowUp(id: string): string {
    return callFilePath(this.store.dataDir, id.slice(0, id.lastIndexOf('.f')));
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
