import { UserError } from '../errors.js';

/**
 * `YYYYMMDD-HHMMSS-xxxxxx`. Lives here rather than beside the zod schema so that code on
 * the start-up path of `followups` and `list` can recognise call files without loading zod.
 */
export const CALL_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-z]{6}$/;

/** The characters of ids' and temporary names' random parts: lower-case base 36. */
export const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Six random base-36 characters (~31 bits): enough that agents sharing a directory never
 * collide. From Math.random, not node:crypto: nothing here is a secret (ids are shown, a
 * lock's token only tells one taking from another), and loading node:crypto cost `start`
 * ~2 ms before its first question.
 */
export function randomPart(length = 6): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE36[Math.floor(Math.random() * 36)];
  return out;
}

/** 16 random base-36 characters (~82 bits) that tell one taking of a lock from another. */
export function randomToken(): string {
  return randomPart(16);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `YYYYMMDD-HHMMSS-xxxxxx` in UTC: sorts by time as text, is safe as a file name on
 * every platform, and does not depend on the file system to be unique.
 */
export function newCallId(at: Date): string {
  return `${callIdSecond(at)}-${randomPart()}`;
}

/** `YYYYMMDD-HHMMSS`: how the ids of calls started in that (UTC) second begin. */
export function callIdSecond(at: Date): string {
  const day = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  return `${day}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

export function isCallId(text: string): boolean {
  return CALL_ID_PATTERN.test(text);
}

/**
 * The week folders a month's calls are filed in, by day of the month: 1–7, 8–14, 15–21,
 * 22–28 and 29–31 (see callFiles.ts for why not one folder per month, or per day).
 */
export const WEEK_FOLDERS = ['01-07', '08-14', '15-21', '22-28', '29-31'] as const;

/** The week folder of a day of the month (1–31). */
export function weekFolderOfDay(day: number): string {
  return WEEK_FOLDERS[Math.max(0, Math.min(4, Math.floor((day - 1) / 7)))]!;
}

/** `calls/YYYY/MM/<week>` relative to the data directory, from the id's own time stamp (UTC). */
export function callDirOf(id: string): string {
  return `calls/${id.slice(0, 4)}/${id.slice(4, 6)}/${weekFolderOfDay(Number(id.slice(6, 8)))}`;
}

const SHORT_ID = /^[0-9a-z]{6}$/;
const FOLLOWUP_ID = /^(?:\d{8}-\d{6}-)?[0-9a-z]{6}\.f\d{1,3}$/;

/**
 * Checks an id typed on the command line before it goes near the file system. Accepts a
 * full call id or its six-character random part (what the lists show).
 */
export function parseCallIdArg(text: string): { full?: string; short?: string } {
  if (isCallId(text)) return { full: text };
  if (SHORT_ID.test(text)) return { short: text };
  throw new UserError(
    `"${printableId(text)}" is not a call id: expected like 20261123-145203-k3v9q2 or its last part k3v9q2`,
  );
}

export function parseFollowUpIdArg(text: string): { callPart: { full?: string; short?: string }; index: number } {
  if (!FOLLOWUP_ID.test(text)) {
    throw new UserError(
      `"${printableId(text)}" is not a follow-up id: expected like k3v9q2.f1 (as shown by csr-call followups)`,
    );
  }
  const dot = text.lastIndexOf('.f');
  const callText = text.slice(0, dot);
  return { callPart: parseCallIdArg(callText), index: Number(text.slice(dot + 2)) };
}

/** The call id's own time stamp (UTC): a damaged file still says when its call started. */
export function startOfCallId(id: string): Date {
  const at = (from: number, to: number) => Number(id.slice(from, to));
  return new Date(Date.UTC(at(0, 4), at(4, 6) - 1, at(6, 8), at(9, 11), at(11, 13), at(13, 15)));
}

/** The short form agents see and type. */
export function shortId(id: string): string {
  return id.slice(-6);
}

/** `k3v9q2.f1`: how the lists show a follow-up id (the call id's random tail + `.fN`). */
export function shortFollowUpId(followupId: string): string {
  const dot = followupId.lastIndexOf('.f');
  return dot < 0 ? followupId : `${followupId.slice(0, dot).slice(-6)}${followupId.slice(dot)}`;
}

/** Keeps an echoed bad id readable and harmless: short, no control characters. */
function printableId(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
