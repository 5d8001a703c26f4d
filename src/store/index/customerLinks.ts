/**
 * Which calls are one customer's, and which are repeat contacts: worked out by the index
 * from the calls' keys (domain/customerKeys), kept here so the index and its check share them.
 */
import type { SqlValue } from './sqlite.js';

/** 1 when another call of the same customer (by phone or account key) about the same problem started in the week before. */
export const REPEAT_CONTACT = `(
  (c.phone_key IS NOT NULL AND EXISTS (SELECT 1 FROM calls AS e WHERE e.phone_key = c.phone_key AND e.started < c.started AND e.started >= c.started - ?
     AND e.n != c.n AND (e.category_key IS NULL OR c.category_key IS NULL OR e.category_key = c.category_key)))
  OR (c.account_key IS NOT NULL AND EXISTS (SELECT 1 FROM calls AS e WHERE e.account_key = c.account_key AND e.started < c.started AND e.started >= c.started - ?
     AND e.n != c.n AND (e.category_key IS NULL OR c.category_key IS NULL OR e.category_key = c.category_key)))
)`;

/**
 * Customers linked as a first build reads the calls, oldest first: a call joins the group
 * of any call sharing a key with it, two groups joined by one call become one. Group names
 * are numbers of their own (from 2^50 up, never a row number, which `linkCustomer` uses).
 */
export class CustomerLinks {
  private readonly groupOfKey = new Map<string, number>();
  private readonly parent = new Map<number, number>();
  private next = 2 ** 50;

  link(phone: string | null, account: string | null): number | undefined {
    const keys = [phone !== null ? `p:${phone}` : undefined, account !== null ? `a:${account}` : undefined].filter((k): k is string => k !== undefined);
    if (keys.length === 0) return undefined;
    const groups = keys.map((k) => this.groupOfKey.get(k)).filter((g): g is number => g !== undefined).map((g) => this.find(g));
    let group: number;
    if (groups.length === 0) {
      group = this.next++;
      this.parent.set(group, group);
    } else {
      group = Math.min(...groups);
      for (const other of groups) if (other !== group) this.parent.set(other, group);
    }
    for (const key of keys) this.groupOfKey.set(key, group);
    return group;
  }

  /** Groups that were joined into another: [their name, the name they go by now]. */
  *merged(): Generator<[number, number]> {
    for (const group of this.parent.keys()) {
      const root = this.find(group);
      if (root !== group) yield [group, root];
    }
  }

  private find(group: number): number {
    let root = group;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    return root;
  }
}

/** Union-find over the calls' keys: each call's group, named by the group's smallest row number. */
export function groupCustomers(rows: Array<Record<string, SqlValue>>): Map<number, number> {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let node = key; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const keysOf = (row: Record<string, SqlValue>) =>
    [row.phone_key !== null ? `p:${row.phone_key as string}` : undefined, row.account_key !== null ? `a:${row.account_key as string}` : undefined].filter(
      (k): k is string => k !== undefined,
    );
  for (const row of rows) {
    const keys = keysOf(row);
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    if (keys.length === 2) {
      const a = find(keys[0]!);
      const b = find(keys[1]!);
      if (a !== b) parent.set(a, b);
    }
  }
  const smallest = new Map<string, number>();
  for (const row of rows) {
    const keys = keysOf(row);
    if (keys.length === 0) continue;
    const root = find(keys[0]!);
    smallest.set(root, Math.min(smallest.get(root) ?? Infinity, row.n as number));
  }
  const out = new Map<number, number>();
  for (const row of rows) {
    const keys = keysOf(row);
    if (keys.length > 0) out.set(row.n as number, smallest.get(find(keys[0]!))!);
  }
  return out;
}

