import type { AreaGeometry } from '../city/schema.ts';

/** Vertices closer than about this many degrees (~1 cm) count as the same point. */
const SNAP = 1e-7;

/**
 * For each polygon, the other polygons it shares a vertex with (and so an edge, when edges meet vertex to vertex, as
 * in a unit grid). Vertices are snapped to a 1e-7° lattice and looked up in the 3 × 3 neighbouring buckets, so that
 * rounding noise between two files' copies of a corner does not split it. A vertex of one cell lying in the middle of
 * another's edge (a T-junction) is not seen.
 */
export function cellAdjacency(geometries: readonly AreaGeometry[]): number[][] {
  const buckets = new Map<string, number[]>();
  const keysOf = geometries.map((g) => {
    const keys = new Set<string>();
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const ring of polygons.flat()) {
      for (const p of ring) keys.add(`${Math.round((p[0] as number) / SNAP)},${Math.round((p[1] as number) / SNAP)}`);
    }
    return [...keys];
  });
  for (const [i, keys] of keysOf.entries()) {
    for (const key of keys) {
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    }
  }
  return keysOf.map((keys, i) => {
    const out = new Set<number>();
    for (const key of keys) {
      const [x, y] = key.split(',').map(Number) as [number, number];
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) for (const j of buckets.get(`${x + dx},${y + dy}`) ?? []) out.add(j);
      }
    }
    out.delete(i);
    return [...out].sort((a, b) => a - b);
  });
}

/** The nodes within k steps of node i (breadth first), without i, in order of distance then index. */
export function ringsAround(adjacency: readonly (readonly number[])[], i: number, k: number): number[] {
  const seen = new Set<number>([i]);
  const out: number[] = [];
  let frontier = [i];
  for (let step = 0; step < k && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const m of adjacency[n] ?? []) {
        if (!seen.has(m)) {
          seen.add(m);
          next.push(m);
        }
      }
    }
    next.sort((a, b) => a - b);
    out.push(...next);
    frontier = next;
  }
  return out;
}
