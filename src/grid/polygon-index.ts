import Flatbush from 'flatbush';
import type { AreaGeometry } from '../city/schema.ts';

/** [minLon, minLat, maxLon, maxLat]. */
export type BBox = readonly [number, number, number, number];

/**
 * Exact point-in-polygon over many Polygons and MultiPolygons (WGS84 lon/lat, GeoJSON order): a flatbush index over
 * the bounding box of every polygon part picks the candidates, and an even-odd crossing test over the part's rings
 * (outer ring and holes together) decides. A MultiPolygon holds a point when any of its parts does.
 */
export interface PolygonIndex {
  readonly size: number;
  /** Whether geometry i holds the point. */
  contains(i: number, lon: number, lat: number): boolean;
  /** Every geometry that holds the point, in ascending index order. */
  containing(lon: number, lat: number): number[];
  /**
   * The one geometry a point belongs to: the smallest (by planar area) of those that hold it, lowest index on a tie,
   * so that the answer does not depend on input order and an enclave wins over the area around it.
   */
  locate(lon: number, lat: number): number | undefined;
  /** Planar area in square degrees (holes subtracted); for ranking only. */
  areaOf(i: number): number;
  bboxOf(i: number): BBox;
}

interface Part {
  readonly owner: number;
  /** The outer ring first, then the holes. */
  readonly rings: readonly Ring[];
  readonly bbox: BBox;
}

/** Builds the index; geometry i of the input is index i in every answer. */
export function buildPolygonIndex(geometries: readonly AreaGeometry[]): PolygonIndex {
  const parts: Part[] = [];
  const partsOf: Part[][] = geometries.map(() => []);
  const areas: number[] = [];
  const boxes: BBox[] = [];
  for (const [owner, g] of geometries.entries()) {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let area = 0;
    let box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const rings of polygons) {
      const flat = rings.map(flatten);
      const outer = flat[0];
      if (!outer || outer.length < 6) continue;
      const bbox = ringBBox(outer);
      const part = { owner, rings: flat.map(makeRing), bbox };
      parts.push(part);
      partsOf[owner]?.push(part);
      area += flat.reduce((sum, r, k) => sum + (k === 0 ? 1 : -1) * Math.abs(ringArea(r)), 0);
      box = [
        Math.min(box[0], bbox[0]),
        Math.min(box[1], bbox[1]),
        Math.max(box[2], bbox[2]),
        Math.max(box[3], bbox[3]),
      ];
    }
    areas.push(area);
    boxes.push(box);
  }
  let tree: Flatbush | undefined;
  if (parts.length > 0) {
    tree = new Flatbush(parts.length);
    for (const p of parts) tree.add(p.bbox[0], p.bbox[1], p.bbox[2], p.bbox[3]);
    tree.finish();
  }

  const containing = (lon: number, lat: number): number[] => {
    if (!tree || !Number.isFinite(lon) || !Number.isFinite(lat)) return [];
    const found = new Set<number>();
    for (const k of tree.search(lon, lat, lon, lat)) {
      const part = parts[k];
      if (part && !found.has(part.owner) && partHolds(part, lon, lat)) found.add(part.owner);
    }
    return [...found].sort((a, b) => a - b);
  };

  return {
    size: geometries.length,
    contains: (i, lon, lat) => (partsOf[i] ?? []).some((p) => inBox(p.bbox, lon, lat) && partHolds(p, lon, lat)),
    containing,
    // On the hot path of point assignment over polygon cells: no set, no sort.
    locate(lon, lat) {
      if (!tree || !Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
      let best: number | undefined;
      for (const k of tree.search(lon, lat, lon, lat)) {
        const part = parts[k];
        if (!part) continue;
        const i = part.owner;
        if (best !== undefined && i !== best) {
          const [a, b] = [areas[i] ?? 0, areas[best] ?? 0];
          if (a > b || (a === b && i > best)) continue;
        }
        if (i !== best && partHolds(part, lon, lat)) best = i;
      }
      return best;
    },
    areaOf: (i) => areas[i] ?? 0,
    bboxOf: (i) => boxes[i] ?? [Infinity, Infinity, -Infinity, -Infinity],
  };
}

/** Even-odd over all rings of one polygon: inside the outer ring and in no hole. */
function partHolds(part: Part, x: number, y: number): boolean {
  let inside = false;
  for (const ring of part.rings) if (ringCrossesOdd(ring, x, y)) inside = !inside;
  return inside;
}

