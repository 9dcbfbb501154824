import type { CellSample } from './cell-policy.ts';
import type { PolygonIndex } from './polygon-index.ts';

const TARGET = 64;
const MAX_REFINE = 4;

/**
 * Sample points over polygon cell i of the index: a regular lattice over its bounding box, refined while fewer than a
 * quarter of the target fall inside (as nesting.ts does), and a centre that lies inside the cell: the centroid of its
 * bounding box if the cell holds it, else the inside sample nearest to it.
 */
export function polygonCellSample(index: PolygonIndex, i: number, cell: string): CellSample {
  const b = index.bboxOf(i);
  const mid: [number, number] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
  let samples: [number, number][] = [];
  for (let k = Math.ceil(Math.sqrt(TARGET)), round = 0; samples.length < TARGET / 4 && round <= MAX_REFINE; round++) {
    samples = [];
    const dx = (b[2] - b[0]) / k;
    const dy = (b[3] - b[1]) / k;
    for (let x = 0; x < k; x++) {
      for (let y = 0; y < k; y++) {
        const p: [number, number] = [b[0] + (x + 0.5) * dx, b[1] + (y + 0.5) * dy];
        if (index.contains(i, p[0], p[1])) samples.push(p);
      }
    }
    k *= 2;
  }
  let centre = mid;
  if (!index.contains(i, mid[0], mid[1])) {
    let best = Infinity;
    for (const p of samples) {
      const d = (p[0] - mid[0]) ** 2 + (p[1] - mid[1]) ** 2;
      if (d < best) [centre, best] = [p, d];
    }
  }
  return { cell, centre, samples };
}
