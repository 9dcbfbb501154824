import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { CityDef } from '../city/schema.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { AreaId, CellId, ServiceCode } from '../shared/brand.ts';
import { findResponsible, responsibleTeam } from './dispatch.ts';
import { onDuty } from './roster.ts';

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

describe('rosters', () => {
  // Monday 2026-03-02 10:00 and 22:00 in Berlin (UTC+1).
  const day = Date.parse('2026-03-02T09:00:00Z');
  const night = Date.parse('2026-03-02T21:00:00Z');
  const office = { hours: { mon: ['08:00-18:00'] } };
  const rostered = () =>
    tiny((def) => {
      def.teams = [
        { id: 'mill-day', name: 'Mill day', areas: ['c1'], categories: ['pothole'], roster: office },
        {
          id: 'mill-late',
          name: 'Mill late',
          areas: ['c1'],
          categories: ['pothole'],
          roster: { hours: { mon: ['18:00-23:00'] } },
        },
        { id: 'north-day', name: 'North day', areas: ['d1'], categories: ['pothole', 'air-pollution'], roster: office },
        { id: 'city-day', name: 'City day', areas: ['tiny'], categories: ['air-pollution'], roster: office },
      ];
    });

  test('among the teams of the deepest area, the one on duty answers', () => {
    const { city, grid } = rostered();
    const cell = firstCell(grid, 'c1');
    assert.deepEqual(responsibleTeam(city, grid, cell, code('pothole'), day), { ok: true, value: 'mill-day' });
    assert.deepEqual(responsibleTeam(city, grid, cell, code('pothole'), night), { ok: true, value: 'mill-late' });
    // Without a time, rosters are ignored: the first declared team, as before.
    assert.deepEqual(responsibleTeam(city, grid, cell, code('pothole')), { ok: true, value: 'mill-day' });
  });

  test('nobody on duty at the leaf: up the hierarchy to an on-duty team', () => {
    const { city, grid } = tiny((def) => {
      def.teams = [
        { id: 'mill-day', name: 'Mill day', areas: ['c1'], categories: ['pothole'], roster: office },
        { id: 'city-desk', name: 'Desk', areas: ['tiny'], categories: ['pothole'] },
      ];
    });
    const r = findResponsible(city, grid, firstCell(grid, 'c1'), code('pothole'), night);
    assert.deepEqual(r, { ok: true, value: { team: 'city-desk', area: 'tiny', offDuty: false } });
  });

  test('nobody on duty anywhere: the deepest responsible team, flagged offDuty', () => {
    const { city, grid } = rostered();
    const sunday = Date.parse('2026-03-01T12:00:00Z');
    const r = findResponsible(city, grid, firstCell(grid, 'c2'), code('air-pollution'), sunday);
    assert.deepEqual(r, { ok: true, value: { team: 'north-day', area: 'd1', offDuty: true } });
    const on = findResponsible(city, grid, firstCell(grid, 'c3'), code('air-pollution'), day);
    assert.deepEqual(on, { ok: true, value: { team: 'city-day', area: 'tiny', offDuty: false } });
  });

  test('property: with a time, the answer is on duty unless flagged, and always one that answers on the path', () => {
    const { city, grid } = rostered();
    const cells = grid.allCells();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cells.length - 1 }),
        fc.constantFrom('pothole', 'air-pollution'),
        fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2027-01-01') }),
        (i, c, time) => {
          const cell = cells[i] as CellId;
          const r = findResponsible(city, grid, cell, code(c), time);
          const plain = responsibleTeam(city, grid, cell, code(c));
          assert.equal(r.ok, plain.ok);
          if (!r.ok) return;
          const team = city.teams.find((t) => t.id === r.value.team);
          assert.ok(team?.categories.includes(code(c)));
          assert.ok(grid.pathOf(grid.leafOf(cell) as AreaId).includes(r.value.area));
          assert.ok(team);
          assert.equal(onDuty(team, time, city.timezone), !r.value.offDuty);
        },
      ),
      { numRuns: 200 },
    );
  });
});
