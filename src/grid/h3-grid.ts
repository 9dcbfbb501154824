import { cellToBoundary, cellToLatLng, latLngToCell, polygonToCells } from 'h3-js';
import type { City } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId, CellId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { Assignment, Grid } from './types.ts';

/**
 * Builds the city's H3 grid: each leaf area is covered by the cells whose centres lie in its polygons (h3's
 * polygonToCells), and every cell must belong to one leaf only (GRID_OVERLAP otherwise). Paths, subtree cells and
 * subtree leaves are computed once here, so that assigning a point is one h3 call and one map lookup.
 */
export function buildGrid(city: City): Result<Grid> {
  const res = city.resolution;
  const leafOfCell = new Map<string, AreaId>();
  const leafCells = new Map<AreaId, CellId[]>();
  for (const area of city.areas.values()) {
    if (area.children.length > 0) continue;
    let cells: string[];
    try {
      cells = cellsOfGeometry(area.geometry, res);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return err(
        new DomainError('CITY_INVALID', `area ${area.id}: its geometry cannot be gridded: ${why}`, { area: area.id }),
      );
    }
    const own: CellId[] = [];
    for (const cell of cells) {
      const other = leafOfCell.get(cell);
      if (other === area.id) continue;
      if (other !== undefined) {
        const message = `cell ${cell} falls in both ${other} and ${area.id}`;
        return err(new DomainError('GRID_OVERLAP', message, { cell, areas: [other, area.id] }));
      }
      leafOfCell.set(cell, area.id);
      own.push(cell as CellId);
    }
    leafCells.set(area.id, own);
  }

  const paths = new Map<AreaId, readonly AreaId[]>();
  const subtreeCells = new Map<AreaId, readonly CellId[]>();
  const subtreeLeaves = new Map<AreaId, readonly AreaId[]>();
  const visit = (id: AreaId, path: readonly AreaId[]): void => {
    const here = Object.freeze([...path, id]);
    paths.set(id, here);
    const area = city.areas.get(id);
    const children = area?.children ?? [];
    for (const child of children) visit(child, here);
    if (children.length === 0) {
      subtreeCells.set(id, Object.freeze(leafCells.get(id) ?? []));
      subtreeLeaves.set(id, Object.freeze([id]));
    } else {
      subtreeCells.set(id, Object.freeze(children.flatMap((c) => subtreeCells.get(c) ?? [])));
      subtreeLeaves.set(id, Object.freeze(children.flatMap((c) => subtreeLeaves.get(c) ?? [])));
    }
  };
  visit(city.root, []);
  const all = subtreeCells.get(city.root) ?? [];
  const none: readonly never[] = Object.freeze([]);

  return ok({
    resolution: res,
    cellCount: all.length,
    assign(lon: number, lat: number): Result<Assignment> {
      if (Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        const cell = latLngToCell(lat, lon, res) as CellId;
        const leaf = leafOfCell.get(cell);
        if (leaf !== undefined) return ok({ cell, path: paths.get(leaf) ?? [leaf] });
      }
      return err(new DomainError('INGEST_OUTSIDE_CITY', `(${lon}, ${lat}) lies outside the city`, { lon, lat }));
    },
    leafOf: (cell) => leafOfCell.get(cell),
    pathOf: (area) => paths.get(area) ?? none,
    cellsOf: (area) => subtreeCells.get(area) ?? none,
    leavesOf: (area) => subtreeLeaves.get(area) ?? none,
    allCells: () => all,
    boundary: (cell) => cellToBoundary(cell, true),
    centre(cell) {
      const [lat, lon] = cellToLatLng(cell);
      return [lon, lat];
    },
  });
}

/** The cells whose centres lie in a Polygon or MultiPolygon, in GeoJSON [lon, lat] order. */
function cellsOfGeometry(geometry: AreaGeometry | undefined, res: number): string[] {
  if (!geometry) return [];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) => polygonToCells(rings, res, true));
}
