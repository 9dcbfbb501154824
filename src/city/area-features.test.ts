import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { areasFromFeatureCollection } from './area-features.ts';

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [10, 50],
      [10.01, 50],
      [10.01, 50.01],
      [10, 50.01],
      [10, 50],
    ],
  ],
};

function expectInvalid(json: unknown, path: string) {
  const r = areasFromFeatureCollection(json, 'a.geojson');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'CITY_INVALID');
  assert.deepEqual(r.error.details, { file: 'a.geojson', path });
}

describe('areasFromFeatureCollection', () => {
  test('keeps id, name, level, parent and geometry; ignores other properties', () => {
    const r = areasFromFeatureCollection(
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { id: 'x', name: 'X', level: 'city', parent: null }, geometry: null },
          {
            type: 'Feature',
            properties: { id: 'y', name: 'Y', level: 'district', parent: 'x', pop: 3 },
            geometry: square,
          },
        ],
      },
      'a.geojson',
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      { id: 'x', name: 'X', level: 'city' },
      { id: 'y', name: 'Y', level: 'district', parent: 'x', geometry: square },
    ]);
  });

  test('rejects what is not a feature collection of areas, at the right path', () => {
    expectInvalid([], '');
    expectInvalid({ type: 'Feature' }, '');
    expectInvalid({ type: 'FeatureCollection', features: [1] }, '/features/0');
    expectInvalid(
      { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null }] },
      '/features/0/properties',
    );
    const feature = (properties: object, geometry: unknown = square) => ({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties, geometry }],
    });
    expectInvalid(feature({ id: 'x', level: 'city' }), '/features/0/properties/name');
    expectInvalid(feature({ id: 'bad id!', name: 'X', level: 'city' }), '/features/0/properties/id');
    expectInvalid(
      feature({ id: 'x', name: 'X', level: 'city' }, { type: 'Point', coordinates: [1, 2] }),
      '/features/0/geometry/type',
    );
    expectInvalid(
      feature({ id: 'x', name: 'X', level: 'city' }, { type: 'Polygon', coordinates: [[[1, 2]]] }),
      '/features/0/geometry/coordinates/0',
    );
  });
});
