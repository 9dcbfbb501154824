import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { ReadingStore, Rollup } from '../../ingest/ports.ts';
import type { QuarantineEntry } from '../../ingest/types.ts';
import type { Reading } from '../../sensors/types.ts';
import type { CellId, EpochMs, SensorId } from '../../shared/brand.ts';
import { byRollupKey, firstOfEachKey, type KeyedRows, keyedRows, keyOrder, rollupGroups } from '../rows/readings.ts';
import { inTx, type Pool, type PoolClient } from './db.ts';
import { deleteBefore, ensurePartitions, monthOf } from './partitions.ts';
import { writeQuarantine } from './quarantine.ts';

/**
 * The safe form, for a batch with keys already stored: inserts the rows whose key is new, in key order (so that
 * concurrent writers lock rows in one order and never deadlock), and answers with the keys it stored.
 */
const INSERT_NEW = `INSERT INTO readings (sensor, metric, ts, value)
  SELECT * FROM unnest($1::integer[], $2::integer[], $3::bigint[], $4::double precision[])
  ON CONFLICT DO NOTHING RETURNING sensor, metric, ts`;

/** Adds a batch's rollup groups, sorted by key so that concurrent writers lock the rows in one order. */
const UPSERT_ROLLUPS = `INSERT INTO rollups AS r (cell, metric, bucket, count, sum, min, max)
  SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[], $5::double precision[],
    $6::double precision[], $7::double precision[])
  ON CONFLICT (cell, metric, bucket) DO UPDATE SET count = r.count + excluded.count, sum = r.sum + excluded.sum,
    min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)`;

const isDuplicateReading = (e: unknown): boolean => {
  const err = e as { code?: string; table?: string };
  return err.code === '23505' && err.table?.startsWith('readings') === true;
};

