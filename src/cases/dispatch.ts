import type { City } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { AreaId, CellId, ServiceCode, TeamId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';

type TeamIndex = ReadonlyMap<string, TeamId>;

const indexes = new WeakMap<City, TeamIndex>();
const key = (area: AreaId, code: ServiceCode): string => `${area}\u0000${code}`;

/**
 * (area, category) → team, built once per city. When two teams declare the same area and category, the one listed
 * first in the city definition answers, so dispatch is deterministic.
 */
function teamIndex(city: City): TeamIndex {
  let index = indexes.get(city);
  if (index) return index;
  const m = new Map<string, TeamId>();
  for (const team of city.teams) {
    for (const area of team.areas) {
      for (const code of team.categories) if (!m.has(key(area, code))) m.set(key(area, code), team.id);
    }
  }
  index = m;
  indexes.set(city, index);
  return index;
}

/**
 * The team that answers for a cell (or a root-to-leaf area path) and a category: the team declared for the deepest
 * area on the path, falling back up the hierarchy (leaf → district → city), as the grid method assigns work to the
 * smallest responsible unit. CASE_NO_TEAM when no area on the path has one; GRID_UNKNOWN_CELL for a cell outside the city.
 */
export function responsibleTeam(
  city: City,
  grid: Grid,
  where: CellId | readonly AreaId[],
  category: ServiceCode,
): Result<TeamId> {
  let path: readonly AreaId[];
  if (typeof where === 'string') {
    const leaf = grid.leafOf(where);
    if (leaf === undefined) return err(new DomainError('GRID_UNKNOWN_CELL', `No cell ${where} in the city.`));
    path = grid.pathOf(leaf);
  } else {
    path = where;
  }
  const index = teamIndex(city);
  for (let i = path.length - 1; i >= 0; i--) {
    const team = index.get(key(path[i] as AreaId, category));
    if (team !== undefined) return ok(team);
  }
  return err(
    new DomainError('CASE_NO_TEAM', `No team answers for ${category} at ${path.join(' > ')}.`, { category, path }),
  );
}

/** Whether the city has a team with this id. */
export const teamExists = (city: City, id: TeamId): boolean => city.teams.some((t) => t.id === id);
