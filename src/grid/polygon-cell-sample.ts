import type { CellSample } from './cell-policy.ts';
import type { BBox, PolygonIndex } from './polygon-index.ts';

const TARGET = 64;
const MAX_REFINE = 4;

/** A polygon cell's sample, with whether any of its points lie inside the cell (`samples` is not empty). */
export interface PolygonCellSample extends CellSample {
  readonly anyInside: boolean;
  readonly bbox: BBox;
}

/**
 * Sample points over polygon cell i of the index: a regular lattice over its bounding box, refined while fewer than a
 * quarter of the target fall inside (as nesting.ts does), and a centre that lies inside the cell: the centroid of its
 * bounding box if the cell holds it, else the inside sample nearest to it. The points themselves are made only when
 * `samples` is read: most cells are decided without them (see polygon-grid.ts), and a million cells' points would
 * not fit in memory at once. With the centre known to be the middle, counting stops once a round has enough points.
 */
export function polygonCellSample(index: PolygonIndex, i: number, cell: string): PolygonCellSample {
  const bbox = index.bboxOf(i);
  const [x0, y0, x1, y1] = bbox;
  const mid: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const midInside = index.contains(i, mid[0], mid[1]);
  let k = Math.ceil(Math.sqrt(TARGET));
  let inside = 0;
  let nearest: [number, number] | undefined;
  for (let round = 0, next = k; inside < TARGET / 4 && round <= MAX_REFINE; round++, next *= 2) {
    k = next;
    inside = 0;
    nearest = undefined;
    let best = Infinity;
    const dx = (x1 - x0) / k;
    const dy = (y1 - y0) / k;
    count: for (let x = 0; x < k; x++) {
      for (let y = 0; y < k; y++) {
        const px = x0 + (x + 0.5) * dx;
        const py = y0 + (y + 0.5) * dy;
        if (!index.contains(i, px, py)) continue;
        inside++;
        // This round is the last, and the centre does not depend on its points.
        if (midInside && inside >= TARGET / 4) break count;
        const d = (px - mid[0]) ** 2 + (py - mid[1]) ** 2;
        if (!midInside && d < best) [nearest, best] = [[px, py], d];
      }
    }
  }
  let samples: [number, number][] | undefined;
  return {
    cell,
    centre: midInside ? mid : (nearest ?? mid),
    anyInside: inside > 0,
    bbox,
    get samples() {
      samples ??= lattice(index, i, k);
      return samples;
    },
  };
}

/** The inside points of the k × k lattice over cell i's bounding box, column by column. */
function lattice(index: PolygonIndex, i: number, k: number): [number, number][] {
  const [x0, y0, x1, y1] = index.bboxOf(i);
  const dx = (x1 - x0) / k;
  const dy = (y1 - y0) / k;
  const out: [number, number][] = [];
  for (let x = 0; x < k; x++) {
    for (let y = 0; y < k; y++) {
      const p: [number, number] = [x0 + (x + 0.5) * dx, y0 + (y + 0.5) * dy];
      if (index.contains(i, p[0], p[1])) out.push(p);
    }
  }
  return out;
}
