import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { polygonToCells } from 'h3-js';
import { areasFromFeatureCollection } from '../city/area-features.ts';
import type { City } from '../city/city.ts';
import { parseCityDef } from '../city/load.ts';
import { resolveCity } from '../city/resolve.ts';
import type { AreaGeometry } from '../city/schema.ts';
import { zonesFromFeatureCollection } from '../city/zone-features.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { AreaId } from '../shared/brand.ts';
import { buildDemoModel } from './demo-areas.ts';
import { DEMO_AREAS_FILE, generateDemoCity } from './demo-city.ts';
import { DEMO_ZONES_FILE } from './demo-zones.ts';

const generated = generateDemoCity();
const model = buildDemoModel();

function demoCity(): City {
  const def = parseCityDef(generated.yaml, 'city.yaml');
  assert.ok(def.ok, def.ok ? '' : def.error.message);
  const areas = areasFromFeatureCollection(JSON.parse(generated.files[DEMO_AREAS_FILE] ?? 'null'), DEMO_AREAS_FILE);
  assert.ok(areas.ok);
  const zones = zonesFromFeatureCollection(JSON.parse(generated.files[DEMO_ZONES_FILE] ?? 'null'), DEMO_ZONES_FILE);
  assert.ok(zones.ok);
  const city = resolveCity(def.value, areas.value, 'city.yaml', zones.value);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  return city.value;
}

const cellsOfGeometry = (g: AreaGeometry | undefined): string[] =>
  !g ? [] : (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flatMap((p) => polygonToCells(p, 9, true));

describe('generateDemoCity', () => {
  test('is deterministic', () => {
    assert.deepEqual(generateDemoCity(), generated);
  });

  test('has the planned size', () => {
    assert.equal(model.cells.length, 5000);
    assert.equal(new Set(model.cells.map((c) => c.id)).size, 5000);
    assert.equal(model.districts.length, 12);
    const communities = model.districts.flatMap((d) => d.communities);
    assert.ok(communities.length >= 50 && communities.length <= 70, `${communities.length} communities`);
    assert.ok(model.river.length >= 25, 'the river crosses enough cells for the gauges');
  });

  test('districts and communities partition the cells', () => {
    const seen = new Set<string>();
    for (const d of model.districts) {
      const inCommunities = d.communities.flatMap((c) => c.cells.map((x) => x.id));
      assert.deepEqual(new Set(inCommunities), new Set(d.cells.map((x) => x.id)), d.id);
      for (const id of inCommunities) {
        assert.ok(!seen.has(id), `cell ${id} in two areas`);
        seen.add(id);
      }
    }
    assert.equal(seen.size, model.cells.length);
  });

  test("each community's polygon (as written, 6 decimals) gives back exactly its cells", () => {
    const city = demoCity();
    for (const d of model.districts) {
      for (const c of d.communities) {
        const area = city.areas.get(c.id as AreaId);
        assert.ok(area, c.id);
        assert.deepEqual(new Set(cellsOfGeometry(area.geometry)), new Set(c.cells.map((x) => x.id)), c.id);
      }
    }
  });

  test('loads and grids into the planned city', () => {
    const city = demoCity();
    const grid = buildGrid(city);
    assert.ok(grid.ok, grid.ok ? '' : grid.error.message);
    assert.equal(grid.value.cellCount, 5000);
    assert.deepEqual(city.levels, ['city', 'district', 'community']);
    assert.equal(city.sensors.size, 300);
    assert.equal(city.teams.length, 8);
    assert.equal(city.categories.size, 10);
    const kinds = new Map<string, number>();
    for (const s of city.sensors.values()) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    assert.deepEqual([...kinds.keys()].sort(), ['airQuality', 'noise', 'trafficFlow', 'wasteContainer', 'waterLevel']);
    const gauges = new Set(model.river.map((c) => c.id));
    for (const s of city.sensors.values()) {
      const r = grid.value.assign(s.lon, s.lat);
      assert.ok(r.ok, `sensor ${s.id} lies in the city`);
      if (s.kind === 'waterLevel') assert.ok(gauges.has(r.value.cell), `gauge ${s.id} is on the river`);
    }
  });

  test('teams cover every category in every district, directly or from the city level', () => {
    const city = demoCity();
    for (const districtId of city.areas.get(city.root)?.children ?? []) {
      for (const code of city.categories.keys()) {
        const teams = city.teams.filter(
          (t) => t.categories.includes(code) && (t.areas.includes(districtId) || t.areas.includes(city.root)),
        );
        assert.ok(teams.length > 0, `${code} in ${districtId}`);
      }
    }
    assert.ok(
      city.teams.some((t) => !t.areas.includes(city.root)),
      'some teams work by district',
    );
  });

  test('every threshold rule opens or flags something a sensor kind measures', () => {
    const city = demoCity();
    const metrics = new Set([...city.sensors.values()].flatMap((s) => s.metrics.map((m) => m.name)));
    for (const rule of city.rules) if (rule.kind === 'threshold') assert.ok(metrics.has(rule.metric), rule.id);
    assert.ok(city.rules.some((r) => r.kind === 'count'));
  });
});
