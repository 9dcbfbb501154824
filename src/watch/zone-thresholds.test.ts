import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import { buildZoneIndex } from '../grid/zones.ts';
import type { Reading } from '../sensors/types.ts';
import type { CellId, SensorId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import { createThresholdState, evaluateThreshold, indexThresholdRules } from './threshold.ts';
import { zoneThresholds } from './zone-thresholds.ts';

/** The tiny city with a school around sensor aq-1 (10, 50) and pm25 × 0.8 in schools; aq-2 stands outside. */
function setup() {
  const def = tinyCityDef();
  const d = 0.0004;
  const ring = [
    [10 - d, 50 - d],
    [10 + d, 50 - d],
    [10 + d, 50 + d],
    [10 - d, 50 + d],
    [10 - d, 50 - d],
  ];
  def.zones = [
    { id: 'school-1', tag: 'school', name: 'Mill School', geometry: { type: 'Polygon', coordinates: [ring] } },
  ];
  def.zoneRules = [{ tag: 'school', thresholdFactor: 0.8, rules: ['pm25-high'] }];
  const city = resolveCity(def);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  const zones = buildZoneIndex(city.value, grid.value);
  const cellOf = (id: string) => {
    const s = city.value.sensors.get(id as SensorId);
    const r = s && grid.value.assign(s.lon, s.lat);
    assert.ok(r?.ok);
    return r.value.cell;
  };
  return { city: city.value, zones, school: cellOf('aq-1'), outside: cellOf('aq-2') };
}

const series = (sensor: string, cell: CellId, value: number): Reading[] =>
  [0, 10, 20, 30, 40].map(
    (m) => ({ sensor: sensor as SensorId, cell, metric: 'pm25', ts: m * MINUTE, value }) as Reading,
  );

test('pm25 between 0.8 × 75 and 75 raises in a school cell and not outside; the evidence names the zone', () => {
  const { city, zones, school, outside } = setup();
  assert.notEqual(school, outside);
  const limits = zoneThresholds(city, zones);
  const rules = indexThresholdRules(city.rules);
  const state = createThresholdState();
  const { raise } = evaluateThreshold(
    state,
    rules,
    [...series('aq-1', school, 68), ...series('aq-2', outside, 68)],
    limits,
  );
  assert.equal(raise.length, 1);
  const [alert] = raise;
  assert.equal(alert?.sensor, 'aq-1');
  assert.equal(alert?.evidence.threshold, 60);
  assert.deepEqual(alert?.evidence.zone, {
    id: 'school-1',
    tag: 'school',
    name: 'Mill School',
    factor: 0.8,
    ruleValue: 75,
  });
  // clearAt scales too (50 → 40): 45 keeps it raised, 39 clears it.
  const later = (v: number, m: number): Reading =>
    ({ sensor: 'aq-1' as SensorId, cell: school, metric: 'pm25', ts: m * MINUTE, value: v }) as Reading;
  assert.equal(evaluateThreshold(state, rules, [later(45, 50)], limits).clear.length, 0);
  assert.equal(evaluateThreshold(state, rules, [later(39, 60)], limits).clear.length, 1);
});

test('without the zone limits (an old caller) the same readings raise nothing', () => {
  const { city, school } = setup();
  const { raise } = evaluateThreshold(
    createThresholdState(),
    indexThresholdRules(city.rules),
    series('aq-1', school, 68),
  );
  assert.equal(raise.length, 0);
});
