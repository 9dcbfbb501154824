import type { City, GridSpec, PolygonCellDef } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { ok, type Result } from '../shared/result.ts';
import { type CellProblem, cellPolicyDecider } from './cell-policy.ts';
import { buildHierarchy, leafAreas, toGridProblems } from './hierarchy.ts';
import { outsideCity } from './outside-city.ts';
import { pointLeafLocator } from './point-leaf.ts';
import { cellAdjacency, ringsAround } from './polygon-adjacency.ts';
import { polygonCellSample } from './polygon-cell-sample.ts';
import { buildPolygonIndex } from './polygon-index.ts';
import { indexed, partsOfGeometry } from './polygon-rings.ts';
import type { Assignment, Grid } from './types.ts';

/**
 * Builds a grid of given polygon cells (grid.kind polygons): each cell's code is its CellId, and it belongs to the
 * leaf area holding its largest part, estimated from sample points spread over it. Cells whose centre lies in several
 * leaves, or whose largest part is a tie, are overlaps; cells in no leaf are gaps; grid.policy decides both and
 * `problems()` lists them. A point is assigned through a polygon index over the cells (flatbush and an exact test).
 */
export function buildPolygonCellGrid(city: City, spec: Extract<GridSpec, { kind: 'polygons' }>): Result<Grid> {
  const { ids, geometries } = leafAreas(city);
  const n = spec.cells.length;
  const cellIndex = buildPolygonIndex(spec.cells.map((c) => c.geometry));
  const leafIndex = buildPolygonIndex(geometries);
  const decide = cellPolicyDecider(
    geometries,
    spec.policy,
    { maxNearestM: spec.policy.maxNearestM, decide: 'largest-part' },
    leafIndex,
  );
  // Per cell only numbers are kept: its leaf (-1 for none) and its centre. Samples are made, used and dropped.
  const leafIndexOf = new Int32Array(n).fill(-1);
  const centres = new Float64Array(2 * n);
  const rawProblems: CellProblem[] = [];
  for (let i = 0; i < n; i++) {
    const code = (spec.cells[i] as PolygonCellDef).code;
    const sample = polygonCellSample(cellIndex, i, code);
    [centres[2 * i], centres[2 * i + 1]] = sample.centre;
    // A cell that no leaf edge comes near and that one leaf holds is that leaf's: every sample point would say so.
    const sole = sample.anyInside ? leafIndex.soleHolder(...sample.bbox) : undefined;
    const { leaf, problem } = sole !== undefined ? { leaf: sole, problem: undefined } : decide(sample);
    if (leaf !== undefined) leafIndexOf[i] = leaf;
    if (problem) rawProblems.push(problem);
  }
  const codes = spec.cells.map((c) => c.code as CellId);
  const position = new Map<string, number>(codes.map((c, i) => [c, i]));
  const leafCells = new Map<AreaId, CellId[]>(ids.map((id) => [id, []]));
  for (const [i, code] of codes.entries()) {
    const leaf = leafIndexOf[i] as number;
    if (leaf >= 0) leafCells.get(ids[leaf] as AreaId)?.push(code);
  }
  const problems = toGridProblems(rawProblems, ids, spec);
  const h = buildHierarchy(city, leafCells);
  const adjacency = cellAdjacency(spec.cells.map((c) => c.geometry));
  // Boundaries come back from the cell index; only a geometry with a part the index skipped is kept as given.
  const irregular = new Map<number, AreaGeometry>();
  for (const [i, c] of spec.cells.entries()) {
    if (!partsOfGeometry(c.geometry).every(indexed)) irregular.set(i, c.geometry);
  }
  const none: readonly never[] = Object.freeze([]);
  const outside = outsideCity;
  const locate = spec.assignPoints === 'polygon' ? pointLeafLocator(geometries, spec.policy, leafIndex) : undefined;
  const leafPaths = ids.map((id) => h.paths.get(id) ?? [id]);
  const known = (cell: CellId): number => {
    const i = position.get(cell);
    if (i === undefined) throw new DomainError('GRID_UNKNOWN_CELL', `no cell has the code ${cell}`, { cell });
    return i;
  };
  const leafAt = (i: number | undefined): number | undefined => {
    const leaf = i === undefined ? -1 : (leafIndexOf[i] as number);
    return leaf >= 0 ? leaf : undefined;
  };

  return ok({
    kind: 'polygons',
    resolution: -1,
    cellCount: h.all.length,
    assign(lon: number, lat: number): Result<Assignment> {
      const i = cellIndex.locate(lon, lat);
      if (i === undefined) return outside(lon, lat);
      const leaf = locate ? locate(lon, lat, leafAt(i)) : leafAt(i);
      // A fresh answer per point, as the H3 grid gives.
      return leaf === undefined
        ? outside(lon, lat)
        : ok({ cell: codes[i] as CellId, path: leafPaths[leaf] as readonly AreaId[] });
    },
    leafOf(cell) {
      const leaf = leafAt(position.get(cell));
      return leaf === undefined ? undefined : ids[leaf];
    },
    pathOf: (area) => h.paths.get(area) ?? none,
    cellsOf: (area) => h.subtreeCells.get(area) ?? none,
    leavesOf: (area) => h.subtreeLeaves.get(area) ?? none,
    allCells: () => h.all,
    boundary(cell) {
      const i = known(cell);
      const g = irregular.get(i);
      const rings = g
        ? g.type === 'Polygon'
          ? g.coordinates
          : largestPart(g.coordinates)
        : largestPart(cellIndex.partsOf(i));
      return (rings[0] ?? []).map((p) => [p[0] as number, p[1] as number]);
    },
    centre(cell) {
      const i = known(cell);
      return [centres[2 * i] as number, centres[2 * i + 1] as number];
    },
    neighbours(cell, k) {
      const i = position.get(cell);
      if (leafAt(i) === undefined || !(k >= 1)) return none;
      return ringsAround(adjacency, i as number, Math.floor(k))
        .filter((j) => leafAt(j) !== undefined)
        .map((j) => codes[j] as CellId);
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
