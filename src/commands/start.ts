// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function startCommand(..._args: unknown[]): Promise<void> { throw new UserError('start is not implemented yet', 1); }
export async function resumeCommand(..._args: unknown[]): Promise<void> { throw new UserError('start is not implemented yet', 1); }
