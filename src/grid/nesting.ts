import type { AreaGeometry } from '../city/schema.ts';
import { type BBox, buildPolygonIndex } from './polygon-index.ts';

/** Where one child area sits among the areas of the level above. */
export interface Nesting {
  /** Index of the parent among the candidates, or undefined when there are none. */
  readonly parent: number | undefined;
  /** 'overlap': the parent holds the most of the child's sample points; 'nearest': none held any, so the closest. */
  readonly how: 'overlap' | 'nearest' | 'none';
  /** Share of the child's sample points that fall in the parent (0 when how is not 'overlap'). */
  readonly share: number;
  /** Sample points that fell inside the child. */
  readonly samples: number;
}

const MAX_REFINE = 4;

/**
 * Works out each child's parent by largest overlap, estimated by sampling: a regular lattice of about `samples` points
 * over the child's bounding box (refined up to 4 times while too few fall inside the child), each located in the
 * candidate parents through a polygon index. Ties go to the lower index. A child no parent overlaps gets the parent
 * whose bounding box lies nearest, marked 'nearest', so that the caller can report it rather than drop it.
 */
export function nestByOverlap(
  children: readonly AreaGeometry[],
  parents: readonly AreaGeometry[],
  samples = 400,
): Nesting[] {
  const kids = buildPolygonIndex(children);
  const above = buildPolygonIndex(parents);
  return children.map((_, c): Nesting => {
    if (parents.length === 0) return { parent: undefined, how: 'none', share: 0, samples: 0 };
    const box = kids.bboxOf(c);
    const hits = new Map<number, number>();
    let inside = 0;
    let seed: [number, number] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
    for (let k = Math.ceil(Math.sqrt(samples)), round = 0; inside < samples / 8 && round <= MAX_REFINE; round++) {
      hits.clear();
      inside = 0;
      for (const [lon, lat] of lattice(box, k)) {
        if (!kids.contains(c, lon, lat)) continue;
        if (inside === 0) seed = [lon, lat];
        inside++;
        for (const p of above.containing(lon, lat)) hits.set(p, (hits.get(p) ?? 0) + 1);
      }
      k *= 2;
    }
    let best: number | undefined;
    let most = 0;
    for (const [p, n] of hits) if (n > most || (n === most && best !== undefined && p < best)) [best, most] = [p, n];
    if (best !== undefined) return { parent: best, how: 'overlap', share: most / inside, samples: inside };
    return { parent: nearest(parents.length, (p) => above.bboxOf(p), seed), how: 'nearest', share: 0, samples: inside };
  });
}

/** The k × k cell centres of a box (degenerate boxes give repeated points, which is harmless). */
function* lattice(b: BBox, k: number): Generator<[number, number]> {
  const dx = (b[2] - b[0]) / k;
  const dy = (b[3] - b[1]) / k;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) yield [b[0] + (i + 0.5) * dx, b[1] + (j + 0.5) * dy];
}

function nearest(n: number, bboxOf: (p: number) => BBox, [x, y]: [number, number]): number {
  let best = 0;
  let bestD = Infinity;
  for (let p = 0; p < n; p++) {
    const b = bboxOf(p);
    const dx = Math.max(b[0] - x, 0, x - b[2]);
    const dy = Math.max(b[1] - y, 0, y - b[3]);
    const d = dx * dx + dy * dy;
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best;
}
