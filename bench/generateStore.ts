/**
 * Synthetic stores for the benchmarks: N realistic calls, kept under `bench/.stores/` and
 * reused while the generator version and size match.
 *
 * The files are written directly (`callFileWriter`), not through the store's `saveCall`:
 * the same bytes (`serializeCall`) at the same path (`callPath`) with the same modes
 * (0600 files, 0700 directories), but one plain write each, no temporary file, no fsync
 * and no journal. tests/bench.generator.test.ts checks that against `saveCall` itself.
 * Records are made and written one at a time: a store of 300k calls is never all in memory.
 *
 * The calls look like the standard playbook's: ~25 answers, a story, promises, several
 * follow-ups (most done, a few hundred open across the store, nearly all of them from the
 * last weeks), a realistic outcome mix, six agents, repeat callers, and in most calls the
 * customer's equipment, whose brand names give `search` rare and common words (BRANDS).
 * Since version 8 they also carry the craft of issue 16 (see `addCraft`): prepared
 * solutions offered and chosen, coaching nudges, holds, empathy lines.
 * Deterministic: the same size and end give the same bytes (the files' random ids come
 * from a seeded generator); the end is the start of the day the store is built (see
 * `storeEndAt`).
 */
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// Only these from the program (kept stable for the bench): what a call file holds and where it goes.
import { serializeCall } from '../src/store/callStore.js';
import { callPath, DIR_MODE, FILE_MODE } from '../src/store/callFiles.js';
// The built-in playbooks' prepared solutions (ids, titles, categories): what the calls offer.
import { STARTER_SOLUTIONS } from '../src/playbook/starterSolutions.js';
import type { CoachingRuleId } from '../src/playbook/types.js';

// The record's types, as the store takes them (not imported from their module, which may move).
type CallRecord = Parameters<typeof serializeCall>[0];
type Answer = CallRecord['answers'][number];
type FollowUp = CallRecord['followups'][number];
type HistoryEntry = FollowUp['history'][number];
type CoachingNote = NonNullable<CallRecord['coaching']>[number];
type Hold = NonNullable<CallRecord['holds']>[number];

/** Bump when the calls or their files change: stores of another version are rebuilt. */
export const GENERATOR_VERSION = 8;
export const AGENTS = ['amira', 'ben', 'chloe', 'dmitri', 'erin', 'farid'] as const;
/** Calls are spread over this many months before the store's end. */
const SPAN_DAYS = 3 * 365;

export interface StoreInfo {
  generatorVersion: number;
  calls: number;
  /** The newest call's start: "a month ago" and "now" are taken from here. */
  endAt: string;
  openFollowups: number;
  /** Mean size of a call file, in bytes (UTF-8). */
  averageBytes: number;
  dataDir: string;
  /** Seconds it took to write (only when just generated). */
  builtSeconds?: number;
}

/** Open follow-ups wanted for a store of this size: "a few hundred" at 100k. */
function openTarget(calls: number): number {
  return Math.round(Math.min(300, 20 + calls * 0.003));
}

