import { getResolution, isValidCell, polygonToCells } from 'h3-js';
import type { City, Zone } from '../city/city.ts';
import type { CellId } from '../shared/brand.ts';
import type { Grid } from './types.ts';

/** Which zones each cell lies in, and which cells each zone covers. Built once per city and grid. */
export interface ZoneIndex {
  /** The zones of a cell, in the city's zone order; empty for most cells. */
  zonesOf(cell: CellId): readonly Zone[];
  /** The cells of a zone (sorted); empty for an unknown id or a zone outside the city. */
  cellsOf(zoneId: string): readonly CellId[];
  /** Every zone of the city. */
  readonly zones: readonly Zone[];
}

type Rings = readonly (readonly (readonly number[])[])[];

/**
 * Tags cells with zones. A cell is in a zone when its centre lies inside one of the zone's polygons (for H3 grids
 * h3's polygonToCells at the grid's resolution, which is the same test). A polygon too small or thin to hold any
 * cell centre (a school, an underpass) still tags the cell holding its centroid, so no zone is lost. Cells outside the
 * city are dropped.
 */
export function buildZoneIndex(city: City, grid: Grid): ZoneIndex {
  const byCell = new Map<CellId, Zone[]>();
  const byZone = new Map<string, readonly CellId[]>();
  const first = grid.allCells()[0];
  const h3 = first !== undefined && isValidCell(first) && getResolution(first) === grid.resolution;
  for (const zone of city.zones) {
    const cells = new Set<CellId>();
    const parts = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
    for (const rings of parts) {
      const inside = h3 ? h3CellsOf(rings, grid) : scannedCellsOf(rings, grid);
      for (const c of inside) cells.add(c);
      if (inside.length === 0) {
        const [lon, lat] = centroid(rings[0] ?? []);
        const hit = grid.assign(lon, lat);
        if (hit.ok) cells.add(hit.value.cell);
      }
    }
    const sorted = [...cells].sort();
    byZone.set(zone.id, Object.freeze(sorted));
    for (const c of sorted) {
      const list = byCell.get(c) ?? [];
      list.push(zone);
      byCell.set(c, list);
    }
  }
  const none: readonly never[] = Object.freeze([]);
  return {
    zonesOf: (cell) => byCell.get(cell) ?? none,
    cellsOf: (id) => byZone.get(id) ?? none,
    zones: city.zones,
  };
}

function h3CellsOf(rings: Rings, grid: Grid): CellId[] {
  const cells = polygonToCells(rings as number[][][], grid.resolution, true) as CellId[];
  return cells.filter((c) => grid.leafOf(c) !== undefined);
}

/** For grids of given polygon cells: every cell whose centre is inside, with a bounding-box test first. */
function scannedCellsOf(rings: Rings, grid: Grid): CellId[] {
  const outer = rings[0] ?? [];
  const xs = outer.map((p) => p[0] ?? 0);
  const ys = outer.map((p) => p[1] ?? 0);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return grid.allCells().filter((c) => {
    const [x, y] = grid.centre(c);
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && inPolygon(x, y, rings);
  });
}

/** Even-odd ray casting over all rings, so holes count as outside. */
export function inPolygon(x: number, y: number, rings: Rings): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? [];
      const [xj = 0, yj = 0] = ring[j] ?? [];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** The area centroid of a ring (planar lon/lat, fine at zone sizes); the vertex mean when the ring has no area. */
export function centroid(ring: readonly (readonly number[])[]): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    const cross = xj * yi - xi * yj;
    a += cross;
    cx += (xj + xi) * cross;
    cy += (yj + yi) * cross;
  }
  if (Math.abs(a) > 1e-18) return [cx / (3 * a), cy / (3 * a)];
  const n = Math.max(1, ring.length);
  return [ring.reduce((s, p) => s + (p[0] ?? 0), 0) / n, ring.reduce((s, p) => s + (p[1] ?? 0), 0) / n];
}
