import Flatbush from 'flatbush';
import { cellArea, cellsToMultiPolygon, cellToLatLng, getHexagonAreaAvg, gridDisk, polygonToCells } from 'h3-js';
import type { Area } from '../city/city.ts';
import type { AreaGeometry } from '../city/schema.ts';
import type { AreaId } from '../shared/brand.ts';
import { geometryAreaM2, ringAreaM2 } from './area-m2.ts';
import { type BBox, buildPolygonIndex } from './polygon-index.ts';

export type ProblemKind = 'invalid-ring' | 'self-intersection' | 'hole-outside-shell' | 'overlap' | 'gap';

/** A GeoJSON geometry locating a problem, or null when it has no usable position. */
export type ProblemGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | null;

export interface GeometryProblem {
  readonly kind: ProblemKind;
  /** The areas involved: one for ring problems, the overlapping siblings, or the parent then the siblings around a gap. */
  readonly areas: readonly string[];
  /** Area in m²: the ring's (ring problems), or the overlap's or gap's, estimated by sampling (`approx`). */
  readonly m2: number;
  readonly approx: boolean;
  /** 'error' makes the definition unusable. */
  readonly severity: 'error' | 'warning';
  readonly detail: string;
  readonly geometry: ProblemGeometry;
}

export interface CheckOptions {
  /** Overlaps are errors (the grid policy drops their cells); otherwise warnings. */
  readonly rejectOverlaps?: boolean;
  /** Gaps are errors (the grid policy drops their cells); otherwise warnings. */
  readonly rejectGaps?: boolean;
  /** At most about this many H3 sample cells per sibling group; the resolution is the finest that fits (≤ 12). */
  readonly maxSamples?: number;
}

/** The ring problems of one area's geometry: invalid rings, self-intersections, holes outside their shell. */
export function checkRings(id: string, geometry: AreaGeometry): GeometryProblem[] {
  const out: GeometryProblem[] = [];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const [p, rings] of polygons.entries()) {
    const shell = rings[0];
    for (const [k, ring] of rings.entries()) {
      const where = `polygon ${p} ring ${k}`;
      const bad = ringDefect(ring);
      const first = ring.find((q) => validPos(q));
      if (bad) {
        out.push(ringProblem('invalid-ring', id, 0, `${where}: ${bad}`, first ? point(first) : null));
        continue;
      }
      const m2 = Math.abs(ringAreaM2(ring));
      const hits = selfIntersections(ring);
      if (hits.length > 0) {
        const crossing = hits.some((h) => h.crossing);
        const at = hits.slice(0, 50).map((h) => h.at);
        const detail = `${where}: ${hits.length} ${crossing ? 'crossing' : 'touching'} edge pair(s), first at ${at[0]?.join(', ')}`;
        const geometry: ProblemGeometry =
          at.length === 1 ? point(at[0] as number[]) : { type: 'MultiPoint', coordinates: at };
        out.push({
          ...ringProblem('self-intersection', id, m2, detail, geometry),
          severity: crossing ? 'error' : 'warning',
        });
      }
      if (k > 0 && shell && !ringDefect(shell)) {
        const outside = ring.filter((q) => !inRing(shell, q[0] as number, q[1] as number) && !onRing(shell, q));
        if (outside.length > 0) {
          const detail = `${where}: ${outside.length} of ${ring.length} positions lie outside the outer ring`;
          out.push(
            ringProblem('hole-outside-shell', id, m2, detail, {
              type: 'Polygon',
              coordinates: [ring.map((q) => [...q])],
            }),
          );
        }
      }
    }
  }
  return out;
}

const ringProblem = (
  kind: ProblemKind,
  id: string,
  m2: number,
  detail: string,
  geometry: ProblemGeometry,
): GeometryProblem => ({
  kind,
  areas: [id],
  m2,
  approx: false,
  severity: 'error',
  detail,
  geometry,
});

