import type { Context } from '../context.js';
import { oneLine } from '../render/terminalText.js';

/** Said when a filter by agent found nothing and the name looks like a typo of an agent's (`agentNameLike`). */
export function warnAgentTypo(ctx: Pick<Context, 'warn'>, agent: string | undefined, like: string | undefined): void {
  if (agent !== undefined && like !== undefined) ctx.warn(`no call in this store is by ${oneLine(agent, 40)}: did you mean ${like}?`);
}
