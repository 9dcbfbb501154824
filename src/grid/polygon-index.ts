import type { AreaGeometry } from '../city/schema.ts';
import { type BucketGrid, boxTree, buildBucketGrid } from './bucket-grid.ts';
import { packRings, type RingStore, ringHoldsOdd, ringTouchesBox } from './polygon-rings.ts';

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
  /**
   * The one geometry that holds every point of the box [x0, x1] × [y0, y1], and no other geometry holds any of it,
   * if so: no edge of any part passes within a hair of the box, and the parts holding the box's centre all belong to
   * that geometry. A whole-box answer for callers that would otherwise test many points in the box one by one;
   * undefined means "test them", never "none".
   */
  soleHolder(x0: number, y0: number, x1: number, y1: number): number | undefined;
  /**
   * containing() for many points in one box: `near` lists the parts whose boxes meet [x0, x1] × [y0, y1], and the
   * returned function answers as containing() does for any point of that box, without searching the tree again.
   */
  containingNear(x0: number, y0: number, x1: number, y1: number): (lon: number, lat: number) => number[];
  /** Planar area in square degrees (holes subtracted); for ranking only. */
  areaOf(i: number): number;
  bboxOf(i: number): BBox;
  /** The rings of geometry i's indexed parts (outer ring first), as [lon, lat] positions, part by part. */
  partsOf(i: number): number[][][][];
}

/**
 * How far (in degrees, ~0.1 mm) an edge must stay from a box for soleHolder to trust one test for the whole box:
 * far beyond the rounding of the crossing test, so every point of the box gets the answer of its centre.
 */
const HAIR = 1e-9;

/**
 * Builds the index; geometry i of the input is index i in every answer. Everything lives in a few typed arrays (see
 * polygon-rings.ts), not in an object per part or ring: a city of a million unit cells is a million geometries.
 */
