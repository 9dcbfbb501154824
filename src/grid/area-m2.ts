import type { AreaGeometry } from '../city/schema.ts';

/** Mean radius of the WGS84 ellipsoid (IUGG R1), in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/**
 * Signed area of a ring of [lon, lat] positions on the sphere of the WGS84 mean radius, in m²: the spherical-excess
 * "ring area" sum of Chamberlain & Duquette ("Some algorithms for polygons on a sphere", JPL 2007), as used by d3 and
 * geojson-area. Positive for clockwise rings, negative for counter-clockwise ones; closed or not, the answer is the
 * same. Accurate to well under 0.5% for city-sized rings against the ellipsoid.
 */
export function ringAreaM2(ring: readonly (readonly number[])[]): number {
  let n = ring.length;
  if (n > 1 && samePoint(ring[0], ring[n - 1])) n--;
  if (n < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const prev = ring[(i + n - 1) % n] as readonly number[];
    const here = ring[i] as readonly number[];
    const next = ring[(i + 1) % n] as readonly number[];
    sum += ((next[0] as number) - (prev[0] as number)) * RAD * Math.sin((here[1] as number) * RAD);
  }
  return (-sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

/** Area of a Polygon (outer ring minus holes) or MultiPolygon in m², whatever the rings' winding. */
export function geometryAreaM2(geometry: AreaGeometry): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const rings of polygons) {
    for (const [k, ring] of rings.entries()) total += (k === 0 ? 1 : -1) * Math.abs(ringAreaM2(ring));
  }
  return total;
}

function samePoint(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}
