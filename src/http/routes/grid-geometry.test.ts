import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SIMPLIFY_TOLERANCE, simplifyRing } from './grid-geometry.ts';

const close = (ring: number[][]) => [...ring, ring[0]!];

test('collinear points along a square are dropped; the corners stay', () => {
  const square = close([
    [0, 0],
    [0.5, 0],
    [1, 0],
    [1, 0.5],
    [1, 1],
    [0.5, 1],
    [0, 1],
    [0, 0.5],
  ]);
  assert.deepEqual(
    simplifyRing(square),
    close([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ]),
  );
});

test('a hexagon only loses precision beyond 6 decimals', () => {
  const hex = close([0, 1, 2, 3, 4, 5].map((i) => [10 + 0.01 * Math.cos(i), 50 + 0.01 * Math.sin(i)]));
  const out = simplifyRing(hex);
  assert.equal(out.length, hex.length);
  for (const [i, p] of out.entries()) for (const j of [0, 1]) assert.ok(Math.abs(p[j]! - hex[i]![j]!) <= 5e-7);
});

test('property: closed, at least 4 positions, kept points come from the input, none drifts over the tolerance', () => {
  const point = fc.tuple(
    fc.double({ min: -0.001, max: 0.001, noNaN: true }),
    fc.double({ min: -0.001, max: 0.001, noNaN: true }),
  );
  fc.assert(
    fc.property(fc.array(point, { minLength: 3, maxLength: 40 }), (pts) => {
      const ring = close(pts.map(([x, y]) => [10 + x, 50 + y]));
      const out = simplifyRing(ring);
      assert.ok(out.length >= 4);
      assert.deepEqual(out[0], out.at(-1));
      const rounded = ring.map((p) => p.map((x) => Math.round(x * 1e6) / 1e6).join());
      let at = 0;
      for (const p of out) {
        // Kept points appear in the input, in order.
        const k = rounded.indexOf(p.join(), at);
        assert.ok(k >= at, `${p} is not an input point`);
        at = k;
      }
      // Every input point lies within the tolerance (plus rounding) of the simplified ring.
      for (const p of ring) {
        const d = Math.min(...out.slice(1).map((b, i) => segDist(p, out[i]!, b)));
        assert.ok(d <= SIMPLIFY_TOLERANCE + 2e-6, `${p} is ${d} from the ring`);
      }
    }),
    { numRuns: 300 },
  );
});

function segDist([x, y]: number[], [x1, y1]: number[], [x2, y2]: number[]): number {
  const [dx, dy] = [x2! - x1!, y2! - y1!];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x! - x1!) * dx + (y! - y1!) * dy) / len2));
  return Math.hypot(x! - (x1! + t * dx), y! - (y1! + t * dy));
}
