import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { PolygonCellDef } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { AreaGeometry, CityDef, GridPolicyDef } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { buildGrid } from './h3-grid.ts';

/** ~100 m at the equator: the side of a unit-grid cell of about 10,000 m². */
const D = 0.0009;
const N = 20;
const X0 = 0.3;
const Y0 = 0.3;

const square = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({
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

const codeAt = (row: number, col: number) => `U${String(row).padStart(2, '0')}${String(col).padStart(2, '0')}`;

/** A 20 × 20 unit grid of ~100 m squares with codes U<row><col>, row 0 at the bottom. */
function unitCells(): PolygonCellDef[] {
  const cells: PolygonCellDef[] = [];
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      cells.push({ code: codeAt(r, c), geometry: square(X0 + c * D, Y0 + r * D, X0 + (c + 1) * D, Y0 + (r + 1) * D) });
    }
  }
  return cells;
}

/**
 * A test city over the unit grid: two leaf areas, west and east of a slanted border from (bottom, x = X0 + bottom·D)
 * to (top, x = X0 + top·D) that cuts through cells; each leaf sits under its own district. `overlapD` widens west
 * over the border (an overlap), `gapD` pulls east back from it (a gap).
 */
export function gridCity(
  bottom: number,
  top: number,
  opts: { overlapD?: number; gapD?: number; policy?: GridPolicyDef; assignPoints?: 'cell' | 'polygon' } = {},
) {
  const x = (k: number) => X0 + k * D;
  const [ya, yb] = [Y0, Y0 + N * D];
  const wide = (opts.overlapD ?? 0) * D;
  const gap = (opts.gapD ?? 0) * D;
  // The border passes x(bottom) at ya and x(top) at yb, and runs on one cell beyond both.
  const [lo, hi] = [x(bottom - (top - bottom) / N), x(top + (top - bottom) / N)];
  const west = poly([x(-1), ya - D], [lo + wide, ya - D], [hi + wide, yb + D], [x(-1), yb + D]);
  const east = poly([lo + gap, ya - D], [x(N + 1), ya - D], [x(N + 1), yb + D], [hi + gap, yb + D]);
  const base = tinyCityDef();
  const def: CityDef = {
    ...base,
    id: 'unit',
    grid: {
      kind: 'polygons',
      file: 'cells.geojson',
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.assignPoints ? { assignPoints: opts.assignPoints } : {}),
    },
    areas: [
      { id: 'unit', name: 'Unit City', level: 'city' },
      { id: 'dw', name: 'West district', level: 'district', parent: 'unit' },
      { id: 'de', name: 'East district', level: 'district', parent: 'unit' },
      { id: 'west', name: 'West', level: 'community', parent: 'dw', geometry: west },
      { id: 'east', name: 'East', level: 'community', parent: 'de', geometry: east },
    ],
    teams: [],
    sensors: [],
  };
  const city = resolveCity(def, [], 'city.yaml', [], unitCells());
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  return { city: city.value, grid: grid.value, west, east };
}

const poly = (...pts: [number, number][]): AreaGeometry => ({ type: 'Polygon', coordinates: [[...pts, pts[0]!]] });

/** Share of square (row, col) west of the border, on a fine 40 × 40 lattice (independent of the grid's own). */
function westShare(row: number, col: number, bottom: number, top: number): number {
  let inside = 0;
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 40; j++) {
      const fy = (row + (j + 0.5) / 40) / N;
      const bx = bottom + (top - bottom) * fy;
      if (col + (i + 0.5) / 40 < bx) inside++;
    }
  }
  return inside / 1600;
}

const border = fc.tuple(fc.double({ min: 3, max: 17, noNaN: true }), fc.double({ min: 3, max: 17, noNaN: true }));
const id = (s: string) => s as AreaId;

