import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Area } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId } from '../shared/brand.ts';
import { ringAreaM2 } from './area-m2.ts';
import { checkAreas, checkRings, checkSiblings, selfIntersections } from './geometry-check.ts';

const box = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const poly = (...rings: number[][][]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });

/** A root (optionally with geometry) and leaf children, as a resolved hierarchy. */
function areasOf(children: Record<string, AreaGeometry>, rootGeometry?: AreaGeometry): Map<AreaId, Area> {
  const ids = Object.keys(children) as AreaId[];
  const root: Area = {
    id: 'root' as AreaId,
    name: 'root',
    level: 'city',
    parent: undefined,
    children: ids,
    depth: 0,
    geometry: rootGeometry,
  };
  const out = new Map<AreaId, Area>([[root.id, root]]);
  for (const id of ids) {
    out.set(id, { id, name: id, level: 'leaf', parent: root.id, children: [], depth: 1, geometry: children[id] });
  }
  return out;
}

describe('ring checks', () => {
  test('a clean square has no problems', () => {
    assert.deepEqual(checkRings('a', poly(box(0, 0, 0.01, 0.01))), []);
  });

  test('short, open, out-of-range and zero-area rings are invalid (errors)', () => {
    const cases: number[][][] = [
      [
        [0, 0],
        [1, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      [
        [0, 0],
        [200, 0],
        [1, 1],
        [0, 0],
      ],
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [0, 0],
      ],
    ];
    for (const ring of cases) {
      const [p, ...rest] = checkRings('a', poly(ring));
      assert.equal(rest.length, 0);
      assert.equal(p?.kind, 'invalid-ring', JSON.stringify(ring));
      assert.equal(p?.severity, 'error');
    }
  });

  test('a bow-tie crosses itself (error, at the crossing point); a self-touch is a warning', () => {
    const bow = [
      [0, 0],
      [0.02, 0.02],
      [0.02, 0],
      [0, 0.01],
      [0, 0],
    ];
    const [p] = checkRings('a', poly(bow));
    assert.equal(p?.kind, 'self-intersection');
    assert.equal(p?.severity, 'error');
    const at = p?.geometry?.type === 'Point' ? p.geometry.coordinates : [];
    assert.ok(Math.abs((at[0] ?? 0) - 0.02 / 3) < 1e-12 && Math.abs((at[1] ?? 0) - 0.02 / 3) < 1e-12, `${at}`);
    // A ring that comes back to touch one of its own vertices without crossing.
    const touch = [
      [0, 0],
      [0.02, 0],
      [0.02, 0.02],
      [0.01, 0],
      [0, 0.02],
      [0, 0],
    ];
    const [q] = checkRings('a', poly(touch));
    assert.equal(q?.kind, 'self-intersection');
    assert.equal(q?.severity, 'warning');
  });

  test('repeated consecutive positions are not intersections', () => {
    assert.deepEqual(
      selfIntersections([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 1],
        [0, 0],
      ]),
      [],
    );
  });

  test('a convex polygon of many vertices never self-intersects; a zig-zag across it always does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 700 }), (n) => {
        const ring = Array.from({ length: n }, (_, k) => [
          Math.cos((2 * Math.PI * k) / n),
          Math.sin((2 * Math.PI * k) / n),
        ]);
        ring.push(ring[0] as number[]);
        assert.equal(selfIntersections(ring).length, 0);
        const crossed = [...ring.slice(0, -1), [0, 2], [0, -2], ring[0] as number[]];
        assert.ok(selfIntersections(crossed).some((h) => h.crossing));
      }),
      { numRuns: 30 },
    );
  });

  test('600-vertex rings are checked quickly', () => {
    const ring = Array.from({ length: 600 }, (_, k) => {
      const a = (2 * Math.PI * k) / 600;
      const r = 1 + 0.1 * Math.sin(17 * a);
      return [r * Math.cos(a), r * Math.sin(a)];
    });
    ring.push(ring[0] as number[]);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) assert.equal(selfIntersections(ring).length, 0);
    assert.ok(performance.now() - t0 < 1000);
  });

  test('a hole outside its shell is an error with the hole area', () => {
    const hole = box(0.02, 0.02, 0.03, 0.03);
    const [p] = checkRings('a', poly(box(0, 0, 0.01, 0.01), hole));
    assert.equal(p?.kind, 'hole-outside-shell');
    assert.ok(Math.abs((p?.m2 ?? 0) - Math.abs(ringAreaM2(hole))) < 1);
    assert.deepEqual(checkRings('a', poly(box(0, 0, 0.03, 0.03), hole)), []);
  });
});

