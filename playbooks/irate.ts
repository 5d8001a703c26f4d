/**
 * An angry or upset caller, where escalation is likely. Same arc as the standard call,
 * with more room to vent, a calm voice throughout, and a handoff that saves them from
 * telling the story a third time.
 */
import { categoryStep, definePlaybook, followupStage, MOODS, OUTCOMES, promiseStage, STARTER_SOLUTIONS, timeOffLineSteps, type Answers, type AnswerValue } from 'csr-call';

const escalating = (answers: Answers) => answers['decide.path'] === 'escalate';
const calledBefore = (answers: Answers) => answers['identify.before'] === true;

export default definePlaybook({
  id: 'irate',
  title: 'Angry caller',
  description: 'An upset or angry caller, escalation likely: let them vent, stay calm, own what is ours, hand over well.',
  version: '1.1',
  solutions: [...STARTER_SOLUTIONS],
  stages: [
    {
      id: 'identify',
      title: 'Open and identify',
      tip: "Speak slowly and softly: callers tend to match your tone. They're angry at the problem, not at you.",
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
        { id: 'mood', question: 'How do they sound right now?', type: 'choice', choices: [...MOODS], default: 'angry', meaning: 'mood.start' },
        { id: 'before', question: 'Have they called about this before without a fix?', type: 'yesno' },
      ],
    },
    {
      id: 'vent',
      title: 'Let them vent',
      tip: (answers) =>
        calledBefore(answers)
          ? "They've been let down before: say you can see that, and that it wasn't good enough. Then let them talk without interrupting."
          : "Don't interrupt, defend or explain yet: let it all come out. Type what they say; your questions can wait.",
      steps: [
        { id: 'story', question: 'Notes while they talk', type: 'longtext', meaning: 'problem.story' },
        { id: 'wants', question: 'What would put this right for them?', type: 'text', meaning: 'problem.wants' },
        { id: 'queries', question: 'Questions to ask once they have finished', type: 'list', meaning: 'queries' },
      ],
    },
    {
      id: 'readback',
      title: 'Read it back',
      tip: 'Read it back slowly, in your own words: it proves you listened. Add one personal sentence on how it affects them; no apology until the facts are in.',
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
      tip: "Check the account and the history before you promise anything. If it takes time, say what you're doing and when you'll be back.",
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
          ? 'Say it plainly: "We got this wrong, and I will make it right." Own it; never blame a colleague or another team.'
          : "Escalate when it's beyond the guidelines, needs another team, or they've complained before without a fix. Escalating to help them is not a failure.",
      steps: [
        {
          id: 'path',
          question: 'Can you solve this yourself?',
          type: 'choice',
          choices: [
            { value: 'solve', label: 'Yes, I can solve it' },
            { value: 'escalate', label: 'No, escalate or hand over' },
          ],
          default: (answers) => (calledBefore(answers) ? 'escalate' : 'solve'),
        },
        {
          id: 'to',
          question: 'Who takes it over? (team or person)',
          type: 'text',
          required: true,
          when: escalating,
          default: 'Team lead on duty',
          meaning: 'escalation.to',
        },
        {
          id: 'handoff',
          question: 'Handoff note for them',
          type: 'longtext',
          required: true,
          when: escalating,
          meaning: 'escalation.handoff',
          hint: 'What happened, what you tried, what was promised, and how angry they are: they must not have to tell it again.',
        },
      ],
    },
    {
      id: 'resolve',
      title: 'What we can do',
      tip: (answers) =>
        escalating(answers)
          ? 'Tell them who takes it over and when they will hear, and stay with them through the transfer if you can.'
          : 'Offer two or three concrete options and let them choose: it gives back some control. A broken promise to an angry caller costs twice.',
      steps: [
        { id: 'options', question: 'Options you offered', type: 'list', meaning: 'options' },
        { id: 'chosen', question: 'Which one did they choose?', type: 'choice', meaning: 'options.chosen', hint: 'Skip if they have not chosen yet.' },
        { id: 'done', question: 'What you did or agreed', type: 'longtext', meaning: 'resolution' },
      ],
    },
    {
      id: 'outcome',
      title: 'Close the call',
      tip: 'Recap what happens next and when, in a calm voice. Note how they sound now: an angry call that ends calm is a real win.',
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
    promiseStage({ tip: 'Promise only what you control, by a day and time you can keep. Under pressure, promise less and deliver it.' }),
    followupStage({
      tip: 'An angry caller who hears nothing gets angrier. Check in even when another team owns it, until it is closed.',
      suggest: (answers) => escalating(answers) || answers['outcome.code'] === 'callback',
      about: (answers) => {
        const problem = answers['readback.paraphrase'];
        return typeof problem === 'string' && problem ? `Check in on: ${problem}` : undefined;
      },
    }),
    {
      id: 'wrapup',
      title: 'Root cause',
      tip: 'Record what caused it, not just what they felt: recurring causes are how angry calls get prevented.',
      steps: [
        { id: 'cause', question: 'Root cause, if you know it', type: 'text', meaning: 'problem.rootCause' },
      ],
    },
  ],
});