describe('buildGrid (polygon cells)', () => {
  const { grid } = gridCity(7.3, 11.6);

  test('the grid: 400 cells by code, split between the two leaves; queries by code', () => {
    assert.equal(grid.kind, 'polygons');
    assert.equal(grid.resolution, -1);
    assert.equal(grid.cellCount, 400);
    assert.equal(grid.cellsOf(id('west')).length + grid.cellsOf(id('east')).length, 400);
    assert.deepEqual(grid.leavesOf(id('unit')), ['west', 'east']);
    assert.deepEqual(grid.pathOf(id('east')), ['unit', 'de', 'east']);
    assert.equal(grid.leafOf(codeAt(0, 0) as CellId), 'west');
    assert.equal(grid.leafOf(codeAt(0, 19) as CellId), 'east');
    assert.deepEqual(grid.problems(), []);
    const ring = grid.boundary(codeAt(2, 3) as CellId);
    assert.equal(ring.length, 5);
    assert.deepEqual(ring[0], [X0 + 3 * D, Y0 + 2 * D]);
    const [cx, cy] = grid.centre(codeAt(2, 3) as CellId);
    assert.ok(Math.abs(cx - (X0 + 3.5 * D)) < 1e-9 && Math.abs(cy - (Y0 + 2.5 * D)) < 1e-9);
    assert.throws(() => grid.centre('nope' as CellId), { code: 'GRID_UNKNOWN_CELL' });
    assert.deepEqual(grid.neighbours('nope' as CellId, 1), []);
  });

  test('neighbours: cells sharing an edge or a vertex, k rings by breadth', () => {
    const n = (r: number, c: number, k: number) => grid.neighbours(codeAt(r, c) as CellId, k);
    assert.equal(n(5, 5, 1).length, 8);
    assert.equal(n(5, 5, 2).length, 24);
    assert.equal(n(0, 0, 1).length, 3);
    assert.deepEqual([...n(0, 0, 1)].sort(), [codeAt(0, 1), codeAt(1, 0), codeAt(1, 1)]);
  });

  test('property: every point in the city lies in exactly one cell and maps to exactly one leaf', () => {
    fc.assert(
      fc.property(
        border,
        fc.array(
          fc.tuple(
            fc.double({ min: 0.001, max: 0.999, noNaN: true }),
            fc.double({ min: 0.001, max: 0.999, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        ([bottom, top], points) => {
          const { grid: g } = gridCity(bottom, top);
          for (const [u, v] of points) {
            const r = g.assign(X0 + u * N * D, Y0 + v * N * D);
            assert.ok(r.ok);
            const [row, col] = [Math.floor(v * N), Math.floor(u * N)];
            assert.equal(r.value.cell, codeAt(row, col));
            const leaf = r.value.path.at(-1) as AreaId;
            assert.equal(leaf, g.leafOf(r.value.cell));
            assert.equal(['west', 'east'].filter((l) => g.cellsOf(id(l)).includes(r.value.cell)).length, 1);
          }
          assert.equal(g.assign(X0 - D / 2, Y0 + D).ok, false);
        },
      ),
      { numRuns: 15 },
    );
  });

  test("property: a cell's leaf holds the largest part of the cell", () => {
    fc.assert(
      fc.property(border, ([bottom, top]) => {
        const { grid: g } = gridCity(bottom, top);
        for (let r = 0; r < N; r++) {
          for (let c = 0; c < N; c++) {
            const share = westShare(r, c, bottom, top);
            if (Math.abs(share - 0.5) < 0.13) continue; // too close to call for an 8 × 8 sampled estimate
            assert.equal(g.leafOf(codeAt(r, c) as CellId), share > 0.5 ? 'west' : 'east', `${codeAt(r, c)} ${share}`);
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  test('property: neighbours are symmetric, and every parent chain ends at the city', () => {
    fc.assert(
      fc.property(border, fc.nat(N * N - 1), fc.integer({ min: 1, max: 3 }), ([bottom, top], i, k) => {
        const { grid: g, city } = gridCity(bottom, top);
        const cell = g.allCells()[i] as CellId;
        for (const n of g.neighbours(cell, k)) assert.ok(g.neighbours(n, k).includes(cell), `${n} ↔ ${cell}`);
        const path = g.pathOf(g.leafOf(cell) as AreaId);
        assert.equal(path[0], city.root);
        for (let a: AreaId | undefined = path.at(-1); a !== undefined; a = city.areas.get(a)?.parent) {
          if (city.areas.get(a)?.parent === undefined) assert.equal(a, city.root);
        }
      }),
      { numRuns: 30 },
    );
  });

  test('policy: overlap and gap cells are decided by grid.policy and reported', () => {
    // A straight border at x = 10: east pulled back 2 cells leaves columns 10 and 11 in a gap; west pushed on 1 cell
    // makes column 10 an overlap.
    const rejecting = gridCity(10, 10, { gapD: 2 });
    const gapCells = rejecting.grid.problems();
    assert.equal(gapCells.length, 40);
    for (const p of gapCells) {
      assert.equal(p.kind, 'gap');
      assert.equal(p.chosen, undefined);
      assert.equal(p.policy, 'reject');
      assert.match(p.cell, /^U\d\d1[01]$/);
      assert.equal(rejecting.grid.leafOf(p.cell), undefined);
    }
    assert.equal(rejecting.grid.cellCount, 360);
    const miss = rejecting.grid.assign(X0 + 11.5 * D, Y0 + 5.5 * D);
    assert.ok(!miss.ok && miss.error.code === 'INGEST_OUTSIDE_CITY');

    const nearest = gridCity(10, 10, { gapD: 2, policy: { gaps: 'nearest', maxNearestM: 200 } });
    assert.equal(nearest.grid.cellCount, 400);
    for (const p of nearest.grid.problems()) assert.equal(p.chosen, p.cell.endsWith('10') ? 'west' : 'east');

    const overlapping = gridCity(10, 10, { overlapD: 1 });
    const overlaps = overlapping.grid.problems();
    assert.equal(overlaps.length, 20);
    assert.ok(overlaps.every((p) => p.kind === 'overlap' && p.chosen === undefined && p.candidates.length === 2));
    const resolved = gridCity(10, 10, { overlapD: 1, policy: { overlaps: 'largest-overlap' } });
    assert.equal(resolved.grid.cellCount, 400);
    assert.ok(resolved.grid.problems().every((p) => p.chosen !== undefined));
  });

  test("assignPoints 'polygon': the leaf polygon holding the point decides, the cell is still the point's cell", () => {
    const { grid: g } = gridCity(7.5, 7.5, { assignPoints: 'polygon' });
    // Column 7 is cut in half: the cell goes to west (tie, lower index), but a point in its eastern half is east's.
    const r = g.assign(X0 + 7.8 * D, Y0 + 3.5 * D);
    assert.ok(r.ok);
    assert.equal(r.value.cell, codeAt(3, 7));
    assert.equal(r.value.path.at(-1), 'east');
    const w = g.assign(X0 + 7.2 * D, Y0 + 3.5 * D);
    assert.ok(w.ok && w.value.path.at(-1) === 'west');
  });
});
