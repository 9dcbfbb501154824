import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { AreaId } from '../shared/brand.ts';
import { demoCityInMemory } from '../sim/demo-memory.ts';
import { uncoveredCells, uncoveredReport } from './coverage.ts';
import { responsibleTeam } from './dispatch.ts';

test('a gap left in a test city is reported, grouped by the highest uncovered area', () => {
  const def = tinyCityDef();
  // No city-wide desk: air pollution has nobody; potholes only in district d1 (c1, c2), so c3's district d2 has none.
  def.teams = [{ id: 'roads-north', name: 'Roads North', areas: ['d1'], categories: ['pothole'] }];
  const city = resolveCity(def);
  assert.ok(city.ok);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  const report = uncoveredReport(city.value, grid.value);
  const cells = (a: string) => grid.value.cellsOf(a as AreaId).length;
  assert.deepEqual(report.uncovered, [
    { area: 'd2', category: 'pothole', cells: cells('d2') },
    { area: 'tiny', category: 'air-pollution', cells: cells('tiny') },
  ]);
  assert.equal(report.uncoveredPairs, cells('d2') + cells('tiny'));
  assert.equal(report.totalPairs, 2 * grid.value.cellCount);
  // The expanded list agrees with dispatch, cell by cell.
  const list = [...uncoveredCells(report, grid.value)];
  assert.equal(list.length, report.uncoveredPairs);
  for (const { cell, category } of list) {
    const r = responsibleTeam(city.value, grid.value, cell, category);
    assert.equal(r.ok ? 'team' : r.error.code, 'CASE_NO_TEAM');
  }
});

test('a fully covered city reports nothing; so does the demo city', () => {
  const city = resolveCity(tinyCityDef());
  assert.ok(city.ok);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  assert.deepEqual(uncoveredReport(city.value, grid.value).uncovered, []);
  const demo = demoCityInMemory();
  const report = uncoveredReport(demo.city, demo.grid);
  assert.deepEqual(report.uncovered, []);
  assert.equal(report.totalPairs, demo.grid.cellCount * demo.city.categories.size);
});
