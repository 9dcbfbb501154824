import type { City, Team } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { AreaId, CellId, EpochMs, ServiceCode, TeamId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { onDuty } from './roster.ts';

/** (area, category) → the teams that answer for it, in the order the city definition lists them. */
type TeamIndex = ReadonlyMap<string, readonly Team[]>;

const indexes = new WeakMap<City, TeamIndex>();
const key = (area: AreaId, code: ServiceCode): string => `${area}\u0000${code}`;

/** Built once per city. */
function teamIndex(city: City): TeamIndex {
  let index = indexes.get(city);
  if (index) return index;
  const m = new Map<string, Team[]>();
  for (const team of city.teams) {
    for (const area of team.areas) {
      for (const code of team.categories) {
        const list = m.get(key(area, code)) ?? [];
        if (!list.includes(team)) list.push(team);
        m.set(key(area, code), list);
      }
    }
  }
  index = m;
  indexes.set(city, index);
  return index;
}

/** Who answers, where on the path, and whether the answer is a team off duty because nobody was on duty. */
export interface Responsible {
  readonly team: TeamId;
  /** The area on the path the team answers for. */
  readonly area: AreaId;
  /**
   * True only when a time was given and no responsible team anywhere up the path was on duty: the case must land
   * somewhere, so it goes to the deepest responsible team regardless, and the caller should say so in the history.
   */
  readonly offDuty: boolean;
}

/**
 * The team that answers for a cell (or a root-to-leaf area path) and a category, as the grid method assigns work to
 * the smallest responsible unit:
 * - without `time`: the first team declared for the deepest area on the path that has one (rosters ignored);
 * - with `time`: among the teams at the deepest area, the first on duty; if none is, the next area up, and so on to
 *   the city; if nobody on the path is on duty, the deepest responsible team anyway, with `offDuty: true`.
 * CASE_NO_TEAM when no area on the path has a team for the category; GRID_UNKNOWN_CELL for a cell outside the city.
 */
export function findResponsible(
  city: City,
  grid: Grid,
  where: CellId | readonly AreaId[],
  category: ServiceCode,
  time?: EpochMs,
): Result<Responsible> {
  let path: readonly AreaId[];
  if (typeof where === 'string') {
    const leaf = grid.leafOf(where);
    if (leaf === undefined) return err(new DomainError('GRID_UNKNOWN_CELL', `No cell ${where} in the city.`));
    path = grid.pathOf(leaf);
  } else {
    path = where;
  }
  const index = teamIndex(city);
  let deepest: Responsible | undefined;
  for (let i = path.length - 1; i >= 0; i--) {
    const area = path[i] as AreaId;
    const teams = index.get(key(area, category));
    if (teams === undefined) continue;
    const first = teams[0];
    if (first === undefined) continue;
    if (time === undefined) return ok({ team: first.id, area, offDuty: false });
    deepest ??= { team: first.id, area, offDuty: true };
    const on = teams.find((t) => onDuty(t, time, city.timezone));
    if (on) return ok({ team: on.id, area, offDuty: false });
  }
  if (deepest) return ok(deepest);
  return err(
    new DomainError('CASE_NO_TEAM', `No team answers for ${category} at ${path.join(' > ')}.`, { category, path }),
  );
}

/**
 * The responsible team's id; see findResponsible. Without `time` this is the original rule (deepest declared team),
 * so existing callers are unchanged.
 */
export function responsibleTeam(
  city: City,
  grid: Grid,
  where: CellId | readonly AreaId[],
  category: ServiceCode,
  time?: EpochMs,
): Result<TeamId> {
  const found = findResponsible(city, grid, where, category, time);
  return found.ok ? ok(found.value.team) : found;
}

/** Whether the city has a team with this id. */
export const teamExists = (city: City, id: TeamId): boolean => city.teams.some((t) => t.id === id);
