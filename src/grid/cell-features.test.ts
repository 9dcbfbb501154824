import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import { cellsFromFeatureCollection } from './cell-features.ts';

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
};
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const cell = (props: unknown, geometry: unknown = square) => ({ type: 'Feature', properties: props, geometry });

describe('cellsFromFeatureCollection', () => {
  test('reads codes from the given property; integer codes become strings', () => {
    const r = cellsFromFeatureCollection(fc(cell({ unit: 'A1' }), cell({ unit: 110101001 })), 'unit', 'cells.geojson');
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((c) => c.code),
      ['A1', '110101001'],
    );
    assert.equal(r.value[0]?.geometry.type, 'Polygon');
  });

  test('a missing or malformed code, a repeated code or a bad geometry is CITY_INVALID with its path', () => {
    const cases: [unknown, string][] = [
      [{ type: 'Feature' }, ''],
      [fc(cell({ name: 'x' })), '/features/0/properties/code'],
      [fc(cell({ code: 'a b' })), '/features/0/properties/code'],
      [fc(cell({ code: 'a' }), cell({ code: 'a' })), '/features/1/properties/code'],
      [fc(cell({ code: 'a' }, { type: 'Point', coordinates: [0, 0] })), '/features/0/geometry'],
    ];
    for (const [json, path] of cases) {
      const r = cellsFromFeatureCollection(json, 'code', 'cells.geojson');
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'CITY_INVALID');
      assert.equal(r.error.details?.path, path);
    }
  });

  test('grid defaults: policies reject, maxNearestM 250, points by cell; polygons need cells', () => {
    const city = resolveCity(tinyCityDef());
    assert.ok(city.ok);
    assert.deepEqual(city.value.grid, {
      kind: 'h3',
      resolution: 9,
      policy: { gaps: 'reject', overlaps: 'reject', maxNearestM: 250 },
      assignPoints: 'cell',
    });
    const def = { ...tinyCityDef(), grid: { kind: 'polygons' as const, file: 'cells.geojson' } };
    const none = resolveCity(def);
    assert.ok(!none.ok && none.error.code === 'CITY_INVALID');
    const cells = cellsFromFeatureCollection(fc(cell({ code: 'a' })), 'code', 'cells.geojson');
    assert.ok(cells.ok);
    const some = resolveCity(def, [], 'city.yaml', [], cells.value);
    assert.ok(some.ok);
    assert.equal(some.value.resolution, -1);
    assert.equal(some.value.grid.kind === 'polygons' && some.value.grid.cells.length, 1);
  });
});