/** The COPY text of the rows `at`, in chunks of about 64 kB. */
function* copyChunks(rows: KeyedRows, at: Uint32Array): Generator<string> {
  const { sensor, metric, ts, value } = rows;
  let chunk = '';
  for (const i of at) {
    chunk += `${sensor[i]}\t${metric[i]}\t${ts[i]}\t${value[i]}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Readings on PostgreSQL, partitioned by month. A batch is written in one transaction with its quarantine rows. The
 * first reading of each key goes in, in key order, with one COPY straight into `readings` inside a savepoint: the usual
 * case, where every key is new, costs no duplicate check at all. When a key was already stored the COPY fails on the
 * primary key, the savepoint is rolled back and the batch goes in the safe form (INSERT … ON CONFLICT DO NOTHING
 * RETURNING), which says which rows were new. The rollups are then grouped in JavaScript from exactly the stored rows
 * and upserted in one statement. Sensor and metric keys are cached once their transaction commits.
 */
export class PgReadingStore implements ReadingStore {
  readonly #pool: Pool;
  readonly #sensorKeys = new Map<string, { key: number; cell: string }>();
  readonly #metricKeys = new Map<string, number>();
  readonly #months = new Set<number>();

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async writeReadings(readings: readonly Reading[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    try {
      return await this.#writeOnce(readings, quarantine);
    } catch (e) {
      // Another process's retention may have dropped a partition this one still believes in: forget and retry once.
      if ((e as { code?: string }).code !== '23514' || !/no partition/.test(String(e))) throw e;
      this.#months.clear();
      return this.#writeOnce(readings, quarantine);
    }
  }

  async #writeOnce(readings: readonly Reading[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    const flags = new Uint8Array(readings.length);
    if (readings.length > 0)
      await ensurePartitions(
        this.#pool,
        this.#months,
        readings.map((r) => monthOf(r.ts)),
      );
    const pending = { sensors: new Map<string, { key: number; cell: string }>(), metrics: new Map<string, number>() };
    await inTx(this.#pool, async (c) => {
      if (readings.length > 0) {
        const rows = await this.#keys(c, readings, pending);
        const order = keyOrder(rows);
        const firsts = firstOfEachKey(rows, order);
        if (await copyAllNew(c, rows, firsts)) for (const i of firsts) flags[i] = 1;
        else await insertNew(c, rows, firsts, flags);
        const groups = rollupGroups(readings, rows.metric, order, flags).sort(byRollupKey);
        if (groups.length > 0)
          await c.query(UPSERT_ROLLUPS, [
            groups.map((g) => g.cell),
            groups.map((g) => g.metric),
            groups.map((g) => g.bucket),
            groups.map((g) => g.count),
            groups.map((g) => g.sum),
            groups.map((g) => g.min),
            groups.map((g) => g.max),
          ]);
      }
      await writeQuarantine(c, quarantine);
    });
    for (const [id, s] of pending.sensors) this.#sensorKeys.set(id, s);
    for (const [name, key] of pending.metrics) this.#metricKeys.set(name, key);
    return flags;
  }

  /** The batch as integer-keyed rows, upserting unknown sensors and metrics (and moved sensors). */
  async #keys(
    c: PoolClient,
    readings: readonly Reading[],
    pending: { sensors: Map<string, { key: number; cell: string }>; metrics: Map<string, number> },
  ): Promise<KeyedRows> {
    const newSensors = new Map<string, string>();
    const newMetrics = new Set<string>();
    for (const r of readings) {
      const s = this.#sensorKeys.get(r.sensor);
      if (s === undefined || s.cell !== r.cell || newSensors.has(r.sensor)) newSensors.set(r.sensor, r.cell);
      if (!this.#metricKeys.has(r.metric)) newMetrics.add(r.metric);
    }
    if (newSensors.size > 0) {
      // Sorted, so that processes registering the same sensors lock their rows in one order and never deadlock.
      const ids = [...newSensors.keys()].sort();
      const { rows } = await c.query<{ key: number; id: string; cell: string }>(
        `INSERT INTO sensors (id, cell) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (id) DO UPDATE SET cell = excluded.cell RETURNING key, id, cell`,
        [ids, ids.map((id) => newSensors.get(id))],
      );
      for (const r of rows) pending.sensors.set(r.id, { key: r.key, cell: r.cell });
    }
    if (newMetrics.size > 0) {
      const { rows } = await c.query<{ key: number; name: string }>(
        `INSERT INTO metrics (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO UPDATE SET name = excluded.name
         RETURNING key, name`,
        [[...newMetrics].sort()],
      );
      for (const r of rows) pending.metrics.set(r.name, r.key);
    }
    return keyedRows(
      readings,
      (r) => (pending.sensors.get(r.sensor) ?? this.#sensorKeys.get(r.sensor))?.key ?? 0,
      (r) => pending.metrics.get(r.metric) ?? this.#metricKeys.get(r.metric) ?? 0,
    );
  }

  async countReadings(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT count(*) AS n FROM readings');
    return rows[0]?.n ?? 0;
  }

  async readingsOf(sensor: string, metric: string, from: EpochMs, to: EpochMs): Promise<Reading[]> {
    const { rows } = await this.#pool.query<{ ts: number; value: number; cell: string }>(
      `SELECT r.ts, r.value, s.cell FROM readings r JOIN sensors s ON s.key = r.sensor JOIN metrics m ON m.key = r.metric
       WHERE s.id = $1 AND m.name = $2 AND r.ts >= $3 AND r.ts < $4 ORDER BY r.ts`,
      [sensor, metric, from, to],
    );
    return rows.map((r) => ({ sensor: sensor as SensorId, metric, ts: r.ts, value: r.value, cell: r.cell as CellId }));
  }

  async rollups(cell: CellId, metric: string, from: EpochMs, to: EpochMs): Promise<Rollup[]> {
    const { rows } = await this.#pool.query<Rollup>(
      `SELECT bucket, count, sum, min, max FROM rollups
       WHERE cell = $1 AND metric = (SELECT key FROM metrics WHERE name = $2) AND bucket >= $3 AND bucket < $4
       ORDER BY bucket`,
      [cell, metric, from, to],
    );
    return rows;
  }

  async deleteReadingsBefore(ts: EpochMs): Promise<number> {
    const n = await inTx(this.#pool, (c) => deleteBefore(c, ts));
    this.#months.clear();
    return n;
  }
}

/**
 * COPYs the rows `at` straight into `readings` inside a savepoint. True when they all went in; false, with the
 * savepoint undone and the transaction as it was, when one of their keys was already stored (by an earlier batch, or
 * by a concurrent writer that committed it first).
 */
async function copyAllNew(c: PoolClient, rows: KeyedRows, at: Uint32Array): Promise<boolean> {
  await c.query('SAVEPOINT copy_new');
  try {
    await pipeline(
      Readable.from(copyChunks(rows, at)),
      c.query(copyFrom('COPY readings (sensor, metric, ts, value) FROM STDIN')),
    );
  } catch (e) {
    if (!isDuplicateReading(e)) throw e;
    await c.query('ROLLBACK TO SAVEPOINT copy_new');
    await c.query('RELEASE SAVEPOINT copy_new');
    return false;
  }
  await c.query('RELEASE SAVEPOINT copy_new');
  return true;
}

/** Inserts the rows `at` whose key is not stored yet, and flags exactly those. */
async function insertNew(c: PoolClient, rows: KeyedRows, at: Uint32Array, flags: Uint8Array): Promise<void> {
  const pick = <T extends Int32Array | Float64Array>(a: T) => Array.from(at, (i) => a[i] as number);
  const res = await c.query<[number, number, string]>({
    text: INSERT_NEW,
    values: [pick(rows.sensor), pick(rows.metric), pick(rows.ts), pick(rows.value)],
    rowMode: 'array',
  });
  if (res.rows.length === 0) return;
  const indexOf = new Map<string, number>();
  for (const i of at) indexOf.set(`${rows.sensor[i]}|${rows.metric[i]}|${rows.ts[i]}`, i);
  for (const [sensor, metric, ts] of res.rows) flags[indexOf.get(`${sensor}|${metric}|${ts}`) as number] = 1;
}
