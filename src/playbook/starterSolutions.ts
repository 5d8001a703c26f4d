/**
 * The prepared solutions the built-in playbooks offer: a starter set per problem category,
 * meant to be reworded, limited and added to by each team (a `solutions.ts` in the
 * playbook folder; a solution there with the same id replaces the one here). The allowances
 * in `needs` are examples: set your own.
 */
import { defineSolutions } from './types.js';

export const STARTER_SOLUTIONS = defineSolutions([
  // Billing
  {
    id: 'refund-duplicate',
    title: 'Refund the duplicate charge',
    categories: ['billing'],
    script: 'I can send the second charge back to your card today; banks take up to five working days to show it.',
    needs: 'a true duplicate, up to $100 (more needs a lead)',
    promises: { text: 'The refund of the duplicate charge reaches their card', due: '+5d' },
  },
  {
    id: 'credit-next-bill',
    title: 'Credit it on the next bill',
    categories: ['billing', 'complaint'],
    script: 'Rather than wait for a refund, I can take the amount off your next bill; you will see it as a credit line.',
    needs: 'account in good standing',
    promises: { text: 'The credit shows on their next bill', due: '+30d' },
  },
  {
    id: 'payment-plan',
    title: 'Spread the balance over three months',
    categories: ['billing'],
    script: 'We can split what is owed into three monthly payments, with no fee and no effect on your service.',
    needs: 'balance over $50, no plan in the last 12 months',
  },
  {
    id: 'waive-late-fee',
    title: 'Waive the late fee, once',
    categories: ['billing'],
    script: 'I can remove the late fee this time; I will also set a reminder so the next bill does not catch you out.',
    needs: 'no fee waived in the last 12 months',
  },
  {
    id: 'explain-bill',
    title: 'Go through the bill line by line',
    categories: ['billing', 'request'],
    script: 'Let us go through each line together, so you know exactly what every charge is for.',
  },
  // Technical
  {
    id: 'guided-restart',
    title: 'A full restart, step by step, together',
    categories: ['technical'],
    script: 'Most of these clear with a full restart in the right order; I will stay on the line and go through it with you.',
  },
  {
    id: 'remote-check',
    title: 'Run a check on their line from here',
    categories: ['technical'],
    script: 'I can test your service from here while we talk; it takes about two minutes and tells us where the fault is.',
    needs: 'identity checked',
  },
  {
    id: 'technician-visit',
    title: 'Book a technician visit',
    categories: ['technical'],
    script: 'I will book a technician; you will get a text with the time window, and they will call before they come.',
    needs: 'the remote steps tried first',
    promises: { text: 'A technician visit is booked and the slot confirmed to them', due: '+1d' },
  },
  {
    id: 'replace-device',
    title: 'Send a replacement device',
    categories: ['technical'],
    script: 'Since the device is at fault, I will send a new one by courier, with a bag to send the old one back free.',
    needs: 'device under warranty, fault confirmed',
    promises: { text: 'The replacement device is delivered', due: '+3d' },
  },
  {
    id: 'second-line',
    title: 'Hand it to second-line support, with what was tried',
    categories: ['technical', 'account'],
    script: 'This needs our specialists; I will pass on everything we tried today, so they start from where we are.',
    promises: { text: 'Second-line support calls them back', due: '+1d' },
  },
  // Delivery
  {
    id: 'trace-parcel',
    title: 'Open a trace with the carrier',
    categories: ['delivery'],
    script: 'I will open a trace with the carrier now; they answer within two working days and I will call you with what they say.',
    promises: { text: 'They hear what the carrier trace found', due: '+2d' },
  },
  {
    id: 'resend-order',
    title: 'Send the order again by express',
    categories: ['delivery'],
    script: 'I will send a new one by express today, at no cost; if the first one turns up, you can send it back free.',
    needs: 'parcel lost or damaged, item in stock',
    promises: { text: 'The replacement parcel arrives', due: '+3d' },
  },
  {
    id: 'refund-undelivered',
    title: 'Refund the order that never came',
    categories: ['delivery', 'billing'],
    script: 'I can refund the whole order to your card now, so you are not out of pocket while the parcel is lost.',
    needs: 'carrier confirms it lost, or 10 days late',
    promises: { text: 'The refund for the lost order reaches their card', due: '+5d' },
  },
  {
    id: 'change-delivery',
    title: 'Change the delivery day or address',
    categories: ['delivery', 'request'],
    script: 'I can move the delivery to a day you are in, or to another address; the carrier confirms by text.',
    needs: 'not yet out for delivery',
  },
  // Account
  {
    id: 'reset-access',
    title: 'Reset the password and unlock the account',
    categories: ['account'],
    script: 'Once I have checked it is you, I will unlock the account and send a reset link that works for one hour.',
    needs: 'identity checked (two security questions)',
  },
  {
    id: 'secure-account',
    title: 'Secure the account and go through recent activity',
    categories: ['account', 'complaint'],
    script: 'I will lock out other sessions now, then we go through the recent activity together to see what is yours.',
    needs: 'identity checked',
  },
  {
    id: 'update-details',
    title: 'Update their details now, on the call',
    categories: ['account', 'request'],
    script: 'I can change that for you now and read it back, so it is right on everything we send from today.',
  },
  {
    id: 'close-account',
    title: 'Close the account and confirm it in writing',
    categories: ['account', 'request'],
    script: 'I can close it today; you will get a letter confirming the closure and any final balance.',
    promises: { text: 'Written confirmation of the closure is sent', due: '+2d' },
  },
  // Complaints
  {
    id: 'goodwill-credit',
    title: 'A goodwill credit',
    categories: ['complaint'],
    script: 'This should not have happened; I would like to put a credit on your account for the trouble.',
    needs: 'up to $25 without a lead',
  },
  {
    id: 'lead-callback',
    title: 'A call from a team lead',
    categories: ['complaint'],
    script: 'I will ask my team lead to call you personally; they can do more than I can on this.',
    promises: { text: 'A team lead calls them', due: '+1d' },
  },
  {
    id: 'formal-complaint',
    title: 'Log a formal complaint with a reference number',
    categories: ['complaint'],
    script: 'I will log this as a formal complaint and give you the reference; you get a written answer within ten working days.',
    promises: { text: 'A written answer to the complaint is sent', due: '+14d' },
  },
  {
    id: 'feedback-owner',
    title: 'Take it to the team responsible and report back',
    categories: ['complaint', 'other'],
    script: 'I will take this to the team whose process it is, and call you to say what they are changing.',
    promises: { text: 'They hear what the team responsible did with it', due: '+7d' },
  },
  // Requests
  {
    id: 'send-in-writing',
    title: 'Send the information in writing',
    categories: ['request', 'other'],
    script: 'I will email you all of this today, so you have it to hand.',
    promises: { text: 'The information is emailed to them', due: '+1d' },
  },
  {
    id: 'better-plan',
    title: 'Move them to a plan that fits better',
    categories: ['request', 'billing'],
    script: 'Looking at how you use it, another plan would cost you less; I can switch you from your next bill.',
  },
]);
