import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AreaGeometry } from '../city/schema.ts';
import { buildPolygonIndex, type PolygonIndex } from './polygon-index.ts';

type Ring = number[][];

/** A convex polygon: n points on a circle at sorted angles, closed, counter-clockwise. */
const convexRing = fc
  .record({
    cx: fc.double({ min: -170, max: 170, noNaN: true }),
    cy: fc.double({ min: -80, max: 80, noNaN: true }),
    r: fc.double({ min: 0.001, max: 5, noNaN: true }),
    angles: fc.uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 24 }),
  })
  .filter(({ angles }) => {
    // Keep polygons with real area: no gap of 180° or more between successive angles.
    const a = [...angles].sort((x, y) => x - y);
    return a.every((v, i) => ((a[(i + 1) % a.length] ?? 0) - v + 360) % 360 < 180 || a.length < 3);
  })
  .map(({ cx, cy, r, angles }) => {
    const pts = [...angles]
      .sort((x, y) => x - y)
      .map((d) => [cx + r * Math.cos((d * Math.PI) / 180), cy + r * Math.sin((d * Math.PI) / 180)]);
    return { ring: [...pts, pts[0] as number[]] as Ring, pts };
  });

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

/** What locate must answer: the smallest (by planar area) of the geometries holding the point, lowest index on a tie. */
const smallestContaining = (index: PolygonIndex, x: number, y: number): number | undefined =>
  index
    .containing(x, y)
    .reduce<number | undefined>(
      (best, i) => (best === undefined || index.areaOf(i) < index.areaOf(best) ? i : best),
      undefined,
    );

