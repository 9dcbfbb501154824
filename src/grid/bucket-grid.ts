import Flatbush from 'flatbush';

/**
 * A uniform grid of buckets over many boxes, for finding the boxes that hold a point in constant time. A city's unit
 * grid is a million boxes of about one size, and a tree search over them (flatbush) walks several levels of nodes per
 * point; here the point's bucket is two divisions away, and it lists the few boxes that meet it.
 *
 * Buckets are as large as the median box, so that a typical box meets at most four of them; their number is capped at
 * about twice the number of boxes. A box that would meet more than MAX_BUCKETS_PER_BOX buckets (an area among unit
 * cells, a city-wide zone) is kept out of the grid and goes to a tree of its own, so that one big box cannot fill
 * thousands of buckets.
 */
export interface BucketGrid {
  /** The bucket of a point, or -1 when it lies beyond every box kept in the grid. */
  bucketOf(x: number, y: number): number;
  /** Bucket b's boxes are items[start[b]] … items[start[b + 1] - 1]. */
  readonly start: Int32Array;
  readonly items: Int32Array;
  /** The boxes kept out of the grid, searched with a tree: bigBoxes[k] is the box the tree's item k stands for. */
  readonly bigTree: Flatbush | undefined;
  readonly bigBoxes: Int32Array;
}

const MAX_BUCKETS_PER_BOX = 16;

/** Builds the grid over `count` boxes, box i being [x0, y0, x1, y1] at boxes[4i…4i+3]. */
export function buildBucketGrid(boxes: Float64Array, count: number): BucketGrid {
  const w = new Float64Array(count);
  const h = new Float64Array(count);
  let [gx0, gy0, gx1, gy1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    w[i] = (boxes[4 * i + 2] as number) - (boxes[4 * i] as number);
    h[i] = (boxes[4 * i + 3] as number) - (boxes[4 * i + 1] as number);
  }
  let dx = medianOf(w);
  let dy = medianOf(h);
  const usable = count > 0 && dx > 0 && dy > 0 && Number.isFinite(dx) && Number.isFinite(dy);
  // Which boxes the grid keeps: first by size alone, then the extent is theirs.
  const inGrid = new Uint8Array(count);
  if (usable) {
    for (let i = 0; i < count; i++) {
      if (((w[i] as number) / dx + 1) * ((h[i] as number) / dy + 1) > MAX_BUCKETS_PER_BOX) continue;
      inGrid[i] = 1;
      gx0 = Math.min(gx0, boxes[4 * i] as number);
      gy0 = Math.min(gy0, boxes[4 * i + 1] as number);
      gx1 = Math.max(gx1, boxes[4 * i + 2] as number);
      gy1 = Math.max(gy1, boxes[4 * i + 3] as number);
    }
  }
  const kept = inGrid.reduce((a, b) => a + b, 0);
  let cols = 0;
  let rows = 0;
  if (kept > 0) {
    // Median-sized buckets, made coarser where the boxes are sparse over their extent (or one side of the median box
    // is a sliver): at most about 2 buckets per box. Each side is capped first, so the product stays finite.
    const limit = 2 * kept + 64;
    const c0 = Math.min(limit, Math.floor((gx1 - gx0) / dx) + 1);
    const r0 = Math.min(limit, Math.floor((gy1 - gy0) / dy) + 1);
    const shrink = Math.min(1, Math.sqrt(limit / (c0 * r0)));
    [cols, rows] = [Math.max(1, Math.floor(c0 * shrink)), Math.max(1, Math.floor(r0 * shrink))];
    if (cols === 1) rows = Math.min(r0, limit);
    if (rows === 1) cols = Math.min(c0, limit);
    dx = gx1 > gx0 ? (gx1 - gx0) / cols : 1;
    dy = gy1 > gy0 ? (gy1 - gy0) / rows : 1;
  }
  // Monotone in x and y, so a box's buckets hold every point of the box; the far edge falls in the last bucket.
  const col = (x: number) => Math.min(cols - 1, Math.floor((x - gx0) / dx));
  const row = (y: number) => Math.min(rows - 1, Math.floor((y - gy0) / dy));
  // Counting sort of (bucket, box) pairs: counts, then offsets, then the items.
  const start = new Int32Array(cols * rows + 1);
  const eachBucket = (i: number, visit: (b: number) => void) => {
    const [c0, c1] = [col(boxes[4 * i] as number), col(boxes[4 * i + 2] as number)];
    const [r0, r1] = [row(boxes[4 * i + 1] as number), row(boxes[4 * i + 3] as number)];
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * cols + c);
  };
  for (let i = 0; i < count; i++) {
    if (inGrid[i])
      eachBucket(i, (b) => {
        start[b + 1] = (start[b + 1] as number) + 1;
      });
  }
  for (let b = 0; b < cols * rows; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const items = new Int32Array(start[cols * rows] as number);
  const fill = start.slice(0, cols * rows);
  for (let i = 0; i < count; i++) {
    if (inGrid[i])
      eachBucket(i, (b) => {
        items[fill[b] as number] = i;
        fill[b] = (fill[b] as number) + 1;
      });
  }
  const big: number[] = [];
  for (let i = 0; i < count; i++) if (!inGrid[i]) big.push(i);
  const bigTree = boxTree(boxes, big);
  return {
    bucketOf(x, y) {
      // Beyond the extent, or NaN: no bucket (every comparison with NaN is false).
      if (!(x >= gx0 && x <= gx1 && y >= gy0 && y <= gy1)) return -1;
      return row(y) * cols + col(x);
    },
    start,
    items,
    bigTree,
    bigBoxes: Int32Array.from(big),
  };
}

/**
 * A flatbush tree over some of the boxes (box i at boxes[4i…4i+3]): `ids` in tree order (the tree's item k is box
 * ids[k]), or all `count` of them when ids is a number. Undefined when there is none.
 */
export function boxTree(boxes: Float64Array, ids: readonly number[] | number): Flatbush | undefined {
  const n = typeof ids === 'number' ? ids : ids.length;
  if (n === 0) return undefined;
  const tree = new Flatbush(n);
  for (let k = 0; k < n; k++) {
    const i = typeof ids === 'number' ? k : (ids[k] as number);
    tree.add(
      boxes[4 * i] as number,
      boxes[4 * i + 1] as number,
      boxes[4 * i + 2] as number,
      boxes[4 * i + 3] as number,
    );
  }
  tree.finish();
  return tree;
}

function medianOf(xs: Float64Array): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.floor(s.length / 2)] as number;
}
