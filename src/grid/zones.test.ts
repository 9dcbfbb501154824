import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { AreaGeometry, CityDef } from '../city/schema.ts';
import type { CellId } from '../shared/brand.ts';
import { buildGrid } from './h3-grid.ts';
import { buildZoneIndex, centroid } from './zones.ts';

/** A lon/lat rectangle centred at (lon, lat), `w` × `h` degrees. */
const box = (lon: number, lat: number, w: number, h: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon - w / 2, lat - h / 2],
      [lon + w / 2, lat - h / 2],
      [lon + w / 2, lat + h / 2],
      [lon - w / 2, lat + h / 2],
      [lon - w / 2, lat - h / 2],
    ],
  ],
});

function build(edit: (def: CityDef) => void) {
  const def = tinyCityDef();
  edit(def);
  const city = resolveCity(def);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  return { city: city.value, grid: grid.value, index: buildZoneIndex(city.value, grid.value) };
}

describe('buildZoneIndex', () => {
  test('a zone smaller than a cell still tags the cell holding its centroid', () => {
    // 0.0008° × 0.0005° is about 57 m × 56 m: no res-9 cell centre fits unless it sits on one.
    const lon = 10.0031;
    const lat = 50.0023;
    const { index } = build((def) => {
      def.zones = [{ id: 'school-1', tag: 'school', name: 'School', geometry: box(lon, lat, 0.0008, 0.0005) }];
    });
    const cell = latLngToCell(lat, lon, 9) as CellId;
    assert.deepEqual(index.cellsOf('school-1'), [cell]);
    assert.deepEqual(
      index.zonesOf(cell).map((z) => z.id),
      ['school-1'],
    );
  });

  test('a large zone tags the cells whose centres it holds; overlapping zones both tag a cell', () => {
    const { grid, index } = build((def) => {
      def.zones = [
        { id: 'campus', tag: 'hospital', name: 'Campus', geometry: box(10, 50, 0.02, 0.012) },
        { id: 'school-1', tag: 'school', name: 'School', geometry: box(10, 50, 0.0008, 0.0005) },
      ];
    });
    const campus = index.cellsOf('campus');
    assert.ok(campus.length >= 5, `${campus.length} cells`);
    for (const c of campus) {
      const [x, y] = grid.centre(c);
      assert.ok(Math.abs(x - 10) <= 0.01 && Math.abs(y - 50) <= 0.006, `${c} centre inside the box`);
    }
    const centreCell = latLngToCell(50, 10, 9) as CellId;
    assert.deepEqual(
      index.zonesOf(centreCell).map((z) => z.id),
      ['campus', 'school-1'],
    );
    assert.deepEqual(index.zonesOf('8928308280fffff' as CellId), []);
    assert.deepEqual(index.cellsOf('nope'), []);
  });

  test('property: every zone inside the city tags at least its centroid cell', () => {
    const { grid } = build(() => {});
    fc.assert(
      fc.property(
        fc.double({ min: 9.99, max: 10.01, noNaN: true }),
        fc.double({ min: 49.995, max: 50.005, noNaN: true }),
        fc.double({ min: 0.00005, max: 0.004, noNaN: true }),
        (lon, lat, size) => {
          const geometry = box(lon, lat, size * 1.5, size);
          const { index } = build((def) => {
            def.zones = [{ id: 'z', tag: 'school', name: 'Z', geometry }];
          });
          const cells = index.cellsOf('z');
          const hit = grid.assign(...centroid((geometry.coordinates as number[][][])[0] ?? []));
          if (hit.ok) assert.ok(cells.includes(hit.value.cell) || cells.length > 0);
          for (const c of cells) assert.ok(grid.leafOf(c) !== undefined);
          if (hit.ok) assert.ok(cells.length > 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