describe('buildPolygonIndex', () => {
  test('a convex combination of a convex polygon’s vertices lies inside; points outside its bbox do not', () => {
    fc.assert(
      fc.property(
        convexRing,
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.nat(),
        fc.double({ min: 0.0001, max: 10, noNaN: true }),
        ({ ring, pts }, w, pick, out) => {
          const index = buildPolygonIndex([{ type: 'Polygon', coordinates: [ring] }]);
          // A weighted mean of three vertices, pulled towards the centroid so that it is strictly inside.
          const tri = [0, 1, 2].map((k) => pts[(pick + k * Math.floor(pts.length / 3)) % pts.length] as number[]);
          const total = w.reduce((s, v) => s + v, 0);
          const cx = pts.reduce((s, p) => s + (p[0] as number), 0) / pts.length;
          const cy = pts.reduce((s, p) => s + (p[1] as number), 0) / pts.length;
          const px = tri.reduce((s, p, k) => s + ((w[k] as number) * (p[0] as number)) / total, 0) * 0.5 + cx * 0.5;
          const py = tri.reduce((s, p, k) => s + ((w[k] as number) * (p[1] as number)) / total, 0) * 0.5 + cy * 0.5;
          assert.deepEqual(index.containing(px, py), [0]);
          assert.equal(index.locate(px, py), 0);
          const [minX, minY, maxX, maxY] = index.bboxOf(0);
          for (const [x, y] of [
            [maxX + out, py],
            [minX - out, py],
            [px, maxY + out],
            [px, minY - out],
          ] as const) {
            assert.deepEqual(index.containing(x, y), []);
            assert.equal(index.contains(0, x, y), false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('holes are excluded, islands in holes included, for any point', () => {
    // Outer 0..10, hole 2..8, island 4..6 inside the hole (a separate polygon of the same MultiPolygon).
    const g: AreaGeometry = {
      type: 'MultiPolygon',
      coordinates: [[square(0, 0, 10, 10), square(2, 2, 8, 8)], [square(4, 4, 6, 6)]],
    };
    const index = buildPolygonIndex([g]);
    const expect = (x: number, y: number): boolean => {
      const inBox = (a: number, b: number) => x > a && x < b && y > a && y < b;
      return (inBox(0, 10) && !inBox(2, 8)) || inBox(4, 6);
    };
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 11, noNaN: true }),
        fc.double({ min: -1, max: 11, noNaN: true }),
        (x, y) => {
          const onEdge = [0, 2, 4, 6, 8, 10].some((e) => x === e || y === e);
          fc.pre(!onEdge);
          assert.equal(index.contains(0, x, y), expect(x, y));
          assert.deepEqual(index.containing(x, y), expect(x, y) ? [0] : []);
        },
      ),
      { numRuns: 1000 },
    );
    assert.equal(index.areaOf(0), 100 - 36 + 4);
  });

  test('MultiPolygon parts each count; several geometries; overlaps go to the smallest', () => {
    const a: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(5, 5, 6, 6)]] };
    const big: AreaGeometry = { type: 'Polygon', coordinates: [square(0, 0, 10, 10)] };
    const small: AreaGeometry = { type: 'Polygon', coordinates: [square(5.5, 5.5, 7, 7)] };
    const index = buildPolygonIndex([big, a, small]);
    assert.equal(index.size, 3);
    assert.deepEqual(index.containing(0.5, 0.5), [0, 1]);
    assert.deepEqual(index.containing(5.75, 5.75), [0, 1, 2]);
    assert.equal(index.locate(5.75, 5.75), 1);
    assert.equal(index.locate(6.5, 6.5), 2);
    assert.equal(index.locate(3, 3), 0);
    assert.equal(index.locate(20, 20), undefined);
    assert.equal(index.locate(Number.NaN, 0), undefined);
    assert.deepEqual(index.bboxOf(1), [0, 0, 6, 6]);
    // locate is the smallest of containing (lowest index on a tie), whatever the order flatbush returns parts in.
    const twin: AreaGeometry = { type: 'Polygon', coordinates: [square(5.5, 5.5, 7, 7)] };
    const more = buildPolygonIndex([big, a, small, twin]);
    fc.assert(
      fc.property(fc.double({ min: -1, max: 11, noNaN: true }), fc.double({ min: -1, max: 11, noNaN: true }), (x, y) =>
        assert.equal(more.locate(x, y), smallestContaining(more, x, y)),
      ),
      { numRuns: 500 },
    );
  });

  test('locate over a unit grid of squares (the bucket grid) and a big area around them (its tree)', () => {
    const geoms: AreaGeometry[] = [{ type: 'Polygon', coordinates: [square(-1, -1, 11, 11)] }];
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 10; c++) {
        if ((r * 7 + c) % 9 !== 0) geoms.push({ type: 'Polygon', coordinates: [square(c, r, c + 1, r + 1)] });
      }
    }
    const index = buildPolygonIndex(geoms);
    fc.assert(
      fc.property(fc.double({ min: -2, max: 12, noNaN: true }), fc.double({ min: -2, max: 12, noNaN: true }), (x, y) =>
        assert.equal(index.locate(x, y), smallestContaining(index, x, y)),
      ),
      { numRuns: 2000 },
    );
  });

  test('clockwise rings and unclosed rings hold the same points', () => {
    const cw = [...square(0, 0, 2, 2)].reverse();
    const open = square(0, 0, 2, 2).slice(0, 4);
    const index = buildPolygonIndex([
      { type: 'Polygon', coordinates: [cw] },
      { type: 'Polygon', coordinates: [open] },
    ]);
    assert.deepEqual(index.containing(1, 1), [0, 1]);
    assert.deepEqual(index.containing(3, 1), []);
  });

  test('long rings (banded edges) agree with a plain crossing test on star-shaped polygons', () => {
    const naive = (ring: Ring, x: number, y: number): boolean => {
      let odd = false;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i] as [number, number];
        const [xj, yj] = ring[j] as [number, number];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
      return odd;
    };
    const star = fc
      .array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: 33, maxLength: 300 })
      .map((radii) => {
        const pts = radii.map((r, k) => {
          const a = (2 * Math.PI * k) / radii.length;
          return [r * Math.cos(a), r * Math.sin(a)];
        });
        return [...pts, pts[0] as number[]];
      });
    const coord = fc.double({ min: -3.5, max: 3.5, noNaN: true });
    fc.assert(
      fc.property(star, fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 50 }), (ring, points) => {
        const index = buildPolygonIndex([{ type: 'Polygon', coordinates: [ring] }]);
        for (const [x, y] of points) assert.equal(index.contains(0, x, y), naive(ring, x, y), `(${x}, ${y})`);
      }),
      { numRuns: 200 },
    );
  });

  test('soleHolder and containingNear answer as containing does for every point of the box', () => {
    // Two star-shaped (banded) areas side by side, one with a hole, and boxes of any size anywhere around them.
    const star = (cx: number, radii: number[]): Ring => {
      const pts = radii.map((r, k) => {
        const a = (2 * Math.PI * k) / radii.length;
        return [cx + r * Math.cos(a), r * Math.sin(a)];
      });
      return [...pts, pts[0] as number[]];
    };
    const radii = fc.array(fc.double({ min: 1, max: 3, noNaN: true }), { minLength: 33, maxLength: 120 });
    const coord = fc.double({ min: -4, max: 9, noNaN: true });
    const side = fc.double({ min: 0.001, max: 2, noNaN: true });
    fc.assert(
      fc.property(radii, radii, fc.tuple(coord, coord, side, side), (ra, rb, [x0, y0, w, h]) => {
        const index = buildPolygonIndex([
          { type: 'Polygon', coordinates: [star(0, ra), square(-0.5, -0.5, 0.5, 0.5)] },
          { type: 'Polygon', coordinates: [star(5, rb)] },
        ]);
        const sole = index.soleHolder(x0, y0, x0 + w, y0 + h);
        const near = index.containingNear(x0, y0, x0 + w, y0 + h);
        for (let i = 0; i <= 8; i++) {
          for (let j = 0; j <= 8; j++) {
            const [x, y] = [x0 + (i / 8) * w, y0 + (j / 8) * h];
            assert.deepEqual(near(x, y), index.containing(x, y));
            if (sole !== undefined) assert.deepEqual(index.containing(x, y), [sole], `(${x}, ${y})`);
          }
        }
      }),
      { numRuns: 300 },
    );
    const index = buildPolygonIndex([{ type: 'Polygon', coordinates: [square(0, 0, 2, 2)] }]);
    assert.equal(index.soleHolder(0.5, 0.5, 1, 1), 0);
    assert.equal(index.soleHolder(1.5, 0.5, 2.5, 1), undefined, 'a box across the edge');
    assert.equal(index.soleHolder(3, 3, 4, 4), undefined, 'a box outside');
  });

  test('an empty index answers nothing', () => {
    const index = buildPolygonIndex([]);
    assert.deepEqual(index.containing(0, 0), []);
    assert.equal(index.locate(0, 0), undefined);
  });
});
