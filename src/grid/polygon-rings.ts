import type { AreaGeometry } from '../city/schema.ts';

/**
 * The rings of many polygons packed into flat typed arrays, for polygon-index.ts. A city of a million unit cells
 * would otherwise hold a million part objects, ring objects and small typed arrays (each with its own header), which
 * cost more than the coordinates themselves. Part p of the store is a polygon with at least three outer vertices;
 * parts of geometry i are ownerPart[i] … ownerPart[i + 1], rings of part p are partRing[p] … partRing[p + 1] (outer
 * ring first), and vertices of ring r are ringVertex[r] … ringVertex[r + 1] in coords ([x0, y0, x1, y1, …]).
 */
export interface RingStore {
  readonly coords: Float64Array;
  readonly ringVertex: Uint32Array;
  /** Slot of ring r in the band tables, or -1 for a ring tested edge by edge. */
  readonly ringBand: Int32Array;
  readonly bandCount: Uint32Array;
  readonly bandMinY: Float64Array;
  readonly bandH: Float64Array;
  /** Band b of slot s holds bandEdges[bandOffsets[bandBase[s] + b] … bandOffsets[bandBase[s] + b + 1]). */
  readonly bandBase: Uint32Array;
  readonly bandOffsets: Uint32Array;
  /** Edge e of a ring joins its vertex e to the next. */
  readonly bandEdges: Uint32Array;
  readonly partOwner: Uint32Array;
  readonly partRing: Uint32Array;
  /** [minX, minY, maxX, maxY] of each part's outer ring. */
  readonly partBox: Float64Array;
  readonly ownerPart: Uint32Array;
  /** Planar area of each geometry in square degrees (holes subtracted). */
  readonly areas: Float64Array;
}

/** Rings with fewer edges than this are tested edge by edge; banding would not pay. */
const BAND_MIN_EDGES = 32;
/** Aim at about this many edges per band. */
const EDGES_PER_BAND = 4;

type Rings = readonly (readonly (readonly number[])[])[];
/** The polygons of a Polygon or MultiPolygon, each as its rings. */
export const partsOfGeometry = (g: AreaGeometry): readonly Rings[] =>
  g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
/** A part is indexed when its outer ring has at least three positions. */
export const indexed = (rings: Rings): boolean => (rings[0]?.length ?? 0) >= 3;

/** Packs the geometries: one pass to count, one to fill. */
export function packRings(geometries: readonly AreaGeometry[]): RingStore {
  let [parts, rings, vertices] = [0, 0, 0];
  for (const g of geometries) {
    for (const part of partsOfGeometry(g)) {
      if (!indexed(part)) continue;
      parts++;
      rings += part.length;
      for (const ring of part) vertices += ring.length;
    }
  }
  const coords = new Float64Array(2 * vertices);
  const ringVertex = new Uint32Array(rings + 1);
  const ringBand = new Int32Array(rings).fill(-1);
  const partOwner = new Uint32Array(parts);
  const partRing = new Uint32Array(parts + 1);
  const partBox = new Float64Array(4 * parts);
  const ownerPart = new Uint32Array(geometries.length + 1);
  const areas = new Float64Array(geometries.length);
  const bands = new BandBuilder();
  let [p, r, v] = [0, 0, 0];
  for (const [owner, g] of geometries.entries()) {
    let area = 0;
    for (const part of partsOfGeometry(g)) {
      if (!indexed(part)) continue;
      let sum = 0;
      for (const [k, ring] of part.entries()) {
        const start = v;
        for (const q of ring) {
          coords[2 * v] = q[0] ?? Number.NaN;
          coords[2 * v + 1] = q[1] ?? Number.NaN;
          v++;
        }
        ringVertex[r + 1] = v;
        if (k === 0) ringBox(coords, start, v, partBox, 4 * p);
        ringBand[r] = bands.add(coords, start, v);
        sum += (k === 0 ? 1 : -1) * Math.abs(ringArea(coords, start, v));
        r++;
      }
      area += sum;
      partOwner[p] = owner;
      partRing[p + 1] = r;
      p++;
    }
    areas[owner] = area;
    ownerPart[owner + 1] = p;
  }
  return { coords, ringVertex, ringBand, partOwner, partRing, partBox, ownerPart, areas, ...bands.finish() };
}