/** mulberry32: small, fast, good enough for test data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    weighted: <T>(items: ReadonlyArray<readonly [T, number]>): T => {
      let r = next() * items.reduce((sum, [, w]) => sum + w, 0);
      for (const [item, weight] of items) if ((r -= weight) < 0) return item;
      return items[items.length - 1]![0];
    },
  };
}
type Rng = ReturnType<typeof rng>;

const FIRST = ['Ann', 'Bilal', 'Carmen', 'David', 'Elena', 'Femi', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Marta', 'Noor', 'Olga', 'Pavel', 'Rosa', 'Sami', 'Tess', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoé'];
const LAST = ['Smith', 'García', 'Okafor', 'Nguyen', 'Müller', 'Kowalski', 'Haddad', 'Rossi', 'Tanaka', 'Johansson', "O'Brien", 'Dubois', 'Ivanova', 'Singh', 'Costa', 'Novak'];
const CATEGORY = [['billing', 30], ['technical', 25], ['delivery', 15], ['account', 12], ['complaint', 8], ['request', 7], ['other', 3]] as const;
const OUTCOME = [['resolved', 55], ['callback', 15], ['escalated', 8], ['transferred', 7], ['not-resolved', 5], ['info', 10]] as const;
const MOOD = ['angry', 'upset', 'worried', 'neutral', 'calm', 'happy'] as const;
const TEAMS = ['Billing team', 'Field technicians', 'Second-line support', 'Returns desk', 'Fraud team'];
const PROBLEMS: Record<string, string[]> = {
  billing: ['Charged twice for the last invoice', 'New tariff not applied after the upgrade', 'Direct debit taken on the wrong date', 'Refund promised last month never arrived'],
  technical: ['Router drops the connection every evening', 'App crashes when opening the statement', 'No signal since the storm on Tuesday', 'Smart meter stopped sending readings'],
  delivery: ['Parcel marked delivered but not received', 'Order arrived with a broken part', 'Delivery slot missed twice', 'Wrong item sent'],
  account: ['Locked out after the password reset', 'Cannot change the address online', 'Two accounts merged by mistake'],
  complaint: ['Engineer did not turn up', 'Rude answer from the chat team', 'Waited 40 minutes on hold yesterday'],
  request: ['Wants to move the contract to a new flat', 'Asks for a copy of the contract', 'Wants a cheaper plan'],
  other: ['Question about the privacy letter', 'Wants to praise a colleague'],
};
const STORY = [
  'Customer explained that this started after the last bill and that they have already spent a long time on it.',
  'They tried the steps on the website twice, restarted everything, and nothing changed.',
  'They called last week and were told it would be sorted within three days, but nobody came back to them.',
  'Their partner works from home and depends on this, so it is costing them working hours.',
  'They read out the reference from the letter and the amount, which does not match what they agreed in the shop.',
  'They are considering cancelling if it is not fixed this time, and want it in writing.',
  'They were calm but clearly tired of repeating the story to every new person.',
  'The issue seems to happen mostly in the evening, between seven and ten.',
];
const EMPATHY = ['That sounds exhausting, especially with work depending on it.', 'I can hear how frustrating it is to repeat this again.', 'Being left without an answer for a week is not okay.'];
const OPTIONS = ['Refund the difference to the card', 'Credit on the next invoice', 'Send a technician on Thursday', 'Replace the device by courier', 'Move to the cheaper plan from next month'];
const WANTS = ['money back', 'a technician visit', 'an explanation in writing', 'a replacement', 'to cancel without a fee'];
/**
 * The customer's equipment, named in the facts of most calls: a varied vocabulary, so that
 * `search` has words of every frequency (the templates above make most words common). The
 * brand of rank k is in ~16%/k of the calls (a Zipf law): Aurora ~16%, Plover (rank 20)
 * ~0.8%, Mallow (rank 48) ~0.3%. No brand is a word of the templates.
 */
export const BRANDS = [
  'Aurora', 'Nimbus', 'Vela', 'Orion', 'Kestrel', 'Halyard', 'Quill', 'Marlin', 'Zephyr', 'Lumen', 'Tessera', 'Pico',
  'Corvid', 'Solace', 'Ember', 'Fjord', 'Gable', 'Heron', 'Ibis', 'Plover', 'Koa', 'Larch', 'Mistral', 'Nettle',
  'Osprey', 'Juniper', 'Quarry', 'Rowan', 'Sorrel', 'Thistle', 'Umber', 'Vireo', 'Wren', 'Yarrow', 'Zinnia', 'Alder',
  'Bramble', 'Cinder', 'Dunlin', 'Egret', 'Fennel', 'Garnet', 'Hazel', 'Indigo', 'Jasper', 'Kelp', 'Linnet', 'Mallow',
] as const;
const BRAND_WEIGHTS = BRANDS.map((brand, k) => [brand, 1 / (k + 1)] as const);
const DEVICES = ['router', 'modem', 'smart meter', 'TV box', 'phone', 'tablet', 'mesh kit', 'landline handset'];
/** Share of calls whose facts name the customer's equipment. */
const EQUIPMENT_SHARE = 0.7;

