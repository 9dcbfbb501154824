import { cellToBoundary, cellToLatLng } from 'h3-js';
import type { AreaGeometry } from '../city/schema.ts';
import { type BBox, buildPolygonIndex, type PolygonIndex } from './polygon-index.ts';

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
  /** A box holding every sample, if known: the leaves near it are then looked up once, not once per sample. */
  readonly bbox?: BBox;
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

/** One policy for both, or one for gaps and one for overlaps. */
export type CellPolicies = CellPolicy | { readonly gaps: CellPolicy; readonly overlaps: CellPolicy };

export interface CellPolicyOptions {
  /** How far 'nearest' looks from a gap cell's centre (default 250 m). */
  readonly maxNearestM?: number;
  /**
   * Whether a point lies in the city outside the leaves (e.g. in an upper area's polygon). When given, a cell whose
   * centre and samples fall in no leaf and whose centre is not in the city is outside: neither assigned nor reported.
   */
  readonly inCity?: (lon: number, lat: number) => boolean;
  /**
   * 'centre' (default, H3 cells): the leaf holding the centre. 'largest-part' (polygon cells): the leaf holding most
   * samples (a tie goes to the lower index); an overlap is a centre in several leaves.
   */
  readonly decide?: 'centre' | 'largest-part';
}

/** Assigns each candidate cell to at most one leaf, following the policy for overlaps and gaps. Pure. */
export function assignCellsWithPolicy(
  cells: readonly CellSample[],
  leaves: readonly AreaGeometry[],
  policies: CellPolicies,
  opts: CellPolicyOptions = {},
  index: PolygonIndex = buildPolygonIndex(leaves),
): CellAssignment {
  const decide = cellPolicyDecider(leaves, policies, opts, index);
  const leafOf = new Map<string, number>();
  const problems: CellProblem[] = [];
  for (const c of cells) {
    const { leaf, problem } = decide(c);
    if (leaf !== undefined) leafOf.set(c.cell, leaf);
    if (problem) problems.push(problem);
  }
  return { leafOf, problems };
}

/** What the policy decided for one cell: its leaf if it got one, and the problem to report if it is one. */
export interface CellDecision {
  readonly leaf: number | undefined;
  readonly problem: CellProblem | undefined;
}

/**
 * The decision of assignCellsWithPolicy for one cell at a time, so that a caller with a million cells can make each
 * cell's sample, decide it and let the sample go. `index` is the leaves' polygon index, if the caller has one.
 */