/**
 * W. R. Franklin's PNPOLY crossing test (https://wrfranklin.org/Research/Short_Notes/pnpoly.html): whether a ray from
 * the point towards +x crosses ring r an odd number of times. Long rings (official boundaries have hundreds of
 * vertices) look only at the edges of the point's horizontal band, which makes the test about O(1) per ring.
 */
export function ringHoldsOdd(s: RingStore, r: number, x: number, y: number): boolean {
  const base = s.ringVertex[r] as number;
  const m = (s.ringVertex[r + 1] as number) - base;
  const c = s.coords;
  let odd = false;
  const slot = s.ringBand[r] as number;
  if (slot < 0) {
    for (let e = 0; e < m; e++) if (crosses(c, base + e, base + (e + 1 === m ? 0 : e + 1), x, y)) odd = !odd;
    return odd;
  }
  const b = Math.floor((y - (s.bandMinY[slot] as number)) / (s.bandH[slot] as number));
  if (!(b >= 0 && b < (s.bandCount[slot] as number))) return false;
  const o = (s.bandBase[slot] as number) + b;
  for (let k = s.bandOffsets[o] as number, end = s.bandOffsets[o + 1] as number; k < end; k++) {
    const e = s.bandEdges[k] as number;
    if (crosses(c, base + e, base + (e + 1 === m ? 0 : e + 1), x, y)) odd = !odd;
  }
  return odd;
}

/** Whether some edge of ring r may meet the box (conservative: true when unsure). */
export function ringTouchesBox(s: RingStore, r: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const base = s.ringVertex[r] as number;
  const m = (s.ringVertex[r + 1] as number) - base;
  const slot = s.ringBand[r] as number;
  if (slot < 0) {
    for (let e = 0; e < m; e++) if (edgeMeetsBox(s.coords, base, m, e, x0, y0, x1, y1)) return true;
    return false;
  }
  const n = s.bandCount[slot] as number;
  const [minY, h] = [s.bandMinY[slot] as number, s.bandH[slot] as number];
  // Every edge whose y-span meets [y0, y1] is filed in one of these bands (banding clamps the same way).
  const lo = Math.min(n - 1, Math.max(0, Math.floor((y0 - minY) / h)));
  const hi = Math.min(n - 1, Math.max(0, Math.floor((y1 - minY) / h)));
  const o = s.bandBase[slot] as number;
  for (let k = s.bandOffsets[o + lo] as number, end = s.bandOffsets[o + hi + 1] as number; k < end; k++) {
    if (edgeMeetsBox(s.coords, base, m, s.bandEdges[k] as number, x0, y0, x1, y1)) return true;
  }
  return false;
}

/** Whether edge e of the ring of m vertices from base may meet the box. */
function edgeMeetsBox(
  c: Float64Array,
  base: number,
  m: number,
  e: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): boolean {
  const i = base + e;
  const j = base + (e + 1 === m ? 0 : e + 1);
  const [ax, ay, bx, by] = [c[2 * i] as number, c[2 * i + 1] as number, c[2 * j] as number, c[2 * j + 1] as number];
  if (!(Math.max(ax, bx) >= x0 && Math.min(ax, bx) <= x1 && Math.max(ay, by) >= y0 && Math.min(ay, by) <= y1)) {
    // Apart by their boxes; NaN coordinates land on the careful side.
    return !Number.isFinite(ax + ay + bx + by);
  }
  // The box's corners all strictly on one side of the edge's line: no meeting.
  const [ux, uy] = [bx - ax, by - ay];
  const s0 = ux * (y0 - ay) - uy * (x0 - ax);
  const s1 = ux * (y0 - ay) - uy * (x1 - ax);
  const s2 = ux * (y1 - ay) - uy * (x1 - ax);
  const s3 = ux * (y1 - ay) - uy * (x0 - ax);
  return !((s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0) || (s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0));
}

function crosses(c: Float64Array, i: number, j: number, x: number, y: number): boolean {
  const xi = c[2 * i] as number;
  const yi = c[2 * i + 1] as number;
  const xj = c[2 * j] as number;
  const yj = c[2 * j + 1] as number;
  return yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi;
}