/** A generator of its own for one call, seeded by its id and `salt`: the main generator's draws are left alone. */
function callRng(id: string, salt: number): Rng {
  let seed = 0x811c9dc5 ^ salt;
  for (let i = 0; i < id.length; i++) seed = Math.imul(seed ^ id.charCodeAt(i), 0x01000193);
  return rng(seed);
}

/**
 * The equipment sentence appended to a call's facts (and so to its facts.found answer), or
 * ''. Drawn from a generator of its own, seeded by the call's id: the main generator's
 * draws are untouched, so the rest of each call is what generator version 6 made, but for
 * the craft (`addCraft`, drawn the same way since version 8).
 */
function equipmentOf(id: string): string {
  const e = callRng(id, 0);
  if (!e.chance(EQUIPMENT_SHARE)) return '';
  return ` Has the ${e.weighted(BRAND_WEIGHTS)} ${e.pick(DEVICES)} (serial ${e.pick(['SN', 'HW', 'KX'])}-${100000 + e.int(900000)}).`;
}

/*
 * The craft of a call (issue 16), as the live call records it. Shares, of all calls:
 * - prepared solutions offered at the options step on ~50% (85% of the calls with an
 *   options answer): 1–3 of the built-in starter set for the call's category, sometimes
 *   with an option typed in words; one chosen on 80% of those;
 * - coaching nudges on ~13% (one, now and then two rules);
 * - time off the line (a hold, or "back to them") in the facts stage on ~18%, a fifth of
 *   them past the time the customer was given;
 * - an empathy line on ~80% (the agents' own lines, a few stock ones said again and again).
 */
const SOLUTIONS_BY_CATEGORY = new Map<string, Array<{ id: string; title: string }>>();
for (const solution of STARTER_SOLUTIONS) {
  for (const category of solution.categories ?? []) {
    const list = SOLUTIONS_BY_CATEGORY.get(category) ?? SOLUTIONS_BY_CATEGORY.set(category, []).get(category)!;
    list.push({ id: solution.id, title: solution.title });
  }
}
const OFFERED_SHARE = 0.85;
const CHOSEN_SHARE = 0.8;
const TYPED_OPTION_SHARE = 0.25;
const HOLD_SHARE = 0.18;
const COACHED_SHARE = 0.13;
/** Of the calls whose empathy step the main generator skipped. */
const EMPATHY_ADDED_SHARE = 0.6;
/** Stock lines (said on many calls, what the stock-empathy nudge is about) weigh more than the personal ones. */
const EMPATHY_LINES = [
  ['I understand how frustrating that must be.', 6],
  ['I am sorry to hear that.', 5],
  ['I completely understand.', 4],
  ...EMPATHY.map((line) => [line, 2] as const),
  ['Losing the connection every evening with children doing homework is a real worry.', 1],
  ['Paying twice when money is tight this month is stressful, I get that.', 1],
  ['Waiting in for a visit that never comes wastes a whole day.', 1],
  ['Being locked out of your own account is unsettling.', 1],
  ['Having to chase us for a refund should not be your job.', 1],
] as const;
const COACHING: ReadonlyArray<{ rule: CoachingRuleId; step: string; text: string; weight: number }> = [
  { rule: 'stock-empathy', step: 'readback.empathy', text: 'You said exactly this on 9 of your last 20 calls: make it about what this means for this customer.', weight: 4 },
  { rule: 'apology-before-facts', step: 'readback.empathy', text: 'Hold the apology until the facts are in: for now, say you understand how it affects them.', weight: 3 },
  { rule: 'parroting', step: 'readback.paraphrase', text: 'That read-back is mostly their words as noted: say it back in yours, so they hear that you understood.', weight: 2 },
  { rule: 'vague-promise', step: 'promise.what', text: 'Swap "soon", "ASAP" or "guaranteed" for a day and time you control, and say what happens if it slips.', weight: 3 },
  { rule: 'blame', step: 'resolve.done', text: 'Say "we": what went wrong and what happens now, not who slipped. The customer and the next team need the fix, not the fault.', weight: 1 },
];