function ringDefect(ring: readonly (readonly number[])[]): string | undefined {
  if (ring.length < 4) return `${ring.length} positions; a ring needs at least 4`;
  if (!ring.every(validPos)) return 'a position is not a finite lon/lat within ±180/±90';
  const a = ring[0] as readonly number[];
  const z = ring[ring.length - 1] as readonly number[];
  if (a[0] !== z[0] || a[1] !== z[1]) return 'not closed: the last position differs from the first';
  if (Math.abs(ringAreaM2(ring)) < 1e-6) return 'zero area';
  return undefined;
}

const validPos = (q: readonly number[]): boolean => {
  const [x, y] = q;
  return (
    x !== undefined &&
    y !== undefined &&
    Number.isFinite(x) &&
    Number.isFinite(y) &&
    Math.abs(x) <= 180 &&
    Math.abs(y) <= 90
  );
};

const point = (q: readonly number[]): ProblemGeometry => ({
  type: 'Point',
  coordinates: [q[0] as number, q[1] as number],
});

interface Hit {
  readonly at: number[];
  /** A proper crossing (the ring passes through itself) rather than a touch. */
  readonly crossing: boolean;
}

/**
 * Pairs of non-adjacent edges of a closed ring that meet, found through a flatbush index over the edges' boxes so that
 * long rings cost about O(n log n). Repeated consecutive positions are dropped first (they are not intersections).
 */
export function selfIntersections(ring: readonly (readonly number[])[]): Hit[] {
  const v: number[][] = [];
  for (const q of ring) {
    const last = v[v.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) v.push([q[0] as number, q[1] as number]);
  }
  if (v.length > 1 && v[0]?.[0] === v[v.length - 1]?.[0] && v[0]?.[1] === v[v.length - 1]?.[1]) v.pop();
  const m = v.length;
  if (m < 4) return [];
  const a = (i: number) => v[i] as number[];
  const b = (i: number) => v[(i + 1) % m] as number[];
  const tree = new Flatbush(m);
  for (let i = 0; i < m; i++) {
    const [p, q] = [a(i), b(i)];
    tree.add(
      Math.min(p[0] as number, q[0] as number),
      Math.min(p[1] as number, q[1] as number),
      Math.max(p[0] as number, q[0] as number),
      Math.max(p[1] as number, q[1] as number),
    );
  }
  tree.finish();
  const hits: Hit[] = [];
  for (let i = 0; i < m; i++) {
    const [p, q] = [a(i), b(i)];
    const found = tree.search(
      Math.min(p[0] as number, q[0] as number),
      Math.min(p[1] as number, q[1] as number),
      Math.max(p[0] as number, q[0] as number),
      Math.max(p[1] as number, q[1] as number),
    );
    for (const j of found) {
      if (j <= i || j === i + 1 || (i === 0 && j === m - 1)) continue;
      const hit = segmentsMeet(p, q, a(j), b(j));
      if (hit) hits.push(hit);
    }
  }
  return hits;
}

const orient = (a: number[], b: number[], c: number[]): number =>
  Math.sign(
    ((b[0] as number) - (a[0] as number)) * ((c[1] as number) - (a[1] as number)) -
      ((b[1] as number) - (a[1] as number)) * ((c[0] as number) - (a[0] as number)),
  );

const within = (a: number[], b: number[], c: number[]): boolean =>
  Math.min(a[0] as number, b[0] as number) <= (c[0] as number) &&
  (c[0] as number) <= Math.max(a[0] as number, b[0] as number) &&
  Math.min(a[1] as number, b[1] as number) <= (c[1] as number) &&
  (c[1] as number) <= Math.max(a[1] as number, b[1] as number);

