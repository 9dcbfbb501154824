import type { Pool, PoolClient } from './db.ts';

/** Monthly partitions of `readings`, named readings_pYYYYMM and covering [first of month, first of next) in UTC ms. */
export const monthOf = (ts: number): number => {
  const d = new Date(ts);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const monthStart = (m: number): number => Date.UTC(Math.floor(m / 12), m % 12, 1);
export const partitionName = (m: number): string =>
  `readings_p${Math.floor(m / 12)}${String((m % 12) + 1).padStart(2, '0')}`;
const monthOfName = (name: string): number | undefined => {
  const x = /^readings_p(\d{4})(\d{2})$/.exec(name);
  return x ? Number(x[1]) * 12 + Number(x[2]) - 1 : undefined;
};

const lock = (c: PoolClient) =>
  c.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.readings_partitions'))");

/**
 * Creates the partitions for `months` that this process has not seen yet, in their own short transaction under an
 * advisory lock (so that processes creating the same month at once do not collide), before the write that needs them.
 */
export async function ensurePartitions(pool: Pool, known: Set<number>, months: Iterable<number>): Promise<void> {
  const missing = [...new Set(months)].filter((m) => !known.has(m)).sort((a, b) => a - b);
  if (missing.length === 0) return;
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await lock(c);
    for (const m of missing) {
      if (monthStart(m) < -8.64e15 || monthStart(m + 1) > 8.64e15) throw new RangeError(`timestamp out of range`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(m)} PARTITION OF readings FOR VALUES FROM (${monthStart(m)}) TO (${monthStart(m + 1)})`,
      );
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
  for (const m of missing) known.add(m);
}

/**
 * Retention: drops every partition wholly before `ts` and deletes the older rows of the one holding it, in one
 * transaction under the partition lock. Returns the number of readings removed.
 */
export async function deleteBefore(c: PoolClient, ts: number): Promise<number> {
  await lock(c);
  const { rows } = await c.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass",
  );
  let n = 0;
  const cut = monthOf(ts);
  for (const { name } of rows) {
    const m = monthOfName(name);
    if (m === undefined || m > cut) continue;
    if (monthStart(m + 1) <= ts) {
      n += (await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${name}`)).rows[0]?.n ?? 0;
      await c.query(`DROP TABLE ${name}`);
    } else {
      n += (await c.query(`DELETE FROM ${name} WHERE ts < $1`, [ts])).rowCount ?? 0;
    }
  }
  return n;
}
