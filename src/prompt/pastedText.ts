/**
 * What a paste becomes in an answer. A paste is text from anywhere (a web page, an email,
 * a terminal): its line breaks are kept only where an answer has lines, and nothing in it
 * may act on the terminal, so escape sequences and control characters are dropped.
 */
import { grouped } from '../text/plural.js';

// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** For a one-line answer: line breaks and tabs become spaces (an address pasted from an email reads as one line). */
export function pasteAsOneLine(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\r\n|[\r\n\t]/g, ' ').replace(CONTROL, '');
}

/** For notes and lists: line breaks become '\n', tabs spaces. */
export function pasteAsLines(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '');
}

/** The part of `text` that fits in `room` characters, never splitting a character made of two code units. */
export function fitToRoom(text: string, room: number): { kept: string; cut: boolean } {
  if (text.length <= room) return { kept: text, cut: false };
  const kept = text.slice(0, Math.max(0, room));
  return { kept: /[\ud800-\udbff]$/.test(kept) ? kept.slice(0, -1) : kept, cut: true };
}

/** The one line shown when a line typed did not fit in its answer. */
export function cutNotice(maxLength: number): string {
  return `line cut: an answer holds ${grouped(maxLength)} characters at most, the rest was not kept`;
}

/**
 * The one line shown when a paste did not fit: what fits is kept (the start of an email
 * is worth keeping), and the line says how much was left out and what the answer holds.
 */
export function pasteCutNotice(pasted: number, kept: number, maxLength: number): string {
  return `paste cut: kept ${grouped(kept)} of ${grouped(pasted)} characters (the answer holds ${grouped(maxLength)})`;
}