function segmentsMeet(p: number[], q: number[], r: number[], s: number[]): Hit | undefined {
  const o1 = orient(p, q, r);
  const o2 = orient(p, q, s);
  const o3 = orient(r, s, p);
  const o4 = orient(r, s, q);
  if (o1 * o2 < 0 && o3 * o4 < 0) {
    const d =
      ((q[0] as number) - (p[0] as number)) * ((s[1] as number) - (r[1] as number)) -
      ((q[1] as number) - (p[1] as number)) * ((s[0] as number) - (r[0] as number));
    const t =
      (((r[0] as number) - (p[0] as number)) * ((s[1] as number) - (r[1] as number)) -
        ((r[1] as number) - (p[1] as number)) * ((s[0] as number) - (r[0] as number))) /
      d;
    return {
      at: [
        (p[0] as number) + t * ((q[0] as number) - (p[0] as number)),
        (p[1] as number) + t * ((q[1] as number) - (p[1] as number)),
      ],
      crossing: true,
    };
  }
  for (const [o, x, y, z] of [
    [o1, p, q, r],
    [o2, p, q, s],
    [o3, r, s, p],
    [o4, r, s, q],
  ] as const) {
    if (o === 0 && within(x, y, z)) return { at: [z[0] as number, z[1] as number], crossing: false };
  }
  return undefined;
}

