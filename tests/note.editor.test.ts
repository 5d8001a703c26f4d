import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteCommand } from '../src/commands/note.js';
import { readCall } from '../src/store/callStore.js';
import { Settings } from '../src/settings/settings.js';
import { makeCall } from './fixtures/makeCall.js';
import { saveCall, tempDir, testContext } from './helpers.js';

// `note ID` with no text opens the agent's editor on one file, as git commit does. The
// editor here is a script that says what it was given and writes what an agent would.

function editorWriting(text: string): { command: string; log: string } {
  const dir = tempDir();
  const log = join(dir, 'args.log');
  const script = join(dir, 'fake-editor.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > "${log}"\nprintf '%s' '${text}' > "$2"\n`, { mode: 0o755 });
  // With an argument of its own, as `code --wait` has: the file comes after it.
  return { command: `${script} --wait`, log };
}

describe('note ID in the editor', () => {
  it('opens the editor on the note file alone; what is written is saved; an empty note saves nothing and says so', async () => {
    const dataDir = join(tempDir(), 'data');
    const call = await saveCall(dataDir, makeCall({ id: '20261120-090000-edit01', agent: 'sam' }));
    const terminal = () => Object.assign(testContext({ dataDir }).stdin, { isTTY: true });

    const writes = editorWriting('Customer rang back: refund arrived.');
    const ctx = testContext({ dataDir, stdin: terminal(), settings: new Settings({ env: { VISUAL: writes.command }, config: { path: '(none)', values: {} } }) });
    await noteCommand('edit01', [], {}, ctx);
    const [count, flag, file] = readFileSync(writes.log, 'utf8').trim().split('\n');
    expect([count, flag]).toEqual(['2', '--wait']);
    expect(file).toMatch(/note-edit01\.txt$/);
    expect(ctx.out()).toBe('Note added to call edit01 (Ann Smith).\n');
    expect((await readCall(dataDir, call.id)).notes.map((n) => n.text)).toEqual(['Customer rang back: refund arrived.']);

    const empty = editorWriting('  ');
    const nothing = testContext({ dataDir, stdin: terminal(), settings: new Settings({ env: { EDITOR: empty.command }, config: { path: '(none)', values: {} } }) });
    await noteCommand('edit01', [], {}, nothing);
    expect(nothing.out()).toBe('The note was empty: nothing saved.\n');
    expect((await readCall(dataDir, call.id)).notes).toHaveLength(1);
  });
});
