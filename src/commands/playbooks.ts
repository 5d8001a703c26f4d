// Placeholder until this command is written; it says so instead of pretending.
import { UserError } from '../errors.js';
export async function playbooksListCommand(..._args: unknown[]): Promise<void> { throw new UserError('playbooks is not implemented yet', 1); }
export async function playbooksShowCommand(..._args: unknown[]): Promise<void> { throw new UserError('playbooks is not implemented yet', 1); }
export async function playbooksValidateCommand(..._args: unknown[]): Promise<void> { throw new UserError('playbooks is not implemented yet', 1); }
