import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildBucketGrid } from './bucket-grid.ts';

/** Boxes of mixed sizes: many of about one size (a unit grid) and a few that span much of the extent. */
const boxesArb = fc
  .array(
    fc.record({
      x: fc.double({ min: -5, max: 5, noNaN: true }),
      y: fc.double({ min: -5, max: 5, noNaN: true }),
      w: fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 8, noNaN: true })),
      h: fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 8, noNaN: true })),
    }),
    { maxLength: 120 },
  )
  .map((bs) => bs.map(({ x, y, w, h }) => [x, y, x + w, y + h] as const));

const pointArb = fc.record({
  x: fc.oneof(fc.double({ min: -6, max: 14, noNaN: true }), fc.constant(Number.NaN)),
  y: fc.double({ min: -6, max: 14, noNaN: true }),
});

describe('bucket grid', () => {
  test("a point's bucket and the big boxes' tree list every box that holds it, each once", () => {
    fc.assert(
      fc.property(boxesArb, fc.array(pointArb, { minLength: 1, maxLength: 30 }), (boxes, points) => {
        const flat = Float64Array.from(boxes.flat());
        const grid = buildBucketGrid(flat, boxes.length);
        for (const { x, y } of points) {
          const listed: number[] = [];
          const b = grid.bucketOf(x, y);
          if (b >= 0)
            for (let k = grid.start[b] as number; k < (grid.start[b + 1] as number); k++)
              listed.push(grid.items[k] as number);
          if (grid.bigTree && !Number.isNaN(x))
            for (const q of grid.bigTree.search(x, y, x, y)) listed.push(grid.bigBoxes[q] as number);
          assert.equal(new Set(listed).size, listed.length, 'a box listed twice');
          const holding = boxes.flatMap(([x0, y0, x1, y1], i) => (x >= x0 && x <= x1 && y >= y0 && y <= y1 ? [i] : []));
          for (const i of holding) assert.ok(listed.includes(i), `box ${i} holds (${x}, ${y}) but is not listed`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('keeps boxes of the common size in the grid and sends a city-wide box to the tree', () => {
    const boxes: number[] = [];
    for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) boxes.push(c, r, c + 1, r + 1);
    boxes.push(-1, -1, 21, 21);
    const grid = buildBucketGrid(Float64Array.from(boxes), 401);
    assert.deepEqual([...grid.bigBoxes], [400]);
    // A unit square meets at most the four buckets around its corners, and a bucket lists a handful of squares.
    assert.ok(grid.items.length <= 4 * 400, `${grid.items.length} entries`);
    const b = grid.bucketOf(5.5, 7.5);
    assert.ok(b >= 0);
    const listed = [...grid.items.subarray(grid.start[b] as number, grid.start[b + 1] as number)];
    assert.ok(listed.includes(7 * 20 + 5) && listed.length <= 4, `${listed}`);
    assert.equal(grid.bucketOf(30, 30), -1);
    assert.equal(grid.bucketOf(Number.NaN, 3), -1);
  });
});
