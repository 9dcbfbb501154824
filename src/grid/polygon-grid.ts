import type { City, GridSpec } from '../city/city.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { ok, type Result } from '../shared/result.ts';
import { assignCellsWithPolicy } from './cell-policy.ts';
import { buildHierarchy, leafAreas, toGridProblems } from './hierarchy.ts';
import { outsideCity } from './outside-city.ts';
import { pointLeafLocator } from './point-leaf.ts';
import { cellAdjacency, ringsAround } from './polygon-adjacency.ts';
import { polygonCellSample } from './polygon-cell-sample.ts';
import { buildPolygonIndex } from './polygon-index.ts';
import type { Assignment, Grid } from './types.ts';

/**
 * Builds a grid of given polygon cells (grid.kind polygons): each cell's code is its CellId, and it belongs to the
 * leaf area holding its largest part, estimated from sample points spread over it. Cells whose centre lies in several
 * leaves, or whose largest part is a tie, are overlaps; cells in no leaf are gaps; grid.policy decides both and
 * `problems()` lists them. A point is assigned through a polygon index over the cells (flatbush and an exact test).
 */
export function buildPolygonCellGrid(city: City, spec: Extract<GridSpec, { kind: 'polygons' }>): Result<Grid> {
  const { ids, geometries } = leafAreas(city);
  const cellIndex = buildPolygonIndex(spec.cells.map((c) => c.geometry));
  const samples = spec.cells.map((c, i) => polygonCellSample(cellIndex, i, c.code));
  const decided = assignCellsWithPolicy(samples, geometries, spec.policy, {
    maxNearestM: spec.policy.maxNearestM,
    decide: 'largest-part',
  });
  const codes = spec.cells.map((c) => c.code as CellId);
  const position = new Map<string, number>(codes.map((c, i) => [c, i]));
  const leafIndexOf = decided.leafOf;
  const leafOfCell = new Map<string, AreaId>();
  const leafCells = new Map<AreaId, CellId[]>(ids.map((id) => [id, []]));
  for (const code of codes) {
    const leaf = leafIndexOf.get(code);
    if (leaf === undefined) continue;
    const id = ids[leaf] as AreaId;
    leafOfCell.set(code, id);
    leafCells.get(id)?.push(code);
  }
  const problems = toGridProblems(decided.problems, ids, spec);
  const h = buildHierarchy(city, leafCells);
  const adjacency = cellAdjacency(spec.cells.map((c) => c.geometry));
  const none: readonly never[] = Object.freeze([]);
  const outside = outsideCity;
  const locate = spec.assignPoints === 'polygon' ? pointLeafLocator(geometries, spec.policy) : undefined;
  const answers: (Result<Assignment> | undefined)[] = new Array(codes.length);
  const known = (cell: CellId): number => {
    const i = position.get(cell);
    if (i === undefined) throw new DomainError('GRID_UNKNOWN_CELL', `no cell has the code ${cell}`, { cell });
    return i;
  };

  return ok({
    kind: 'polygons',
    resolution: -1,
    cellCount: h.all.length,
    assign(lon: number, lat: number): Result<Assignment> {
      const i = cellIndex.locate(lon, lat);
      if (i === undefined) return outside(lon, lat);
      const cached = answers[i];
      if (cached !== undefined) return cached;
      const cell = codes[i] as CellId;
      const leaf = locate ? locate(lon, lat, leafIndexOf.get(cell)) : leafIndexOf.get(cell);
      if (leaf === undefined) return outside(lon, lat);
      const id = ids[leaf] as AreaId;
      const answer: Result<Assignment> = Object.freeze(ok(Object.freeze({ cell, path: h.paths.get(id) ?? [id] })));
      // With assignPoints 'cell' a cell's answer never changes: build it once, as the H3 grid does.
      if (!locate) answers[i] = answer;
      return answer;
    },
    leafOf: (cell) => leafOfCell.get(cell),
    pathOf: (area) => h.paths.get(area) ?? none,
    cellsOf: (area) => h.subtreeCells.get(area) ?? none,
    leavesOf: (area) => h.subtreeLeaves.get(area) ?? none,
    allCells: () => h.all,
    boundary(cell) {
      const g = spec.cells[known(cell)]?.geometry;
      const rings = g?.type === 'Polygon' ? g.coordinates : largestPart(g?.coordinates ?? []);
      return (rings[0] ?? []).map((p) => [p[0] as number, p[1] as number]);
    },
    centre: (cell) => [...(samples[known(cell)]?.centre ?? [Number.NaN, Number.NaN])] as [number, number],
    neighbours(cell, k) {
      const i = position.get(cell);
      if (i === undefined || !leafOfCell.has(cell) || !(k >= 1)) return none;
      return ringsAround(adjacency, i, Math.floor(k))
        .map((j) => codes[j] as CellId)
        .filter((c) => leafOfCell.has(c));
    },
    problems: () => problems,
  });
}

/** The part of a MultiPolygon with the largest bounding box, whose outer ring stands for the cell on a map. */
function largestPart(
  parts: readonly (readonly (readonly (readonly number[])[])[])[],
): readonly (readonly (readonly number[])[])[] {
  let best = parts[0] ?? [];
  let most = -1;
  for (const rings of parts) {
    const xs = (rings[0] ?? []).map((p) => p[0] as number);
    const ys = (rings[0] ?? []).map((p) => p[1] as number);
    const size = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (size > most) [best, most] = [rings, size];
  }
  return best;
}
