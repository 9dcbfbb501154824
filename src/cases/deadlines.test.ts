import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Category, Zone } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { ServiceCode } from '../shared/brand.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import { dueAt, isOverdue, NO_TIGHTENING, raisePriority, stageAllowance, zoneTightening } from './deadlines.ts';

const category: Category = {
  code: 'pothole' as ServiceCode,
  name: 'Pothole',
  group: undefined,
  description: undefined,
  priority: 'normal',
  deadlines: {
    register: 30 * MINUTE,
    dispatch: HOUR,
    start: 4 * HOUR,
    resolve: 48 * HOUR,
    verify: 8 * HOUR,
    close: HOUR,
  },
};

test('dueAt adds the stage deadline to the time the stage was entered', () => {
  assert.equal(dueAt(1000, category, 'normal', 'register'), 1000 + 30 * MINUTE);
  assert.equal(dueAt(1000, category, 'high', 'resolve'), 1000 + 48 * HOUR);
  assert.equal(dueAt(1000, category, 'normal', undefined), undefined);
});

test('urgent halves and low doubles the deadline', () => {
  assert.equal(stageAllowance(category, 'urgent', 'dispatch'), 30 * MINUTE);
  assert.equal(stageAllowance(category, 'low', 'dispatch'), 2 * HOUR);
  assert.equal(stageAllowance(category, 'normal', 'dispatch'), HOUR);
});

test('overdue only strictly after the due time', () => {
  assert.equal(isOverdue(5000, 5000), false);
  assert.equal(isOverdue(5000, 5001), true);
  assert.equal(isOverdue(undefined, 1e15), false);
});

test('a priority zone shortens deadlines by its strictest factor and raises priority, for its categories only', () => {
  const def = tinyCityDef();
  const square = [
    [9.99, 49.99],
    [10.01, 49.99],
    [10.01, 50.01],
    [9.99, 50.01],
    [9.99, 49.99],
  ];
  def.zones = [
    { id: 'st-anne', tag: 'hospital', name: "St Anne's", geometry: { type: 'Polygon', coordinates: [square] } },
    { id: 'school-1', tag: 'school', name: 'School', geometry: { type: 'Polygon', coordinates: [square] } },
  ];
  def.zoneRules = [
    { tag: 'hospital', deadlineFactor: 0.5, categories: ['air-pollution'] },
    { tag: 'school', deadlineFactor: 0.8, priority: 'urgent', categories: ['air-pollution'] },
  ];
  const city = resolveCity(def);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  const air = city.value.categories.get('air-pollution' as ServiceCode) as Category;
  const [hospital, school] = city.value.zones as [Zone, Zone];
  const inHospital = zoneTightening(city.value, [hospital], air.code);
  assert.equal(inHospital.deadlineFactor, 0.5);
  assert.equal(inHospital.priority, undefined);
  assert.equal(dueAt(0, air, 'high', 'resolve', inHospital.deadlineFactor), air.deadlines.resolve / 2);
  const both = zoneTightening(city.value, [hospital, school], air.code);
  assert.equal(both.deadlineFactor, 0.5);
  assert.equal(both.priority, 'urgent');
  assert.deepEqual(
    both.zones.map((z) => z.id),
    ['st-anne', 'school-1'],
  );
  assert.equal(zoneTightening(city.value, [hospital, school], 'pothole' as ServiceCode), NO_TIGHTENING);
  assert.equal(raisePriority('high', both.priority), 'urgent');
  assert.equal(raisePriority('urgent', 'low'), 'urgent');
});
