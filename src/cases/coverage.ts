import type { City } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { AreaId, CellId, ServiceCode } from '../shared/brand.ts';

/** One gap: nobody answers for `category` anywhere in `area`'s subtree, even up the hierarchy. */
export interface UncoveredArea {
  readonly area: AreaId;
  readonly category: ServiceCode;
  /** Cells of the area's subtree, each of them uncovered for the category. */
  readonly cells: number;
}

export interface CoverageReport {
  /** The gaps, grouped: the highest area whose whole subtree is uncovered, by category then area path order. */
  readonly uncovered: readonly UncoveredArea[];
  /** How many cell × category pairs have nobody responsible (the sum of `cells`). */
  readonly uncoveredPairs: number;
  /** Cells × categories in the city, to put the gaps in proportion. */
  readonly totalPairs: number;
}

/**
 * Every cell × category with nobody responsible (no team for the category on any area from the cell's leaf up to the
 * city), rosters aside. Responsibility is decided by the area path, and every cell of a leaf area shares its path, so a
 * leaf is uncovered entirely or not at all. The report therefore lists areas, not cells: where every leaf under an
 * area is uncovered for a category it lists that area once, with the cell count, and the report stays as small as the
 * gaps are few. `uncoveredCells` expands it into the plain cell × category list.
 */
export function uncoveredReport(city: City, grid: Grid): CoverageReport {
  const answers = new Map<AreaId, Set<ServiceCode>>();
  for (const team of city.teams) {
    for (const area of team.areas) {
      const codes = answers.get(area) ?? new Set<ServiceCode>();
      for (const c of team.categories) codes.add(c);
      answers.set(area, codes);
    }
  }
  const uncovered: UncoveredArea[] = [];
  for (const category of city.categories.keys()) {
    // Walk down from the root; a covered area covers its whole subtree, an uncovered subtree is reported whole.
    const visit = (id: AreaId): boolean => {
      if (answers.get(id)?.has(category)) return false;
      const children = city.areas.get(id)?.children ?? [];
      if (children.length === 0) return grid.cellsOf(id).length > 0;
      const gaps = children.map((c) => ({ c, gap: visit(c) }));
      if (gaps.some((g) => g.gap) && gaps.every((g) => g.gap || grid.cellsOf(g.c).length === 0)) return true;
      for (const g of gaps) if (g.gap) uncovered.push({ area: g.c, category, cells: grid.cellsOf(g.c).length });
      return false;
    };
    if (visit(city.root)) uncovered.push({ area: city.root, category, cells: grid.cellsOf(city.root).length });
  }
  const uncoveredPairs = uncovered.reduce((s, u) => s + u.cells, 0);
  return { uncovered, uncoveredPairs, totalPairs: grid.cellCount * city.categories.size };
}

/** The report as the plain list of every uncovered cell × category (can be large: a whole category × the city). */
export function* uncoveredCells(
  report: CoverageReport,
  grid: Grid,
): Generator<{ cell: CellId; category: ServiceCode }> {
  for (const u of report.uncovered) for (const cell of grid.cellsOf(u.area)) yield { cell, category: u.category };
}
