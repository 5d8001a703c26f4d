/**
 * Calling a customer back about an earlier promise: say why you call, report progress
 * honestly (late is said first), agree what is left and the next date. When nobody
 * answers, only the outcome and the next try are asked.
 */
import { categoryStep, definePlaybook, followupStage, MOODS, OUTCOMES, promiseStage, STARTER_SOLUTIONS, timeOffLineSteps, type Answers, type AnswerValue } from 'csr-call';

const reached = (answers: Answers) => answers['reach.reached'] !== false;
const escalating = (answers: Answers) => reached(answers) && answers['decide.path'] === 'escalate';
const late = (answers: Answers) => answers['recap.kept'] === 'late';

export default definePlaybook({
  id: 'callback',
  title: 'Callback',
  description: 'Calling a customer back about an earlier promise: progress, what is left, and the next date.',
  version: '1.1',
  solutions: [...STARTER_SOLUTIONS],
  stages: [
    {
      id: 'reach',
      title: 'Reach them',
      tip: 'Say who you are and why you call: "I promised to call you back about ...". If now is a bad time, agree a better one.',
      steps: [
        { id: 'name', question: "Customer's name", type: 'text', meaning: 'customer.name' },
        { id: 'phone', question: 'Number you called', type: 'text', meaning: 'customer.phone' },
        { id: 'account', question: 'Account or order number', type: 'text', meaning: 'customer.account' },
        {
          id: 'zone',
          question: 'Their time zone',
          type: 'text',
          meaning: 'customer.zone',
          hint: 'ET, CT, MT, PT or a name like America/Chicago: callback and promise times are then theirs.',
        },
        { id: 'reached', question: 'Did you reach them?', type: 'yesno', default: true },
        { id: 'mood', question: 'How do they sound?', type: 'choice', choices: [...MOODS], when: reached, meaning: 'mood.start' },
      ],
    },
    {
      id: 'recap',
      title: 'Where things stand',
      when: reached,
      tip: "Start with what you promised and whether it was kept. If it's late, say so first and own it; don't wait for them to bring it up.",
      steps: [
        {
          id: 'kept',
          question: 'The earlier promise is...',
          type: 'choice',
          choices: [
            { value: 'kept', label: 'Kept: done as promised' },
            { value: 'progress', label: 'In progress, on time' },
            { value: 'late', label: 'Late or not kept' },
          ],
        },
        {
          id: 'paraphrase',
          question: 'The issue, as you recapped it to them (with their corrections)',
          type: 'text',
          required: true,
          meaning: 'problem.paraphrase',
        },
        categoryStep(),
      ],
    },
    {
      id: 'listen',
      title: 'Listen',
      when: reached,
      tip: 'Ask how things have been since, and let them answer in full. Note anything new; park your questions.',
      steps: [
        { id: 'story', question: "Notes on what's new from them", type: 'longtext', meaning: 'problem.story' },
        { id: 'queries', question: 'Questions to ask once they have finished', type: 'list', meaning: 'queries' },
        { id: 'wants', question: 'What do they want now?', type: 'text', meaning: 'problem.wants' },
      ],
    },
    {
      id: 'progress',
      title: 'Progress report',
      when: reached,
      tip: (answers) =>
        late(answers)
          ? 'Say what went wrong in plain words, apologise once and own it, then give the new plan with a date.'
          : 'Give real progress: what was done, by whom, what comes next, with dates. Specific facts calm people; vague ones worry them.',
      steps: [
        ...timeOffLineSteps('progress'),
        { id: 'facts', question: 'What has happened since, and what you found', type: 'longtext', meaning: 'facts' },
        {
          id: 'answered',
          question: 'Which of the questions you parked have you answered?',
          type: 'multichoice',
          meaning: 'queries.answered',
          hint: 'Space ticks one, Enter when done. Those left open belong in the next callback.',
        },
        { id: 'empathy', question: 'What you said about how the wait affects them', type: 'text', meaning: 'empathy' },
      ],
    },
    {
      id: 'decide',
      title: 'Solve or escalate',
      when: reached,
      tip: 'Is this still yours to finish, or does someone else need it now? If it has been passed around, hand it over with a note so they never repeat it.',
      steps: [
        {
          id: 'path',
          question: 'Can you finish this yourself?',
          type: 'choice',
          choices: [
            { value: 'solve', label: 'Yes, I can finish it' },
            { value: 'escalate', label: 'No, escalate or hand over' },
          ],
          default: (answers) => (late(answers) ? 'escalate' : 'solve'),
        },
        { id: 'to', question: 'Who takes it over? (team or person)', type: 'text', required: true, when: escalating, meaning: 'escalation.to' },
        {
          id: 'handoff',
          question: 'Handoff note for them',
          type: 'longtext',
          required: true,
          when: escalating,
          meaning: 'escalation.handoff',
          hint: 'What was promised and when, what has been done, what is left, how they feel.',
        },
      ],
    },
    {
      id: 'resolve',
      title: 'What we can do',
      when: reached,
      tip: "Offer concrete next steps they can choose from. Only promise what you control; a second missed promise is worse than the first.",
      steps: [
        { id: 'options', question: 'Options you offered', type: 'list', meaning: 'options' },
        { id: 'chosen', question: 'Which one did they choose?', type: 'choice', meaning: 'options.chosen', hint: 'Skip if they have not chosen yet.' },
        { id: 'done', question: 'What you did or agreed', type: 'longtext', meaning: 'resolution' },
      ],
    },
    {
      id: 'outcome',
      title: 'Close the call',
      tip: (answers) =>
        reached(answers)
          ? 'Recap what happens next and when. Note how they sound now.'
          : 'No answer: note it as pending and book the next try below.',
      steps: [
        {
          id: 'code',
          question: 'Outcome of the call',
          type: 'choice',
          choices: [...OUTCOMES],
          required: true,
          default: (answers): AnswerValue | undefined => (!reached(answers) ? 'callback' : escalating(answers) ? 'escalated' : undefined),
          meaning: 'outcome',
        },
        { id: 'mood', question: 'How do they sound now?', type: 'choice', choices: [...MOODS], when: reached, meaning: 'mood.end' },
      ],
    },
    promiseStage({
      when: reached,
      tip: 'Any new promise gets a day and time you can keep. Promise less and deliver it.',
      question: 'Did you promise them anything new?',
    }),
    followupStage({
      title: 'Next callback',
      tip: (answers) =>
        reached(answers)
          ? "Keep calling back with progress until it's closed. Agree the next date with them now."
          : 'Book the next try now; a different time of day often works better.',
      neededQuestion: 'Will you call them again?',
      aboutQuestion: 'What is the next call about?',
      suggest: (answers) =>
        !reached(answers) || answers['outcome.code'] === 'callback' || answers['recap.kept'] === 'progress' || late(answers),
      about: (answers) => {
        if (!reached(answers)) return 'Try again: could not reach them';
        const problem = answers['recap.paraphrase'];
        return typeof problem === 'string' && problem ? `Progress on: ${problem}` : undefined;
      },
    }),
    {
      id: 'wrapup',
      title: 'Root cause',
      when: reached,
      tip: 'If the promise ran late, note why: delays that repeat have a cause someone can fix.',
      steps: [
        { id: 'cause', question: 'Root cause, if you know it', type: 'text', meaning: 'problem.rootCause' },
      ],
    },
  ],
});
