/**
 * Which calls are one customer's, and which are repeat contacts: worked out by the index
 * from the calls' keys (domain/customerKeys), kept here so the index and its check share them.
 */
import type { SqlStatement, SqlValue } from './sqlite.js';

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
 * Kept in two temporary tables of the build's connection, not in JavaScript: held there,
 * ~270,000 keys at 300,000 calls let the program's heap grow by ~2-3 times their size.
 */
export class CustomerLinks {
  private next = 2 ** 50;

  constructor(private readonly sql: (text: string) => SqlStatement) {
    sql('CREATE TEMP TABLE IF NOT EXISTS build_customer_keys(key TEXT PRIMARY KEY, grp INTEGER NOT NULL) WITHOUT ROWID').run();
    sql('CREATE TEMP TABLE IF NOT EXISTS build_customer_groups(grp INTEGER PRIMARY KEY, parent INTEGER NOT NULL)').run();
    sql('DELETE FROM temp.build_customer_keys').run();
    sql('DELETE FROM temp.build_customer_groups').run();
  }

  link(phone: string | null, account: string | null): number | undefined {
    const keys = [phone !== null ? `p:${phone}` : undefined, account !== null ? `a:${account}` : undefined].filter((k): k is string => k !== undefined);
    if (keys.length === 0) return undefined;
    const groupOf = this.sql('SELECT grp FROM temp.build_customer_keys WHERE key = ?');
    const groups = keys.map((k) => groupOf.get(k)?.grp as number | undefined).filter((g): g is number => g !== undefined).map((g) => this.find(g));
    let group: number;
    if (groups.length === 0) {
      group = this.next++;
      this.sql('INSERT INTO temp.build_customer_groups(grp, parent) VALUES (?, ?)').run(group, group);
    } else {
      group = Math.min(...groups);
      for (const other of groups) if (other !== group) this.sql('UPDATE temp.build_customer_groups SET parent = ? WHERE grp = ?').run(group, other);
    }
    const setKey = this.sql('INSERT INTO temp.build_customer_keys(key, grp) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET grp = excluded.grp');
    for (const key of keys) setKey.run(key, group);
    return group;
  }

  /** Groups that were joined into another: [their name, the name they go by now]. */
  *merged(): Generator<[number, number]> {
    const joined = this.sql('SELECT grp FROM temp.build_customer_groups WHERE parent != grp').all().map((row) => row.grp as number);
    for (const group of joined) yield [group, this.find(group)];
  }

  /** The tables go with the build. */
  drop(): void {
    this.sql('DELETE FROM temp.build_customer_keys').run();
    this.sql('DELETE FROM temp.build_customer_groups').run();
  }

  private find(group: number): number {
    const parentOf = this.sql('SELECT parent FROM temp.build_customer_groups WHERE grp = ?');
    let root = group;
    for (let parent = parentOf.get(root)!.parent as number; parent !== root; parent = parentOf.get(root)!.parent as number) root = parent;
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

