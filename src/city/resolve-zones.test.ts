import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyCityDef } from './fixtures.ts';
import { resolveCity } from './resolve.ts';
import type { CityDef } from './schema.ts';
import { zonesFromFeatureCollection } from './zone-features.ts';

const geometry = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [10, 50],
      [10.001, 50],
      [10.001, 50.001],
      [10, 50],
    ],
  ],
};

function pathOf(edit: (def: CityDef) => void): unknown {
  const def = tinyCityDef();
  def.zones = [{ id: 'school-1', tag: 'school', name: 'School', geometry }];
  edit(def);
  const r = resolveCity(def);
  if (r.ok) return 'ok';
  assert.equal(r.error.code, 'CITY_INVALID');
  return r.error.details?.path;
}

const zoneRules = (rules: NonNullable<CityDef['zoneRules']>) => (def: CityDef) => {
  def.zoneRules = rules;
};

test('rosters, holidays, zones and zone rules: references checked, with the path of the culprit', () => {
  assert.equal(
    pathOf(() => {}),
    'ok',
  );
  const roster = (r: NonNullable<CityDef['teams'][number]['roster']>) => (def: CityDef) => {
    (def.teams[0] as CityDef['teams'][number]).roster = r;
  };
  assert.equal(pathOf(roster({ hours: { mon: ['19:00-07:00'] } })), '/teams/0/roster/hours/mon/0');
  assert.equal(pathOf(roster({ timezone: 'Mars/Olympus', hours: {} })), '/teams/0/roster/timezone');
  assert.equal(pathOf(roster({ hours: {}, holidays: ['2026-02-30'] })), '/teams/0/roster/holidays/0');
  assert.equal(
    pathOf((def) => {
      def.holidays = ['2026-12-25', '2026-02-31'];
    }),
    '/holidays/1',
  );
  assert.equal(
    pathOf((def) => def.zones?.push({ id: 'school-1', tag: 'x', name: 'X', geometry })),
    '/zones/1/id',
  );
  assert.equal(pathOf(zoneRules([{ tag: 'hospital', priority: 'high' }])), '/zoneRules/0/tag');
  assert.equal(pathOf(zoneRules([{ tag: 'school' }])), '/zoneRules/0');
  assert.equal(
    pathOf(zoneRules([{ tag: 'school', priority: 'high', categories: ['nope'] }])),
    '/zoneRules/0/categories/0',
  );
  assert.equal(
    pathOf(zoneRules([{ tag: 'school', thresholdFactor: 0.8, rules: ['pothole-cluster'] }])),
    '/zoneRules/0/rules/0',
  );
  assert.equal(pathOf(zoneRules([{ tag: 'school', priority: 'high', rules: ['pm25-high'] }])), '/zoneRules/0/rules');
});

test('zones from a GeoJSON file: properties checked, and a duplicate id names the file and feature', () => {
  const fc = (props: Record<string, unknown>) => ({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: props, geometry }],
  });
  const bad = zonesFromFeatureCollection(fc({ id: 'z', name: 'Z' }), 'zones.geojson');
  assert.ok(!bad.ok);
  assert.deepEqual(bad.error.details, { file: 'zones.geojson', path: '/features/0/properties/tag' });
  const read = zonesFromFeatureCollection(
    fc({ id: 'school-1', tag: 'school', name: 'Dup', extra: 1 }),
    'zones.geojson',
  );
  assert.ok(read.ok);
  const def = tinyCityDef();
  def.zones = [{ id: 'school-1', tag: 'school', name: 'School', geometry }];
  const r = resolveCity(def, [], 'city.yaml', read.value);
  assert.ok(!r.ok);
  assert.deepEqual(r.error.details, { file: 'zones.geojson', path: '/features/0/properties/id' });
});
