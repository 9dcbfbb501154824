import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nestByOverlap } from '../grid/nesting.ts';
import { areasFromFeatureCollection } from './area-features.ts';
import { areasFeatureCollection, cityFromGeojson, type LevelSpec, slug } from './init-from-geojson.ts';
import { resolveCity } from './resolve.ts';

const square = (x: number, y: number, s: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

const districts: LevelSpec = {
  level: 'district',
  nameProp: 'NAME',
  file: 'd.geojson',
  features: collection(feature({ NAME: 'West Side' }, square(0, 0, 1)), feature({ NAME: 'East' }, square(1, 0, 1))),
};
const wards: LevelSpec = {
  level: 'ward',
  nameProp: 'n',
  idProp: 'code',
  file: 'w.geojson',
  features: collection(
    feature({ n: 'A', code: 'W1' }, square(0.1, 0.1, 0.3)),
    feature({ n: 'B', code: 7 }, square(1.5, 0.5, 0.3)),
    // Mostly in East, a little in West Side.
    feature({ n: 'C', code: 'W3' }, square(0.9, 0.2, 0.4)),
  ),
};
const nest = (c: Parameters<typeof nestByOverlap>[0], p: Parameters<typeof nestByOverlap>[1]) => nestByOverlap(c, p);

describe('cityFromGeojson', () => {
  test('builds areas with level-prefixed ids, parents by overlap, and a definition that resolves', () => {
    const r = cityFromGeojson([districts, wards], { nest, id: 'Test Town', name: 'Test Town' });
    assert.ok(r.ok);
    const { def, areas, nesting } = r.value;
    assert.deepEqual(
      areas.map((a) => [a.id, a.level, a.parent]),
      [
        ['district-west-side', 'district', 'test-town'],
        ['district-east', 'district', 'test-town'],
        ['ward-w1', 'ward', 'district-west-side'],
        ['ward-7', 'ward', 'district-east'],
        ['ward-w3', 'ward', 'district-east'],
      ],
    );
    assert.equal(nesting.length, 3);
    assert.deepEqual(def.levels, ['city', 'district', 'ward']);
    assert.equal(def.grid.resolution, 9);
    // Written out and read back the way loadCity does, it resolves.
    const back = areasFromFeatureCollection(JSON.parse(JSON.stringify(areasFeatureCollection(areas))), 'areas.geojson');
    assert.ok(back.ok);
    const city = resolveCity(def, back.value);
    assert.ok(city.ok, city.ok ? '' : city.error.message);
    assert.equal(city.value.areas.size, 6);
  });

  test('repeated names are numbered, repeated codes are refused', () => {
    const twins: LevelSpec = {
      level: 'district',
      nameProp: 'NAME',
      features: collection(
        feature({ NAME: 'Central' }, square(0, 0, 1)),
        feature({ NAME: 'central' }, square(1, 0, 1)),
      ),
    };
    const r = cityFromGeojson([twins], { nest });
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.areas.map((a) => a.id),
      ['district-central', 'district-central-2'],
    );
    const dup = cityFromGeojson([{ ...twins, idProp: 'NAME' }], { nest });
    assert.ok(!dup.ok);
    assert.equal(dup.error.code, 'CITY_INVALID');
    assert.equal(dup.error.details?.path, '/features/1/properties/NAME');
  });

  test('bad input is CITY_INVALID with the file and pointer of the feature', () => {
    const cases: [unknown, string][] = [
      [{ type: 'Feature' }, ''],
      [collection(), '/features'],
      [collection(feature({}, square(0, 0, 1))), '/features/0/properties/NAME'],
      [collection(feature({ NAME: 'x' }, { type: 'Point', coordinates: [0, 0] })), '/features/0/geometry'],
      [collection(feature({ NAME: 'x' }, null)), '/features/0/geometry'],
    ];
    for (const [features, path] of cases) {
      const r = cityFromGeojson([{ ...districts, features }], { nest });
      assert.ok(!r.ok, path);
      assert.equal(r.error.code, 'CITY_INVALID');
      assert.deepEqual(r.error.details, { file: 'd.geojson', path });
    }
    const none = cityFromGeojson([], { nest });
    assert.ok(!none.ok);
    const twice = cityFromGeojson([districts, { ...wards, level: 'district' }], { nest });
    assert.ok(!twice.ok);
    assert.equal(twice.error.code, 'CITY_INVALID');
  });

  test('slug', () => {
    assert.equal(slug('  Échirolles / Nord '), 'echirolles-nord');
    assert.equal(slug('中心区'), '');
    assert.ok(slug('x'.repeat(100)).length <= 48);
  });
});
