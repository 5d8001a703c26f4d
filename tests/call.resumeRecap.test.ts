/**
 * The recap shown when a call is resumed: the last answers, a date typed relative to when
 * it was typed ('+1d', 'fri') with the date it was read as (read later, '+1d' alone would
 * name another day).
 */
import { describe, expect, it } from 'vitest';
import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import { printResumeRecap } from '../src/call/callScreens.js';
import type { Answer } from '../src/domain/callRecord.js';
import { makeCall } from './fixtures/makeCall.js';
import { testContext } from './helpers.js';

const answer = (question: string, type: string, value: Answer['value'], extra: Partial<Answer> = {}): Answer => ({
  stepId: `s.${question}`,
  question,
  type,
  value,
  answeredAt: '2026-11-23T14:00:00.000Z',
  ...extra,
});

describe('the recap of a resumed call', () => {
  it('shows dates as read, beside what was typed; other answers as typed', () => {
    const ctx = testContext({ timeZone: 'America/New_York', now: () => new Date('2026-11-30T14:00:00Z') });
    const record = makeCall({
      status: 'in-progress',
      answers: [
        answer('Name', 'text', 'Ann'),
        answer('Their zone', 'text', 'America/Chicago', { raw: 'CT' }),
        answer('By when', 'datetime', '2026-11-24', { raw: '+1d' }),
        answer('Callback when', 'datetime', '2026-11-25T16:00:00.000Z', { raw: 'wed 10am', timeZone: 'America/Chicago' }),
        answer('Back by', 'datetime', '2026-11-23T15:30:00.000Z'),
      ],
    });
    printResumeRecap(ctx, record, new Chalk({ level: 0 }));
    const lines = stripVTControlCharacters(ctx.out()).split('\n');
    expect(lines).toContain('  Name: Ann');
    expect(lines).toContain('  Their zone: CT');
    expect(lines).toContain('  By when: +1d → Tue 24 Nov 2026');
    expect(lines).toContain('  Callback when: wed 10am → Wed 25 Nov 2026 10:00 America/Chicago');
    expect(lines).toContain('  Back by: Mon 23 Nov 2026 10:30');
  });
});
