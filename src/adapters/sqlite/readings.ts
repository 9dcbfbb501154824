import type { Statement } from 'better-sqlite3';
import type { ReadingStore, Rollup } from '../../ingest/ports.ts';
import type { QuarantineEntry } from '../../ingest/types.ts';
import type { Reading } from '../../sensors/types.ts';
import type { CellId, EpochMs, SensorId } from '../../shared/brand.ts';
import { type KeyedRows, keyedRows, rollupGroups } from '../rows/readings.ts';
import type { Db } from './db.ts';
import { insertQuarantineStatement, writeQuarantine } from './quarantine.ts';
import { type InsertedRows, readingInserter } from './reading-insert.ts';

/** Keys first inserted by the batch being written; cached only once it commits, since a rollback undoes them. */
interface NewKeys {
  readonly sensors: Map<string, { key: number; cell: string }>;
  readonly metrics: Map<string, number>;
}

/**
 * Readings in a compact WITHOUT ROWID table keyed (sensor, metric, ts), with sensors and metrics as integer keys. The
 * keys are cached in memory; a key first seen inside a batch is cached only once that batch has committed.
 */
export class SqliteReadingStore implements ReadingStore {
  readonly #sensorKeys = new Map<string, { key: number; cell: string }>();
  readonly #metricKeys = new Map<string, number>();
  readonly #insert: (rows: KeyedRows) => InsertedRows;
  readonly #upsertSensor: Statement<[string, string], { key: number }>;
  readonly #upsertMetric: Statement<[string], { key: number }>;
  readonly #insertQuarantine: Statement;
  readonly #count: Statement<[], { n: number }>;
  readonly #keysOf: Statement<[string, string], { sensor: number; metric: number; cell: string }>;
  readonly #select: Statement<[number, number, number, number], { ts: number; value: number }>;
  readonly #upsertRollup: Statement<[string, number, number, number, number, number, number]>;
  readonly #rollups: Statement<[string, string, number, number], Rollup>;
  readonly #pairs: Statement<[], { sensor: number; metric: number }>;
  readonly #deletePair: Statement<[number, number, number]>;
  readonly #deleteTx: (ts: number) => number;
  readonly #writeTx: (
    readings: readonly Reading[],
    quarantine: readonly QuarantineEntry[],
    pending: NewKeys,
  ) => Uint8Array;

  constructor(db: Db) {
    this.#insert = readingInserter(db);
    // DO UPDATE (not DO NOTHING) so that RETURNING yields the key of an existing row too; a moved sensor gets its new cell.
    this.#upsertSensor = db.prepare(
      'INSERT INTO sensors (id, cell) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET cell = excluded.cell RETURNING key',
    );
    this.#upsertMetric = db.prepare(
      'INSERT INTO metrics (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING key',
    );
    this.#insertQuarantine = insertQuarantineStatement(db);
    this.#count = db.prepare('SELECT count(*) AS n FROM readings');
    this.#keysOf = db.prepare(
      'SELECT s.key AS sensor, m.key AS metric, s.cell AS cell FROM sensors s, metrics m WHERE s.id = ? AND m.name = ?',
    );
    this.#select = db.prepare(
      'SELECT ts, value FROM readings WHERE sensor = ? AND metric = ? AND ts >= ? AND ts < ? ORDER BY ts',
    );
    this.#upsertRollup = db.prepare(
      `INSERT INTO rollups (cell, metric, bucket, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cell, metric, bucket) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
         min = min(min, excluded.min), max = max(max, excluded.max)`,
    );
    this.#rollups = db.prepare(
      `SELECT bucket, count, sum, min, max FROM rollups
       WHERE cell = ? AND metric = (SELECT key FROM metrics WHERE name = ?) AND bucket >= ? AND bucket < ? ORDER BY bucket`,
    );
    // Retention deletes through the primary key, one (sensor, metric) range at a time, so it never scans the table.
    this.#pairs = db.prepare('SELECT s.key AS sensor, m.key AS metric FROM sensors s, metrics m');
    this.#deletePair = db.prepare('DELETE FROM readings WHERE sensor = ? AND metric = ? AND ts < ?');
    this.#deleteTx = db.transaction((ts: number) => {
      let n = 0;
      for (const p of this.#pairs.all()) n += this.#deletePair.run(p.sensor, p.metric, ts).changes;
      return n;
    });
    this.#writeTx = db.transaction((readings, quarantine, pending) => this.#write(readings, quarantine, pending));
  }

  async writeReadings(readings: readonly Reading[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    const pending: NewKeys = { sensors: new Map(), metrics: new Map() };
    const flags = this.#writeTx(readings, quarantine, pending);
    for (const [id, s] of pending.sensors) this.#sensorKeys.set(id, s);
    for (const [name, key] of pending.metrics) this.#metricKeys.set(name, key);
    return flags;
  }

  #write(readings: readonly Reading[], quarantine: readonly QuarantineEntry[], pending: NewKeys): Uint8Array {
    const rows = keyedRows(
      readings,
      (r) => this.#sensorKey(r.sensor, r.cell, pending),
      (r) => this.#metricKey(r.metric, pending),
    );
    const { flags, order } = this.#insert(rows);
    // Aggregated per batch first, so each (cell, metric, bucket) is upserted once per batch.
    for (const g of rollupGroups(readings, rows.metric, order, flags))
      this.#upsertRollup.run(g.cell, g.metric, g.bucket, g.count, g.sum, g.min, g.max);
    writeQuarantine(this.#insertQuarantine, quarantine);
    return flags;
  }

  #sensorKey(id: string, cell: string, pending: NewKeys): number {
    const known = this.#sensorKeys.get(id);
    if (known !== undefined && known.cell === cell) return known.key;
    const seen = pending.sensors.get(id);
    if (seen !== undefined && seen.cell === cell) return seen.key;
    const key = (this.#upsertSensor.get(id, cell) as { key: number }).key;
    pending.sensors.set(id, { key, cell });
    return key;
  }

  #metricKey(name: string, pending: NewKeys): number {
    const known = this.#metricKeys.get(name) ?? pending.metrics.get(name);
    if (known !== undefined) return known;
    const key = (this.#upsertMetric.get(name) as { key: number }).key;
    pending.metrics.set(name, key);
    return key;
  }

  async countReadings(): Promise<number> {
    return (this.#count.get() as { n: number }).n;
  }

  async readingsOf(sensor: string, metric: string, from: EpochMs, to: EpochMs): Promise<Reading[]> {
    const keys = this.#keysOf.get(sensor, metric);
    if (keys === undefined) return [];
    const cell = keys.cell as CellId;
    return this.#select
      .all(keys.sensor, keys.metric, from, to)
      .map((row) => ({ sensor: sensor as SensorId, metric, ts: row.ts, value: row.value, cell }));
  }

  async rollups(cell: CellId, metric: string, from: EpochMs, to: EpochMs): Promise<Rollup[]> {
    return this.#rollups.all(cell, metric, from, to).map((r) => ({ ...r }));
  }

  async deleteReadingsBefore(ts: EpochMs): Promise<number> {
    return this.#deleteTx(ts);
  }
}
