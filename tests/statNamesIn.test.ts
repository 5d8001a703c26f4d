import { describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';
import { statNamesIn } from '../src/store/statNamesIn.js';

describe('statNamesIn', () => {
  it("gives each name's stats in order, undefined for a missing one, and leaves the working directory as it was", () => {
    const dir = join(tempDir(), 'week');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), 'a');
    writeFileSync(join(dir, 'c.json'), 'ccc');
    const before = process.cwd();
    const stats = statNamesIn(dir, ['a.json', 'b.json', 'c.json']);
    expect(process.cwd()).toBe(before);
    expect(stats.map((s) => s?.size)).toEqual([1, undefined, 3]);
    expect(stats[2]!.ino).toBe(statSync(join(dir, 'c.json')).ino);
  });

  it('gives undefined for every name of a folder that is gone, and the working directory is kept', () => {
    const dir = join(tempDir(), 'gone');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), 'a');
    rmSync(dir, { recursive: true });
    const before = process.cwd();
    expect(statNamesIn(dir, ['a.json'])).toEqual([undefined]);
    expect(process.cwd()).toBe(before);
  });

  it('puts the working directory back when a stat fails', () => {
    const dir = join(tempDir(), 'week');
    mkdirSync(dir);
    const before = process.cwd();
    // A name far past the system's limit: the stat throws ENAMETOOLONG, not "missing".
    expect(() => statNamesIn(dir, ['x'.repeat(5000)])).toThrow(/ENAMETOOLONG/);
    expect(process.cwd()).toBe(before);
  });
});