interface Craft {
  options?: string[];
  solutions?: NonNullable<CallRecord['solutions']>;
  chosenOption?: string;
  coaching?: CoachingNote[];
  holds?: Hold[];
}

/**
 * Adds the craft to a call's answers (in place: the steps the current playbooks ask for
 * it, at times between their neighbours') and returns the record fields it makes.
 */
function addCraft(id: string, category: string, answers: Answer[], options: string[]): Craft {
  const c = callRng(id, 0x5eed16);
  const craft: Craft = {};
  const at = (answer: Answer, seconds: number) => new Date(Date.parse(answer.answeredAt) + seconds * 1000).toISOString();
  const indexOf = (stepId: string) => answers.findIndex((a) => a.stepId === stepId);

  // The empathy line: the step's meaning, so the index keeps it; added on most calls that skipped it.
  const empathy = indexOf('readback.empathy');
  if (empathy >= 0) answers[empathy] = { ...answers[empathy]!, meaning: 'empathy' };
  else if (c.chance(EMPATHY_ADDED_SHARE)) {
    const paraphrase = indexOf('readback.paraphrase');
    const line = c.weighted(EMPATHY_LINES);
    answers.splice(paraphrase + 1, 0, { stepId: 'readback.empathy', question: 'What you said about how it affects them', type: 'text', value: line, answeredAt: at(answers[paraphrase]!, 5 + c.int(15)), meaning: 'empathy' });
  }

  // The solutions offered for the category, best first, and the one chosen.
  const fitting = SOLUTIONS_BY_CATEGORY.get(category) ?? [];
  const optionsAt = indexOf('resolve.options');
  if (optionsAt >= 0 && fitting.length > 0 && c.chance(OFFERED_SHARE)) {
    const count = Math.min(fitting.length, c.weighted([[1, 35], [2, 45], [3, 20]] as const));
    const pool = [...fitting];
    const offered: Array<{ id: string; title: string }> = [];
    while (offered.length < count) offered.push(pool.splice(c.int(pool.length), 1)[0]!);
    const value = offered.map((s) => s.title);
    const ids: Array<string | null> = offered.map((s) => s.id);
    if (c.chance(TYPED_OPTION_SHARE)) {
      value.push(options[1]!);
      ids.push(null);
    }
    const answer = answers[optionsAt]!;
    answers[optionsAt] = { ...answer, value, meaning: 'options', solutions: ids };
    craft.options = value;
    craft.solutions = { offered: offered.map((s) => s.id) };
    if (c.chance(CHOSEN_SHARE)) {
      const chosen = c.weighted(offered.map((s, i) => [s, offered.length - i] as const));
      answers.splice(optionsAt + 1, 0, { stepId: 'resolve.chosen', question: 'Which one did they choose?', type: 'choice', value: chosen.title, answeredAt: at(answer, 10 + c.int(30)), meaning: 'options.chosen' });
      craft.solutions.chosen = chosen.id;
      craft.chosenOption = chosen.title;
    }
  }

  // Time off the line while finding the facts: it starts when they are told when the agent will be back, ends with the next answer.
  if (c.chance(HOLD_SHARE)) {
    const back = answers.findIndex((a) => a.stepId.startsWith('facts.') || a.stepId.startsWith('decide.'));
    const before = answers[back - 1]!;
    const kind = c.chance(0.65) ? 'hold' : 'back';
    const asked = at(before, 3 + c.int(5));
    const startedAt = new Date(Date.parse(asked) + (3 + c.int(5)) * 1000).toISOString();
    const minutes = 1 + c.int(3);
    const backBy = new Date(Date.parse(startedAt) + minutes * 60_000).toISOString();
    answers.splice(
      back,
      0,
      { stepId: 'facts.away', question: 'Do you need time off the line to check?', type: 'choice', value: kind, answeredAt: asked, meaning: 'hold.kind' },
      { stepId: 'facts.until', question: 'When did you tell them you would be back?', type: 'datetime', value: backBy, answeredAt: startedAt, meaning: 'hold.until', raw: `+${minutes}m` },
    );
    craft.holds = [{ kind, stage: 'facts', startedAt, backBy, endedAt: answers[back + 2]!.answeredAt }];
  }

  // Coaching: a nudge under an answer the call has, one per rule.
  if (c.chance(COACHED_SHARE)) {
    const fits = COACHING.filter((rule) => indexOf(rule.step) >= 0);
    const notes: CoachingNote[] = [];
    for (let n = c.chance(0.15) ? 2 : 1; n > 0 && fits.length > 0; n--) {
      const rule = c.weighted(fits.map((r) => [r, r.weight] as const));
      fits.splice(fits.indexOf(rule), 1);
      notes.push({ rule: rule.rule, step: rule.step, text: rule.text, at: answers[indexOf(rule.step)]!.answeredAt });
    }
    if (notes.length) craft.coaching = notes.sort((x, y) => (x.at < y.at ? -1 : 1));
  }
  return craft;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
function callIdAt(at: Date, r: Rng): string {
  let tail = '';
  for (let i = 0; i < 6; i++) tail += ALPHABET[r.int(36)];
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}-${tail}`;
}

interface Customer {
  name: string;
  phone: string;
  account?: string;
}

function makeCustomers(count: number, r: Rng): Customer[] {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const digits = `555${pad(r.int(1000), 3)}${pad(i % 10000, 4)}`;
    const formats = [`+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`, `1${digits}`, `+1 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`];
    const customer: Customer = { name: `${r.pick(FIRST)} ${r.pick(LAST)}`, phone: r.pick(formats) };
    if (r.chance(0.7)) customer.account = `AC-${100000 + i}`;
    customers.push(customer);
  }
  return customers;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One call as the standard playbook would have recorded it. */
function makeRecord(at: number, r: Rng, customers: Customer[], open: (at: number) => boolean): CallRecord {
  const id = callIdAt(new Date(at), r);
  const agent = r.pick(AGENTS);
  const customer = r.pick(customers);
  const category = r.weighted(CATEGORY);
  const outcome = r.weighted(OUTCOME);
  const paraphrase = r.pick(PROBLEMS[category]!);
  const moodStart = r.pick(MOOD);
  const moodEnd = r.pick(['calm', 'happy', 'neutral', 'neutral', moodStart] as const);
  let t = at;
  const answers: Answer[] = [];
  const answer = (stepId: string, question: string, type: string, value: Answer['value'], skipped = 0) => {
    if (skipped && r.chance(skipped)) return; // the agent pressed Enter
    t += (20 + r.int(120)) * 1000;
    answers.push({ stepId, question, type, value, answeredAt: iso(t) });
  };
  const story = Array.from({ length: 1 + r.int(2) }, () => r.pick(STORY)).join('\n');
  const facts = `Account shows ${1 + r.int(4)} contacts in the last 90 days.${equipmentOf(id)}`;
  const escalated = outcome === 'escalated' || outcome === 'transferred';
  const options = [r.pick(OPTIONS), r.pick(OPTIONS)];
  const resolution = `${r.pick(OPTIONS)}. Confirmed the details back to the customer and noted the reference.`;
  answer('identify.name', "Caller's name", 'text', customer.name);
  answer('identify.phone', 'Best number to reach them', 'text', customer.phone);
  answer('identify.account', 'Account or order number', 'text', customer.account ?? null, 0.3);
  answer('identify.mood', 'How do they sound right now?', 'choice', moodStart);
  answer('listen.story', 'Notes while they talk', 'longtext', story);
  answer('listen.queries', 'Questions to ask once they have finished', 'list', ['Which invoice number?', 'Since when exactly?'], 0.6);
  answer('listen.wants', 'What do they want out of this?', 'text', r.pick(WANTS));
  answer('readback.paraphrase', 'The problem as you read it back (with their corrections)', 'text', paraphrase);
  answer('readback.empathy', 'What you said about how it affects them', 'text', r.pick(EMPATHY), 0.5);
  answer('facts.found', 'What the account and history show', 'longtext', facts, 0.3);
  answer('facts.fault', 'Do the facts show we got something wrong?', 'yesno', r.chance(0.4), 0.5);
  answer('decide.path', 'Can you solve this yourself?', 'choice', escalated ? 'escalate' : 'solve');
  const team = r.pick(TEAMS);
  if (escalated) {
    answer('decide.to', 'Who takes it over? (team or person)', 'text', team);
    answer('decide.handoff', 'Handoff note for them', 'longtext', `${paraphrase}. Tried the usual steps. Customer is ${moodStart}. Promised a call back.`);
  }
  answer('resolve.options', 'Options you offered', 'list', options, 0.4);
  answer('resolve.done', 'What you did or agreed', 'longtext', resolution);
  answer('outcome.code', 'Outcome of the call', 'choice', outcome);
  answer('outcome.mood', 'How do they sound now?', 'choice', moodEnd, 0.3);

  const promiseMade = outcome !== 'info' && r.chance(0.6);
  const promises: CallRecord['promises'] = [];
  answer('promise.made', 'Did you promise them anything?', 'yesno', promiseMade);
  if (promiseMade) {
    const due = t + (1 + r.int(5)) * 86_400_000;
    answer('promise.what', 'What exactly did you promise?', 'text', options[0]!);
    answer('promise.due', 'By when?', 'datetime', iso(due));
    promises.push({ id: 'p1', text: options[0]!, due: iso(due), madeAt: iso(t) });
  }

  // Several follow-ups per call, most of them done long ago.
  const followups: FollowUp[] = [];
  const count = outcome === 'resolved' || outcome === 'info' ? r.int(3) : 2 + r.int(3);
  answer('followup.needed', 'Will you call them back?', 'yesno', count > 0);
  for (let i = 0; i < count; i++) {
    const due = at + (1 + i * 2 + r.int(3)) * 86_400_000;
    const created: HistoryEntry = { at: iso(t), by: agent, action: 'created' };
    const text = i === 0 ? `Progress on: ${promiseMade ? options[0] : paraphrase}` : r.pick(['Check the refund has arrived', 'Confirm the technician visit went well', 'Call with progress from the other team']);
    if (i === 0) {
      answer('followup.what', 'What is the callback about?', 'text', text);
      answer('followup.due', 'When will you call?', 'datetime', iso(due));
    }
    const followup: FollowUp = { id: `${id}.f${i + 1}`, text, due: iso(due), status: 'open', owner: agent, createdAt: iso(t), history: [created] };
    if (promiseMade && i === 0) followup.promiseId = 'p1';
    if (!open(at)) {
      const doneAt = due + r.int(8) * 3_600_000 - 4 * 3_600_000;
      if (r.chance(0.08)) {
        followup.history.push({ at: iso(due - 3_600_000), by: agent, action: 'snoozed', due: iso(due + 86_400_000), previousDue: iso(due), note: 'Customer asked to call tomorrow' });
      }
      followup.status = r.chance(0.05) ? 'cancelled' : 'done';
      followup.doneAt = iso(doneAt);
      followup.history.push({ at: iso(doneAt), by: agent, action: followup.status === 'done' ? 'done' : 'cancelled', note: r.pick(['Refund confirmed', 'Customer happy with the fix', 'Left a voicemail, then they called back', 'Closed by the other team']) });
    }
    followups.push(followup);
  }
  answer('wrapup.category', 'Problem category', 'choice', category);
  answer('wrapup.cause', 'Root cause, if you know it', 'text', 'New price not applied to old contracts', 0.7);
  const craft = addCraft(id, category, answers, options);
  const crafted = craft.solutions !== undefined || craft.coaching !== undefined || craft.holds !== undefined;

  const record: CallRecord = {
    // A call with craft is a version-2 file, as csr-call writes since issue 16; the others are
    // version-1 files, as stores made before it hold them: read as version 2 (src/domain/migrations.ts).
    schemaVersion: (crafted ? 2 : 1) as unknown as CallRecord['schemaVersion'],
    id,
    revision: answers.length,
    agent,
    playbook: { id: 'standard', version: '1.0', title: 'Support call' },
    customer: { name: customer.name, phone: customer.phone, ...(customer.account ? { account: customer.account } : {}) },
    startedAt: iso(at),
    endedAt: iso(t + 30_000),
    status: r.chance(0.003) ? 'in-progress' : 'completed',
    answers,
    problem: { story, wants: r.pick(WANTS), paraphrase, category, ...(r.chance(0.5) ? { rootCause: 'New price not applied to old contracts' } : {}) },
    queries: ['Which invoice number?', 'Since when exactly?'],
    facts,
    options: craft.options ?? options,
    ...(craft.solutions ? { solutions: craft.solutions } : {}),
    ...(craft.chosenOption !== undefined ? { chosenOption: craft.chosenOption } : {}),
    resolution,
    outcome,
    ...(escalated ? { escalation: { to: team, handoffNote: `${paraphrase}. Tried the usual steps.` } } : {}),
    promises,
    followups,
    mood: { start: moodStart, end: moodEnd },
    stageSeconds: { identify: 40 + r.int(60), listen: 90 + r.int(300), readback: 30 + r.int(60), facts: 60 + r.int(240), decide: 20 + r.int(60), resolve: 60 + r.int(300), outcome: 15 + r.int(30), promise: 10 + r.int(30), followup: 15 + r.int(40), wrapup: 10 + r.int(20) },
    notes: r.chance(0.2) ? [{ at: iso(t + 2 * 86_400_000), by: agent, text: 'Customer rang back: the refund arrived, thanks.' }] : [],
    ...(craft.coaching ? { coaching: craft.coaching } : {}),
    ...(craft.holds ? { holds: craft.holds } : {}),
  };
  return record;
}

/** One more call like the store's, its follow-ups open: what another agent's csr-call adds during the day. */
export function makeExtraCall(at: number, seed: number): CallRecord {
  const r = rng(seed);
  let record: CallRecord;
  do record = makeRecord(at, r, makeCustomers(50, r), () => true);
  while (record.followups.length === 0);
  return record;
}

/** Where a store built at `now` ends: an hour before the start of that UTC day, so "now" in the benchmarks is just after it. */
export function storeEndAt(now = Date.now()): number {
  return Math.floor(now / 86_400_000) * 86_400_000 - 3_600_000;
}

/**
 * The calls of a store of `calls` calls ending at `endAt`, oldest first, made one at a
 * time as they are asked for (only the calls' start times and the customers are held).
 * The same arguments give the same records. The last record's `startedAt` is `endAt`.
 */
export function* storeRecords(calls: number, endAt: number): Generator<CallRecord, void, undefined> {
  const r = rng(calls);
  const customers = makeCustomers(Math.round(calls * 0.7), r);
  const times = Array.from({ length: calls }, () => endAt - Math.floor(r.next() * SPAN_DAYS * 86_400_000)).sort((a, b) => a - b);
  times[times.length - 1] = endAt;

  // Open follow-ups: ~85% on calls of the last 30 days, the rest long overdue and forgotten.
  const target = openTarget(calls);
  const recent = times.filter((t) => t > endAt - 30 * 86_400_000).length;
  const followupsPerCall = 1.9;
  const pRecent = Math.min(1, (target * 0.85) / Math.max(1, recent * followupsPerCall));
  const pOld = (target * 0.15) / Math.max(1, (calls - recent) * followupsPerCall);
  const open = (at: number) => r.chance(at > endAt - 30 * 86_400_000 ? pRecent : pOld);

  // Whether these records still fit the file format is checked by tests/bench.generator.test.ts (the store reads them back).
  for (let index = 0; index < calls; index++) yield makeRecord(times[index]!, r, customers, open);
}

/**
 * Writes call files into `dataDir` directly, as the store would have written them:
 * `write(record)` leaves at `callPath(dataDir, record.id)` exactly what
 * `saveCall(dataDir, { ...record, revision: record.revision - 1 })` leaves there (which
 * writes `serializeCall` of the record with its revision moved on by one), file 0600 and
 * every directory it makes 0700 whatever the umask. One synchronous write per file,
 * without fsync (bench data can be rebuilt); each directory is made once. Returns the
 * file's size in bytes.
 */
export function callFileWriter(dataDir: string): { write(record: CallRecord): number } {
  const made = new Set<string>();
  return {
    write(record: CallRecord): number {
      const path = callPath(dataDir, record.id);
      const dir = dirname(path);
      if (!made.has(dir)) {
        makePrivateDir(dir);
        made.add(dir);
      }
      const bytes = Buffer.from(serializeCall(record));
      const fd = openSync(path, 'w', FILE_MODE);
      try {
        writeFileSync(fd, bytes);
        fchmodSync(fd, FILE_MODE); // open's mode is filtered by the umask (and left alone on a file already there)
      } finally {
        closeSync(fd);
      }
      return bytes.length;
    },
  };
}

/** `ensurePrivateDir`, synchronously: mkdir -p, then 0700 exactly on each directory it created. */
function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return; // already there
  for (let current = dir; current.length >= first.length; current = dirname(current)) {
    chmodSync(current, DIR_MODE);
    if (dirname(current) === current) break;
  }
}

/**
 * Builds (or reuses) a store of `calls` calls ending at the start of today (UTC), under
 * `root/<calls>/data` with its description in `root/<calls>/store.json`.
 */
export async function ensureStore(root: string, calls: number, log: (line: string) => void): Promise<StoreInfo> {
  if (!Number.isSafeInteger(calls) || calls < 1) throw new Error(`not a store size: ${calls}`);
  const dir = join(root, String(calls));
  const metaPath = join(dir, 'store.json');
  if (existsSync(metaPath)) {
    try {
      // store.json keeps how long the build took; a reused store has no builtSeconds (run.ts then says "reused").
      const { builtSeconds: _built, ...meta } = JSON.parse(readFileSync(metaPath, 'utf8')) as StoreInfo;
      if (meta.generatorVersion === GENERATOR_VERSION && meta.calls === calls) return { ...meta, dataDir: join(dir, 'data') };
    } catch {
      /* rebuilt below */
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const started = Date.now();
  const endAt = storeEndAt(started);
  const writer = callFileWriter(dataDir);
  let written = 0;
  let openCount = 0;
  let bytes = 0;
  let lastLog = started;
  for (const record of storeRecords(calls, endAt)) {
    for (const followup of record.followups) if (followup.status === 'open') openCount += 1;
    bytes += writer.write(record);
    written += 1;
    if (written % 1000 === 0 && Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  ${written} / ${calls} calls written`);
    }
  }
  const info: StoreInfo = {
    generatorVersion: GENERATOR_VERSION,
    calls,
    endAt: iso(endAt),
    openFollowups: openCount,
    averageBytes: Math.round(bytes / calls),
    dataDir,
    builtSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  // Last: a store cut short (Ctrl-C) has no store.json and is built again next time.
  writeFileSync(metaPath, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}
