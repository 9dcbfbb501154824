import { cellToChildren, cellToLatLng, getResolution } from 'h3-js';
import type { AreaGeometry } from '../city/schema.ts';
import { type BBox, buildPolygonIndex } from './polygon-index.ts';

/**
 * What happens to a cell whose centre lies in an overlap of leaf areas or in a gap between them (issue 3 §2). It is
 * always explicit, and every such cell is reported:
 * - `reject`: the cell belongs to no leaf; points in it are outside the city until the boundaries are fixed.
 * - `largest-overlap`: the leaf that covers most of the cell (by sample points); a cell no leaf touches stays out.
 * - `nearest`: the leaf holding the centre, else the one whose edge is nearest to it (within `maxNearestM`); among
 *   several that hold the centre, the one covering most of the cell.
 * Ties go to the lower leaf index.
 */
export type CellPolicy = 'reject' | 'largest-overlap' | 'nearest';

export interface CellSample {
  readonly cell: string;
  /** [lon, lat]. */
  readonly centre: readonly [number, number];
  /** Points spread over the cell, [lon, lat], to estimate how much of it each leaf covers. */
  readonly samples: readonly (readonly [number, number])[];
}

export interface CellProblem {
  readonly cell: string;
  readonly kind: 'overlap' | 'gap';
  /** The leaves holding the centre (overlap) or touching the cell or near it (gap). */
  readonly candidates: readonly number[];
  /** The leaf chosen by the policy, or undefined when the cell was left out. */
  readonly chosen: number | undefined;
}

export interface CellAssignment {
  /** Cell → leaf index, for every cell that got one. */
  readonly leafOf: ReadonlyMap<string, number>;
  readonly problems: readonly CellProblem[];
}

/** Assigns each candidate cell to at most one leaf, following the policy for overlaps and gaps. Pure. */
export function assignCellsWithPolicy(
  cells: readonly CellSample[],
  leaves: readonly AreaGeometry[],
  policy: CellPolicy,
  opts: { readonly maxNearestM?: number } = {},
): CellAssignment {
  const index = buildPolygonIndex(leaves);
  const maxM = opts.maxNearestM ?? 250;
  const leafOf = new Map<string, number>();
  const problems: CellProblem[] = [];
  const mostCovering = (c: CellSample, among: readonly number[] | undefined): number | undefined => {
    const hits = new Map<number, number>();
    for (const [lon, lat] of c.samples) {
      for (const l of index.containing(lon, lat)) {
        if (!among || among.includes(l)) hits.set(l, (hits.get(l) ?? 0) + 1);
      }
    }
    let best: number | undefined;
    let most = 0;
    for (const [l, n] of [...hits].sort((a, b) => a[0] - b[0])) if (n > most) [best, most] = [l, n];
    return best ?? among?.[0];
  };
  for (const c of cells) {
    const holding = index.containing(c.centre[0], c.centre[1]);
    if (holding.length === 1) {
      leafOf.set(c.cell, holding[0] as number);
      continue;
    }
    let chosen: number | undefined;
    let candidates: readonly number[] = holding;
    if (holding.length > 1) {
      if (policy !== 'reject') chosen = mostCovering(c, holding);
    } else if (policy === 'largest-overlap') {
      chosen = mostCovering(c, undefined);
      candidates = chosen === undefined ? [] : [chosen];
    } else {
      const near = nearestLeaves(leaves, index.bboxOf, c.centre, maxM);
      candidates = near.map((n) => n.leaf);
      if (policy === 'nearest') chosen = near[0]?.leaf;
    }
    if (chosen !== undefined) leafOf.set(c.cell, chosen);
    problems.push({ cell: c.cell, kind: holding.length > 1 ? 'overlap' : 'gap', candidates, chosen });
  }
  return { leafOf, problems };
}

/** A cell's centre and the centres of its descendants `depth` resolutions finer (7^depth points), as samples. */
export function h3CellSample(cell: string, depth = 2): CellSample {
  const [lat, lon] = cellToLatLng(cell);
  const res = Math.min(15, getResolution(cell) + depth);
  const samples = cellToChildren(cell, res).map((k): [number, number] => {
    const [y, x] = cellToLatLng(k);
    return [x, y];
  });
  return { cell, centre: [lon, lat], samples };
}

const M_PER_DEG = 111_320;

/** Leaves whose edges pass within maxM metres of the point, nearest first (local equirectangular distance). */
function nearestLeaves(
  leaves: readonly AreaGeometry[],
  bboxOf: (leaf: number) => BBox,
  [lon, lat]: readonly [number, number],
  maxM: number,
): { leaf: number; m: number }[] {
  const kx = Math.cos((lat * Math.PI) / 180) * M_PER_DEG;
  const out: { leaf: number; m: number }[] = [];
  for (const [leaf, g] of leaves.entries()) {
    // Skip leaves whose bounding box is already too far away.
    const b = bboxOf(leaf);
    const bx = Math.max(b[0] - lon, 0, lon - b[2]) * kx;
    const by = Math.max(b[1] - lat, 0, lat - b[3]) * M_PER_DEG;
    if (Math.hypot(bx, by) > maxM) continue;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let best = Infinity;
    for (const ring of polygons.flat()) {
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1] as number[];
        const b = ring[i] as number[];
        const d = segmentDistance(
          ((a[0] as number) - lon) * kx,
          ((a[1] as number) - lat) * M_PER_DEG,
          ((b[0] as number) - lon) * kx,
          ((b[1] as number) - lat) * M_PER_DEG,
        );
        if (d < best) best = d;
      }
    }
    if (best <= maxM) out.push({ leaf, m: best });
  }
  return out.sort((p, q) => p.m - q.m || p.leaf - q.leaf);
}

/** Distance from the origin to the segment (ax, ay)–(bx, by). */
function segmentDistance(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
  return Math.hypot(ax + t * dx, ay + t * dy);
}
