import { bucketOf } from '../../ingest/ports.ts';
import type { Reading } from '../../sensors/types.ts';

/** A batch's rows as integer keys, epoch ms and values, in the batch's order. */
export interface KeyedRows {
  readonly sensor: Int32Array;
  readonly metric: Int32Array;
  readonly ts: Float64Array;
  readonly value: Float64Array;
}

/** The batch as integer-keyed rows, with each reading's sensor and metric key from the store's own lookups. */
export function keyedRows(
  readings: readonly Reading[],
  sensorKey: (r: Reading) => number,
  metricKey: (r: Reading) => number,
): KeyedRows {
  const n = readings.length;
  const rows = {
    sensor: new Int32Array(n),
    metric: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = readings[i] as Reading;
    rows.sensor[i] = sensorKey(r);
    rows.metric[i] = metricKey(r);
    rows.ts[i] = r.ts;
    rows.value[i] = r.value;
  }
  return rows;
}

/**
 * Row indices sorted by (sensor, metric, ts), ties in batch order, so that the first of two equal keys comes first.
 * Both databases insert in this order: consecutive inserts land on the same B-tree pages, and writers that insert the
 * same keys at once take their locks in one order.
 */
export function keyOrder(rows: KeyedRows): Uint32Array {
  const { sensor, metric, ts } = rows;
  const n = ts.length;
  // The series key below is exact for metric keys below 2^16 (a store numbers its metrics from 1).
  if (metric.some((m) => m < 0 || m >= 65_536)) return sortedOrder(rows);
  // A batch holds few series and many readings each, mostly in time order: a counting sort by series (stable, so each
  // series keeps batch order), then a comparison sort only of the series whose times are not already in order.
  const seriesOf = new Int32Array(n);
  const ids = new Map<number, number>();
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = (sensor[i] as number) * 65_536 + (metric[i] as number);
    let id = ids.get(key);
    if (id === undefined) {
      id = keys.length;
      ids.set(key, id);
      keys.push(key);
    }
    seriesOf[i] = id;
  }
  const byKey = keys.map((_, id) => id).sort((a, b) => (keys[a] as number) - (keys[b] as number));
  const count = new Int32Array(keys.length);
  for (let i = 0; i < n; i++) count[seriesOf[i] as number] = (count[seriesOf[i] as number] as number) + 1;
  // next[id]: where the series' next row goes; series laid out in key order.
  const next = new Int32Array(keys.length);
  for (let r = 0, at = 0; r < byKey.length; r++) {
    const id = byKey[r] as number;
    next[id] = at;
    at += count[id] as number;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const id = seriesOf[i] as number;
    order[next[id] as number] = i;
    next[id] = (next[id] as number) + 1;
  }
  // Each series' segment now ends at next[id]; sort a segment only if its times go backwards somewhere.
  for (let r = 0, from = 0; r < byKey.length; r++) {
    const to = next[byKey[r] as number] as number;
    for (let j = from + 1; j < to; j++) {
      if ((ts[order[j] as number] as number) < (ts[order[j - 1] as number] as number)) {
        order.subarray(from, to).sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b);
        break;
      }
    }
    from = to;
  }
  return order;
}

/** keyOrder by one comparison sort of the whole batch. */
function sortedOrder(rows: KeyedRows): Uint32Array {
  const order = new Uint32Array(rows.ts.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { sensor, metric, ts } = rows;
  return order.sort(
    (a, b) =>
      (sensor[a] as number) - (sensor[b] as number) ||
      (metric[a] as number) - (metric[b] as number) ||
      (ts[a] as number) - (ts[b] as number) ||
      a - b,
  );
}

/** The first row of each key, in key order (`order` from `keyOrder`). */
export function firstOfEachKey(rows: KeyedRows, order: Uint32Array): Uint32Array {
  const out = new Uint32Array(order.length);
  const { sensor, metric, ts } = rows;
  let n = 0;
  let prev = -1;
  for (const i of order) {
    if (prev < 0 || sensor[i] !== sensor[prev] || metric[i] !== metric[prev] || ts[i] !== ts[prev]) out[n++] = i;
    prev = i;
  }
  return out.subarray(0, n);
}

/** One (cell, metric, bucket) group of a batch's newly stored readings. */
export interface RollupGroup {
  cell: string;
  metric: number;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The rollup groups of the rows flagged stored, summed in key order (so that both databases add the same floats in
 * the same order). In key order a series' readings of one bucket are neighbours: the map is asked only where a group
 * ends, not for every reading.
 */
export function rollupGroups(
  readings: readonly Reading[],
  metrics: Int32Array,
  order: Uint32Array,
  flags: Uint8Array,
): RollupGroup[] {
  const groups = new Map<string, RollupGroup>();
  let g: RollupGroup | undefined;
  for (const i of order) {
    if (flags[i] === 0) continue;
    const r = readings[i] as Reading;
    const metric = metrics[i] as number;
    const bucket = bucketOf(r.ts);
    if (g === undefined || g.bucket !== bucket || g.metric !== metric || g.cell !== r.cell) {
      const key = `${r.cell}|${metric}|${bucket}`;
      g = groups.get(key);
      if (g === undefined) {
        g = { cell: r.cell, metric, bucket, count: 0, sum: 0, min: r.value, max: r.value };
        groups.set(key, g);
      }
    }
    g.count++;
    g.sum += r.value;
    if (r.value < g.min) g.min = r.value;
    if (r.value > g.max) g.max = r.value;
  }
  return [...groups.values()];
}

/** Orders rollup groups by (cell, metric, bucket): writers that upsert in this order never deadlock each other. */
export const byRollupKey = (a: RollupGroup, b: RollupGroup): number =>
  a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : a.metric - b.metric || a.bucket - b.bucket;
