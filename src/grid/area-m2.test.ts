import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cellArea, cellToBoundary, latLngToCell } from 'h3-js';
import { geometryAreaM2, ringAreaM2 } from './area-m2.ts';

const box = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('geodesic area in m²', () => {
  test('a 1° × 1° cell at the equator is ≈ 12,364 km²', () => {
    const km2 = Math.abs(ringAreaM2(box(0, 0, 1, 1))) / 1e6;
    assert.ok(Math.abs(km2 - 12_364) < 2, `${km2}`);
  });

  test('a 1° × 1° cell at 60°N is about half as large (12,364 × cos 60.5°)', () => {
    const km2 = Math.abs(ringAreaM2(box(10, 60, 11, 61))) / 1e6;
    assert.ok(Math.abs(km2 - 6_085) < 5, `${km2}`);
  });

  test('a 90° × 30° box from the equator is R²·(π/2)·sin 30° exactly (a lune slice)', () => {
    const r = 6_371_008.8;
    const want = r * r * (Math.PI / 2) * 0.5;
    assert.ok(Math.abs(Math.abs(ringAreaM2(box(0, 0, 90, 30))) - want) / want < 1e-12);
  });

  test('agrees with h3-js cellArea for H3 cells at several resolutions', () => {
    for (const res of [6, 9, 12]) {
      const cell = latLngToCell(34.05, -118.25, res);
      const geometry = { type: 'Polygon' as const, coordinates: [cellToBoundary(cell, true)] };
      const ours = geometryAreaM2(geometry);
      const theirs = cellArea(cell, 'm2');
      assert.ok(Math.abs(ours - theirs) / theirs < 1e-3, `res ${res}: ${ours} vs ${theirs}`);
    }
  });

  test('winding changes the sign only; open and closed rings agree; holes subtract', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: 1e-4, max: 5, noNaN: true }),
        (x, y, d) => {
          const ring = box(x, y, x + d, y + d);
          const a = ringAreaM2(ring);
          assert.ok(Math.abs(a + ringAreaM2([...ring].reverse())) <= Math.abs(a) * 1e-9);
          assert.ok(Math.abs(a - ringAreaM2(ring.slice(0, 4))) <= Math.abs(a) * 1e-9);
          const hole = box(x + d / 4, y + d / 4, x + (3 * d) / 4, y + (3 * d) / 4);
          const withHole = geometryAreaM2({ type: 'Polygon', coordinates: [ring, hole] });
          assert.ok(withHole > 0 && withHole < Math.abs(a));
        },
      ),
    );
  });

  test('degenerate rings have no area', () => {
    assert.equal(ringAreaM2([]), 0);
    assert.equal(
      ringAreaM2([
        [1, 1],
        [2, 2],
        [1, 1],
      ]),
      0,
    );
  });
});
