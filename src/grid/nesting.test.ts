import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AreaGeometry } from '../city/schema.ts';
import { nestByOverlap } from './nesting.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

/** Parents: a 4 × 4 board of unit squares, row by row. */
const board = Array.from({ length: 16 }, (_, k) => rect(k % 4, Math.floor(k / 4), (k % 4) + 1, Math.floor(k / 4) + 1));

const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

describe('nestByOverlap', () => {
  test('a child goes to the parent it overlaps most, whenever the largest overlap is clear', () => {
    const coord = fc.double({ min: 0, max: 4, noNaN: true });
    const size = fc.double({ min: 0.05, max: 1.5, noNaN: true });
    fc.assert(
      fc.property(coord, coord, size, size, (x, y, w, h) => {
        const [x1, y1] = [Math.min(x + w, 4), Math.min(y + h, 4)];
        fc.pre(x1 - x > 0.02 && y1 - y > 0.02);
        const shares = board.map((_, k) => {
          const [px, py] = [k % 4, Math.floor(k / 4)];
          return (overlap(x, x1, px, px + 1) * overlap(y, y1, py, py + 1)) / ((x1 - x) * (y1 - y));
        });
        const sorted = [...shares].sort((a, b) => b - a);
        fc.pre((sorted[0] ?? 0) - (sorted[1] ?? 0) > 0.15);
        const [n] = nestByOverlap([rect(x, y, x1, y1)], board);
        assert.equal(n?.how, 'overlap');
        assert.equal(n?.parent, shares.indexOf(sorted[0] ?? 0));
        assert.ok(Math.abs((n?.share ?? 0) - (sorted[0] ?? 0)) < 0.1, `share ${n?.share} vs ${sorted[0]}`);
      }),
      { numRuns: 200 },
    );
  });

  test('a child inside one parent has share 1; a thin sliver still finds its parent', () => {
    const [inside, sliver] = nestByOverlap([rect(2.1, 1.1, 2.9, 1.9), rect(0.1, 3.5, 3.9, 3.5001)], board);
    assert.deepEqual(inside, { parent: 6, how: 'overlap', share: 1, samples: inside?.samples });
    assert.equal(sliver?.how, 'overlap');
    assert.ok([12, 13, 14, 15].includes(sliver?.parent ?? -1));
  });

  test('a MultiPolygon child counts all its parts; a hole in the child is not counted', () => {
    // Two parts: a small one in parent 0 and a big one in parent 5.
    const multi: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [
        rect(0.1, 0.1, 0.3, 0.3).coordinates as number[][][],
        rect(1.1, 1.1, 1.9, 1.9).coordinates as number[][][],
      ],
    };
    // A frame in parent 5 whose hole covers most of it, with a bigger block in parent 6: 6 must win.
    const framed: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        ...(rect(1.05, 1.05, 1.95, 1.95).coordinates as number[][][]),
        ...(rect(1.1, 1.1, 1.9, 1.9).coordinates as number[][][]),
      ],
    };
    const withBlock: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [framed.coordinates as number[][][], rect(2.1, 1.1, 2.9, 1.9).coordinates as number[][][]],
    };
    const [a, b] = nestByOverlap([multi, withBlock], board);
    assert.equal(a?.parent, 5);
    assert.equal(b?.parent, 6);
  });

  test('a child outside every parent goes to the nearest, marked as such; no parents, no answer', () => {
    const [far] = nestByOverlap([rect(5.5, 0.2, 6, 0.4)], board);
    assert.deepEqual(
      { parent: far?.parent, how: far?.how, share: far?.share },
      { parent: 3, how: 'nearest', share: 0 },
    );
    const [none] = nestByOverlap([rect(0, 0, 1, 1)], []);
    assert.equal(none?.parent, undefined);
    assert.equal(none?.how, 'none');
  });
});
