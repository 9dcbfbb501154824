import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cellsToMultiPolygon } from 'h3-js';
import { tinyCityDef, tinyCommunityCells } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { AreaGeometry, CityDef } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { buildGrid } from './h3-grid.ts';
import { buildPolygonIndex } from './polygon-index.ts';
import type { Grid } from './types.ts';

function gridOf(def: CityDef): ReturnType<typeof buildGrid> {
  const city = resolveCity(def, []);
  assert.ok(city.ok);
  return buildGrid(city.value);
}

function tinyGrid(): Grid {
  const g = gridOf(tinyCityDef());
  assert.ok(g.ok);
  return g.value;
}

const id = (s: string) => s as AreaId;

describe('buildGrid (h3)', () => {
  const grid = tinyGrid();
  const cells = grid.allCells();
  const leaves = ['c1', 'c2', 'c3'].map(id);

  test('covers each leaf with exactly its cells', () => {
    const expected = tinyCommunityCells();
    assert.equal(grid.resolution, 9);
    assert.equal(grid.cellCount, 127);
    for (const leaf of leaves) {
      assert.deepEqual(
        [...grid.cellsOf(leaf)].sort(),
        [...expected[leaf as 'c1' | 'c2' | 'c3']].sort(),
        `cells of ${leaf}`,
      );
    }
  });

  test('hierarchy queries', () => {
    assert.deepEqual(grid.pathOf(id('c3')), ['tiny', 'd2', 'c3']);
    assert.deepEqual(grid.pathOf(id('tiny')), ['tiny']);
    assert.deepEqual(grid.leavesOf(id('tiny')), leaves);
    assert.deepEqual(grid.leavesOf(id('d1')), ['c1', 'c2']);
    assert.deepEqual(grid.leavesOf(id('c2')), ['c2']);
    assert.equal(grid.cellsOf(id('d1')).length, grid.cellsOf(id('c1')).length + grid.cellsOf(id('c2')).length);
    assert.deepEqual(grid.pathOf(id('nowhere')), []);
    assert.deepEqual(grid.cellsOf(id('nowhere')), []);
    assert.equal(grid.leafOf('8928308280fffff' as CellId), undefined);
  });

  test('cellsOf(root) holds every cell exactly once, and each cell has a leaf that holds it', () => {
    const root = grid.cellsOf(id('tiny'));
    assert.equal(root.length, grid.cellCount);
    assert.equal(new Set(root).size, root.length);
    assert.deepEqual(new Set(root), new Set(cells));
    for (const cell of cells) {
      const leaf = grid.leafOf(cell);
      assert.ok(leaf, `cell ${cell} has a leaf`);
      assert.ok(grid.cellsOf(leaf).includes(cell));
      assert.equal(leaves.filter((l) => grid.cellsOf(l).includes(cell)).length, 1);
    }
  });

  test('every point inside a cell assigns to that cell and a root-to-leaf path', () => {
    fc.assert(
      fc.property(
        fc.nat(cells.length - 1),
        fc.nat(5),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (i, corner, radial, along) => {
          const cell = cells[i] as CellId;
          const ring = grid.boundary(cell);
          const [cx, cy] = grid.centre(cell);
          const a = ring[corner] as number[];
          const b = ring[corner + 1] as number[];
          // A point of the triangle (centre, a, b), pulled towards the centre so that it stays inside the hexagon.
          const ex = (a[0] as number) + along * ((b[0] as number) - (a[0] as number));
          const ey = (a[1] as number) + along * ((b[1] as number) - (a[1] as number));
          const r = grid.assign(cx + radial * (ex - cx), cy + radial * (ey - cy));
          assert.ok(r.ok);
          assert.equal(r.value.cell, cell);
          const leaf = grid.leafOf(cell);
          assert.ok(leaf !== undefined);
          assert.equal(r.value.path[0], 'tiny');
          assert.equal(r.value.path.at(-1), leaf);
          assert.deepEqual(r.value.path, grid.pathOf(leaf));
          assert.equal(leaves.filter((l) => grid.cellsOf(l).includes(cell)).length, 1);
        },
      ),
    );
  });

  test('points far outside the city are INGEST_OUTSIDE_CITY', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        (lon, lat) => {
          fc.pre(Math.abs(lon - 10) > 0.5 || Math.abs(lat - 50) > 0.5);
          const r = grid.assign(lon, lat);
          assert.equal(r.ok, false);
          if (!r.ok) assert.equal(r.error.code, 'INGEST_OUTSIDE_CITY');
        },
      ),
    );
    for (const [lon, lat] of [
      [Number.NaN, 50],
      [10, Number.POSITIVE_INFINITY],
      [200, 50],
      [10, -91],
    ] as const) {
      const r = grid.assign(lon, lat);
      assert.ok(!r.ok && r.error.code === 'INGEST_OUTSIDE_CITY');
    }
  });

  test('boundary is a closed ring around the centre; the centre assigns back to the cell', () => {
    for (const cell of cells.slice(0, 20)) {
      const ring = grid.boundary(cell);
      assert.equal(ring.length, 7);
      assert.deepEqual(ring[0], ring[6]);
      const [lon, lat] = grid.centre(cell);
      assert.ok(Math.abs(lon - 10) < 0.1 && Math.abs(lat - 50) < 0.1, 'centre is [lon, lat]');
      const r = grid.assign(lon, lat);
      assert.ok(r.ok && r.value.cell === cell);
    }
  });

  test('a Polygon geometry works as well as a MultiPolygon', () => {
    const def = tinyCityDef();
    const c1 = def.areas?.[3];
    assert.ok(c1?.geometry?.type === 'MultiPolygon' && c1.geometry.coordinates.length === 1);
    c1.geometry = { type: 'Polygon', coordinates: c1.geometry.coordinates[0] as number[][][] };
    const g = gridOf(def);
    assert.ok(g.ok);
    assert.equal(g.value.cellsOf(id('c1')).length, grid.cellsOf(id('c1')).length);
  });

  test('a cell claimed by two leaves: rejected and reported by default, resolved by grid.policy.overlaps', () => {
    const def = tinyCityDef();
    const parts = tinyCommunityCells();
    const stolen = parts.c1[0] as CellId;
    const c2 = def.areas?.[4];
    assert.ok(c2);
    c2.geometry = { type: 'MultiPolygon', coordinates: cellsToMultiPolygon([...parts.c2, stolen], true) };
    const g = gridOf(def);
    assert.ok(g.ok);
    assert.equal(g.value.cellCount, 126);
    assert.equal(g.value.leafOf(stolen), undefined);
    assert.deepEqual(g.value.problems(), [
      { cell: stolen, kind: 'overlap', candidates: ['c1', 'c2'], chosen: undefined, policy: 'reject' },
    ]);
    const [lon, lat] = g.value.centre(stolen);
    const r = g.value.assign(lon, lat);
    assert.ok(!r.ok && r.error.code === 'INGEST_OUTSIDE_CITY');

    def.grid.policy = { overlaps: 'largest-overlap' };
    const resolved = gridOf(def);
    assert.ok(resolved.ok);
    assert.equal(resolved.value.cellCount, 127);
    assert.equal(resolved.value.leafOf(stolen), 'c1'); // both cover it whole: the tie goes to the first leaf
    assert.equal(resolved.value.problems()[0]?.chosen, 'c1');
  });

  test('a clean city has no problems; the ring around it stays outside', () => {
    assert.deepEqual(grid.problems(), []);
    assert.equal(grid.kind, 'h3');
  });

  test('property: neighbours are symmetric city cells within k steps', () => {
    fc.assert(
      fc.property(fc.nat(cells.length - 1), fc.integer({ min: 1, max: 3 }), (i, k) => {
        const cell = cells[i] as CellId;
        const around = grid.neighbours(cell, k);
        assert.ok(!around.includes(cell));
        for (const n of around) {
          assert.ok(grid.leafOf(n) !== undefined);
          assert.ok(grid.neighbours(n, k).includes(cell), `${n} ↔ ${cell}`);
        }
        if (k === 1) assert.ok(around.length <= 6);
      }),
    );
    assert.deepEqual(grid.neighbours('8928308280fffff' as CellId, 1), []);
  });

  test("property: every parent chain ends at the city; a cell's leaf holds the cell's centre", () => {
    const city = resolveCity(tinyCityDef(), []);
    assert.ok(city.ok);
    const leafGeometries = leaves.map((l) => city.value.areas.get(l)?.geometry as AreaGeometry);
    const index = buildPolygonIndex(leafGeometries);
    fc.assert(
      fc.property(fc.nat(cells.length - 1), (i) => {
        const cell = cells[i] as CellId;
        const leaf = grid.leafOf(cell) as AreaId;
        const path = grid.pathOf(leaf);
        assert.equal(path[0], 'tiny');
        let a: AreaId | undefined = leaf;
        let steps = 0;
        while (city.value.areas.get(a as AreaId)?.parent !== undefined && steps++ < 10)
          a = city.value.areas.get(a as AreaId)?.parent;
        assert.equal(a, city.value.root);
        const [lon, lat] = grid.centre(cell);
        assert.ok(index.contains(leaves.indexOf(leaf), lon, lat), `${leaf} holds the centre of ${cell}`);
      }),
    );
  });
});
