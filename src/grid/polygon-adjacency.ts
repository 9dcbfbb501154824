import type { AreaGeometry } from '../city/schema.ts';
import { Grow } from './polygon-rings.ts';

/** Vertices closer than about this many degrees (~1 cm) count as the same point. */
const SNAP = 1e-7;

/** Node i's neighbours are list[start[i] … start[i + 1]), ascending: compressed rows, one typed array for all. */
export interface Adjacency {
  readonly start: Uint32Array;
  readonly list: Uint32Array;
}

/**
 * For each polygon, the other polygons it shares a vertex with (and so an edge, when edges meet vertex to vertex, as
 * in a unit grid). Vertices are snapped to a 1e-7° lattice and looked up in the 3 × 3 neighbouring buckets, so that
 * rounding noise between two files' copies of a corner does not split it. A vertex of one cell lying in the middle of
 * another's edge (a T-junction) is not seen. Snapped vertices live in a hash table over typed arrays, not in string
 * keys: a million cells have some four million corners.
 */
export function cellAdjacency(geometries: readonly AreaGeometry[]): Adjacency {
  const n = geometries.length;
  const vertices = new VertexTable();
  // The distinct snapped vertices of each cell: keys[keyStart[i] … keyStart[i + 1]).
  const keyStart = new Uint32Array(n + 1);
  const keys = new Grow();
  const seenFor = new Grow();
  for (let i = 0; i < n; i++) {
    const g = geometries[i] as AreaGeometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const rings of polygons) {
      for (const ring of rings) {
        for (const p of ring) {
          const v = vertices.add(Math.round((p[0] as number) / SNAP), Math.round((p[1] as number) / SNAP));
          if (v === seenFor.length) seenFor.push(0);
          if (seenFor.get(v) === i + 1) continue;
          seenFor.set(v, i + 1);
          keys.push(v);
        }
      }
    }
    keyStart[i + 1] = keys.length;
  }
  // The cells at each vertex, in cell order: cellsAt[at[v] … at[v + 1]).
  const at = new Uint32Array(vertices.size + 1);
  for (let k = 0; k < keys.length; k++) at[keys.get(k) + 1] = (at[keys.get(k) + 1] as number) + 1;
  for (let v = 0; v < vertices.size; v++) at[v + 1] = (at[v + 1] as number) + (at[v] as number);
  const cellsAt = new Uint32Array(keys.length);
  const fill = at.slice(0, vertices.size);
  for (let i = 0; i < n; i++) {
    for (let k = keyStart[i] as number; k < (keyStart[i + 1] as number); k++) {
      const v = keys.get(k);
      cellsAt[fill[v] as number] = i;
      fill[v] = (fill[v] as number) + 1;
    }
  }
  // The vertices within one lattice step of each vertex (itself included): near[nearAt[v] … nearAt[v + 1]).
  const nearAt = new Uint32Array(vertices.size + 1);
  const near = new Grow();
  for (let v = 0; v < vertices.size; v++) {
    const [x, y] = [vertices.x(v), vertices.y(v)];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const w = vertices.find(x + dx, y + dy);
        if (w >= 0) near.push(w);
      }
    }
    nearAt[v + 1] = near.length;
  }
  const start = new Uint32Array(n + 1);
  const list = new Grow();
  const mark = new Uint32Array(n);
  const found: number[] = [];
  for (let i = 0; i < n; i++) {
    found.length = 0;
    mark[i] = i + 1;
    for (let k = keyStart[i] as number; k < (keyStart[i + 1] as number); k++) {
      const v = keys.get(k);
      for (let q = nearAt[v] as number; q < (nearAt[v + 1] as number); q++) {
        const w = near.get(q);
        for (let c = at[w] as number, end = at[w + 1] as number; c < end; c++) {
          const j = cellsAt[c] as number;
          if (mark[j] === i + 1) continue;
          mark[j] = i + 1;
          found.push(j);
        }
      }
    }
    found.sort((a, b) => a - b);
    for (const j of found) list.push(j);
    start[i + 1] = list.length;
  }
  return { start, list: list.done() };
}

/** The nodes within k steps of node i (breadth first), without i, in order of distance then index. */
export function ringsAround(adjacency: Adjacency, i: number, k: number): number[] {
  const { start, list } = adjacency;
  const seen = new Set<number>([i]);
  const out: number[] = [];
  let frontier = [i];
  for (let step = 0; step < k && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (let e = start[n] ?? 0, end = start[n + 1] ?? 0; e < end; e++) {
        const m = list[e] as number;
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

/**
 * Snapped vertices (integer lattice coordinates, kept as doubles) and their ids, by open addressing. NaN never equals
 * itself, so a NaN vertex only ever matches its own copy within a cell's dedup (inputs are validated numbers).
 */
class VertexTable {
  private xs = new Float64Array(1024);
  private ys = new Float64Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  size = 0;

  add(x: number, y: number): number {
    const found = this.find(x, y);
    if (found >= 0) return found;
    if (2 * (this.size + 1) > this.slots.length) this.grow();
    const v = this.size++;
    if (v >= this.xs.length) {
      const [xs, ys] = [new Float64Array(2 * this.xs.length), new Float64Array(2 * this.ys.length)];
      xs.set(this.xs);
      ys.set(this.ys);
      [this.xs, this.ys] = [xs, ys];
    }
    [this.xs[v], this.ys[v]] = [x, y];
    this.place(v);
    return v;
  }

  /** The id of the vertex, or -1. */
  find(x: number, y: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash(x, y) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s] as number;
      if (v < 0) return -1;
      if (this.xs[v] === x && this.ys[v] === y) return v;
    }
  }

  x(v: number): number {
    return this.xs[v] as number;
  }

  y(v: number): number {
    return this.ys[v] as number;
  }

  private place(v: number): void {
    const mask = this.slots.length - 1;
    let s = hash(this.xs[v] as number, this.ys[v] as number) & mask;
    while ((this.slots[s] as number) >= 0) s = (s + 1) & mask;
    this.slots[s] = v;
  }

  private grow(): void {
    this.slots = new Int32Array(2 * this.slots.length).fill(-1);
    for (let v = 0; v < this.size; v++) this.place(v);
  }
}

/** Mixes the low 32 bits of both lattice coordinates (murmur3's finaliser). */
function hash(x: number, y: number): number {
  let h = Math.imul(x | 0, 0x9e3779b1) ^ (y | 0);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
