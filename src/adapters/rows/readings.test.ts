import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bucketOf, ROLLUP_BUCKET_MS } from '../../ingest/ports.ts';
import type { Reading } from '../../sensors/types.ts';
import type { CellId, SensorId } from '../../shared/brand.ts';
import { byRollupKey, firstOfEachKey, type KeyedRows, keyOrder, type RollupGroup, rollupGroups } from './readings.ts';

type Row = { sensor: number; metric: number; ts: number; value: number; cell: string; stored: boolean };

// Few distinct keys and cells, so that batches repeat keys and share groups; times on both sides of the epoch.
const row = fc.record({
  sensor: fc.integer({ min: 1, max: 4 }),
  // A metric key of 2^16 or more takes keyOrder's other path.
  metric: fc.constantFrom(1, 2, 3, 70_000),
  ts: fc.integer({ min: -3 * ROLLUP_BUCKET_MS, max: 3 * ROLLUP_BUCKET_MS }),
  value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  cell: fc.constantFrom('8a2a1072b59ffff', '8a2a1072b5b7fff', 'zone-ä'),
  stored: fc.boolean(),
});

const keyed = (rows: readonly Row[]): KeyedRows => ({
  sensor: Int32Array.from(rows, (r) => r.sensor),
  metric: Int32Array.from(rows, (r) => r.metric),
  ts: Float64Array.from(rows, (r) => r.ts),
  value: Float64Array.from(rows, (r) => r.value),
});

const keyOf = (r: Row) => `${r.sensor}|${r.metric}|${r.ts}`;

test('property: keyOrder is a permutation sorted by (sensor, metric, ts), equal keys in batch order', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 200 }), (rows) => {
      const order = [...keyOrder(keyed(rows))];
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        rows.map((_, i) => i),
      );
      for (let j = 1; j < order.length; j++) {
        const a = rows[order[j - 1] as number] as Row;
        const b = rows[order[j] as number] as Row;
        const cmp = a.sensor - b.sensor || a.metric - b.metric || a.ts - b.ts;
        assert.ok(cmp < 0 || (cmp === 0 && (order[j - 1] as number) < (order[j] as number)));
      }
    }),
  );
});

test('property: firstOfEachKey lists the first row of every key in the batch, once, in key order', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 200 }), (rows) => {
      const k = keyed(rows);
      const firsts = [...firstOfEachKey(k, keyOrder(k))];
      const seen = new Map<string, number>();
      rows.forEach((r, i) => {
        if (!seen.has(keyOf(r))) seen.set(keyOf(r), i);
      });
      assert.deepEqual(
        [...firsts].sort((a, b) => a - b),
        [...seen.values()].sort((a, b) => a - b),
      );
      assert.deepEqual(
        firsts.map((i) => keyOf(rows[i] as Row)),
        [...seen.keys()].sort((x, y) => {
          const [a, b] = [x.split('|').map(Number), y.split('|').map(Number)] as [number[], number[]];
          return (
            (a[0] as number) - (b[0] as number) ||
            (a[1] as number) - (b[1] as number) ||
            (a[2] as number) - (b[2] as number)
          );
        }),
      );
    }),
  );
});

test('property: rollupGroups sums exactly the stored rows per (cell, metric, bucket), in key order; byRollupKey sorts them', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 200 }), (rows) => {
      const k = keyed(rows);
      const order = keyOrder(k);
      const flags = Uint8Array.from(rows, (r) => (r.stored ? 1 : 0));
      const readings = rows.map(
        (r): Reading => ({
          sensor: `s${r.sensor}` as SensorId,
          metric: `m${r.metric}`,
          ts: r.ts,
          value: r.value,
          cell: r.cell as CellId,
        }),
      );
      // The model: a map per group, filled in key order.
      const model = new Map<string, RollupGroup>();
      for (const i of order) {
        const r = rows[i] as Row;
        if (!r.stored) continue;
        const key = JSON.stringify([r.cell, r.metric, bucketOf(r.ts)]);
        const g = model.get(key);
        if (g === undefined)
          model.set(key, {
            cell: r.cell,
            metric: r.metric,
            bucket: bucketOf(r.ts),
            count: 1,
            sum: 0 + r.value, // as the stores add: from 0, so a lone -0 sums to 0
            min: r.value,
            max: r.value,
          });
        else
          model.set(key, {
            ...g,
            count: g.count + 1,
            sum: g.sum + r.value,
            // biome-ignore lint/complexity/useMathMinMax: the stores keep the first of equal values (0 or -0); Math.min prefers -0
            min: r.value < g.min ? r.value : g.min,
            // biome-ignore lint/complexity/useMathMinMax: as above
            max: r.value > g.max ? r.value : g.max,
          });
      }
      const groups = rollupGroups(readings, k.metric, order, flags);
      assert.deepEqual(groups, [...model.values()]);
      // Sorted for PostgreSQL's lock order: strictly increasing (cell, metric, bucket).
      const sorted = [...groups].sort(byRollupKey);
      const before = (a: RollupGroup, b: RollupGroup) =>
        a.cell !== b.cell ? a.cell < b.cell : a.metric !== b.metric ? a.metric < b.metric : a.bucket < b.bucket;
      for (let j = 1; j < sorted.length; j++) assert.ok(before(sorted[j - 1] as RollupGroup, sorted[j] as RollupGroup));
    }),
  );
});

test('rollupGroups of a batch with nothing stored is empty', () => {
  const rows: Row[] = [{ sensor: 1, metric: 1, ts: 0, value: 1, cell: 'c', stored: false }];
  const k = keyed(rows);
  const readings: Reading[] = [{ sensor: 's1' as SensorId, metric: 'm1', ts: 0, value: 1, cell: 'c' as CellId }];
  assert.deepEqual(rollupGroups(readings, k.metric, keyOrder(k), new Uint8Array(1)), []);
});
