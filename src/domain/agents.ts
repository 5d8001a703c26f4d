/**
 * Agents are named on calls as they typed their name (`--agent`, `CSR_CALL_AGENT`, the
 * login); "Sam" and "sam" are one agent wherever calls are filtered or counted by agent.
 */
export function agentKey(name: string): string {
  return name.trim().toLowerCase();
}
