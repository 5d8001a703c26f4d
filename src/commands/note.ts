// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function noteCommand(..._args: unknown[]): Promise<void> { throw new UserError('note is not implemented yet', 1); }
