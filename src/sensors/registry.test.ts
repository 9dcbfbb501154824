import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import { buildGrid } from '../grid/index.ts';
import { buildSensorRegistry } from './registry.ts';

function cityAndGrid(edit: (def: ReturnType<typeof tinyCityDef>) => void = () => {}) {
  const def = tinyCityDef();
  edit(def);
  const city = resolveCity(def);
  if (!city.ok) throw city.error;
  const grid = buildGrid(city.value);
  if (!grid.ok) throw grid.error;
  return { city: city.value, grid: grid.value };
}

describe('buildSensorRegistry', () => {
  test('pins every sensor to the cell and leaf area of its position, with its metrics and ranges', () => {
    const { city, grid } = cityAndGrid();
    const r = buildSensorRegistry(city, grid);
    assert.ok(r.ok);
    assert.equal(r.value.size, city.sensors.size);
    for (const s of city.sensors.values()) {
      const reg = r.value.get(s.id);
      const at = grid.assign(s.lon, s.lat);
      assert.ok(reg && at.ok);
      assert.equal(reg.cell, at.value.cell);
      assert.equal(reg.area, at.value.path.at(-1));
      assert.equal(grid.leafOf(reg.cell), reg.area);
      assert.deepEqual(
        [...reg.metrics.keys()],
        s.metrics.map((m) => m.name),
      );
    }
    assert.deepEqual(r.value.get('ns-1')?.metrics.get('LAeq'), { name: 'LAeq', unit: 'dBA', min: 20, max: 140 });
  });

  test('a sensor outside the city is a CITY_INVALID error that names it', () => {
    const { city, grid } = cityAndGrid((def) => def.sensors.push({ id: 'far-away', kind: 'noise', lon: 11, lat: 51 }));
    const r = buildSensorRegistry(city, grid);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'CITY_INVALID');
    assert.equal(r.error.details?.sensor, 'far-away');
  });
});
