import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram, COMMANDS } from '../src/cli.js';
import { Settings } from '../src/settings/settings.js';
import { tempDir, testContext, type TestContext } from './helpers.js';

// "--json on every command": held by the registry itself, so a command added without it
// fails here. The commands' own --json objects are tested beside each command; these are
// the last ones it reached (help, completion, config set and unset), run in-process.

/** Every command a user can type, as commander has it from the registry (not the hidden __complete). */
function leaves(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden);
  if (visible.length === 0) return [{ name: path.join(' '), command }];
  return visible.flatMap((c) => leaves(c, [...path, c.name()]));
}

async function run(args: string[], ctx: TestContext): Promise<TestContext> {
  await buildProgram(() => ctx, '0.0.0').parseAsync(['node', 'csr-call', ...args]);
  return ctx;
}

describe('--json on every command', () => {
  it('every command of the registry, as commander builds it, takes --json', () => {
    const all = leaves(buildProgram(() => testContext(), '0.0.0'));
    expect(all.map((c) => c.name)).toEqual(COMMANDS.map((spec) => spec.name));
    const without = all.filter(({ command }) => !command.options.some((o) => o.long === '--json')).map((c) => c.name);
    expect(without).toEqual([]);
  });

  it('help --json: every command with its options and examples; one command; a topic', async () => {
    const all = JSON.parse((await run(['help', '--json'], testContext())).out());
    expect(all.jsonVersion).toBe(1);
    expect(all.commands.map((c: { name: string }) => c.name)).toEqual(COMMANDS.map((spec) => spec.name));
    expect(all.globalOptions.map((o: { flag: string }) => o.flag)).toEqual(['--data-dir', '--agent', '--no-color', '--no-pager']);
    expect(all.topics.map((t: { name: string }) => t.name)).toEqual(['dates', 'writing-playbooks', 'answers']);
    const list = JSON.parse((await run(['help', 'list', '--json'], testContext())).out());
    expect(list.commands).toHaveLength(1);
    expect(list.commands[0].options).toContainEqual({ flag: '--status', flags: '--status <s>', help: 'in-progress or completed', required: false, choices: ['in-progress', 'completed'] });
    expect(list.commands[0].examples[0]).toEqual({ command: 'csr-call list --from mon', what: 'this week' });
    const group = JSON.parse((await run(['help', 'followups', '--json'], testContext())).out());
    expect(group.commands.map((c: { name: string }) => c.name)).toEqual(['followups list', 'followups done', 'followups snooze', 'followups claim', 'followups release', 'followups assign']);
    const dates = JSON.parse((await run(['help', 'dates', '--json'], testContext())).out());
    expect(dates).toMatchObject({ jsonVersion: 1, topic: 'dates', text: expect.stringContaining('tomorrow') });
    await expect(run(['help', 'nothing', '--json'], testContext())).rejects.toThrow(/no help on "nothing"/);
  });

  it('team status --json with no team database: nothing on stdout, the one line says how to set one', async () => {
    const ctx = testContext();
    const refused = run(['team', 'status', '--json'], ctx);
    await expect(refused).rejects.toThrow(/^no team database is set: csr-call config set team\.db postgresql:\/\/\S+ \(its URL; or CSR_CALL_TEAM_DB; see the README, Team\)$/);
    await expect(refused).rejects.toMatchObject({ exitCode: 1 });
    expect(ctx.out()).toBe('');
  });

  it('completion --json: the script as a string', async () => {
    const ctx = await run(['completion', 'zsh', '--json'], testContext());
    const plain = await run(['completion', 'zsh'], testContext());
    expect(JSON.parse(ctx.out())).toEqual({ jsonVersion: 1, shell: 'zsh', script: plain.out() });
  });

  it('config set and unset --json: what changed, and the file', async () => {
    const path = join(tempDir(), 'config.json');
    const settings = new Settings({ env: {}, config: { path, values: {} } });
    const set = JSON.parse((await run(['config', 'set', 'business-hours', '08:30-18:00', '--json'], testContext({ settings }))).out());
    expect(set).toEqual({ jsonVersion: 1, key: 'business-hours', value: '08:30-18:00', configFile: path });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'business-hours': '08:30-18:00' });
    const unset = JSON.parse((await run(['config', 'unset', 'business-hours', '--json'], testContext({ settings }))).out());
    expect(unset).toEqual({ jsonVersion: 1, key: 'business-hours', removed: true, configFile: path });
    const again = JSON.parse((await run(['config', 'unset', 'business-hours', '--json'], testContext({ settings }))).out());
    expect(again.removed).toBe(false);
  });
});
