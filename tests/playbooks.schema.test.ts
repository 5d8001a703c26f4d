import { describe, expect, it } from 'vitest';
import { assertPlaybook, checkPlaybook, closestMatch, PlaybookError } from '../src/playbook/playbookSchema.js';
import { formatIssuePath } from '../src/errors.js';

// A small valid playbook; each case breaks one thing in a fresh copy.
function playbook(): any {
  return {
    id: 'mine',
    title: 'Mine',
    description: 'for tests',
    version: '1',
    stages: [
      { id: 'open', title: 'Open', tip: 'Say hello.', steps: [{ id: 'name', question: 'Name?', type: 'text' }] },
      {
        id: 'close',
        title: 'Close',
        tip: 'Say goodbye.',
        steps: [{ id: 'code', question: 'Outcome?', type: 'choice', choices: ['resolved', { value: 'callback', label: 'We call back' }] }],
      },
    ],
  };
}

/** The problems as `path: message` lines, as users see them (minus the file). */
function problemsOf(value: unknown): string[] {
  return checkPlaybook(value).map((problem) => `${formatIssuePath(problem.path)}: ${problem.message}`);
}

const cases: Array<[string, (p: any) => void, string[]]> = [
  [
    'a choice step with no choices',
    (p) => delete p.stages[1].steps[0].choices,
    ['stages[1].steps[0].choices: a choice step needs at least one choice'],
  ],
  [
    'a multichoice step with an empty list',
    (p) => Object.assign(p.stages[1].steps[0], { type: 'multichoice', choices: [] }),
    ['stages[1].steps[0].choices: a multichoice step needs at least one choice'],
  ],
  [
    'an outcome or a mood asked as free text',
    (p) => p.stages[0].steps.push({ id: 'code', question: 'Outcome?', type: 'text', meaning: 'outcome' }, { id: 'felt', question: 'Mood?', type: 'text', meaning: 'mood.start' }),
    [
      'stages[0].steps[1].meaning: "outcome" needs a choice step (stats counts its codes); this step\'s type is "text"',
      'stages[0].steps[2].meaning: "mood.start" needs a choice step (stats counts its codes); this step\'s type is "text"',
    ],
  ],
  [
    'choices on a text step',
    (p) => (p.stages[0].steps[0].choices = ['a']),
    ['stages[0].steps[0].choices: only choice and multichoice steps take choices; this step\'s type is "text"'],
  ],
  [
    'duplicate stage ids',
    (p) => (p.stages[1].id = 'open'),
    ['stages[1].id: duplicate stage id "open" (also stages[0].id); stage ids must be unique'],
  ],
  [
    'duplicate step ids in a stage',
    (p) => p.stages[0].steps.push({ id: 'name', question: 'Again?', type: 'text' }),
    ['stages[0].steps[1].id: duplicate step id "name" in stage "open" (also steps[0].id); step ids must be unique within a stage'],
  ],
  [
    'duplicate choice values',
    (p) => p.stages[1].steps[0].choices.push('resolved'),
    ['stages[1].steps[0].choices[2]: duplicate choice value "resolved"; each choice needs its own value'],
  ],
  [
    'an unknown step type, with a suggestion',
    (p) => (p.stages[0].steps[0].type = 'txt'),
    ['stages[0].steps[0].type: unknown step type "txt" (did you mean "text"?); accepted: text, longtext, choice, multichoice, yesno, date, datetime, number, list'],
  ],
  [
    'an unknown meaning',
    (p) => (p.stages[0].steps[0].meaning = 'customer.nmae'),
    [expect.stringMatching(/^stages\[0\]\.steps\[0\]\.meaning: unknown meaning "customer\.nmae" \(did you mean "customer\.name"\?\); accepted: customer\.name, /)] as never,
  ],
  [
    'an id with capitals and spaces',
    (p) => (p.stages[0].id = 'Open Up'),
    ['stages[0].id: "Open Up" is not a valid id: use lowercase letters, digits, "-" and "_", starting with a letter (like "check-account")'],
  ],
  ['an id starting with a digit', (p) => (p.id = '1st'), [expect.stringMatching(/^id: "1st" is not a valid id/)] as never],
  ['no stages', (p) => (p.stages = []), ['stages: a playbook needs at least one stage']],
  ['a stage with no steps', (p) => (p.stages[0].steps = []), ['stages[0].steps: a stage needs at least one step']],
  ['a missing question', (p) => delete p.stages[0].steps[0].question, ['stages[0].steps[0].question: missing: the question the agent reads']],
  ['a version that is a number', (p) => (p.version = 2), ['version: must be text (the playbook version, like "1.0"), not 2']],
  [
    'a misspelt field',
    (p) => (p.stages[0].steps[0].quesiton = 'x'),
    ['stages[0].steps[0].quesiton: unknown field (did you mean "question"?); accepted: id, question, type, choices, required, default, when, validate, meaning, hint, zone, formerly'],
  ],
  [
    'a choice that is neither text nor an object',
    (p) => p.stages[1].steps[0].choices.push(3),
    ['stages[1].steps[0].choices[2]: a choice is text or { value, label?, hint? }, not 3'],
  ],
  ['a when that is not a function', (p) => (p.stages[0].when = true), ['stages[0].when: must be a function of the answers so far returning true or false, not true']],
  [
    'a step when that throws with no answers',
    (p) => (p.stages[0].steps[0].when = (a: any) => a['open.name'].length > 0),
    [
      "stages[0].steps[0].when: throws when called with no answers ({}): TypeError: Cannot read properties of undefined (reading 'length'); skipped steps have no answer, so check for a missing one first",
    ],
  ],
  [
    'a stage when that throws',
    (p) => (p.stages[1].when = () => {
      throw new Error('boom');
    }),
    ['stages[1].when: throws when called with no answers ({}): Error: boom; skipped steps have no answer, so check for a missing one first'],
  ],
  [
    'a when returning something else than true or false',
    (p) => (p.stages[1].steps[0].when = (a: any) => a['open.name']),
    ['stages[1].steps[0].when: must return true or false; with no answers ({}) it returned nothing'],
  ],
  [
    'a tip function that throws',
    (p) => (p.stages[0].tip = (a: any) => a.x.y),
    [expect.stringMatching(/^stages\[0\]\.tip: throws when called with no answers/)] as never,
  ],
  ['a tip that is a number', (p) => (p.stages[0].tip = 5), ['stages[0].tip: must be text or a function of the answers returning text, not 5']],
  [
    'a default not among the choices',
    (p) => (p.stages[1].steps[0].default = 'fixed'),
    ['stages[1].steps[0].default: is "fixed", which is not among the choices ("resolved", "callback")'],
  ],
  [
    'a default of the wrong type',
    (p) => Object.assign(p.stages[0].steps[0], { type: 'yesno', default: 'yes' }),
    ['stages[0].steps[0].default: is "yes", but a yesno step takes true or false'],
  ],
  [
    'a default function returning the wrong type',
    (p) => Object.assign(p.stages[0].steps[0], { type: 'number', default: () => 'five' }),
    ['stages[0].steps[0].default: with no answers ({}) it returned "five", but a number step takes a number'],
  ],
  [
    'a due date on a text step',
    (p) => p.stages[0].steps.push({ id: 'call', question: 'Call about?', type: 'text', meaning: 'followup.text' }, { id: 'when', question: 'When?', type: 'text', meaning: 'followup.due' }),
    ['stages[0].steps[2].meaning: "followup.due" needs a date or datetime step; this step\'s type is "text"'],
  ],
  [
    'a promise date with no promise text (the README example lost its promise: issue 15, item 3)',
    (p) => p.stages[1].steps.push({ id: 'when', question: 'Label sent by', type: 'datetime', meaning: 'promise.due' }),
    [
      'stages[1].steps[1].meaning: "promise.due" belongs to the promise of a "promise.text" step before it, and there is none: the answer would be lost; add a step with meaning "promise.text" before this one',
    ],
  ],
  [
    'a promise date before its text',
    (p) =>
      p.stages[1].steps.push({ id: 'when', question: 'By when?', type: 'datetime', meaning: 'promise.due' }, { id: 'what', question: 'What?', type: 'text', meaning: 'promise.text' }),
    [
      'stages[1].steps[1].meaning: "promise.due" belongs to the promise of a "promise.text" step before it, and there is none: the answer would be lost; add a step with meaning "promise.text" before this one',
      'stages[1].steps[2].meaning: "promise.text" has no "promise.due" step after it (before the next "promise.text"): every promise needs its date; add a date or datetime step with meaning "promise.due"',
    ],
  ],
  [
    'two promise texts and one date (the first promise has none)',
    (p) => {
      p.stages[0].steps.push({ id: 'what', question: 'What?', type: 'text', meaning: 'promise.text' });
      p.stages[1].steps.push({ id: 'what', question: 'What else?', type: 'text', meaning: 'promise.text' }, { id: 'when', question: 'By when?', type: 'date', meaning: 'promise.due' });
    },
    [
      'stages[0].steps[1].meaning: "promise.text" has no "promise.due" step after it (before the next "promise.text"): every promise needs its date; add a date or datetime step with meaning "promise.due"',
    ],
  ],
  [
    'a callback text with no date',
    (p) => p.stages[1].steps.push({ id: 'call', question: 'Call back about?', type: 'text', meaning: 'followup.text' }),
    [
      'stages[1].steps[1].meaning: "followup.text" has no "followup.due" step after it (before the next "followup.text"): every follow-up needs its date; add a date or datetime step with meaning "followup.due"',
    ],
  ],
  [
    'a callback date and repeat with no callback text',
    (p) =>
      p.stages[1].steps.push({ id: 'when', question: 'When?', type: 'datetime', meaning: 'followup.due' }, { id: 'every', question: 'Every?', type: 'number', meaning: 'followup.repeatDays' }),
    [
      'stages[1].steps[1].meaning: "followup.due" belongs to the follow-up of a "followup.text" step before it, and there is none: the answer would be lost; add a step with meaning "followup.text" before this one',
      'stages[1].steps[2].meaning: "followup.repeatDays" belongs to the follow-up of a "followup.text" step before it, and there is none: the answer would be lost; add a step with meaning "followup.text" before this one',
    ],
  ],
  [
    "the customer's zone on a step that is not a date",
    (p) => (p.stages[0].steps[0].zone = 'customer'),
    ['stages[0].steps[0].zone: only date and datetime steps are read in a zone; this step\'s type is "text"'],
  ],
  ['a zone that is not the customer\'s', (p) => Object.assign(p.stages[0].steps[0], { type: 'date', zone: 'agent' }), [`stages[0].steps[0].zone: must be 'customer' (dates read in the customer's zone), not "agent"`]],
  [
    "the customer's zone asked as a number, or offered among choices that are no zones",
    (p) => {
      Object.assign(p.stages[0].steps[0], { type: 'number', meaning: 'customer.zone' });
      Object.assign(p.stages[1].steps[0], { meaning: 'customer.zone', choices: ['ET', 'Mars/Olympus'] });
    },
    [
      'stages[0].steps[0].meaning: "customer.zone" needs a text or choice step; this step\'s type is "number"',
      'stages[1].steps[0].choices[1]: "Mars/Olympus" is not a time zone: use an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT',
    ],
  ],
  ['a validate that is text', (p) => (p.stages[0].steps[0].validate = 'digits'), [expect.stringMatching(/^stages\[0\]\.steps\[0\]\.validate: must be a function/)] as never],
];

