import type { AreaId, CellId } from '../shared/brand.ts';
import type { Result } from '../shared/result.ts';

export interface Assignment {
  readonly cell: CellId;
  /** Root to leaf: [city, district, …, leaf area]. */
  readonly path: readonly AreaId[];
}

/**
 * A cell whose centre (H3) or largest part (polygon cells) lies in an overlap of leaf areas or in a gap between them,
 * and what the city's grid policy decided for it (issue 3 §2). Rejected cells (`chosen` undefined) belong to no leaf.
 */
export interface GridProblem {
  readonly cell: CellId;
  readonly kind: 'overlap' | 'gap';
  /** The leaves holding the centre (overlap), or covering part of the cell or lying near it (gap). */
  readonly candidates: readonly AreaId[];
  /** The leaf the policy chose, or undefined: the cell was left out of the city. */
  readonly chosen: AreaId | undefined;
  /** The policy that decided: grid.policy.overlaps or grid.policy.gaps. */
  readonly policy: 'largest-overlap' | 'nearest' | 'reject';
}

/**
 * The city's grid: the area hierarchy with the cells that tile its leaf areas. Every cell belongs to exactly one leaf
 * area. Pure and in memory; built once from a City.
 */
export interface Grid {
  /** H3 cells, or given polygon cells with their own codes. */
  readonly kind: 'h3' | 'polygons';
  /** The H3 resolution; -1 for polygon cells. */
  readonly resolution: number;
  readonly cellCount: number;
  /**
   * The cell and area path of a WGS84 point, or INGEST_OUTSIDE_CITY. By default (grid.assignPoints 'cell') the path
   * ends at the cell's leaf, and a point in a rejected cell is outside. With 'polygon' the leaf polygon holding the
   * point decides (the policy applied to the point); the cell is still the point's, and may then belong to another
   * leaf, or at the city's edge to none.
   */
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
  /** The cell's centre as [lon, lat]; for a polygon cell, a point inside it. */
  centre(cell: CellId): [number, number];
  /**
   * The city's cells within k steps of the cell, without the cell itself: the H3 grid disk, or for polygon cells k
   * rings of cells sharing an edge or a vertex (breadth first). Symmetric. Empty for a cell outside the city.
   */
  neighbours(cell: CellId, k: number): readonly CellId[];
  /** Every overlap and gap cell with what the policy decided, in a stable order. */
  problems(): readonly GridProblem[];
}
