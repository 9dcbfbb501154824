import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cellToBoundary, gridDisk, latLngToCell } from 'h3-js';
import type { AreaGeometry } from '../city/schema.ts';
import { assignCellsWithPolicy, type CellPolicy, type CellSample, h3CellSample } from './cell-policy.ts';
import { buildPolygonIndex } from './polygon-index.ts';

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

/** A small square "cell" of side 2h around (x, y), sampled on a 5 × 5 lattice. */
const cellAt = (name: string, x: number, y: number, h = 0.0005): CellSample => ({
  cell: name,
  centre: [x, y],
  samples: Array.from({ length: 25 }, (_, k): [number, number] => [
    x - h + (2 * h * ((k % 5) + 0.5)) / 5,
    y - h + (2 * h * (Math.floor(k / 5) + 0.5)) / 5,
  ]),
});

// Two leaves that overlap between lon 0.009 and 0.0102, with a gap above lat 0.01 up to 0.0102 on the right.
const A = rect(0, 0, 0.0102, 0.02);
const B = rect(0.009, 0, 0.02, 0.01);
const leaves = [A, B];
const overlapMostlyB = cellAt('o', 0.01, 0.005); // centre in both; B covers all of the cell, A 70% of it
const gapNearB = cellAt('g', 0.015, 0.0103); // centre in neither, about 33 m above B
const farAway = cellAt('f', 0.05, 0.05);
const inB = cellAt('b', 0.015, 0.005);

