import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderCallSummary, summaryAsMarkdown } from '../src/render/callSummary.js';
import { makeCall } from './fixtures/makeCall.js';

const plain = new Chalk({ level: 0 });
const NOW = new Date('2026-11-23T14:00:00Z');

describe('the ticket summary', () => {
  it('tells the story of the call, compact and in its order (issue 15, item 12)', () => {
    const record = makeCall({
      problem: {
        paraphrase: 'The refund for the double charge has not arrived.',
        category: 'billing',
        wants: 'money back',
        story: 'Refund never arrived, was promised last week\n? which card was it\n\nThreatening to cancel and post on social media',
      },
      queries: ['which card was it'],
      facts: 'Refund approved 16 Nov, never sent.',
      escalation: { to: 'Billing L2', handoffNote: 'Second call about it; customer angry, now calm.' },
      options: ['refund to the card', 'credit on the next bill'],
      resolution: 'Escalated to billing.',
      outcome: 'escalated',
    });
    const summary = renderCallSummary(record, { timeZone: 'UTC', now: NOW, color: plain });
    const labels = summary.split('\n').map((line) => /^([A-Z][\w ]+):/.exec(line)?.[1]).filter(Boolean);
    expect(labels).toEqual([
      'Customer', 'When', 'Problem', 'Category',
      'They said', 'Wants', 'Questions noted', 'Found', 'Escalated to', 'Handoff note', 'Offered', 'Done', 'Outcome', 'Mood',
    ]);
    // The notes as typed, without empty lines or the parked question (listed once, under its heading).
    expect(summary).toContain('They said:\n    Refund never arrived, was promised last week\n    Threatening to cancel and post on social media\nWants:');
    expect(summary).toContain('Questions noted:\n  - which card was it\n');
    expect(summary).toContain('Found:         Refund approved 16 Nov, never sent.\n');
    expect(summary).toContain('Offered:       refund to the card; credit on the next bill\n');
  });

  it('with no read-back, the notes are the problem, not said twice', () => {
    const summary = renderCallSummary(makeCall({ problem: { story: 'Router blinks red\n? since when' } }), { timeZone: 'UTC', now: NOW, color: plain });
    expect(summary).toContain('Problem:       Router blinks red\n');
    expect(summary).not.toContain('They said');
  });
});

describe('summaryAsMarkdown', () => {
  it('ends a list or a quote with a blank line before the next label, so the label is not read into its last item', () => {
    const plain = ['Call 20261120-090000-abc123', 'Questions noted:', '  - which card was it paid with', 'Found:    Refund approved 16 Nov', 'Notes:', '    rang twice', 'Mood:     calm'].join('\n');
    expect(summaryAsMarkdown(plain)).toBe(
      [
        '### Call 20261120-090000-abc123',
        '**Questions noted:**',
        '',
        '- which card was it paid with',
        '',
        '**Found:** Refund approved 16 Nov  ',
        '**Notes:**',
        '',
        '> rang twice  ',
        '',
        '**Mood:** calm  ',
      ].join('\n'),
    );
  });
});

describe('the mood in the summary', () => {
  it('is start → end, or the one end a playbook asked for, said as which', () => {
    const moodLine = (mood: { start?: 'calm' | 'upset'; end?: 'calm' | 'upset' }) =>
      renderCallSummary(makeCall({ mood }), { timeZone: 'UTC', now: NOW, color: plain }).split('\n').find((line) => line.startsWith('Mood:'));
    expect(moodLine({ start: 'upset', end: 'calm' })).toMatch(/^Mood: +upset → calm$/);
    expect(moodLine({ start: 'upset' })).toMatch(/^Mood: +upset at the start$/);
    expect(moodLine({ end: 'calm' })).toMatch(/^Mood: +calm at the end$/);
    expect(moodLine({})).toBeUndefined();
  });
});

describe('what the summary gathers', () => {
  it('a question parked twice once; the notes added to the call, with who and when', () => {
    const record = makeCall({
      queries: ['Which card was it?', 'which card was it? ', 'When did it start?'],
      notes: [{ at: '2026-11-23T13:55:00.000Z', by: 'supervisor', text: 'Refund approved by billing' }],
    });
    const text = renderCallSummary(record, { timeZone: 'UTC', now: NOW, color: plain });
    expect(text).toContain('Questions noted:\n  - Which card was it?\n  - When did it start?\n');
    expect(text).toContain('Notes:\n  - Mon 23 Nov 2026 13:55 supervisor: Refund approved by billing');
  });
});

describe('summaryAsMarkdown: what the agent typed stays text', () => {
  it('a line of the notes starting like a list, a heading, a rule or a quote is escaped', () => {
    const plain = ['Call x', 'They said:', '    1. numbered', '    - dash item', '    ---', '    # heading', '    > quoted', '    plain words'].join('\n');
    const md = summaryAsMarkdown(plain);
    expect(md).toContain('> 1\\. numbered  \n> \\- dash item  \n> \\---  \n> \\# heading  \n> \\> quoted  \n> plain words  ');
  });
});
