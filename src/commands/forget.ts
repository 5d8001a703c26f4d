// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function forgetCommand(..._args: unknown[]): Promise<void> { throw new UserError('forget is not implemented yet', 1); }
export async function purgeCommand(..._args: unknown[]): Promise<void> { throw new UserError('forget is not implemented yet', 1); }
