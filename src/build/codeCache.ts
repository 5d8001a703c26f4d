/**
 * V8 code caches for the built program, one per command (`dist/app/code-cache/<command>.bin`,
 * read by bin/csr-call.cjs). A cache holds what V8 compiled while the command ran, so the
 * build runs each command the way an agent does, against a small store made here for the
 * purpose: a call taken with the standard playbook and with a playbook of the user's own, one
 * resumed, the morning list (also after a call file was changed by another program, which
 * has the store check files), the lists, an export, and so on. Runs of the same command
 * build on one another: each starts from the cache the one before left, and adds what it
 * compiled.
 *
 * On Node 22 and later none is written: the bin uses Node's own compile cache there.
 *
 * Nothing here is needed for the program to work: a command without a cache (or whose run
 * failed here, which is reported) compiles as usual when it starts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module from 'node:module';
import { join } from 'node:path';

export const CODE_CACHE_DIR = join('dist', 'app', 'code-cache');

/** A call with a promise and a follow-up, so the lists and the export have something to show. */
const STANDARD_ANSWERS = {
  'identify.name': 'Ana Lima',
  'identify.phone': '+1 555 010 0100',
  'identify.account': 'AC-1001',
  'identify.mood': 'upset',
  'listen.story': 'Charged twice this month.',
  'listen.queries': ['Since when?'],
  'readback.paraphrase': 'Charged twice; wants one charge refunded.',
  'decide.path': 'solve',
  'resolve.done': 'Refund of the second charge requested.',
  'outcome.code': 'resolved',
  'outcome.mood': 'calm',
  'promise.made': true,
  'promise.what': 'Refund within 5 days',
  'promise.due': 'in 5 days',
  'followup.needed': true,
  'followup.what': 'Check the refund has arrived',
  'followup.due': 'tomorrow 10:00',
  'wrapup.category': 'billing',
};

const OWN_PLAYBOOK = `import { definePlaybook, MOODS } from 'csr-call';
export default definePlaybook({
  id: 'returns',
  title: 'Returns desk',
  description: 'A customer wants to send something back.',
  version: '1.0',
  stages: [
    {
      id: 'identify',
      title: 'Who is calling',
      tip: 'Get the name and the order number first.',
      steps: [
        { id: 'name', question: "Caller's name", type: 'text', required: true, meaning: 'customer.name' },
        { id: 'mood', question: 'How do they sound?', type: 'choice', choices: [...MOODS], meaning: 'mood.start' },
      ],
    },
  ],
});
`;

/** Node 22 and later cache compiled code themselves (module.enableCompileCache): the bin then uses theirs. */
export const nodeHasCompileCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

export function writeCodeCaches(root: string): void {
  const cacheDir = join(root, CODE_CACHE_DIR);
  rmSync(cacheDir, { recursive: true, force: true });
  // A cache is for the Node that made it: one made here would never be used.
  if (nodeHasCompileCache) return;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'csr-call-code-cache-'));
  const failures: string[] = [];
  try {
    const dataDir = join(work, 'data');
    const playbooks = join(work, 'playbooks');
    mkdirSync(playbooks);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CSR_CALL_HOME: dataDir,
      // Its index too: nothing of the warm-up is left in the user's cache folder.
      XDG_CACHE_HOME: join(work, 'cache'),
      CSR_CALL_AGENT: 'warm-up',
      CSR_CALL_PLAYBOOKS: playbooks,
      CSR_CALL_WRITE_CODE_CACHE: '1',
    };
    delete env.CSR_CALL_DEBUG_CODE_CACHE;
    const run = (...args: string[]): void => {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'csr-call.cjs'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      if (result.status !== 0) failures.push(`\`csr-call ${args.join(' ')}\` exited with ${result.status ?? result.signal}: ${(result.stderr || String(result.error ?? '')).trim().split('\n')[0]}`);
    };
    const answers = join(work, 'answers.json');
    writeFileSync(answers, JSON.stringify(STANDARD_ANSWERS));
    const ownPlaybook = join(playbooks, 'returns.ts');
    writeFileSync(ownPlaybook, OWN_PLAYBOOK);
    const ownAnswers = join(work, 'returns.json');
    writeFileSync(ownAnswers, JSON.stringify({ 'identify.name': 'Ben Okafor', 'identify.mood': 'calm' }));

    run('--help');
    run('--version');
    run('start', '--answers', answers);
    run('start', '--answers', answers);
    // A playbook of one's own: compiled on its first use, then loaded compiled.
    run('start', '--playbook', ownPlaybook, '--answers', ownAnswers);
    run('start', '--playbook', 'returns', '--answers', ownAnswers);
    const standardCalls = listCallFiles(join(dataDir, 'calls')).filter((path) => (readRecord(path).playbook as { id: string }).id === 'standard');
    const [first, second] = standardCalls;
    if (second) {
      // A call cut off after three answers (as Ctrl-C leaves one), taken up again.
      const record = readRecord(second);
      record.status = 'in-progress';
      delete record.endedAt;
      record.answers = (record.answers as unknown[]).slice(0, 3);
      rewriteByHand(second, record);
      run('resume', record.id as string, '--answers', answers);
    }
    run('followups');
    run('followups', '--all', '--days', '30');
    if (first) {
      // Changed by another program (a sync tool): the next list checks the file again.
      const record = readRecord(first) as { id: string; notes: unknown[]; followups: Array<{ id: string }> };
      record.notes.push({ at: new Date().toISOString(), by: 'sync', text: 'Copied from the old system.' });
      rewriteByHand(first, record);
      run('followups');
      run('followups', '--json');
      run('list');
      run('list', '--from', '2000-01-01');
      run('show', record.id);
      run('note', record.id, 'Called back about the refund.');
      const followUp = record.followups[0];
      if (followUp) run('followups', 'snooze', followUp.id, '--until', 'tomorrow 15:00');
      run('export', '--format', 'csv');
      run('export', '--format', 'json', '--followups');
      run('stats');
      run('search', 'refund');
    } else {
      failures.push('no call was saved by the warm-up `start`');
    }
    run('playbooks');
    run('playbooks', 'show', 'standard');
    run('doctor');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const failure of failures) process.stderr.write(`csr-call build: code cache not complete: ${failure} (the program works without it)\n`);
}

const readRecord = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** As another program would: a whole new file put in its place (private, as csr-call keeps them). */
function rewriteByHand(path: string, record: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

function listCallFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
