import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { type ReadingStore, ROLLUP_BUCKET_MS, type Rollup } from '../../ingest/ports.ts';
import type { QuarantineEntry } from '../../ingest/types.ts';
import type { Reading } from '../../sensors/types.ts';
import type { CellId, EpochMs, SensorId } from '../../shared/brand.ts';
import { inTx, type Pool, type PoolClient } from './db.ts';
import { deleteBefore, ensurePartitions, monthOf } from './partitions.ts';
import { writeQuarantine } from './quarantine.ts';

const B = ROLLUP_BUCKET_MS;

// Per connection, emptied at every commit or rollback; the CHECK fails the COPY itself on NaN or ±Infinity.
const STAGE = `CREATE TEMP TABLE IF NOT EXISTS reading_stage (
  idx integer NOT NULL, sensor integer NOT NULL, metric integer NOT NULL, ts bigint NOT NULL,
  value double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity')
) ON COMMIT DELETE ROWS`;

// The first of each key in the batch, in key order (so that concurrent writers lock rows in one order and never
// deadlock).
const FIRSTS = `SELECT DISTINCT ON (sensor, metric, ts) idx, sensor, metric, ts, value FROM reading_stage
  ORDER BY sensor, metric, ts, idx`;

/**
 * One statement stores the new rows, skips keys already stored, and folds exactly the new rows into the rollups (a
 * reading's cell is its sensor's, which the batch has just registered). It answers with how many were stored. The
 * fast form skips stored keys with an anti-join and a plain INSERT, about a fifth faster than ON CONFLICT here; a
 * concurrent writer inserting the same key in between makes it fail with a unique violation, and the batch is then
 * written again in the safe form, ON CONFLICT DO NOTHING.
 */
const merge = (safe: boolean) => `WITH ins AS (
  INSERT INTO readings (sensor, metric, ts, value) SELECT sensor, metric, ts, value FROM (${FIRSTS}) f
  ${
    safe
      ? 'ON CONFLICT DO NOTHING'
      : 'WHERE NOT EXISTS (SELECT 1 FROM readings r WHERE r.sensor = f.sensor AND r.metric = f.metric AND r.ts = f.ts)'
  }
  RETURNING sensor, metric, ts, value
), roll AS (
  INSERT INTO rollups AS r (cell, metric, bucket, count, sum, min, max)
  SELECT s.cell, i.metric, i.ts - mod(mod(i.ts, ${B}) + ${B}, ${B}), count(*), sum(i.value), min(i.value), max(i.value)
  FROM ins i JOIN sensors s ON s.key = i.sensor GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (cell, metric, bucket) DO UPDATE SET count = r.count + excluded.count, sum = r.sum + excluded.sum,
    min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)
)
SELECT count(*)::integer AS n FROM ins`;
const MERGE_FAST = merge(false);
const MERGE_SAFE = merge(true);

// Only when some keys were stored before: which first-of-key rows did this transaction write? Rows it inserted carry
// its own transaction id as xmin; rows found already there carry another's.
const STORED_NOW = `SELECT f.idx FROM (${FIRSTS}) f JOIN readings r USING (sensor, metric, ts)
  WHERE r.xmin = pg_current_xact_id()::xid`;

/** The COPY text of a batch, in chunks of about 64 kB. */
function* copyChunks(readings: readonly Reading[], sensors: Int32Array, metrics: Int32Array): Generator<string> {
  let chunk = '';
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Reading;
    chunk += `${i}\t${sensors[i]}\t${metrics[i]}\t${r.ts}\t${r.value}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** The index of the first reading of each (sensor, metric, ts) key in the batch. */
function firstOfKey(readings: readonly Reading[], sensors: Int32Array, metrics: Int32Array): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (let i = 0; i < readings.length; i++) {
    const k = `${sensors[i]}:${metrics[i]}:${(readings[i] as Reading).ts}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(i);
  }
  return out;
}

/**
 * Readings on PostgreSQL, partitioned by month: COPY into a temporary staging table, then one INSERT … SELECT … ON
 * CONFLICT DO NOTHING RETURNING that stores the new rows and maintains the rollups from exactly those, all in the
 * batch's transaction with its quarantine rows. When every first-of-key reading was stored (the usual case), the flags
 * follow from the count; otherwise one more query asks which rows this transaction wrote. Sensor and metric keys are cached once their transaction commits.
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
      return await this.#writeOnce(readings, quarantine, false);
    } catch (e) {
      const err = e as { code?: string; table?: string };
      // A concurrent writer stored one of our keys first: write the batch again, skipping conflicts row by row.
      if (err.code === '23505' && err.table?.startsWith('readings')) return this.#writeOnce(readings, quarantine, true);
      // Another process's retention may have dropped a partition this one still believes in: forget and retry once.
      if (err.code !== '23514' || !/no partition/.test(String(e))) throw e;
      this.#months.clear();
      return this.#writeOnce(readings, quarantine, true);
    }
  }

  async #writeOnce(
    readings: readonly Reading[],
    quarantine: readonly QuarantineEntry[],
    safe: boolean,
  ): Promise<Uint8Array> {
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
        const { sensors, metrics } = await this.#keys(c, readings, pending);
        await c.query("SET LOCAL work_mem = '64MB'");
        await c.query(STAGE);
        await pipeline(
          Readable.from(copyChunks(readings, sensors, metrics)),
          c.query(copyFrom('COPY reading_stage FROM STDIN')),
        );
        const firsts = firstOfKey(readings, sensors, metrics);
        const stored = (await c.query<{ n: number }>(safe ? MERGE_SAFE : MERGE_FAST)).rows[0]?.n ?? 0;
        if (stored === firsts.length) for (const i of firsts) flags[i] = 1;
        else if (stored > 0) {
          const res = await c.query<[number]>({ text: STORED_NOW, rowMode: 'array' });
          for (const row of res.rows) flags[row[0]] = 1;
        }
      }
      await writeQuarantine(c, quarantine);
    });
    for (const [id, s] of pending.sensors) this.#sensorKeys.set(id, s);
    for (const [name, key] of pending.metrics) this.#metricKeys.set(name, key);
    return flags;
  }

  /** The integer keys of every reading's sensor and metric, upserting the unknown ones (and moved sensors). */
  async #keys(
    c: PoolClient,
    readings: readonly Reading[],
    pending: { sensors: Map<string, { key: number; cell: string }>; metrics: Map<string, number> },
  ) {
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
    const sensors = new Int32Array(readings.length);
    const metrics = new Int32Array(readings.length);
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i] as Reading;
      sensors[i] = (pending.sensors.get(r.sensor) ?? this.#sensorKeys.get(r.sensor))?.key ?? 0;
      metrics[i] = pending.metrics.get(r.metric) ?? this.#metricKeys.get(r.metric) ?? 0;
    }
    return { sensors, metrics };
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
