/**
 * A sales or upgrade conversation. Rapport comes first: follow the customer's lead, learn
 * how they use what they have, then steer toward what fits them, or toward nothing.
 */
import { definePlaybook, MOODS, PROBLEM_CATEGORIES, type Answers } from 'csr-call';

// The usual disposition codes, worded for a sale.
const OUTCOMES = [
  { value: 'resolved', label: 'Decided on this call (bought or declined)' },
  { value: 'callback', label: 'Thinking it over: we call back' },
  { value: 'info', label: 'Information only' },
  { value: 'transferred', label: 'Transferred to another department' },
  { value: 'not-resolved', label: 'Nothing fits them' },
];

const promised = (answers: Answers) => answers['promise.made'] === true;
const callingBack = (answers: Answers) => answers['followup.needed'] === true;

export default definePlaybook({
  id: 'sales',
  title: 'Sales or upgrade',
  description: 'A sales or upgrade conversation: rapport first, follow their lead, then steer toward what fits them.',
  version: '1.0',
  stages: [
    {
      id: 'identify',
      title: 'Open and identify',
      tip: 'Get their name and use it. Be curious about them before you think about products.',
      steps: [
        { id: 'name', question: "Caller's name", type: 'text', meaning: 'customer.name' },
        { id: 'phone', question: 'Best number to reach them', type: 'text', meaning: 'customer.phone' },
        { id: 'account', question: 'Account number, if they have one', type: 'text', meaning: 'customer.account' },
        {
          id: 'zone',
          question: 'Their time zone',
          type: 'text',
          meaning: 'customer.zone',
          hint: 'ET, CT, MT, PT or a name like America/Chicago: callback and promise times are then theirs.',
        },
        { id: 'mood', question: 'How do they sound?', type: 'choice', choices: [...MOODS], default: 'neutral', meaning: 'mood.start' },
      ],
    },
    {
      id: 'rapport',
      title: 'Follow their lead',
      tip: "Ask how they use what they have today and let them talk. Don't pitch yet; note what matters to them.",
      steps: [
        { id: 'story', question: 'Notes on how they use it and what bothers them', type: 'longtext', meaning: 'problem.story' },
        { id: 'wants', question: 'What would make it better for them?', type: 'text', meaning: 'problem.wants' },
        { id: 'queries', question: 'Questions to ask once they have finished', type: 'list', meaning: 'queries' },
      ],
    },
    {
      id: 'readback',
      title: 'Check you understood',
      tip: 'Sum up what they need in your own words and check it. It shows you will recommend for them, not for a target.',
      steps: [
        { id: 'paraphrase', question: 'What they need, as you read it back', type: 'text', required: true, meaning: 'problem.paraphrase' },
      ],
    },
    {
      id: 'offer',
      title: 'What fits them',
      tip: 'Suggest one or two options that match what they said, with the price and any catch. If nothing fits, say so.',
      steps: [
        { id: 'options', question: 'Options you suggested', type: 'list', meaning: 'options' },
        { id: 'done', question: 'What they chose or agreed', type: 'longtext', meaning: 'resolution' },
      ],
    },
    {
      id: 'outcome',
      title: 'Close the call',
      tip: 'Confirm what they chose and what happens next. No pressure: a customer who feels pushed cancels later.',
      steps: [
        { id: 'code', question: 'Outcome of the call', type: 'choice', choices: OUTCOMES, required: true, meaning: 'outcome' },
        { id: 'mood', question: 'How do they sound now?', type: 'choice', choices: [...MOODS], meaning: 'mood.end' },
      ],
    },
    {
      id: 'promise',
      title: 'Promises',
      tip: 'A price, a delivery date, a callback: give each one a date you can keep.',
      steps: [
        { id: 'made', question: 'Did you promise them anything?', type: 'yesno', default: false, meaning: 'promise.made' },
        { id: 'what', question: 'What exactly did you promise?', type: 'text', required: true, when: promised, meaning: 'promise.text' },
        { id: 'due', question: 'By when?', type: 'datetime', required: true, when: promised, meaning: 'promise.due', zone: 'customer', hint: 'Like: fri 10:00, tomorrow 9am, +2d' },
      ],
    },
    {
      id: 'followup',
      title: 'Follow-up',
      tip: 'If they are thinking it over, agree when you will call, and call then.',
      steps: [
        { id: 'needed', question: 'Will you call them back?', type: 'yesno', default: (answers) => answers['outcome.code'] === 'callback' },
        { id: 'what', question: 'What is the callback about?', type: 'text', required: true, when: callingBack, meaning: 'followup.text' },
        { id: 'due', question: 'When will you call?', type: 'datetime', required: true, when: callingBack, default: 'tomorrow 10:00', meaning: 'followup.due', zone: 'customer' },
      ],
    },
    {
      id: 'wrapup',
      title: 'Category',
      tip: 'Note what they asked about, so the offers that are missing can be found.',
      steps: [
        { id: 'category', question: 'Category', type: 'choice', choices: [...PROBLEM_CATEGORIES], default: 'request', meaning: 'problem.category' },
      ],
    },
  ],
});