describe('sibling overlaps and gaps', () => {
  const d = 0.02; // about 2 km at the equator

  test('two siblings that tile their parent: no problems', () => {
    const areas = areasOf({ a: poly(box(0, 0, d, d)), b: poly(box(d, 0, 2 * d, d)) }, poly(box(0, 0, 2 * d, d)));
    assert.deepEqual(checkSiblings(areas, { maxSamples: 20_000 }), []);
  });

  test('an overlap strip is found with its area in m² (≈, within 10%), as a warning unless the policy rejects overlaps', () => {
    const areas = areasOf({ a: poly(box(0, 0, 1.25 * d, d)), b: poly(box(d, 0, 2 * d, d)) }, poly(box(0, 0, 2 * d, d)));
    const want = Math.abs(ringAreaM2(box(d, 0, 1.25 * d, d)));
    const problems = checkSiblings(areas, { maxSamples: 20_000 });
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.equal(p?.kind, 'overlap');
    assert.deepEqual(p?.areas, ['a', 'b']);
    assert.equal(p?.approx, true);
    assert.equal(p?.severity, 'warning');
    assert.ok(Math.abs((p?.m2 ?? 0) - want) / want < 0.1, `${p?.m2} vs ${want}`);
    assert.equal(checkSiblings(areas, { maxSamples: 20_000, rejectOverlaps: true })[0]?.severity, 'error');
  });

  test('a gap inside the parent is found, with the siblings around it', () => {
    const areas = areasOf({ a: poly(box(0, 0, d, d)), b: poly(box(1.25 * d, 0, 2 * d, d)) }, poly(box(0, 0, 2 * d, d)));
    const want = Math.abs(ringAreaM2(box(d, 0, 1.25 * d, d)));
    const [p, ...rest] = checkSiblings(areas, { maxSamples: 20_000 });
    assert.equal(rest.length, 0);
    assert.equal(p?.kind, 'gap');
    assert.deepEqual(p?.areas, ['root', 'a', 'b']);
    assert.ok(Math.abs((p?.m2 ?? 0) - want) / want < 0.1, `${p?.m2} vs ${want}`);
  });

  test('without a parent geometry, only enclosed holes between the siblings are gaps', () => {
    // A ring of four boxes around an empty square: the square is a gap; the outside is not.
    const ringAround = {
      s: poly(box(0, 0, 3 * d, d)),
      n: poly(box(0, 2 * d, 3 * d, 3 * d)),
      w: poly(box(0, d, d, 2 * d)),
      e: poly(box(2 * d, d, 3 * d, 2 * d)),
    };
    const problems = checkAreas(areasOf(ringAround), { maxSamples: 20_000 });
    assert.deepEqual(
      problems.map((p) => p.kind),
      ['gap'],
    );
    const want = Math.abs(ringAreaM2(box(d, d, 2 * d, 2 * d)));
    assert.ok(Math.abs((problems[0]?.m2 ?? 0) - want) / want < 0.1);
    // Open one side: nothing is enclosed any more.
    const { e: _, ...open } = ringAround;
    assert.deepEqual(checkAreas(areasOf(open), { maxSamples: 20_000 }), []);
  });
});
