import {
  cellToBoundary,
  cellToLatLng,
  gridDisk,
  latLngToCell,
  POLYGON_TO_CELLS_FLAGS,
  polygonToCells,
  polygonToCellsExperimental,
} from 'h3-js';
import type { City, GridSpec } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { assignCellsWithPolicy, h3CellSample } from './cell-policy.ts';
import { buildHierarchy, leafAreas, toGridProblems, upperAreaTest } from './hierarchy.ts';
import { buildKeyTable } from './key-table.ts';
import { outsideCity } from './outside-city.ts';
import { pointLeafLocator } from './point-leaf.ts';
import { buildPolygonCellGrid } from './polygon-grid.ts';
import { buildPolygonIndex } from './polygon-index.ts';
import type { Assignment, Grid } from './types.ts';

/**
 * Builds the city's grid: H3 cells (grid.kind h3) or the given polygon cells (grid.kind polygons, see
 * polygon-grid.ts). Every cell belongs to exactly one leaf area; cells in overlaps and gaps are decided by
 * grid.policy and listed by `problems()`, never silently. Fails only with CITY_INVALID on a geometry h3 cannot grid.
 */
export function buildGrid(city: City): Result<Grid> {
  const spec = city.grid;
  if (spec.kind === 'polygons') return buildPolygonCellGrid(city, spec);
  return buildH3Grid(city, spec);
}

/**
 * H3: the candidates are the cells whose centres lie in a leaf (h3's polygonToCells), the cells that leaves only
 * partly cover (h3's overlapping containment), and the cells of upper areas' outlines to catch wide gaps. A centre in
 * one leaf decides; the rest go through assignCellsWithPolicy. Paths and subtrees are computed once, so that
 * assigning a point is one h3 call and one lookup in a key table (key-table.ts).
 */
function buildH3Grid(city: City, spec: Extract<GridSpec, { kind: 'h3' }>): Result<Grid> {
  const res = spec.resolution;
  const { ids, geometries } = leafAreas(city);
  // Leaf by leaf (in tree order) the cells whose centres lie in it (h3's polygonToCells): a cell only one leaf
  // claims is decided, and keeps the order it had before policies existed. Cells claimed by several leaves, cells
  // leaves only partly cover and cells of upper areas' outlines go to the policy, with their samples.
  const claims = new Map<string, number>();
  let li = 0;
  for (const area of city.areas.values()) {
    if (area.children.length > 0) continue;
    try {
      for (const c of cellsOfGeometry(area.geometry, res, FLAGS.containmentCenter)) {
        const prev = claims.get(c);
        claims.set(c, prev === undefined || prev === li ? li : -1);
      }
    } catch (e) {
      return err(ungriddable(area.id, e));
    }
    li++;
  }
  const unsure = new Set<string>();
  for (const [c, l] of claims) if (l < 0) unsure.add(c);
  for (const area of city.areas.values()) {
    try {
      const flag = area.children.length > 0 ? FLAGS.containmentCenter : FLAGS.containmentOverlapping;
      for (const c of cellsOfGeometry(area.geometry, res, flag)) if (!claims.has(c)) unsure.add(c);
    } catch (e) {
      return err(ungriddable(area.id, e));
    }
  }
  const leafIndex = buildPolygonIndex(geometries);
  const decided = assignCellsWithPolicy(
    [...unsure].map((c) => h3CellSample(c, 2)),
    geometries,
    spec.policy,
    { maxNearestM: spec.policy.maxNearestM, inCity: upperAreaTest(city) },
    leafIndex,
  );
  // Cells in the order they are placed, with their leaves.
  const leafCells = new Map<AreaId, CellId[]>(ids.map((id) => [id, []]));
  const placed: string[] = [];
  const leafOfPlaced: number[] = [];
  const place = (cell: string, leaf: number) => {
    placed.push(cell);
    leafOfPlaced.push(leaf);
    leafCells.get(ids[leaf] as AreaId)?.push(cell as CellId);
  };
  for (const [cell, leaf] of claims) if (leaf >= 0) place(cell, leaf);
  claims.clear();
  for (const [cell, leaf] of decided.leafOf) place(cell, leaf);
  const table = buildKeyTable(placed);
  placed.length = 0;
  const leafAt = Int32Array.from(leafOfPlaced);
  leafOfPlaced.length = 0;
  const problems = toGridProblems(decided.problems, ids, spec);
  const h = buildHierarchy(city, leafCells);
  const none: readonly never[] = Object.freeze([]);
  const leafPaths = ids.map((id) => h.paths.get(id) ?? [id]);
  const outside = outsideCity;
  const valid = (lon: number, lat: number) =>
    Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const locate = spec.assignPoints === 'polygon' ? pointLeafLocator(geometries, spec.policy, leafIndex) : undefined;

  const leafOf = (cell: string): AreaId | undefined => {
    const i = table.indexOf(cell);
    return i < 0 ? undefined : ids[leafAt[i] as number];
  };
  return ok({
    kind: 'h3',
    resolution: res,
    cellCount: h.all.length,
    assign(lon: number, lat: number): Result<Assignment> {
      if (!valid(lon, lat)) return outside(lon, lat);
      const cell = latLngToCell(lat, lon, res) as CellId;
      const i = table.indexOf(cell);
      const own = i < 0 ? undefined : leafAt[i];
      const leaf = locate ? locate(lon, lat, own) : own;
      // A fresh answer per point: it costs less than fetching one kept per cell, which points reach in random order.
      return leaf === undefined ? outside(lon, lat) : ok({ cell, path: leafPaths[leaf] as readonly AreaId[] });
    },
    leafOf,
    pathOf: (area) => h.paths.get(area) ?? none,
    cellsOf: (area) => h.subtreeCells.get(area) ?? none,
    leavesOf: (area) => h.subtreeLeaves.get(area) ?? none,
    allCells: () => h.all,
    boundary: (cell) => cellToBoundary(cell, true),
    centre(cell) {
      const [lat, lon] = cellToLatLng(cell);
      return [lon, lat];
    },
    neighbours(cell, k) {
      if (table.indexOf(cell) < 0 || !(k >= 1)) return none;
      return gridDisk(cell, Math.floor(k)).filter((c) => c !== cell && table.indexOf(c) >= 0) as CellId[];
    },
    problems: () => problems,
  });
}

const FLAGS = POLYGON_TO_CELLS_FLAGS;

/** The cells of a Polygon or MultiPolygon in GeoJSON [lon, lat] order: centre inside, or overlapping. */
function cellsOfGeometry(geometry: AreaGeometry | undefined, res: number, flag: string): string[] {
  if (!geometry) return [];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (flag === FLAGS.containmentCenter) return polygons.flatMap((rings) => polygonToCells(rings, res, true));
  return polygons.flatMap((rings) => polygonToCellsExperimental(rings, res, flag, true));
}

function ungriddable(area: AreaId, e: unknown): DomainError {
  const why = e instanceof Error ? e.message : String(e);
  return new DomainError('CITY_INVALID', `area ${area}: its geometry cannot be gridded: ${why}`, { area });
}
