import type { Context } from '../context.js';

/**
 * Every `--json` output: one JSON object, `jsonVersion` first. The shape of each command's
 * object is a stable interface (see the README, --json): fields are only ever added; a
 * change that would break a script comes with a new jsonVersion.
 */
export const JSON_VERSION = 1;

export function writeJson(ctx: Pick<Context, 'stdout'>, body: Record<string, unknown>): void {
  ctx.stdout.write(`${JSON.stringify({ jsonVersion: JSON_VERSION, ...body }, null, 2)}\n`);
}
