import type { GridPolicy } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import { nearestLeaves } from './cell-policy.ts';
import { buildPolygonIndex, type PolygonIndex } from './polygon-index.ts';

/**
 * The leaf (index) of a point by the leaf polygons, for `grid.assignPoints: polygon`, with the grid's policy applied
 * to the point itself: in one leaf, that leaf; in several, none under 'reject', else the leaf of the point's cell if
 * it is one of them, else the smallest; in none, none under 'reject', else the nearest leaf within maxNearestM.
 * `cellLeaf` is the leaf of the point's cell, if it has one. `index` is the leaves' polygon index, if the caller has one.
 */
export function pointLeafLocator(
  leaves: readonly AreaGeometry[],
  policy: GridPolicy,
  index: PolygonIndex = buildPolygonIndex(leaves),
): (lon: number, lat: number, cellLeaf: number | undefined) => number | undefined {
  return (lon, lat, cellLeaf) => {
    const holding = index.containing(lon, lat);
    if (holding.length === 1) return holding[0];
    if (holding.length > 1) {
      if (policy.overlaps === 'reject') return undefined;
      return cellLeaf !== undefined && holding.includes(cellLeaf) ? cellLeaf : index.locate(lon, lat);
    }
    if (policy.gaps === 'reject') return undefined;
    return nearestLeaves(leaves, index.bboxOf, [lon, lat], policy.maxNearestM)[0]?.leaf;
  };
}
