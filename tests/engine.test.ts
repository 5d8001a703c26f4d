import { describe, expect, it } from 'vitest';
import { definePlaybook } from '../src/playbook/types.js';
import {
  answersOf,
  applyAnswer,
  coerceAnswer,
  matchChoice,
  missingRequired,
  newCallRecord,
  nextStep,
  stagePosition,
  type StepRef,
} from '../src/engine/callEngine.js';
import { runCall, type CallPrompter } from '../src/engine/runCall.js';
import type { CallRecord } from '../src/domain/callRecord.js';
import { callRecordSchema } from '../src/domain/callRecord.js';

const now = new Date('2026-11-23T14:00:00Z');
const opts = { now, timeZone: 'UTC' };

const playbook = definePlaybook({
  id: 'mini',
  title: 'Mini',
  description: 'A tiny playbook for engine tests',
  version: '1',
  stages: [
    {
      id: 'who',
      title: 'Who',
      tip: 'Ask their name.',
      steps: [
        { id: 'name', question: 'Name?', type: 'text', meaning: 'customer.name' },
        { id: 'phone', question: 'Phone?', type: 'text', meaning: 'customer.phone' },
        { id: 'mood', question: 'Mood?', type: 'choice', choices: ['angry', 'calm'], meaning: 'mood.start' },
      ],
    },
    {
      id: 'listen',
      title: 'Listen',
      tip: (a) => (a['who.mood'] === 'angry' ? 'Let them vent.' : 'Listen.'),
      steps: [
        { id: 'story', question: 'Story', type: 'longtext', meaning: 'problem.story' },
        { id: 'later', question: 'Questions for later', type: 'list', meaning: 'queries' },
        { id: 'paraphrase', question: 'Paraphrase', type: 'text', required: true, meaning: 'problem.paraphrase' },
      ],
    },
    {
      id: 'decide',
      title: 'Decide',
      tip: 'Solve or escalate.',
      steps: [
        { id: 'path', question: 'Solve or escalate?', type: 'choice', choices: [{ value: 'solve', label: 'Solve now' }, { value: 'escalate', label: 'Escalate' }], required: true },
        { id: 'team', question: 'To whom?', type: 'text', meaning: 'escalation.to', when: (a) => a['decide.path'] === 'escalate', required: true },
        { id: 'handoff', question: 'Handoff note', type: 'longtext', meaning: 'escalation.handoff', when: (a) => a['decide.path'] === 'escalate', required: true },
      ],
    },
    {
      id: 'close',
      title: 'Close',
      tip: 'Promise only what you can keep.',
      steps: [
        { id: 'outcome', question: 'Outcome', type: 'choice', choices: ['resolved', 'escalated'], required: true, meaning: 'outcome' },
        { id: 'promised', question: 'Promise anything?', type: 'yesno' },
        { id: 'promise', question: 'What?', type: 'text', meaning: 'promise.text', when: (a) => a['close.promised'] === true },
        { id: 'promiseDue', question: 'By when?', type: 'datetime', meaning: 'promise.due', when: (a) => a['close.promised'] === true, required: true },
        { id: 'callback', question: 'Call back about?', type: 'text', meaning: 'followup.text' },
        { id: 'callbackDue', question: 'When?', type: 'datetime', meaning: 'followup.due', when: (a) => Boolean(a['close.callback']), required: true },
        { id: 'repeat', question: 'Repeat every N days?', type: 'number', meaning: 'followup.repeatDays', when: (a) => Boolean(a['close.callback']) },
        { id: 'moodEnd', question: 'Mood now?', type: 'choice', choices: ['angry', 'calm'], meaning: 'mood.end' },
      ],
    },
  ],
});

function blankRecord(): CallRecord {
  return newCallRecord({ id: '20261123-140000-abc123', agent: 'sam', startedAt: now, playbook: { id: 'mini', version: '1', title: 'Mini' } });
}

/** Answers from a table, one step at a time, as a scripted agent would. */
function scripted(values: Record<string, unknown>): CallPrompter & { asked: string[]; intros: string[] } {
  const asked: string[] = [];
  const intros: string[] = [];
  return {
    asked,
    intros,
    stageIntro: (intro) => intros.push(`${intro.title} ${intro.number}/${intro.total}: ${intro.tip}`),
    async ask(request) {
      asked.push(request.ref.fullId);
      const result = request.coerce(values[request.ref.fullId]);
      if (!result.ok) throw new Error(`${request.ref.fullId}: ${result.message}`);
      return result;
    },
  };
}

