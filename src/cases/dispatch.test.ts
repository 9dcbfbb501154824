import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { CityDef } from '../city/schema.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { AreaId, CellId, ServiceCode } from '../shared/brand.ts';
import { responsibleTeam } from './dispatch.ts';

function tiny(edit: (def: CityDef) => void = () => {}) {
  const def = tinyCityDef();
  edit(def);
  const city = resolveCity(def);
  assert.ok(city.ok);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  return { city: city.value, grid: grid.value };
}

const code = (c: string) => c as ServiceCode;
const firstCell = (grid: ReturnType<typeof tiny>['grid'], area: string) => grid.cellsOf(area as AreaId)[0] as CellId;

test('the team of the deepest area on the path answers, falling back up to the city', () => {
  const { city, grid } = tiny();
  // roads-north answers for district d1 (communities c1, c2); city-desk for the whole city.
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c1'), code('pothole')), {
    ok: true,
    value: 'roads-north',
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c2'), code('pothole')), {
    ok: true,
    value: 'roads-north',
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c3'), code('pothole')), {
    ok: true,
    value: 'city-desk',
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c1'), code('air-pollution')), {
    ok: true,
    value: 'city-desk',
  });
  assert.deepEqual(responsibleTeam(city, grid, ['tiny', 'd2', 'c3'] as AreaId[], code('pothole')), {
    ok: true,
    value: 'city-desk',
  });
});

test('a team on the leaf itself beats the district team', () => {
  const { city, grid } = tiny((def) => {
    def.teams.push({ id: 'mill-crew', name: 'Mill crew', areas: ['c1'], categories: ['pothole'] });
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c1'), code('pothole')), {
    ok: true,
    value: 'mill-crew',
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c2'), code('pothole')), {
    ok: true,
    value: 'roads-north',
  });
});

test('when two teams declare the same area and category, the first listed answers', () => {
  const { city, grid } = tiny((def) => {
    def.teams.push({ id: 'roads-north-2', name: 'Second', areas: ['d1'], categories: ['pothole'] });
  });
  assert.deepEqual(responsibleTeam(city, grid, firstCell(grid, 'c1'), code('pothole')), {
    ok: true,
    value: 'roads-north',
  });
});

test('no team anywhere up the path: CASE_NO_TEAM; a cell outside the city: GRID_UNKNOWN_CELL', () => {
  const { city, grid } = tiny();
  const none = responsibleTeam(city, grid, firstCell(grid, 'c1'), code('graffiti'));
  assert.equal(none.ok, false);
  if (!none.ok) assert.equal(none.error.code, 'CASE_NO_TEAM');
  const outside = responsibleTeam(city, grid, '8928308280fffff' as CellId, code('pothole'));
  assert.equal(outside.ok, false);
  if (!outside.ok) assert.equal(outside.error.code, 'GRID_UNKNOWN_CELL');
});