/**
 * W. R. Franklin's PNPOLY crossing test (https://wrfranklin.org/Research/Short_Notes/pnpoly.html), counting the edges
 * that a ray from the point towards +x crosses. Long rings (official boundaries have hundreds of vertices) look only
 * at the edges of the point's horizontal band, which makes the test about O(1) per ring instead of O(vertices).
 */
function ringCrossesOdd(r: Ring, x: number, y: number): boolean {
  const c = r.coords;
  const m = c.length >> 1;
  let odd = false;
  if (r.bands === 0) {
    for (let e = 0; e < m; e++) if (crosses(c, e, e + 1 === m ? 0 : e + 1, x, y)) odd = !odd;
    return odd;
  }
  const b = Math.floor((y - r.minY) / r.bandH);
  if (!(b >= 0 && b < r.bands)) return false;
  for (let k = r.offsets[b] as number, end = r.offsets[b + 1] as number; k < end; k++) {
    const e = r.edges[k] as number;
    if (crosses(c, e, e + 1 === m ? 0 : e + 1, x, y)) odd = !odd;
  }
  return odd;
}

function crosses(c: Float64Array, i: number, j: number, x: number, y: number): boolean {
  const xi = c[2 * i] as number;
  const yi = c[2 * i + 1] as number;
  const xj = c[2 * j] as number;
  const yj = c[2 * j + 1] as number;
  return yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi;
}

/** Rings with fewer edges than this are tested edge by edge; banding would not pay. */
const BAND_MIN_EDGES = 32;
/** Aim at about this many edges per band. */
const EDGES_PER_BAND = 4;

interface Ring {
  /** Flat [x0, y0, x1, y1, …]; closed or not, the test is the same. */
  readonly coords: Float64Array;
  readonly bands: number;
  readonly minY: number;
  readonly bandH: number;
  /** Band b holds edges[offsets[b] … offsets[b + 1]); edge e joins vertex e to the next. */
  readonly offsets: Uint32Array;
  readonly edges: Uint32Array;
}

function makeRing(coords: Float64Array): Ring {
  const m = coords.length >> 1;
  const [, minY, , maxY] = ringBBox(coords);
  const bands = m < BAND_MIN_EDGES || !(maxY > minY) ? 0 : Math.ceil(m / EDGES_PER_BAND);
  const bandH = bands === 0 ? 1 : (maxY - minY) / bands;
  const span = (e: number): [number, number] => {
    const y0 = coords[2 * e + 1] as number;
    const y1 = coords[2 * (e + 1 === m ? 0 : e + 1) + 1] as number;
    const clamp = (v: number) => Math.min(bands - 1, Math.max(0, Math.floor((v - minY) / bandH)));
    return [clamp(Math.min(y0, y1)), clamp(Math.max(y0, y1))];
  };
  const offsets = new Uint32Array(bands + 1);
  for (let e = 0; bands > 0 && e < m; e++) {
    const [lo, hi] = span(e);
    for (let b = lo; b <= hi; b++) offsets[b + 1] = (offsets[b + 1] as number) + 1;
  }
  for (let b = 0; b < bands; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
  const edges = new Uint32Array(bands === 0 ? 0 : (offsets[bands] as number));
  const fill = offsets.slice(0, bands);
  for (let e = 0; bands > 0 && e < m; e++) {
    const [lo, hi] = span(e);
    for (let b = lo; b <= hi; b++) {
      edges[fill[b] as number] = e;
      fill[b] = (fill[b] as number) + 1;
    }
  }
  return { coords, bands, minY, bandH, offsets, edges };
}

function flatten(ring: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(ring.length * 2);
  for (const [k, p] of ring.entries()) {
    out[2 * k] = p[0] ?? Number.NaN;
    out[2 * k + 1] = p[1] ?? Number.NaN;
  }
  return out;
}

function ringBBox(r: Float64Array): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < r.length; i += 2) {
    const x = r[i] as number;
    const y = r[i + 1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Shoelace area of a ring, signed. */
function ringArea(r: Float64Array): number {
  let sum = 0;
  const n = r.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    sum += ((r[j] as number) - (r[i] as number)) * ((r[j + 1] as number) + (r[i + 1] as number));
  }
  return sum / 2;
}

const inBox = (b: BBox, x: number, y: number): boolean => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
