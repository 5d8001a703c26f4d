import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runInPty, tempDir, upToTheNotes } from './helpers.js';
import { parseCallText } from '../src/store/callStore.js';

/**
 * The live call and another window changing the same call: a supervisor's note, a
 * follow-up done. Each autosave of the call merges into what is on disk, so nothing
 * written from elsewhere meanwhile is lost (issue 14: "A note is lost").
 */

function onlyCallFile(dataDir: string): string {
  const root = join(dataDir, 'calls');
  const files = existsSync(root)
    ? readdirSync(root, { recursive: true, encoding: 'utf8' })
        .map((relative) => join(root, relative))
        .filter((path) => statSync(path).isFile() && path.endsWith('.json'))
    : [];
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** `csr-call note <the one call> TEXT`, as typed in a second window while the call goes on. */
const noteFromAnotherWindow = (dataDir: string, text: string) => ({
  run: [
    'sh',
    '-c',
    `id=$(basename "$(find "${dataDir}/calls" -name '*.json' | head -1)" .json); exec "${process.execPath}" "${BIN}" --data-dir "${dataDir}" --agent supervisor note "$id" "${text}"`,
  ],
});

describe('a note added from another window during a live call', () => {
  it('is kept by the call\u2019s next autosave, and by the end of the call', () => {
    const home = tempDir();
    const result = runInPty(
      ['start'],
      [
        { expect: "Caller's name" },
        { send: 'Ana Lima\r' },
        { expect: 'Best number' },
        noteFromAnotherWindow(home, 'SUPERVISOR NOTE'),
        { send: '555 0100\r' }, // an autosave after the note
        { expect: 'Account or order number' },
        noteFromAnotherWindow(home, 'SECOND NOTE'),
        { send: '\x03' }, // Ctrl-C: saved as in progress
      ],
      { CSR_CALL_HOME: home },
    );
    expect(result.failure, result.transcript).toBeNull();
    expect(result.runs.map((r) => [r.status, r.stdout.trim()])).toEqual([
      [0, expect.stringMatching(/^Note added to call [0-9a-z]{6}/)],
      [0, expect.stringMatching(/^Note added to call [0-9a-z]{6} \(Ana Lima\)/)],
    ]);
    expect(result.exitCode).toBe(130);
    const parsed = parseCallText(readFileSync(onlyCallFile(home), 'utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // Both notes, and the call's own answers, all there.
    expect(parsed.record.notes.map((n) => [n.by, n.text])).toEqual([
      ['supervisor', 'SUPERVISOR NOTE'],
      ['supervisor', 'SECOND NOTE'],
    ]);
    expect(parsed.record.customer).toEqual({ name: 'Ana Lima', phone: '555 0100' });
    expect(parsed.record.status).toBe('in-progress');
  });

  it('does not hide the next line of the notes being typed: each line is on disk once Enter is pressed', () => {
    const home = tempDir();
    const draftOnDisk = { run: ['sh', '-c', `cat "$(find "${home}/calls" -name '*.json' | head -1)"`] };
    const result = runInPty(
      ['start'],
      [
        ...upToTheNotes('Ana Lima'),
        { send: 'first line\r' },
        { sleep: 0.5 },
        noteFromAnotherWindow(home, 'SUPERVISOR NOTE'),
        { send: 'second line after the note\r' },
        { sleep: 1 },
        draftOnDisk,
        { send: '\x03' },
      ],
      { CSR_CALL_HOME: home },
    );
    expect(result.failure, result.transcript).toBeNull();
    const midCall = JSON.parse(result.runs[1]!.stdout) as { draft?: { lines: string[] }; notes: Array<{ text: string }> };
    expect(midCall.draft?.lines).toEqual(['first line', 'second line after the note']);
    expect(midCall.notes.map((n) => n.text)).toEqual(['SUPERVISOR NOTE']);
  });
});
