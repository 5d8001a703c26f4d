import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../installPaths.js';
import { displayWidth, sanitizeForTerminal } from '../render/terminalText.js';

/**
 * `csr-call help dates|writing-playbooks|answers`: the README's own sections (README.md ships with
 * the program), so the manual and the help never say different things. Shown as plain
 * text: tables aligned, code indented, Markdown marks dropped.
 */
export const HELP_TOPICS = [
  { name: 'dates', summary: 'every way to type a date or time, zones, slash dates', heading: 'Typing dates' },
  { name: 'writing-playbooks', summary: 'writing your own playbook: stages, steps, meanings', heading: 'Writing a playbook' },
  { name: 'answers', summary: 'scripted calls (--answers), --json, CSV export', heading: 'Scripting: `--answers`, `--json`, CSV' },
] as const;

/** The section under `## heading`, up to the next heading of the same level. */
export function readmeSection(readme: string, heading: string): string | undefined {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => line === `## ${heading}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trim();
}

const inline = (text: string) =>
  text
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\\|/g, '|');

/** Markdown as a terminal shows it best: no marks, tables in aligned columns, code indented. */
export function markdownToText(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      out.push(`    ${line}`);
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) {
        if (/^\|[\s|:-]+\|$/.test(lines[i]!)) continue;
        rows.push(lines[i]!.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((cell) => inline(cell.trim())));
      }
      i--;
      const widths = rows[0]!.map((_, c) => Math.min(56, Math.max(...rows.map((r) => displayWidth(r[c] ?? '')))));
      for (const row of rows) out.push(`  ${row.map((cell, c) => (c === row.length - 1 ? cell : cell + ' '.repeat(Math.max(1, widths[c]! - displayWidth(cell) + 2)))).join('')}`.trimEnd());
      continue;
    }
    const heading = /^(#+)\s+(.*)$/.exec(line);
    if (heading) {
      const title = inline(heading[2]!);
      out.push(heading[1]!.length <= 2 ? `${title}\n${'='.repeat(displayWidth(title))}` : title);
      continue;
    }
    out.push(inline(line));
  }
  return `${sanitizeForTerminal(out.join('\n').replace(/\n{3,}/g, '\n\n'))}\n`;
}

export function helpTopicText(name: string, readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8')): string | undefined {
  const topic = HELP_TOPICS.find((t) => t.name === name);
  if (!topic) return undefined;
  const section = readmeSection(readme, topic.heading);
  return section === undefined ? undefined : markdownToText(section);
}
