// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function followupsListCommand(..._args: unknown[]): Promise<void> { throw new UserError('followups is not implemented yet', 1); }
export async function followupsDoneCommand(..._args: unknown[]): Promise<void> { throw new UserError('followups is not implemented yet', 1); }
export async function followupsSnoozeCommand(..._args: unknown[]): Promise<void> { throw new UserError('followups is not implemented yet', 1); }