describe('assignCellsWithPolicy', () => {
  test('a centre in exactly one leaf goes to it under every policy', () => {
    for (const policy of ['reject', 'largest-overlap', 'nearest'] as CellPolicy[]) {
      const r = assignCellsWithPolicy([inB], leaves, policy);
      assert.equal(r.leafOf.get('b'), 1);
      assert.deepEqual(r.problems, []);
    }
  });

  test('reject: overlaps and gaps belong to no leaf, and each is reported', () => {
    const r = assignCellsWithPolicy([overlapMostlyB, gapNearB, farAway], leaves, 'reject');
    assert.equal(r.leafOf.size, 0);
    assert.deepEqual(r.problems, [
      { cell: 'o', kind: 'overlap', candidates: [0, 1], chosen: undefined },
      { cell: 'g', kind: 'gap', candidates: [1], chosen: undefined },
      { cell: 'f', kind: 'gap', candidates: [], chosen: undefined },
    ]);
  });

  test('largest-overlap: the leaf covering most of the cell; an untouched gap cell stays out', () => {
    const partly = cellAt('p', 0.015, 0.0102, 0.0005); // lower half in B, upper half in the gap
    const r = assignCellsWithPolicy([overlapMostlyB, partly, farAway], leaves, 'largest-overlap');
    assert.equal(r.leafOf.get('o'), 1);
    assert.equal(r.leafOf.get('p'), 1);
    assert.equal(r.leafOf.has('f'), false);
    assert.deepEqual(
      r.problems.map((p) => [p.cell, p.kind, p.chosen]),
      [
        ['o', 'overlap', 1],
        ['p', 'gap', 1],
        ['f', 'gap', undefined],
      ],
    );
  });

  test('nearest: a gap cell goes to the nearest leaf within reach, not beyond', () => {
    const r = assignCellsWithPolicy([gapNearB, farAway], leaves, 'nearest', { maxNearestM: 100 });
    assert.equal(r.leafOf.get('g'), 1);
    assert.equal(r.leafOf.has('f'), false);
    const small = cellAt('s', 0.015, 0.0103, 0.0001); // 33 m above B and not reaching it
    const tight = assignCellsWithPolicy([small], leaves, 'nearest', { maxNearestM: 10 });
    assert.equal(tight.leafOf.size, 0);
    assert.deepEqual(tight.problems, [{ cell: 's', kind: 'gap', candidates: [], chosen: undefined }]);
    // A leaf that reaches into the cell is near it, however far the centre is from its edge.
    const touched = assignCellsWithPolicy([gapNearB], leaves, 'nearest', { maxNearestM: 10 });
    assert.deepEqual(touched.problems, [{ cell: 'g', kind: 'gap', candidates: [1], chosen: 1 }]);
  });

  test('separate policies for gaps and overlaps; inCity drops untouched cells outside the city', () => {
    const r = assignCellsWithPolicy([overlapMostlyB, gapNearB, farAway], leaves, {
      gaps: 'nearest',
      overlaps: 'reject',
    });
    assert.deepEqual(
      r.problems.map((p) => [p.cell, p.kind, p.chosen]),
      [
        ['o', 'overlap', undefined],
        ['g', 'gap', 1],
        ['f', 'gap', undefined],
      ],
    );
    const inside = assignCellsWithPolicy([gapNearB, farAway], leaves, 'reject', { inCity: () => false });
    assert.deepEqual(
      inside.problems.map((p) => p.cell),
      ['g'],
    );
  });

  test('largest-part: the leaf holding most of the cell (ties to the lower index); a centre in two leaves overlaps', () => {
    const mostlyA = cellAt('m', 0.0085, 0.005); // centre in A only; 1/6 of the cell in B too
    const edge = cellAt('e', 0.0102, 0.015); // centre on A's right edge above B: half in A, half in the gap
    const r = assignCellsWithPolicy([mostlyA, edge, overlapMostlyB, inB], leaves, 'largest-overlap', {
      decide: 'largest-part',
    });
    assert.equal(r.leafOf.get('m'), 0);
    assert.equal(r.leafOf.get('e'), 0);
    assert.equal(r.leafOf.get('b'), 1);
    assert.deepEqual(r.problems, [{ cell: 'o', kind: 'overlap', candidates: [0, 1], chosen: 1 }]);
    const rejected = assignCellsWithPolicy([overlapMostlyB], leaves, 'reject', { decide: 'largest-part' });
    assert.equal(rejected.leafOf.size, 0);
  });

  test('every cell gets at most one leaf, and every cell not cleanly in one leaf is reported', () => {
    const point = fc.tuple(
      fc.double({ min: -0.005, max: 0.025, noNaN: true }),
      fc.double({ min: -0.005, max: 0.025, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 30 }),
        fc.constantFrom<CellPolicy>('reject', 'largest-overlap', 'nearest'),
        (pts, policy) => {
          const cells = pts.map(([x, y], k) => cellAt(`c${k}`, x, y));
          const r = assignCellsWithPolicy(cells, leaves, policy);
          const reported = new Set(r.problems.map((p) => p.cell));
          for (const c of cells) {
            const chosen = r.leafOf.get(c.cell);
            if (!reported.has(c.cell)) assert.notEqual(chosen, undefined, `${c.cell} is neither assigned nor reported`);
            if (policy === 'reject') assert.ok(!reported.has(c.cell) || chosen === undefined);
          }
          assert.equal(r.problems.length, reported.size);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('h3CellSample: the centre and points spread over the hexagon, all inside it', () => {
    const cell = latLngToCell(50, 10, 9);
    const s = h3CellSample(cell);
    assert.equal(s.samples.length, 1 + 6 * (1 + 3 + 5 + 7 + 9));
    assert.ok(Math.abs(s.centre[0] - 10) < 0.01 && Math.abs(s.centre[1] - 50) < 0.01);
    for (const [lon, lat] of s.samples) assert.equal(latLngToCell(lat, lon, 9), cell);
    // Inside the cell's own [lon, lat] hexagon, so never in a neighbour drawn from the same vertices.
    const hexagon = buildPolygonIndex([{ type: 'Polygon', coordinates: [cellToBoundary(cell, true)] }]);
    const neighbours = buildPolygonIndex(
      gridDisk(cell, 1)
        .filter((c) => c !== cell)
        .map((c) => ({ type: 'Polygon' as const, coordinates: [cellToBoundary(c, true)] })),
    );
    for (const [lon, lat] of s.samples) {
      assert.ok(hexagon.contains(0, lon, lat));
      assert.deepEqual(neighbours.containing(lon, lat), []);
    }
  });
});
