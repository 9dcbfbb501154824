import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AreaId, ServiceCode } from '../shared/brand.ts';
import { areasFromFeatureCollection } from './area-features.ts';
import { tinyCityDef } from './fixtures.ts';
import { resolveCity } from './resolve.ts';
import type { AreaDef, CityDef } from './schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests break definitions in ways the types forbid
type Def = any;

function tinyWith(change: (def: Def) => void): CityDef {
  const def = structuredClone(tinyCityDef()) as Def;
  change(def);
  return def;
}

function expectInvalid(def: CityDef, path: string, features: AreaDef[] = [], file = 'city.yaml') {
  const r = resolveCity(def, features);
  assert.equal(r.ok, false, `expected an error at ${path}`);
  if (r.ok) return;
  assert.equal(r.error.code, 'CITY_INVALID');
  assert.equal(r.error.details?.path, path);
  assert.equal(r.error.details?.file, file);
}

describe('resolveCity', () => {
  test('resolves the hierarchy, durations, rules and defaults', () => {
    const r = resolveCity(tinyCityDef(), []);
    assert.ok(r.ok);
    const city = r.value;
    assert.equal(city.root, 'tiny');
    assert.equal(city.resolution, 9);
    assert.deepEqual(city.areas.get('tiny' as AreaId)?.children, ['d1', 'd2']);
    assert.deepEqual(city.areas.get('d1' as AreaId)?.children, ['c1', 'c2']);
    assert.equal(city.areas.get('c3' as AreaId)?.depth, 2);
    assert.equal(city.areas.get('c3' as AreaId)?.parent, 'd2');
    const pothole = city.categories.get('pothole' as ServiceCode);
    assert.equal(pothole?.deadlines.register, 4 * 3_600_000);
    assert.equal(pothole?.deadlines.close, 60 * 60_000, 'a bare number is minutes');
    const [threshold, count] = city.rules;
    assert.ok(threshold?.kind === 'threshold' && count?.kind === 'count');
    assert.equal(threshold.forMs, 30 * 60_000);
    assert.equal(threshold.clearAt, 50);
    assert.deepEqual(threshold.openCase, { category: 'air-pollution' });
    assert.equal(count.withinMs, 7 * 86_400_000);
    assert.equal(count.openCase, undefined);
    assert.deepEqual(
      city.sensors.get('aq-1' as never)?.metrics.map((m) => m.name),
      ['pm25'],
    );
    assert.deepEqual(city.workflow, { autoRegisterAlerts: true, autoDispatch: true });
    assert.equal(city.ingest.maxFutureSkewMs, 5 * 60_000);
  });

  test('clearAt defaults to the threshold; explicit workflow and skew are kept', () => {
    const r = resolveCity(
      tinyWith((d) => {
        delete d.rules[0].clearAt;
        d.workflow = { autoDispatch: false };
        d.ingest = { maxFutureSkew: '30s' };
      }),
      [],
    );
    assert.ok(r.ok);
    const rule = r.value.rules[0];
    assert.equal(rule?.kind === 'threshold' && rule.clearAt, 75);
    assert.deepEqual(r.value.workflow, { autoRegisterAlerts: true, autoDispatch: false });
    assert.equal(r.value.ingest.maxFutureSkewMs, 30_000);
  });

  test('area hierarchy errors name the offending field', () => {
    expectInvalid(
      tinyWith((d) => delete d.areas[1].parent),
      '/areas/1/parent',
    );
    expectInvalid(
      tinyWith((d) => (d.areas[1].parent = 'nowhere')),
      '/areas/1/parent',
    );
    expectInvalid(
      tinyWith((d) => (d.areas[1].parent = 'c1')),
      '/areas/1/parent',
    );
    expectInvalid(
      tinyWith((d) => (d.areas[3].level = 'district')),
      '/areas/3/level',
    );
    expectInvalid(
      tinyWith((d) => (d.areas[3].level = 'block')),
      '/areas/3/level',
    );
    expectInvalid(
      tinyWith((d) => delete d.areas[5].geometry),
      '/areas/5/geometry',
    );
    expectInvalid(
      tinyWith((d) => (d.areas[4].id = 'c1')),
      '/areas/4/id',
    );
    expectInvalid(
      tinyWith((d) => (d.areas = d.areas.filter((a: AreaDef) => a.parent !== undefined))),
      '/areas',
    );
  });

  test('an area deeper than the levels is rejected', () => {
    const def = tinyWith((d) => {
      d.areas[2].geometry = d.areas[5].geometry;
      d.areas[5].parent = 'c2';
    });
    expectInvalid(def, '/areas/5/level');
  });

  test('references from teams, sensors and rules must exist', () => {
    expectInvalid(
      tinyWith((d) => (d.teams[0].areas = ['d9'])),
      '/teams/0/areas/0',
    );
    expectInvalid(
      tinyWith((d) => (d.teams[1].categories = ['pothole', 'x'])),
      '/teams/1/categories/1',
    );
    expectInvalid(
      tinyWith((d) => (d.sensors[2].kind = 'radar')),
      '/sensors/2/kind',
    );
    expectInvalid(
      tinyWith((d) => (d.rules[0].metric = 'pm10')),
      '/rules/0/metric',
    );
    expectInvalid(
      tinyWith((d) => (d.rules[0].openCase.category = 'x')),
      '/rules/0/openCase/category',
    );
    expectInvalid(
      tinyWith((d) => (d.rules[1].category = 'x')),
      '/rules/1/category',
    );
  });

  test('ids are unique in every list', () => {
    expectInvalid(
      tinyWith((d) => (d.categories[1].code = 'pothole')),
      '/categories/1/code',
    );
    expectInvalid(
      tinyWith((d) => (d.teams[1].id = 'roads-north')),
      '/teams/1/id',
    );
    expectInvalid(
      tinyWith((d) => (d.sensors[1].id = 'aq-1')),
      '/sensors/1/id',
    );
    expectInvalid(
      tinyWith((d) => (d.rules[1].id = 'pm25-high')),
      '/rules/1/id',
    );
    expectInvalid(
      tinyWith((d) => (d.sensorKinds[1].kind = 'airQuality')),
      '/sensorKinds/1/kind',
    );
    expectInvalid(
      tinyWith((d) => d.sensorKinds[0].metrics.push(d.sensorKinds[0].metrics[0])),
      '/sensorKinds/0/metrics/1/name',
    );
    expectInvalid(
      tinyWith((d) => d.levels.push('city')),
      '/levels/3',
    );
  });

  test('metric ranges and hysteresis must make sense', () => {
    expectInvalid(
      tinyWith((d) => (d.sensorKinds[0].metrics[0].max = 0)),
      '/sensorKinds/0/metrics/0/max',
    );
    expectInvalid(
      tinyWith((d) => (d.rules[0].clearAt = 80)),
      '/rules/0/clearAt',
    );
  });

  test('areas from a feature collection merge with inline ones and their errors name the file', () => {
    const def = tinyCityDef();
    const leaves = (def.areas ?? []).filter((a) => a.level === 'community');
    const fc = {
      type: 'FeatureCollection',
      features: leaves.map((a) => ({
        type: 'Feature',
        properties: { id: a.id, name: a.name, level: a.level, parent: a.parent, population: 1 },
        geometry: a.geometry,
      })),
    };
    const inline = tinyWith((d) => (d.areas = d.areas.filter((a: AreaDef) => a.level !== 'community')));
    const features = areasFromFeatureCollection(fc, 'areas.geojson');
    assert.ok(features.ok);
    const r = resolveCity(inline, features.value);
    assert.ok(r.ok);
    assert.equal(r.value.areas.size, 6);
    assert.deepEqual(r.value.areas.get('d1' as AreaId)?.children, ['c1', 'c2']);

    (fc.features[1] as { properties: { parent: unknown } }).properties.parent = 'd7';
    const bad = areasFromFeatureCollection(fc, 'areas.geojson');
    assert.ok(bad.ok);
    expectInvalid(inline, '/features/1/properties/parent', bad.value, 'areas.geojson');
  });
});
