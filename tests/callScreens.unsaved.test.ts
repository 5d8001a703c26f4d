import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { printEnd, printInterrupted } from '../src/call/callScreens.js';
import { loadBuiltIn } from '../src/playbook/loadPlaybook.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext } from './helpers.js';

const at = '2026-11-23T13:50:00.000Z';
/** Answers a summary leaves out: an empathy line, a hold, a playbook's own step. */
const record = makeCall({
  status: 'in-progress',
  answers: [
    { stepId: 'identify.name', question: "Caller's name", type: 'text', value: 'Ann Smith', answeredAt: at },
    { stepId: 'facts.empathy', question: 'What you said about how it affects them', type: 'text', value: 'That sounds really stressful for you', answeredAt: at },
    { stepId: 'facts.away', question: 'Do you need to leave the line?', type: 'choice', value: 'hold', answeredAt: at },
    { stepId: 'returns.bought', question: 'Bought on', type: 'date', value: '2026-11-20', raw: 'last fri', answeredAt: at },
  ],
  draft: { stepId: 'listen.story', lines: ['Router firmware ticket open since Nov', 'second line'] },
});

describe('a call the disk refused: what was typed is printed whole', () => {
  it('Ctrl-C: every answer and the lines being typed, under the summary', async () => {
    const ctx = testContext();
    printInterrupted(ctx, await loadBuiltIn('standard'), record, new Chalk({ level: 0 }), 'no permission to write (EPERM)');
    const shown = ctx.err();
    expect(shown).toContain('Call NOT saved: no permission to write (EPERM)');
    expect(shown).toContain('  What you said about how it affects them: That sounds really stressful for you\n');
    expect(shown).toContain('  Do you need to leave the line?: hold\n');
    expect(shown).toContain('  Bought on: last fri → Fri 20 Nov 2026\n');
    expect(shown).toContain('  Notes while they talk (being typed):\n    Router firmware ticket open since Nov\n    second line\n');
    expect(shown).toContain('Once that is fixed, continue it');
    expect(shown).not.toContain('room');
  });

  it('at the end: every answer under the summary, and NOT saved', () => {
    const ctx = testContext();
    printEnd(ctx, { ...record, status: 'completed' }, 'the disk is full (ENOSPC)');
    expect(ctx.out()).toContain('  What you said about how it affects them: That sounds really stressful for you\n');
    expect(ctx.out()).toMatch(/NOT saved: the disk is full \(ENOSPC\)\. This summary and the answers above hold the whole call/);
  });
});
