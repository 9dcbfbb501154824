import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { KeyedRows } from '../rows/readings.ts';
import { openDb } from './db.ts';
import { CHUNK, readingInserter } from './reading-insert.ts';

type Row = [sensor: number, metric: number, ts: number, value: number];

const keyed = (rows: readonly Row[]): KeyedRows => ({
  sensor: Int32Array.from(rows, (r) => r[0]),
  metric: Int32Array.from(rows, (r) => r[1]),
  ts: Float64Array.from(rows, (r) => r[2]),
  value: Float64Array.from(rows, (r) => r[3]),
});

/** The model: one row at a time in batch order, the first of equal keys stored. */
function model(stored: Map<string, number>, batch: readonly Row[]): number[] {
  return batch.map(([s, m, t, v]) => {
    const k = `${s}|${m}|${t}`;
    if (stored.has(k)) return 0;
    stored.set(k, v);
    return 1;
  });
}

// Few distinct keys, so that batches mix new rows, rows already stored and repeats within a chunk.
const row = fc.tuple(
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 2 }),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: -1000, max: 1000 }),
);

test('property: flags and stored rows equal one-row-at-a-time inserts, across chunk edges and repeats', () => {
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 3 * CHUNK + 5 }), { minLength: 1, maxLength: 4 }), (batches) => {
      const db = openDb(':memory:');
      try {
        const insert = readingInserter(db);
        const expected = new Map<string, number>();
        for (const batch of batches) {
          const { flags, order } = db.transaction(() => insert(keyed(batch)))();
          assert.deepEqual([...flags], model(expected, batch));
          // The order it inserted in: every row once, by (sensor, metric, ts), equal keys in batch order.
          const byKey = batch.map((r, i) => [r[0], r[1], r[2], i] as const);
          byKey.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
          assert.deepEqual(
            [...order],
            byKey.map((k) => k[3]),
          );
        }
        const rows = db.prepare('SELECT sensor, metric, ts, value FROM readings').all() as {
          sensor: number;
          metric: number;
          ts: number;
          value: number;
        }[];
        assert.deepEqual(new Map(rows.map((r) => [`${r.sensor}|${r.metric}|${r.ts}`, r.value])), expected);
      } finally {
        db.close();
      }
    }),
    { numRuns: 150 },
  );
});

test('a whole chunk of duplicates stores nothing and flags every row 0; a partly new chunk flags each row', () => {
  const db = openDb(':memory:');
  try {
    const insert = readingInserter(db);
    const fresh: Row[] = Array.from({ length: CHUNK }, (_, i) => [1, 1, i, i]);
    assert.deepEqual([...db.transaction(() => insert(keyed(fresh)))().flags], Array(CHUNK).fill(1));
    const again: Row[] = fresh.map(([s, m, t]) => [s, m, t, -1]);
    assert.deepEqual([...db.transaction(() => insert(keyed(again)))().flags], Array(CHUNK).fill(0));
    const half: Row[] = Array.from({ length: CHUNK }, (_, i) => [1, 1, i * 2, 99]);
    const flags = [...db.transaction(() => insert(keyed(half)))().flags];
    assert.deepEqual(
      flags,
      half.map(([, , t]) => (t < CHUNK ? 0 : 1)),
    );
    assert.equal(db.prepare('SELECT count(*) FROM readings').pluck().get(), CHUNK + CHUNK / 2);
    assert.equal(
      db.prepare('SELECT count(*) FROM readings WHERE value < 0').pluck().get(),
      0,
      'no duplicate overwrote',
    );
  } finally {
    db.close();
  }
});
