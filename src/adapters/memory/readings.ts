import { bucketOf, type ReadingStore, type Rollup } from '../../ingest/ports.ts';
import type { QuarantineEntry } from '../../ingest/types.ts';
import type { Reading } from '../../sensors/types.ts';
import type { CellId, EpochMs, SensorId } from '../../shared/brand.ts';
import { constraintError, inner, type MemoryDb } from './db.ts';
import { checkQuarantine, writeQuarantine } from './quarantine.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Readings keyed (sensor, metric, ts) like SQLite's primary key, with rollups per cell, metric and 5-minute bucket.
 * A batch is checked whole before anything is written, so a failing row leaves the store as it was (the SQL
 * adapters get that from their transaction).
 */
export class MemoryReadingStore implements ReadingStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async writeReadings(readings: readonly Reading[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    // What the SQL schemas refuse: a non-finite value (a CHECK in both) and a NaN time (bound as NULL).
    for (const r of readings) {
      if (!Number.isFinite(r.value)) throw constraintError(`readings.value must be finite, got ${r.value}`);
      if (typeof r.ts !== 'number' || Number.isNaN(r.ts)) throw constraintError('readings.ts is NOT NULL');
    }
    checkQuarantine(quarantine);
    const db = this.#db;
    const flags = new Uint8Array(readings.length);
    // Summed per batch first and then added to the stored rollup, in the same order of float additions as SQLite.
    const groups = new Map<string, Map<string, Map<number, Mutable<Rollup>>>>();
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i] as Reading;
      // A sensor takes the cell of its latest reading, duplicates included (SQLite upserts the sensor row first).
      const sensor = inner(db.sensors, r.sensor as string, () => ({ cell: r.cell, values: new Map() }));
      sensor.cell = r.cell;
      db.metrics.add(r.metric);
      const values = inner(sensor.values, r.metric, () => new Map<number, number>());
      if (values.has(r.ts)) continue;
      values.set(r.ts, r.value);
      flags[i] = 1;
      db.meta.readingCount++;
      const bucket = bucketOf(r.ts);
      const byBucket = inner(
        inner(groups, r.cell as string, () => new Map()),
        r.metric,
        () => new Map(),
      );
      const g = byBucket.get(bucket);
      if (g === undefined) byBucket.set(bucket, { bucket, count: 1, sum: r.value, min: r.value, max: r.value });
      else {
        g.count++;
        g.sum += r.value;
        if (r.value < g.min) g.min = r.value;
        if (r.value > g.max) g.max = r.value;
      }
    }
    for (const [cell, byMetric] of groups) {
      for (const [metric, byBucket] of byMetric) {
        const stored = inner(
          inner(db.rollups, cell, () => new Map()),
          metric,
          () => new Map<number, Rollup>(),
        );
        for (const [bucket, g] of byBucket) {
          const old = stored.get(bucket);
          stored.set(
            bucket,
            old === undefined
              ? g
              : {
                  bucket,
                  count: old.count + g.count,
                  sum: old.sum + g.sum,
                  min: Math.min(old.min, g.min),
                  max: Math.max(old.max, g.max),
                },
          );
        }
      }
    }
    writeQuarantine(db, quarantine);
    return flags;
  }

  async countReadings(): Promise<number> {
    return this.#db.meta.readingCount;
  }

  async readingsOf(sensor: string, metric: string, from: EpochMs, to: EpochMs): Promise<Reading[]> {
    const s = this.#db.sensors.get(sensor);
    const values = s?.values.get(metric);
    if (s === undefined || values === undefined) return [];
    // A reading carries its sensor's current cell, as the SQL stores join it from the sensors table.
    const cell = s.cell as CellId;
    const out: Reading[] = [];
    for (const [ts, value] of values) {
      if (ts >= from && ts < to) out.push({ sensor: sensor as SensorId, metric, ts, value, cell });
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  async rollups(cell: CellId, metric: string, from: EpochMs, to: EpochMs): Promise<Rollup[]> {
    const byBucket = this.#db.rollups.get(cell)?.get(metric);
    if (byBucket === undefined) return [];
    const out: Rollup[] = [];
    for (const r of byBucket.values()) if (r.bucket >= from && r.bucket < to) out.push({ ...r });
    return out.sort((a, b) => a.bucket - b.bucket);
  }

  async deleteReadingsBefore(ts: EpochMs): Promise<number> {
    let n = 0;
    for (const s of this.#db.sensors.values()) {
      for (const values of s.values.values()) {
        for (const t of values.keys()) {
          if (t < ts) {
            values.delete(t);
            n++;
          }
        }
      }
    }
    this.#db.meta.readingCount -= n;
    return n;
  }
}
