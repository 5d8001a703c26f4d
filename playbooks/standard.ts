/**
 * The general support call: a question, a bill, something not working, a request.
 * Stages follow the arc of a good call: identify, listen, read back, find the facts,
 * solve or escalate, offer what can be done, close, follow through, record the cause.
 */
import { categoryStep, definePlaybook, followupStage, MOODS, OUTCOMES, promiseStage, STARTER_SOLUTIONS, timeOffLineSteps, type Answers, type AnswerValue } from 'csr-call';

const escalating = (answers: Answers) => answers['decide.path'] === 'escalate';

export default definePlaybook({
  id: 'standard',
  title: 'Support call',
  description: 'A general support call: a question, a bill, something not working, a request.',
  version: '1.1',
  solutions: [...STARTER_SOLUTIONS],
  stages: [
    {
      id: 'identify',
      title: 'Open and identify',
      tip: "Give your name, get theirs early and use it. If they've called about this before, acknowledge that first: don't make them start over.",
      steps: [
        { id: 'name', question: "Caller's name", type: 'text', meaning: 'customer.name' },
        { id: 'phone', question: 'Best number to reach them', type: 'text', meaning: 'customer.phone' },
        { id: 'account', question: 'Account or order number', type: 'text', meaning: 'customer.account' },
        {
          id: 'zone',
          question: 'Their time zone',
          type: 'text',
          meaning: 'customer.zone',
          hint: 'ET, CT, MT, PT or a name like America/Chicago: callback and promise times are then theirs.',
        },
        { id: 'mood', question: 'How do they sound right now?', type: 'choice', choices: [...MOODS], meaning: 'mood.start' },
      ],
    },
    {
      id: 'listen',
      title: 'Listen',
      tip: 'Let them tell the whole story without interrupting. Type as they talk and park your questions for later.',
      steps: [
        { id: 'story', question: 'Notes while they talk', type: 'longtext', meaning: 'problem.story' },
        { id: 'queries', question: 'Questions to ask once they have finished', type: 'list', meaning: 'queries' },
        {
          id: 'wants',
          question: 'What do they want out of this?',
          type: 'text',
          meaning: 'problem.wants',
          hint: 'In their terms: money back, a visit, an explanation...',
        },
      ],
    },
    {
      id: 'readback',
      title: 'Read it back',
      tip: 'Sum it up in your own words and ask "Have I got that right?". Then one honest sentence on how it affects them; no apology until you know the facts.',
      steps: [
        {
          id: 'paraphrase',
          question: 'The problem as you read it back (with their corrections)',
          type: 'text',
          required: true,
          meaning: 'problem.paraphrase',
        },
        { id: 'empathy', question: 'What you said about how it affects them', type: 'text', meaning: 'empathy' },
        categoryStep(),
      ],
    },
    {
      id: 'facts',
      title: 'Find the facts',
      tip: "Check the account, its history and other teams' notes. If that takes a while, say what you are checking and when you'll be back before the hold.",
      steps: [
        ...timeOffLineSteps('facts'),
        { id: 'found', question: 'What the account and history show', type: 'longtext', meaning: 'facts' },
        {
          id: 'answered',
          question: 'Which of the questions you parked have you answered?',
          type: 'multichoice',
          meaning: 'queries.answered',
          hint: 'Space ticks one, Enter when done. Those left open belong in the callback.',
        },
        { id: 'fault', question: 'Do the facts show we got something wrong?', type: 'yesno', meaning: 'facts.fault' },
      ],
    },
    {
      id: 'decide',
      title: 'Solve or escalate',
      tip: (answers) =>
        answers['facts.fault'] === true
          ? 'It is on us: apologise plainly and own it, no blaming another team. Then decide whether you can fix it now.'
          : "Can you fix it yourself, now? Escalate when it's outside the guidelines, needs another team, or they've complained before without a fix.",
      steps: [
        {
          id: 'path',
          question: 'Can you solve this yourself?',
          type: 'choice',
          choices: [
            { value: 'solve', label: 'Yes, I can solve it' },
            { value: 'escalate', label: 'No, escalate or hand over' },
          ],
          default: 'solve',
        },
        { id: 'to', question: 'Who takes it over? (team or person)', type: 'text', required: true, when: escalating, meaning: 'escalation.to' },
        {
          id: 'handoff',
          question: 'Handoff note for them',
          type: 'longtext',
          required: true,
          when: escalating,
          meaning: 'escalation.handoff',
          hint: 'What happened, what you tried, what was promised, how they feel.',
        },
      ],
    },
    {
      id: 'resolve',
      title: 'What we can do',
      tip: (answers) =>
        escalating(answers)
          ? "Tell them who takes it over, what happens next and when they'll hear. Offer only what that team can really do."
          : "Offer two or three concrete options and let them choose. Never promise what you can't deliver; say plainly what this desk can't do.",
      steps: [
        { id: 'options', question: 'Options you offered', type: 'list', meaning: 'options' },
        { id: 'chosen', question: 'Which one did they choose?', type: 'choice', meaning: 'options.chosen', hint: 'Skip if they have not chosen yet.' },
        {
          id: 'done',
          question: 'What you did or agreed',
          type: 'longtext',
          meaning: 'resolution',
          hint: 'Knowledge base, a colleague, every troubleshooting step before giving up.',
        },
      ],
    },
    {
      id: 'outcome',
      title: 'Close the call',
      tip: 'Recap what happens next and who does it, and ask if there is anything else. An upset start that ends calm is a win.',
      steps: [
        {
          id: 'code',
          question: 'Outcome of the call',
          type: 'choice',
          choices: [...OUTCOMES],
          required: true,
          default: (answers): AnswerValue | undefined => (escalating(answers) ? 'escalated' : undefined),
          meaning: 'outcome',
        },
        { id: 'mood', question: 'How do they sound now?', type: 'choice', choices: [...MOODS], meaning: 'mood.end' },
      ],
    },
    promiseStage({ tip: 'Promise only what you can deliver, by a day and time you can keep. Every promise gets a date.' }),
    followupStage({
      tip: "Silence after the call hurts more than the problem did. Book the callback now and keep calling with progress until it's closed.",
      suggest: (answers) => answers['outcome.code'] === 'callback',
      about: (answers) => {
        const promised = answers['promise.what'];
        const problem = answers['readback.paraphrase'];
        if (typeof promised === 'string' && promised) return `Progress on: ${promised}`;
        return typeof problem === 'string' && problem ? `Progress on: ${problem}` : undefined;
      },
    }),
    {
      id: 'wrapup',
      title: 'Root cause',
      tip: 'Name the root cause, so repeat problems can be found and fixed where they start.',
      steps: [
        {
          id: 'cause',
          question: 'Root cause, if you know it',
          type: 'text',
          meaning: 'problem.rootCause',
          hint: 'What made it happen, not what they saw: "new price not applied to old contracts".',
        },
      ],
    },
  ],
});