/** Bounding box of vertices [start, end) into out[at … at + 3]. */
function ringBox(c: Float64Array, start: number, end: number, out: Float64Array, at: number): void {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let v = start; v < end; v++) {
    const x = c[2 * v] as number;
    const y = c[2 * v + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  [out[at], out[at + 1], out[at + 2], out[at + 3]] = [minX, minY, maxX, maxY];
}

/** Shoelace area of the ring of vertices [start, end), signed. */
function ringArea(c: Float64Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start, j = end - 1; i < end; j = i, i++) {
    sum += ((c[2 * j] as number) - (c[2 * i] as number)) * ((c[2 * j + 1] as number) + (c[2 * i + 1] as number));
  }
  return sum / 2;
}

/** Band tables of the long rings, grown as rings are added. */
class BandBuilder {
  private count: number[] = [];
  private minY: number[] = [];
  private h: number[] = [];
  private base: number[] = [];
  private offsets = new Grow();
  private edges = new Grow();

  /** Files the edges of the ring of vertices [start, end) by band; its slot, or -1 when it is not banded. */
  add(c: Float64Array, start: number, end: number): number {
    const m = end - start;
    if (m < BAND_MIN_EDGES) return -1;
    const box = new Float64Array(4);
    ringBox(c, start, end, box, 0);
    const [minY, maxY] = [box[1] as number, box[3] as number];
    if (!(maxY > minY)) return -1;
    const bands = Math.ceil(m / EDGES_PER_BAND);
    const bandH = (maxY - minY) / bands;
    const clamp = (v: number) => Math.min(bands - 1, Math.max(0, Math.floor((v - minY) / bandH)));
    const span = (e: number): [number, number] => {
      const y0 = c[2 * (start + e) + 1] as number;
      const y1 = c[2 * (start + (e + 1 === m ? 0 : e + 1)) + 1] as number;
      return [clamp(Math.min(y0, y1)), clamp(Math.max(y0, y1))];
    };
    const counts = new Uint32Array(bands + 1);
    for (let e = 0; e < m; e++) {
      const [lo, hi] = span(e);
      for (let b = lo; b <= hi; b++) counts[b + 1] = (counts[b + 1] as number) + 1;
    }
    for (let b = 0; b < bands; b++) counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
    const first = this.edges.length;
    const fill = new Uint32Array(bands);
    for (let b = 0; b < bands; b++) fill[b] = first + (counts[b] as number);
    this.edges.reserve(counts[bands] as number);
    for (let e = 0; e < m; e++) {
      const [lo, hi] = span(e);
      for (let b = lo; b <= hi; b++) {
        this.edges.set(fill[b] as number, e);
        fill[b] = (fill[b] as number) + 1;
      }
    }
    this.base.push(this.offsets.length);
    for (let b = 0; b <= bands; b++) this.offsets.push(first + (counts[b] as number));
    this.count.push(bands);
    this.minY.push(minY);
    this.h.push(bandH);
    return this.count.length - 1;
  }

  finish() {
    return {
      bandCount: Uint32Array.from(this.count),
      bandMinY: Float64Array.from(this.minY),
      bandH: Float64Array.from(this.h),
      bandBase: Uint32Array.from(this.base),
      bandOffsets: this.offsets.done(),
      bandEdges: this.edges.done(),
    };
  }
}

/** A growing Uint32Array. */
export class Grow {
  private data = new Uint32Array(16);
  length = 0;

  push(v: number): void {
    this.reserve(1);
    this.data[this.length - 1] = v;
  }

  /** Adds n slots at the end (zero-filled), to be set with set(). */
  reserve(n: number): void {
    if (this.length + n > this.data.length) {
      const more = new Uint32Array(Math.max(2 * this.data.length, this.length + n));
      more.set(this.data.subarray(0, this.length));
      this.data = more;
    }
    this.length += n;
  }

  set(at: number, v: number): void {
    this.data[at] = v;
  }

  get(at: number): number {
    return this.data[at] as number;
  }

  /** The values, trimmed to their length. */
  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}
