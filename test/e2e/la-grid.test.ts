import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { latLngToCell } from 'h3-js';
import { stringify } from 'yaml';
import { loadCity } from '../../src/adapters/city-files.ts';
import type { City } from '../../src/city/city.ts';
import { tinyCityDef } from '../../src/city/fixtures.ts';
import type { AreaGeometry } from '../../src/city/schema.ts';
import { buildGrid } from '../../src/grid/h3-grid.ts';
import { buildPolygonIndex, type PolygonIndex } from '../../src/grid/polygon-index.ts';
import type { Grid } from '../../src/grid/types.ts';
import { createRuntime } from '../../src/runtime.ts';
import type { AreaId, CellId } from '../../src/shared/brand.ts';
import { mulberry32 } from '../../src/sim/rng.ts';
import { cityInit, LA_COUNCILS, LA_DISTRICTS, SHARED_DATA, setGrid } from '../helpers/la-data.ts';

/**
 * Issue 3 §2–§3 on the real Los Angeles neighbourhood councils, which overlap and leave gaps: with an explicit policy
 * the H3 grid builds, every point inside the city gets one cell and one leaf, and every overlap and gap cell is listed
 * with what was decided. Also a polygon-cell city read from its cells file.
 */
const DATA = SHARED_DATA;
const DISTRICTS = LA_DISTRICTS;
const COUNCILS = LA_COUNCILS;
const present = [DISTRICTS, COUNCILS].every((f) => existsSync(f));

