import type { AreaId, CellId } from '../shared/brand.ts';
import type { Result } from '../shared/result.ts';

export interface Assignment {
  readonly cell: CellId;
  /** Root to leaf: [city, district, …, leaf area]. */
  readonly path: readonly AreaId[];
}

/**
 * The city's grid: the area hierarchy with the cells that tile its leaf areas. Every cell belongs to exactly one leaf
 * area. Pure and in memory; built once from a City.
 */
export interface Grid {
  readonly resolution: number;
  readonly cellCount: number;
  /** The cell and area path of a WGS84 point, or INGEST_OUTSIDE_CITY. */
  assign(lon: number, lat: number): Result<Assignment>;
  /** The leaf area of a cell, or undefined for a cell outside the city. */
  leafOf(cell: CellId): AreaId | undefined;
  /** Root to the given area, inclusive. */
  pathOf(area: AreaId): readonly AreaId[];
  /** The cells of an area's subtree. */
  cellsOf(area: AreaId): readonly CellId[];
  /** The leaf areas of an area's subtree (the area itself if it is a leaf). */
  leavesOf(area: AreaId): readonly AreaId[];
  /** Every cell of the city. */
  allCells(): readonly CellId[];
  /** The cell's boundary as a closed GeoJSON ring of [lon, lat]. */
  boundary(cell: CellId): number[][];
  /** The cell's centre as [lon, lat]. */
  centre(cell: CellId): [number, number];
}