export function buildPolygonIndex(geometries: readonly AreaGeometry[]): PolygonIndex {
  const store = packRings(geometries);
  const { partOwner, partRing, partBox, ownerPart, areas } = store;
  const partCount = partOwner.length;
  const tree = boxTree(partBox, partCount);
  const holds = (p: number, x: number, y: number): boolean => partHolds(store, p, x, y);
  // Built on the first locate(): indexes that only answer the other questions never pay for it.
  let grid: BucketGrid | undefined;
  const buckets = (): BucketGrid => {
    grid ??= buildBucketGrid(partBox, partCount);
    return grid;
  };
  // locate()'s step: the geometry that part p makes the answer for (lon, lat), given the answer so far (-1: none).
  const better = (p: number, best: number, lon: number, lat: number): number => {
    const i = partOwner[p] as number;
    if (i === best || !inPartBox(partBox, p, lon, lat)) return best;
    if (best >= 0) {
      const [a, b] = [areas[i] as number, areas[best] as number];
      if (a > b || (a === b && i > best)) return best;
    }
    return holds(p, lon, lat) ? i : best;
  };

  return {
    size: geometries.length,
    contains(i, lon, lat) {
      for (let p = ownerPart[i] as number, end = ownerPart[i + 1] as number; p < end; p++) {
        if (inPartBox(partBox, p, lon, lat) && holds(p, lon, lat)) return true;
      }
      return false;
    },
    containing(lon, lat) {
      if (!tree || !Number.isFinite(lon) || !Number.isFinite(lat)) return [];
      const found: number[] = [];
      for (const p of tree.search(lon, lat, lon, lat)) {
        const owner = partOwner[p] as number;
        if (!found.includes(owner) && holds(p, lon, lat)) found.push(owner);
      }
      return found.length > 1 ? found.sort((a, b) => a - b) : found;
    },
    containingNear(x0, y0, x1, y1) {
      const near = tree && x0 <= x1 && y0 <= y1 ? tree.search(x0, y0, x1, y1) : [];
      return (lon, lat) => {
        const found: number[] = [];
        if (!Number.isFinite(lon) || !Number.isFinite(lat)) return found;
        for (const p of near) {
          const owner = partOwner[p] as number;
          if (!found.includes(owner) && inPartBox(partBox, p, lon, lat) && holds(p, lon, lat)) found.push(owner);
        }
        return found.length > 1 ? found.sort((a, b) => a - b) : found;
      };
    },
    // On the hot path of point assignment over polygon cells: no tree walk for parts of the common size (see
    // bucket-grid.ts), no set, no sort.
    locate(lon, lat) {
      const { start, items, bigTree, bigBoxes, bucketOf } = buckets();
      const b = bucketOf(lon, lat);
      let best = -1;
      if (b >= 0) {
        const end = start[b + 1] as number;
        for (let k = start[b] as number; k < end; k++) best = better(items[k] as number, best, lon, lat);
      }
      if (bigTree && Number.isFinite(lon) && Number.isFinite(lat)) {
        for (const q of bigTree.search(lon, lat, lon, lat)) best = better(bigBoxes[q] as number, best, lon, lat);
      }
      return best >= 0 ? best : undefined;
    },
    soleHolder(x0, y0, x1, y1) {
      if (!tree || !(x0 <= x1 && y0 <= y1)) return undefined;
      const [a, b, c, d] = [x0 - HAIR, y0 - HAIR, x1 + HAIR, y1 + HAIR];
      const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
      let holder: number | undefined;
      // A part none of whose edges comes near the box holds all of the box or none of it: its centre tells which.
      for (const p of tree.search(a, b, c, d)) {
        for (let r = partRing[p] as number, end = partRing[p + 1] as number; r < end; r++) {
          if (ringTouchesBox(store, r, a, b, c, d)) return undefined;
        }
        if (!holds(p, cx, cy)) continue;
        if (holder !== undefined && holder !== partOwner[p]) return undefined;
        holder = partOwner[p];
      }
      return holder;
    },
    areaOf: (i) => areas[i] ?? 0,
    bboxOf(i) {
      let [a, b, c, d] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let p = ownerPart[i] ?? 0, end = ownerPart[i + 1] ?? 0; p < end; p++) {
        a = Math.min(a, partBox[4 * p] as number);
        b = Math.min(b, partBox[4 * p + 1] as number);
        c = Math.max(c, partBox[4 * p + 2] as number);
        d = Math.max(d, partBox[4 * p + 3] as number);
      }
      return [a, b, c, d];
    },
    partsOf(i) {
      const out: number[][][][] = [];
      for (let p = ownerPart[i] ?? 0, end = ownerPart[i + 1] ?? 0; p < end; p++) {
        const rings: number[][][] = [];
        for (let r = partRing[p] as number; r < (partRing[p + 1] as number); r++) rings.push(ringPositions(store, r));
        out.push(rings);
      }
      return out;
    },
  };
}

/** Even-odd over all rings of one part: inside the outer ring and in no hole. */
function partHolds(store: RingStore, p: number, x: number, y: number): boolean {
  let inside = false;
  for (let r = store.partRing[p] as number, end = store.partRing[p + 1] as number; r < end; r++) {
    if (ringHoldsOdd(store, r, x, y)) inside = !inside;
  }
  return inside;
}

function ringPositions(store: RingStore, r: number): number[][] {
  const out: number[][] = [];
  for (let v = store.ringVertex[r] as number; v < (store.ringVertex[r + 1] as number); v++) {
    out.push([store.coords[2 * v] as number, store.coords[2 * v + 1] as number]);
  }
  return out;
}

const inPartBox = (box: Float64Array, p: number, x: number, y: number): boolean =>
  x >= (box[4 * p] as number) &&
  x <= (box[4 * p + 2] as number) &&
  y >= (box[4 * p + 1] as number) &&
  y <= (box[4 * p + 3] as number);