export function cellPolicyDecider(
  leaves: readonly AreaGeometry[],
  policies: CellPolicies,
  opts: CellPolicyOptions = {},
  index: PolygonIndex = buildPolygonIndex(leaves),
): (c: CellSample) => CellDecision {
  const { gaps, overlaps } = typeof policies === 'string' ? { gaps: policies, overlaps: policies } : policies;
  const maxM = opts.maxNearestM ?? 250;
  const hitsOf = (c: CellSample): Map<number, number> => {
    const hits = new Map<number, number>();
    const holding = c.bbox ? index.containingNear(...c.bbox) : index.containing;
    for (const [lon, lat] of c.samples) for (const l of holding(lon, lat)) hits.set(l, (hits.get(l) ?? 0) + 1);
    return hits;
  };
  const mostCovering = (hits: Map<number, number>, among: readonly number[] | undefined): number | undefined => {
    let best: number | undefined;
    let most = 0;
    for (const [l, n] of [...hits].sort((a, b) => a[0] - b[0])) {
      if (n > most && (!among || among.includes(l))) [best, most] = [l, n];
    }
    return best ?? among?.[0];
  };
  const overlap = (c: CellSample, candidates: readonly number[], chosen: number | undefined): CellDecision => {
    const pick = overlaps === 'reject' ? undefined : chosen;
    return { leaf: pick, problem: { cell: c.cell, kind: 'overlap', candidates, chosen: pick } };
  };
  return (c) => {
    const holding = index.containing(c.centre[0], c.centre[1]);
    if (opts.decide === 'largest-part') {
      const hits = hitsOf(c);
      const top = Math.max(0, ...hits.values());
      const tops = [...hits]
        .filter(([, n]) => n === top && top > 0)
        .map(([l]) => l)
        .sort((a, b) => a - b);
      if (tops.length > 0 && holding.length <= 1) return { leaf: tops[0] as number, problem: undefined };
      if (tops.length > 0) {
        const candidates = [...new Set([...holding, ...tops])].sort((a, b) => a - b);
        const chosen =
          overlaps === 'nearest' && holding.length > 1 ? mostCovering(hits, holding) : mostCovering(hits, undefined);
        return overlap(c, candidates, chosen);
      }
    } else if (holding.length === 1) {
      return { leaf: holding[0] as number, problem: undefined };
    } else if (holding.length > 1) {
      return overlap(c, holding, mostCovering(hitsOf(c), holding));
    }
    // A gap: the centre (and for polygon cells every sample) lies in no leaf.
    const hits = opts.decide === 'largest-part' ? new Map<number, number>() : hitsOf(c);
    if (opts.inCity && hits.size === 0 && !opts.inCity(c.centre[0], c.centre[1])) return NONE;
    let chosen: number | undefined;
    let candidates: readonly number[];
    if (gaps === 'largest-overlap') {
      chosen = mostCovering(hits, undefined);
      candidates = chosen === undefined ? [] : [chosen];
    } else {
      const near = nearestLeaves(leaves, index.bboxOf, c.centre, maxM).map((n) => n.leaf);
      // A leaf that reaches into the cell is near it whatever the distance from the centre.
      const touching = [...hits.keys()].filter((l) => !near.includes(l)).sort((a, b) => a - b);
      candidates = [...near, ...touching];
      if (gaps === 'nearest') chosen = near[0] ?? mostCovering(hits, undefined);
    }
    return { leaf: chosen, problem: { cell: c.cell, kind: 'gap', candidates, chosen } };
  };
}

/** A cell outside the city: neither assigned nor reported. */
const NONE: CellDecision = Object.freeze({ leaf: undefined, problem: undefined });

/**
 * A cell's centre and sample points spread evenly over its hexagon: `2 × depth` rings between the centre and the
 * boundary (more points on the outer rings, as their share of the area is larger) and one ring just inside the edge,
 * so that a leaf reaching even a little into the cell is seen. The points lie strictly inside the cell's [lon, lat]
 * boundary, so that they never fall in a neighbour drawn from the same vertices. Computed on first use: most cells are
 * decided by their centre alone.
 */
export function h3CellSample(cell: string, depth = 2): CellSample {
  const [lat, lon] = cellToLatLng(cell);
  let samples: [number, number][] | undefined;
  return {
    cell,
    centre: [lon, lat],
    get samples() {
      samples ??= hexagonSamples(lon, lat, cellToBoundary(cell, true), 2 * depth);
      return samples;
    },
  };
}

function hexagonSamples(cx: number, cy: number, ring: number[][], rings: number): [number, number][] {
  const out: [number, number][] = [[cx, cy]];
  const levels: [number, number][] = [];
  for (let k = 0; k < rings; k++) levels.push([(k + 0.5) / rings, 2 * k + 1]);
  levels.push([0.99, 2 * rings + 1]);
  for (let v = 0; v + 1 < ring.length; v++) {
    const [ax, ay] = ring[v] as [number, number];
    const [bx, by] = ring[v + 1] as [number, number];
    for (const [r, n] of levels) {
      for (let j = 0; j < n; j++) {
        const t = j / n;
        out.push([cx + r * (ax + t * (bx - ax) - cx), cy + r * (ay + t * (by - ay) - cy)]);
      }
    }
  }
  return out;
}

const M_PER_DEG = 111_320;

/** Leaves whose edges pass within maxM metres of the point, nearest first (local equirectangular distance). */
export function nearestLeaves(
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