describe('checkPlaybook', () => {
  it('accepts a valid playbook', () => {
    expect(checkPlaybook(playbook())).toEqual([]);
  });

  it.each(cases)('reports %s at the exact field', (_name, breakIt, expected) => {
    const p = playbook();
    breakIt(p);
    expect(problemsOf(p)).toEqual(expected);
  });

  it('accepts functions that cope with missing answers, and computed defaults that fit', () => {
    const p = playbook();
    p.stages[1].when = (a: any) => a['open.name'] !== undefined;
    p.stages[1].tip = (a: any) => (a['open.name'] ? `Thank ${a['open.name']}.` : 'Say goodbye.');
    p.stages[1].steps[0].default = (a: any) => (a['open.name'] ? 'resolved' : undefined);
    p.stages[0].steps.push(
      { id: 'call', question: 'Call about?', type: 'text', meaning: 'followup.text' },
      { id: 'due', question: 'When?', type: 'datetime', default: 'tomorrow 10:00', meaning: 'followup.due' },
      // Two dates for one text in branches that exclude each other: either lands on it.
      { id: 'day', question: 'Which day?', type: 'date', meaning: 'followup.due', when: () => false },
    );
    expect(checkPlaybook(p)).toEqual([]);
  });

  it('calls when with a frozen empty object, exactly once per function', () => {
    const seen: unknown[] = [];
    const p = playbook();
    p.stages[0].steps[0].when = (a: unknown) => {
      seen.push(a);
      return true;
    };
    checkPlaybook(p);
    expect(seen).toEqual([{}]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('says what a default export must be when it is not an object', () => {
    expect(problemsOf(undefined)).toEqual([
      '(top level): the default export must be a playbook object ({ id, title, description, version, stages }), not nothing',
    ]);
    expect(problemsOf([])).toEqual([expect.stringMatching(/must be a playbook object .*not a list$/)]);
  });

  it('lists every missing field of an empty object', () => {
    expect(problemsOf({})).toEqual([
      'id: missing: the playbook id used on the command line',
      'title: missing: the playbook title',
      'description: missing: what the playbook is for',
      'version: missing: the playbook version, like "1.0"',
      'stages: missing: the stages',
    ]);
  });
});

describe('assertPlaybook', () => {
  it('returns the very object it was given', () => {
    const p = playbook();
    expect(assertPlaybook(p, 'mine.ts')).toBe(p);
  });

  it('throws a PlaybookError: one line naming the file and field, all problems kept, exit 2', () => {
    const p = playbook();
    p.stages[1].id = 'open';
    delete p.stages[1].steps[0].choices;
    let error: unknown;
    try {
      assertPlaybook(p, 'my.ts');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlaybookError);
    const playbookError = error as PlaybookError;
    expect(playbookError.exitCode).toBe(2);
    expect(playbookError.problems).toEqual([
      'my.ts: stages[1].id: duplicate stage id "open" (also stages[0].id); stage ids must be unique',
      'my.ts: stages[1].steps[0].choices: a choice step needs at least one choice',
    ]);
    expect(playbookError.message).toBe(
      'my.ts: stages[1].id: duplicate stage id "open" (also stages[0].id); stage ids must be unique (and 1 more problem: csr-call playbooks validate my.ts)',
    );
    expect(playbookError.message).not.toContain('\n');
  });
});

describe('closestMatch', () => {
  it.each([
    ['stnadard', ['standard', 'irate'], 'standard'],
    ['irat', ['standard', 'irate'], 'irate'],
    ['lable', ['value', 'label', 'hint'], 'label'],
    ['billing', ['standard', 'irate'], undefined],
    ['standard', ['standard'], undefined], // an exact match is not a suggestion
  ] as const)('%s among %j → %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });
});