const tmp = mkdtempSync(join(tmpdir(), 'gridloop-la-grid-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const init = cityInit;

/** A seeded generator, so that a failure can be replayed. */
const random = mulberry32;

/** n random points inside the leaves (the city as the councils draw it), with the leaves that hold each. */
function pointsInLeaves(index: PolygonIndex, n: number, seed: number): { lon: number; lat: number; in: number[] }[] {
  let box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < index.size; i++) {
    const b = index.bboxOf(i);
    box = [Math.min(box[0]!, b[0]), Math.min(box[1]!, b[1]), Math.max(box[2]!, b[2]), Math.max(box[3]!, b[3])];
  }
  const rnd = random(seed);
  const out: { lon: number; lat: number; in: number[] }[] = [];
  while (out.length < n) {
    const lon = box[0]! + rnd() * (box[2]! - box[0]!);
    const lat = box[1]! + rnd() * (box[3]! - box[1]!);
    const holding = index.containing(lon, lat);
    if (holding.length > 0) out.push({ lon, lat, in: holding });
  }
  return out;
}

/** Each cell of the grid lies in exactly one leaf's cells, and the leaves' cells add up to the grid. */
function assertPartition(city: City, grid: Grid): void {
  const leaves = grid.leavesOf(city.root);
  const seen = new Set<CellId>();
  for (const leaf of leaves) {
    for (const cell of grid.cellsOf(leaf)) {
      assert.ok(!seen.has(cell), `${cell} in two leaves`);
      seen.add(cell);
      assert.equal(grid.leafOf(cell), leaf);
    }
  }
  assert.equal(seen.size, grid.cellCount);
}

describe('LA councils gridded with an explicit overlap and gap policy (issue 3 §2)', () => {
  if (!present) {
    test('LA boundaries', (t) => {
      assert.notEqual(process.env.CI, 'true', `${DATA} is missing on CI`);
      t.skip(`../shared/data/boundaries (LA districts and councils) missing at ${DATA}`);
    });
    return;
  }
  const dir = join(tmp, 'la');
  let leafIds: AreaId[] = [];
  let index: PolygonIndex;
  before(async () => {
    await init(
      dir,
      ...['--id', 'los-angeles', '--name', 'Los Angeles', '--timezone', 'America/Los_Angeles'],
      ...['--areas', DISTRICTS, '--level', 'district', '--name-prop', 'name'],
      ...['--areas', COUNCILS, '--level', 'council', '--name-prop', 'name', '--id-prop', 'nc_id'],
    );
    const city = await loadCity(dir);
    const leaves = [...city.areas.values()].filter((a) => a.children.length === 0);
    leafIds = leaves.map((a) => a.id);
    index = buildPolygonIndex(leaves.map((a) => a.geometry as AreaGeometry));
  });

  test('largest-overlap, nearest (200 m): builds; every point inside the city gets one cell and one leaf', async (t) => {
    setGrid(dir, (g) => ({ ...g, policy: { overlaps: 'largest-overlap', gaps: 'nearest', maxNearestM: 200 } }));
    const city = await loadCity(dir);
    const t0 = performance.now();
    const built = buildGrid(city);
    const buildMs = performance.now() - t0;
    assert.ok(built.ok, built.ok ? '' : built.error.message);
    const grid = built.value;
    assertPartition(city, grid);

    const problems = grid.problems();
    const overlaps = problems.filter((p) => p.kind === 'overlap');
    const gaps = problems.filter((p) => p.kind === 'gap');
    t.diagnostic(
      `buildGrid ${Math.round(buildMs)} ms: ${grid.cellCount} cells; ${overlaps.length} overlap cells, ` +
        `${gaps.length} gap cells (${gaps.filter((p) => p.chosen === undefined).length} beyond 200 m, left out)`,
    );
    assert.ok(overlaps.length > 100, 'the councils overlap');
    assert.ok(gaps.length > 100, 'the councils leave gaps');
    assert.equal(new Set(problems.map((p) => p.cell)).size, problems.length, 'each cell reported once');
    for (const p of overlaps) {
      assert.equal(p.policy, 'largest-overlap');
      assert.ok(p.candidates.length >= 2);
      assert.ok(p.chosen !== undefined && p.candidates.includes(p.chosen));
      assert.equal(grid.leafOf(p.cell), p.chosen);
    }
    for (const p of gaps) {
      assert.equal(p.policy, 'nearest');
      assert.equal(grid.leafOf(p.cell), p.chosen);
      if (p.chosen !== undefined) assert.equal(p.chosen, p.candidates[0]);
    }

    const points = pointsInLeaves(index, 20_000, 1);
    for (const { lon, lat, in: holding } of points) {
      const r = grid.assign(lon, lat);
      assert.ok(r.ok, `(${lon}, ${lat}) inside ${holding.map((l) => leafIds[l]).join(', ')} has a cell`);
      assert.equal(r.value.cell, latLngToCell(lat, lon, 9));
      const leaf = r.value.path.at(-1) as AreaId;
      assert.equal(r.value.path[0], city.root);
      assert.equal(grid.leafOf(r.value.cell), leaf);
      assert.deepEqual(r.value.path, grid.pathOf(leaf));
    }
  });

  test("assignPoints 'polygon': a point in one council gets that council, whatever its cell's", async () => {
    setGrid(dir, (g) => ({
      ...g,
      assignPoints: 'polygon',
      policy: { overlaps: 'largest-overlap', gaps: 'nearest', maxNearestM: 200 },
    }));
    const city = await loadCity(dir);
    const built = buildGrid(city);
    assert.ok(built.ok);
    for (const { lon, lat, in: holding } of pointsInLeaves(index, 5_000, 2)) {
      const r = built.value.assign(lon, lat);
      assert.ok(r.ok);
      const leaf = r.value.path.at(-1) as AreaId;
      assert.ok(holding.map((l) => leafIds[l]).includes(leaf));
      if (holding.length === 1) assert.equal(leaf, leafIds[holding[0]!]);
    }
  });

  test('both policies reject: builds, and every rejected cell is listed and outside the city', async (t) => {
    setGrid(dir, (g) => ({ kind: g.kind, resolution: 9, policy: { overlaps: 'reject', gaps: 'reject' } }));
    const city = await loadCity(dir);
    const built = buildGrid(city);
    assert.ok(built.ok, built.ok ? '' : built.error.message);
    const grid = built.value;
    assertPartition(city, grid);
    const problems = grid.problems();
    const rejected = new Set(problems.map((p) => p.cell));
    t.diagnostic(
      `reject: ${grid.cellCount} cells; ${problems.filter((p) => p.kind === 'overlap').length} overlap and ` +
        `${problems.filter((p) => p.kind === 'gap').length} gap cells rejected`,
    );
    assert.ok(problems.some((p) => p.kind === 'overlap') && problems.some((p) => p.kind === 'gap'));
    for (const p of problems) {
      assert.equal(p.chosen, undefined);
      assert.equal(p.policy, 'reject');
      assert.equal(grid.leafOf(p.cell), undefined);
    }
    let outside = 0;
    for (const { lon, lat } of pointsInLeaves(index, 20_000, 3)) {
      const cell = latLngToCell(lat, lon, 9) as CellId;
      const r = grid.assign(lon, lat);
      if (rejected.has(cell)) {
        outside++;
        assert.ok(!r.ok && r.error.code === 'INGEST_OUTSIDE_CITY');
      } else {
        assert.ok(r.ok, `(${lon}, ${lat}) in a clean cell has a leaf`);
        assert.equal(grid.leafOf(r.value.cell), r.value.path.at(-1));
      }
    }
    t.diagnostic(`reject: ${outside} of 20000 points inside councils fall in rejected cells`);
    assert.ok(outside > 0);
  });
});

describe('a polygon-cell city loaded from its cells file (issue 3 §3)', () => {
  test('grid.kind polygons: codes are the cell ids, each cell goes to the leaf holding its largest part', async () => {
    const dir = join(tmp, 'units');
    mkdirSync(dir, { recursive: true });
    const def = tinyCityDef();
    const d = 0.0014; // about 100 m at latitude 50
    const features = [];
    for (let r = 0; r < 10; r++) {
      for (let c = 0; c < 10; c++) {
        const [x, y] = [9.993 + c * d, 49.993 + r * d];
        const ring = [
          [x, y],
          [x + d, y],
          [x + d, y + d],
          [x, y + d],
          [x, y],
        ];
        features.push({
          type: 'Feature',
          properties: { unit: 110_101_000 + r * 100 + c },
          geometry: { type: 'Polygon', coordinates: [ring] },
        });
      }
    }
    writeFileSync(join(dir, 'cells.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));
    writeFileSync(
      join(dir, 'city.yaml'),
      stringify({ ...def, grid: { kind: 'polygons', file: 'cells.geojson', codeProp: 'unit' } }),
    );
    const city = await loadCity(dir);
    assert.equal(city.grid.kind, 'polygons');
    assert.equal(city.resolution, -1);
    const built = buildGrid(city);
    assert.ok(built.ok);
    const grid = built.value;
    assert.equal(grid.kind, 'polygons');
    assertPartition(city, grid);
    const r = grid.assign(10, 50);
    assert.ok(r.ok);
    assert.equal(r.value.cell, '110101505');
    assert.deepEqual(r.value.path, grid.pathOf(grid.leafOf(r.value.cell) as AreaId));
    assert.equal(grid.neighbours(r.value.cell, 1).length, 8);

    // The runtime serves the same grid, and lets go of the cells' GeoJSON once the grid is built.
    const rt = await createRuntime({ cityDir: dir, dataDir: ':memory:', jobIntervalMs: 0 });
    try {
      assert.equal(rt.grid.cellCount, grid.cellCount);
      assert.deepEqual(rt.grid.assign(10, 50), r);
      assert.deepEqual(rt.grid.boundary(r.value.cell), grid.boundary(r.value.cell));
      assert.ok(rt.city.grid.kind === 'polygons' && rt.city.grid.cells.length === 0);
    } finally {
      await rt.close();
    }

    writeFileSync(join(dir, 'city.yaml'), stringify({ ...def, grid: { kind: 'polygons', file: 'cells.geojson' } }));
    await assert.rejects(loadCity(dir), { code: 'CITY_INVALID' }); // no `code` property: the default codeProp
    writeFileSync(join(dir, 'city.yaml'), stringify({ ...def, grid: { kind: 'polygons', file: 'none.geojson' } }));
    await assert.rejects(loadCity(dir), { code: 'CITY_NOT_FOUND' });
    writeFileSync(join(dir, 'city.yaml'), stringify({ ...def, grid: { kind: 'polygons' } }));
    await assert.rejects(loadCity(dir), { code: 'CITY_INVALID' });
    writeFileSync(join(dir, 'city.yaml'), stringify({ ...def, grid: { kind: 'h3' } }));
    await assert.rejects(loadCity(dir), { code: 'CITY_INVALID' });
  });
});