function inRing(ring: readonly (readonly number[])[], x: number, y: number): boolean {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

const onRing = (ring: readonly (readonly number[])[], q: readonly number[]): boolean =>
  ring.some(
    (r, i) =>
      i > 0 &&
      orient(ring[i - 1] as number[], r as number[], q as number[]) === 0 &&
      within(ring[i - 1] as number[], r as number[], q as number[]),
  );

/**
 * Overlaps and gaps between the children of every area, each estimated on H3 sample cells (so `approx`): a cell whose
 * centre two or more siblings hold is overlap; one that none holds but the parent does is gap. When the parent has no
 * geometry (the city root, usually), a gap is an uncovered region the siblings enclose: sample cells cut off from the
 * outside of the siblings' bounding box. Connected problem cells become one problem, with their merged outline.
 */
export function checkSiblings(areas: ReadonlyMap<AreaId, Area>, opts: CheckOptions = {}): GeometryProblem[] {
  const out: GeometryProblem[] = [];
  const severityOf = (kind: ProblemKind): 'error' | 'warning' =>
    (kind === 'overlap' ? opts.rejectOverlaps : opts.rejectGaps) ? 'error' : 'warning';
  for (const parent of areas.values()) {
    const kids = parent.children
      .map((c) => areas.get(c))
      .filter((a): a is Area & { geometry: AreaGeometry } => !!a?.geometry);
    if (kids.length === 0 || (kids.length === 1 && !parent.geometry)) continue;
    for (const p of siblingProblems(parent, kids, opts.maxSamples ?? 50_000))
      out.push({ ...p, severity: severityOf(p.kind) });
  }
  return out;
}

type Kid = Area & { geometry: AreaGeometry };

function siblingProblems(parent: Area, kids: readonly Kid[], maxSamples: number): GeometryProblem[] {
  const index = buildPolygonIndex(kids.map((k) => k.geometry));
  const outer = parent.geometry ? buildPolygonIndex([parent.geometry]) : undefined;
  let box: BBox = outer ? outer.bboxOf(0) : index.bboxOf(0);
  for (let i = 0; i < kids.length; i++) box = union(box, index.bboxOf(i));
  const boxM2 = geometryAreaM2({ type: 'Polygon', coordinates: [boxRing(box)] });
  let res = 12;
  while (res > 5 && boxM2 / getHexagonAreaAvg(res, 'm2') > maxSamples) res--;
  const margin = Math.sqrt(getHexagonAreaAvg(res, 'm2')) / 50_000;
  const cells = polygonToCells(
    boxRing([box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin]),
    res,
    true,
  );
  const sampled = new Set(cells);
  const holder = new Map<string, number>();
  const overlap = new Map<string, string[]>();
  const uncovered: string[] = [];
  for (const cell of cells) {
    const [lat, lon] = cellToLatLng(cell);
    const held = index.containing(lon, lat);
    if (held.length === 1) holder.set(cell, held[0] as number);
    else if (held.length > 1)
      overlap.set(
        cell,
        held.map((i) => (kids[i] as Kid).id),
      );
    else if (!outer || outer.contains(0, lon, lat)) uncovered.push(cell);
  }
  const gap = outer ? new Set(uncovered) : enclosed(uncovered, sampled);
  const out: GeometryProblem[] = [];
  const groups = new Map<string, Set<string>>();
  for (const [cell, ids] of overlap) {
    const key = ids.join('\u0000');
    const g = groups.get(key) ?? new Set<string>();
    g.add(cell);
    groups.set(key, g);
  }
  for (const [key, set] of groups) {
    for (const part of components(set)) out.push(sampled2problem('overlap', key.split('\u0000'), part, res, parent.id));
  }
  for (const part of components(gap)) {
    const around = new Set<string>();
    for (const c of part)
      for (const n of gridDisk(c, 1)) {
        const h = holder.get(n);
        if (h !== undefined) around.add((kids[h] as Kid).id);
      }
    out.push(sampled2problem('gap', [parent.id, ...[...around].sort()], part, res, parent.id));
  }
  return out;
}

function sampled2problem(
  kind: 'overlap' | 'gap',
  ids: string[],
  cells: string[],
  res: number,
  parent: string,
): GeometryProblem {
  const m2 = cells.reduce((s, c) => s + cellArea(c, 'm2'), 0);
  const what = kind === 'overlap' ? `${ids.join(' and ')} overlap` : `a gap in ${parent} that no child covers`;
  const polys = cellsToMultiPolygon(cells, true);
  return {
    kind,
    areas: ids,
    m2,
    approx: true,
    severity: 'warning',
    detail: `${what}: ≈ ${Math.round(m2)} m² (${cells.length} H3 res-${res} sample cells)`,
    geometry:
      polys.length === 1
        ? { type: 'Polygon', coordinates: polys[0] as number[][][] }
        : { type: 'MultiPolygon', coordinates: polys },
  };
}

/** The uncovered sample cells that cannot reach the edge of the sampled region through other uncovered cells. */
function enclosed(uncovered: readonly string[], sampled: ReadonlySet<string>): Set<string> {
  const open = new Set(uncovered);
  const outside = new Set<string>();
  const queue: string[] = [];
  for (const c of uncovered) {
    if (gridDisk(c, 1).some((n) => !sampled.has(n))) {
      outside.add(c);
      queue.push(c);
    }
  }
  for (let c = queue.pop(); c !== undefined; c = queue.pop()) {
    for (const n of gridDisk(c, 1))
      if (open.has(n) && !outside.has(n)) {
        outside.add(n);
        queue.push(n);
      }
  }
  return new Set(uncovered.filter((c) => !outside.has(c)));
}

/** Connected parts of a set of cells (neighbours by shared edge). */
function components(set: ReadonlySet<string>): string[][] {
  const seen = new Set<string>();
  const parts: string[][] = [];
  for (const start of set) {
    if (seen.has(start)) continue;
    const part: string[] = [];
    const stack = [start];
    seen.add(start);
    for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
      part.push(c);
      for (const n of gridDisk(c, 1))
        if (set.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
    }
    parts.push(part);
  }
  return parts;
}

const union = (a: BBox, b: BBox): BBox => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[2], b[2]),
  Math.max(a[3], b[3]),
];
const boxRing = (b: BBox): number[][] => [
  [b[0], b[1]],
  [b[2], b[1]],
  [b[2], b[3]],
  [b[0], b[3]],
  [b[0], b[1]],
];

/** Every problem of a city's areas: ring problems of each geometry, then sibling overlaps and gaps. */
export function checkAreas(areas: ReadonlyMap<AreaId, Area>, opts: CheckOptions = {}): GeometryProblem[] {
  const rings = [...areas.values()].flatMap((a) => (a.geometry ? checkRings(a.id, a.geometry) : []));
  return [...rings, ...checkSiblings(areas, opts)];
}
