/**
 * The few kinds of failure the program knows. Only `src/main.ts` turns them into exit
 * codes and messages; commands just throw.
 */

/** Bad input from the user: one red line, no stack trace. Exit 2 by default. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** Runs `parse` for one option, naming the option in the one line it may throw: `--from: "x" is not a day...`. */
export function forOption<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${option}: ${error.message}`, error.exitCode);
    throw error;
  }
}

/** An operation that could not be done (store unreadable, disk full...). Exit 1. */
export class OperationError extends UserError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'OperationError';
  }
}

/**
 * The agent pressed Ctrl-C or the terminal went away mid-call. The call has been saved
 * by the time this is thrown; main prints how to resume and exits 128 + signal number.
 */
export class InterruptedError extends Error {
  readonly signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP';
  readonly callId: string | undefined;
  constructor(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', callId?: string) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.signal = signal;
    this.callId = callId;
  }
}

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** Formats zod-style issues as `path.to.field: message` lines. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // Keys that are not plain names (spaces, colons, dots...) are quoted, so the path
    // stays unambiguous: stageSeconds["a:b"].
    else if (!/^[A-Za-z_$][\w$-]*$/.test(String(part))) out += `[${JSON.stringify(String(part)).slice(0, 60)}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'no permission to write',
  EPERM: 'no permission to write',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'part of the path is not a directory',
  EEXIST: 'part of the path is a file, not a directory',
  EISDIR: 'a folder stands where the file should be',
  EIO: 'the disk reported an input/output error',
  ELOOP: 'its links go round in a loop',
};

/**
 * What a known failure to write a file was, in words with the system's code ('the disk is
 * full (ENOSPC)', with `where` inside the brackets); undefined for anything else. One
 * wording for the store, an export and the output of every command.
 */
export function writeFailure(error: unknown, where?: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? WRITE_FAILURES[code] : undefined;
  return reason ? `${reason} (${code}${where ? ` at ${where}` : ''})` : undefined;
}
