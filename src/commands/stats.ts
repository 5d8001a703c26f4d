// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function statsCommand(..._args: unknown[]): Promise<void> { throw new UserError('stats is not implemented yet', 1); }