describe('coerceAnswer', () => {
  const step = (over: Partial<StepRef['step']>) => ({ id: 's', question: 'q', type: 'text' as const, ...over });
  it.each([
    [step({ type: 'yesno' }), 'Y', true],
    [step({ type: 'yesno' }), 'no', false],
    [step({ type: 'number' }), '3,5', 3.5],
    [step({ type: 'choice', choices: ['billing', 'technical'] }), 'bil', 'billing'],
    [step({ type: 'choice', choices: ['billing', 'technical'] }), 'TECHNICAL', 'technical'],
    [step({ type: 'choice', choices: ['billing', 'technical'] }), '2', 'technical'],
    [step({ type: 'multichoice', choices: ['a1', 'b2', 'c3'] }), 'a1, c', ['a1', 'c3']],
    [step({ type: 'list' }), 'one\n\n two \n', ['one', 'two']],
    [step({ type: 'longtext' }), ['line 1', 'line 2'], 'line 1\nline 2'],
    [step({ type: 'datetime' }), '2026-11-27 10:00', '2026-11-27T10:00:00.000Z'],
    [step({ type: 'date' }), '2026-12-01', '2026-12-01'],
    [step({}), '', null],
  ])('%o with %o gives %o', (s, input, expected) => {
    const result = coerceAnswer(s, input, opts);
    expect(result).toMatchObject({ ok: true, value: expected });
  });

  it.each([
    [step({ required: true }), '', /an answer is needed/],
    [step({ type: 'choice', choices: ['billing', 'technical'] }), 'xyz', /not a choice; expected one of: billing, technical/],
    [step({ type: 'yesno' }), 'maybe', /expected yes or no/],
    [step({ type: 'number' }), 'ten', /expected a number/],
    [step({ type: 'datetime' }), 'next blue moon', /not a date/],
    [step({ type: 'text' }), { a: 1 }, /got a object/],
    [step({ type: 'text', validate: (v) => (String(v).length > 3 ? true : 'too short') }), 'ab', /too short/],
  ])('refuses %o with %o', (s, input, message) => {
    const result = coerceAnswer(s, input, opts);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('refuses a due date that has already passed, instead of booking it overdue (issue 15, item 17)', () => {
    // now: Monday 23 November 2026, 14:00 UTC.
    const due = (type: 'date' | 'datetime', meaning: 'promise.due' | 'followup.due') => step({ type, meaning });
    expect(coerceAnswer(due('datetime', 'followup.due'), 'today 9am', opts)).toEqual({
      ok: false,
      message: 'Mon 23 Nov 2026 09:00 has already passed: a due date must be ahead',
    });
    expect(coerceAnswer(due('date', 'promise.due'), 'yesterday', opts)).toMatchObject({ ok: false, message: /^Sun 22 Nov 2026 has already passed/ });
    expect(coerceAnswer(due('datetime', 'promise.due'), 'today 8am America/New_York', opts)).toMatchObject({
      ok: false,
      message: 'Mon 23 Nov 2026 08:00 America/New_York has already passed: a due date must be ahead',
    });
    // Still ahead: today as a day, 'now', a time later today, the customer's 9am where it is not 9am yet.
    expect(coerceAnswer(due('date', 'promise.due'), 'today', opts)).toMatchObject({ ok: true, value: '2026-11-23' });
    expect(coerceAnswer(due('datetime', 'followup.due'), 'now', opts)).toMatchObject({ ok: true });
    expect(coerceAnswer(due('datetime', 'followup.due'), 'today 15:00', opts)).toMatchObject({ ok: true });
    expect(coerceAnswer(due('datetime', 'followup.due'), 'today 9am America/Los_Angeles', opts)).toMatchObject({ ok: true });
    // A date that is not a due date may be in the past ("when did it start?").
    expect(coerceAnswer(step({ type: 'date' }), 'yesterday', opts)).toMatchObject({ ok: true, value: '2026-11-22' });
  });

  it("reads the customer's zone as typed by US agents, stored by its IANA name (issue 15, item 13)", () => {
    const zone = step({ meaning: 'customer.zone' });
    expect(coerceAnswer(zone, 'CT', opts)).toEqual({ ok: true, value: 'America/Chicago', raw: 'CT' });
    expect(coerceAnswer(zone, 'pdt', opts)).toEqual({ ok: true, value: 'America/Los_Angeles', raw: 'pdt' });
    expect(coerceAnswer(zone, 'Europe/Paris', opts)).toEqual({ ok: true, value: 'Europe/Paris' });
    expect(coerceAnswer(zone, '', opts)).toEqual({ ok: true, value: null });
    expect(coerceAnswer(zone, 'BST', opts)).toEqual({ ok: false, message: '"BST" is not a time zone: type an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT' });
    // A region's name typed with a typo is read as it; a place's name gets a suggestion.
    expect(coerceAnswer(zone, 'eastrn', opts)).toEqual({ ok: true, value: 'America/New_York', raw: 'eastrn' });
    expect(coerceAnswer(zone, 'Pacfic', opts)).toEqual({ ok: true, value: 'America/Los_Angeles', raw: 'Pacfic' });
    expect(coerceAnswer(zone, 'America/Chicgo', opts)).toEqual({
      ok: false,
      message: '"America/Chicgo" is not a time zone (did you mean America/Chicago?): type an IANA name like America/Chicago, or ET, CT, MT, PT, AKT, HT',
    });
    expect(coerceAnswer(zone, 'east', opts)).toMatchObject({ ok: false });
  });

  it("reads a date about the customer in their zone once it is known; a zone typed with it still wins", () => {
    const callback = step({ type: 'datetime', meaning: 'followup.due', zone: 'customer' });
    const chicago = { ...opts, customerTimeZone: 'America/Chicago' };
    // Tomorrow 10:00 in Chicago is 16:00 UTC.
    expect(coerceAnswer(callback, 'tomorrow 10:00', chicago)).toEqual({ ok: true, value: '2026-11-24T16:00:00.000Z', raw: 'tomorrow 10:00', timeZone: 'America/Chicago' });
    expect(coerceAnswer(callback, 'tomorrow 10:00 PT', chicago)).toMatchObject({ value: '2026-11-24T18:00:00.000Z', timeZone: 'America/Los_Angeles' });
    // Their zone not known: the agent's, as before.
    expect(coerceAnswer(callback, 'tomorrow 10:00', opts)).toEqual({ ok: true, value: '2026-11-24T10:00:00.000Z', raw: 'tomorrow 10:00' });
    // A step not about the customer stays in the agent's zone; a day is the customer's day.
    expect(coerceAnswer(step({ type: 'datetime' }), 'tomorrow 10:00', chicago)).toMatchObject({ value: '2026-11-24T10:00:00.000Z' });
    expect(coerceAnswer(step({ type: 'date', zone: 'customer' }), 'tomorrow', chicago)).toEqual({ ok: true, value: '2026-11-24', raw: 'tomorrow', timeZone: 'America/Chicago' });
    // Slash dates are read the agent's way (day/month in UTC), not by the customer's US zone.
    expect(coerceAnswer(callback, '01/12 10:00', chicago)).toMatchObject({ value: '2026-12-01T16:00:00.000Z' });
  });

  it('keeps a callback or promise given as a day as that day, not its midnight; other date-times keep the instant', () => {
    const callback = step({ type: 'datetime', meaning: 'followup.due', zone: 'customer' });
    expect(coerceAnswer(callback, 'friday', opts)).toEqual({ ok: true, value: '2026-11-27', raw: 'friday' });
    expect(coerceAnswer(callback, 'friday', { ...opts, customerTimeZone: 'America/Chicago' })).toEqual({ ok: true, value: '2026-11-27', raw: 'friday', timeZone: 'America/Chicago' });
    expect(coerceAnswer(step({ type: 'datetime', meaning: 'promise.due' }), 'friday', opts)).toMatchObject({ value: '2026-11-27' });
    expect(coerceAnswer(step({ type: 'datetime' }), 'friday', opts)).toMatchObject({ value: '2026-11-27T00:00:00.000Z' });
  });

  it('needs a unique prefix to match a choice', () => {
    expect(matchChoice('c', [{ value: 'calm' }, { value: 'curious' }])).toBeUndefined();
    expect(matchChoice('ca', [{ value: 'calm' }, { value: 'curious' }])?.value).toBe('calm');
  });
});

describe('nextStep and conditions', () => {
  it('skips steps whose condition is false and counts only stages that apply', () => {
    const answers = { 'who.name': 'A', 'who.phone': null, 'who.mood': 'calm', 'listen.story': null, 'listen.later': [], 'listen.paraphrase': 'p', 'decide.path': 'solve' };
    expect(nextStep(playbook, answers)?.fullId).toBe('close.outcome');
    expect(nextStep(playbook, { ...answers, 'decide.path': 'escalate' })?.fullId).toBe('decide.team');
    expect(stagePosition(playbook, 3, answers)).toEqual({ number: 4, total: 4 });
  });

  it('counts a stage of a branch not yet taken, so "stage 3 of 6" is not "stage 1 of 5" first (issue 15, item 17)', () => {
    const stage = (id: string, when?: (a: Record<string, unknown>) => boolean) => ({
      id,
      title: id,
      tip: 'Tip.',
      steps: [{ id: 'q', question: 'Q?', type: 'yesno' as const }],
      ...(when ? { when } : {}),
    });
    const branching = definePlaybook({
      id: 'branching',
      title: 'Branching',
      description: 'A stage only for those who say yes',
      version: '1',
      stages: [stage('a'), stage('b'), stage('c'), stage('extra', (a) => a['b.q'] === true), stage('d'), stage('e')],
    });
    expect(stagePosition(branching, 0, {})).toEqual({ number: 1, total: 6 });
    expect(stagePosition(branching, 2, { 'a.q': true, 'b.q': true })).toEqual({ number: 3, total: 6 });
    expect(stagePosition(branching, 3, { 'a.q': true, 'b.q': true, 'c.q': true })).toEqual({ number: 4, total: 6 });
    // The branch decided against it: it is no longer counted, ahead or behind.
    expect(stagePosition(branching, 2, { 'a.q': true, 'b.q': false })).toEqual({ number: 3, total: 5 });
    expect(stagePosition(branching, 4, { 'a.q': true, 'b.q': false, 'c.q': true })).toEqual({ number: 4, total: 5 });
  });

  it('lists required steps still missing', () => {
    expect(missingRequired(playbook, { 'decide.path': 'escalate' }).map((r) => r.fullId)).toEqual([
      'listen.paraphrase',
      'decide.path',
      'decide.team',
      'decide.handoff',
      'close.outcome',
    ].filter((id) => id !== 'decide.path'));
  });
});

describe('runCall', () => {
  it('walks the playbook, saves after every answer and derives the record', async () => {
    const saves: CallRecord[] = [];
    let clock = now.getTime();
    const prompter = scripted({
      'who.name': 'Ana Lima',
      'who.phone': '+1 555 0100',
      'who.mood': 'angry',
      'listen.story': ['Charged twice', 'for November'],
      'listen.later': ['which card?'],
      'listen.paraphrase': 'You were charged twice for November and want one charge refunded.',
      'decide.path': 'escalate',
      'decide.team': 'Billing',
      'decide.handoff': 'Double charge; refund one; customer upset.',
      'close.outcome': 'escalated',
      'close.promised': 'yes',
      'close.promise': 'Refund within 5 days',
      'close.promiseDue': '2026-11-28 17:00',
      'close.callback': 'Confirm refund arrived',
      'close.callbackDue': '2026-11-27 10:00',
      'close.repeat': '2',
      'close.moodEnd': 'calm',
    });
    // The agent takes 30 s over each answer.
    const timedPrompter: CallPrompter = {
      stageIntro: prompter.stageIntro,
      ask: async (request) => {
        clock += 30_000;
        return prompter.ask(request);
      },
    };
    const finished = await runCall({
      playbook,
      record: blankRecord(),
      prompter: timedPrompter,
      save: async (r) => {
        const saved = { ...r, revision: r.revision + 1 };
        saves.push(saved);
        return saved;
      },
      now: () => new Date(clock),
      timeZone: 'UTC',
      agent: 'sam',
    });
    expect(saves).toHaveLength(prompter.asked.length + 1);
    expect(prompter.intros[1]).toBe('Listen 2/4: Let them vent.');
    expect(finished.status).toBe('completed');
    expect(callRecordSchema().safeParse(finished).success).toBe(true);
    expect(finished.customer).toEqual({ name: 'Ana Lima', phone: '+1 555 0100' });
    expect(finished.problem.story).toBe('Charged twice\nfor November');
    expect(finished.queries).toEqual(['which card?']);
    expect(finished.escalation).toEqual({ to: 'Billing', handoffNote: 'Double charge; refund one; customer upset.' });
    expect(finished.outcome).toBe('escalated');
    expect(finished.mood).toEqual({ start: 'angry', end: 'calm' });
    expect(finished.promises).toEqual([
      { id: '20261123-140000-abc123.p1', text: 'Refund within 5 days', madeAt: expect.any(String), due: '2026-11-28T17:00:00.000Z' },
    ]);
    expect(finished.followups).toHaveLength(1);
    expect(finished.followups[0]).toMatchObject({
      id: '20261123-140000-abc123.f1',
      text: 'Confirm refund arrived',
      due: '2026-11-27T10:00:00.000Z',
      status: 'open',
      owner: 'sam',
      promiseId: '20261123-140000-abc123.p1',
      repeatEveryDays: 2,
    });
    expect(Object.values(finished.stageSeconds).reduce((a, b) => a + b, 0)).toBe(prompter.asked.length * 30);
    expect(answersOf(finished)['close.promised']).toBe(true);
    // Each answer keeps what it meant, for show to read it by (a list of questions, a due date).
    expect(finished.answers.find((a) => a.stepId === 'listen.later')?.meaning).toBe('queries');
    expect(finished.answers.find((a) => a.stepId === 'close.promised')).not.toHaveProperty('meaning');
  });

  /** Step `step` of stage `stage` of the test playbook, as the engine addresses it. */
  const ref = (stage: number, step: number): StepRef => {
    const s = playbook.stages[stage]!;
    return { stageIndex: stage, stage: s, step: s.steps[step]!, fullId: `${s.id}.${s.steps[step]!.id}` };
  };

  it('a promise with a date and no follow-up still gets one', async () => {
    const record = blankRecord();
    const meta = { at: now, by: 'sam', timeZone: 'UTC' };
    let next = applyAnswer(playbook, record, ref(3, 2), { ok: true, value: 'Send a new router' }, meta);
    next = applyAnswer(playbook, next, ref(3, 3), { ok: true, value: '2026-11-25T12:00:00.000Z' }, meta);
    expect(next.followups).toHaveLength(1);
    expect(next.followups[0]).toMatchObject({ text: 'Check this promise was kept: Send a new router', due: '2026-11-25T12:00:00.000Z' });
    expect(next.followups[0]!.allDay).toBeUndefined();
  });

  it('a promise for a day ("by Friday", stored as its midnight) gets a check for that day, not for 00:00', async () => {
    const record = blankRecord();
    const meta = { at: now, by: 'sam', timeZone: 'Europe/Paris' };
    let next = applyAnswer(playbook, record, ref(3, 2), { ok: true, value: 'Send a new router' }, meta);
    // Friday 27 November, midnight in Paris.
    next = applyAnswer(playbook, next, ref(3, 3), { ok: true, value: '2026-11-26T23:00:00.000Z' }, meta);
    expect(next.followups[0]).toMatchObject({ due: '2026-11-26T23:00:00.000Z', allDay: true });
  });

  it("a date whose promise text was skipped dates nothing: it never re-dates the promise before it", async () => {
    const twoPromises = definePlaybook({
      ...playbook,
      stages: [
        {
          id: 'p',
          title: 'Promises',
          tip: 'Every promise gets a date.',
          steps: [
            { id: 'first', question: 'What?', type: 'text', meaning: 'promise.text' },
            { id: 'firstDue', question: 'By when?', type: 'datetime', meaning: 'promise.due' },
            { id: 'second', question: 'What else?', type: 'text', meaning: 'promise.text' },
            { id: 'secondDue', question: 'By when?', type: 'datetime', meaning: 'promise.due' },
          ],
        },
      ],
    });
    const step = (index: number): StepRef => {
      const stage = twoPromises.stages[0]!;
      return { stageIndex: 0, stage, step: stage.steps[index]!, fullId: `p.${stage.steps[index]!.id}` };
    };
    const meta = { at: now, by: 'sam', timeZone: 'UTC' };
    let next = applyAnswer(twoPromises, blankRecord(), step(0), { ok: true, value: 'Refund' }, meta);
    next = applyAnswer(twoPromises, next, step(1), { ok: true, value: '2026-11-25T12:00:00.000Z' }, meta);
    next = applyAnswer(twoPromises, next, step(2), { ok: true, value: null }, meta);
    next = applyAnswer(twoPromises, next, step(3), { ok: true, value: '2026-12-25T12:00:00.000Z' }, meta);
    expect(next.promises).toEqual([expect.objectContaining({ text: 'Refund', due: '2026-11-25T12:00:00.000Z' })]);
  });

  it("books the callback in the customer's zone asked earlier in the call, and offers a zone already known as the default", async () => {
    const zoned = definePlaybook({
      id: 'zoned',
      title: 'Zoned',
      description: 'A callback in their time',
      version: '1',
      stages: [
        {
          id: 'call',
          title: 'Call',
          tip: 'Book it in their time.',
          steps: [
            { id: 'zone', question: 'Their zone?', type: 'text', meaning: 'customer.zone' },
            { id: 'about', question: 'About?', type: 'text', meaning: 'followup.text' },
            { id: 'when', question: 'When?', type: 'datetime', meaning: 'followup.due', zone: 'customer', default: 'tomorrow 10:00' },
          ],
        },
      ],
    });
    // An agent who presses Enter wherever no value is given: the default, if any, is taken.
    const run = async (values: Record<string, unknown>, record = blankRecord()) => {
      const defaults: unknown[] = [];
      const prompter: CallPrompter = {
        stageIntro: () => {},
        async ask(request) {
          defaults.push(request.defaultValue);
          const result = request.coerce(request.ref.fullId in values ? values[request.ref.fullId] : request.defaultValue);
          if (!result.ok) throw new Error(result.message);
          return result;
        },
      };
      const done = await runCall({ playbook: zoned, record, prompter, save: async (r) => r, now: () => now, timeZone: 'UTC', agent: 'sam' });
      return { done, defaults };
    };
    const { done } = await run({ 'call.zone': 'CT', 'call.about': 'Refund' });
    expect(done.customer.zone).toBe('America/Chicago');
    expect(done.followups[0]).toMatchObject({ text: 'Refund', due: '2026-11-24T16:00:00.000Z', timeZone: 'America/Chicago' });

    // Known from an earlier call (set on the record before the step): Enter keeps it.
    const known = { ...blankRecord(), customer: { zone: 'America/Denver' } };
    const again = await run({ 'call.about': 'Refund' }, known);
    expect(again.defaults[0]).toBe('America/Denver');
    expect(again.done.customer.zone).toBe('America/Denver');
    expect(again.done.followups[0]).toMatchObject({ due: '2026-11-24T17:00:00.000Z', timeZone: 'America/Denver' });
  });

  it('continues where a saved call stopped (resume)', async () => {
    const first = scripted({ 'who.name': 'Bo', 'who.phone': '1', 'who.mood': 'calm' });
    const stop = new Error('closed');
    let saved = blankRecord();
    const failing: CallPrompter = {
      ...first,
      async ask(request) {
        if (request.ref.stage.id === 'listen') throw stop;
        return first.ask(request);
      },
    };
    const save = async (r: CallRecord) => (saved = { ...r, revision: r.revision + 1 });
    await expect(runCall({ playbook, record: saved, prompter: failing, save, now: () => now, timeZone: 'UTC', agent: 'sam' })).rejects.toBe(stop);
    expect(saved.status).toBe('in-progress');
    expect(saved.answers.map((a) => a.stepId)).toEqual(['who.name', 'who.phone', 'who.mood']);
    const second = scripted({ 'listen.paraphrase': 'p', 'decide.path': 'solve', 'close.outcome': 'resolved', 'close.promised': 'no' });
    const done = await runCall({ playbook, record: saved, prompter: second, save, now: () => now, timeZone: 'UTC', agent: 'sam' });
    expect(second.asked[0]).toBe('listen.story');
    expect(second.asked).not.toContain('who.name');
    expect(done.status).toBe('completed');
    expect(done.customer.name).toBe('Bo');
  });
});
