import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { weighted } from './rng.ts';

/** The fictional city's centre. Open country in a made-up place: no real city's data is used. */
export const DEMO_CENTRE = { lon: 10, lat: 50 } as const;
export const DEMO_RESOLUTION = 9;
export const DEMO_CELLS = 5000;

const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 111.32 * Math.cos((DEMO_CENTRE.lat * Math.PI) / 180);

/** A cell with its centre in kilometres east (x) and north (y) of the city centre. */
export interface PlacedCell {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export const toKm = (lon: number, lat: number): [number, number] => [
  (lon - DEMO_CENTRE.lon) * KM_PER_DEG_LON,
  (lat - DEMO_CENTRE.lat) * KM_PER_DEG_LAT,
];
export const fromKm = (x: number, y: number): [number, number] => [
  DEMO_CENTRE.lon + x / KM_PER_DEG_LON,
  DEMO_CENTRE.lat + y / KM_PER_DEG_LAT,
];

/**
 * The city's cells: the DEMO_CELLS cells nearest the centre under an irregular, star-shaped radius (a few sine
 * harmonics of the bearing), so that the outline is a blob without holes rather than a hexagon.
 */
export function cityCells(random: () => number): PlacedCell[] {
  const phases = [random(), random(), random()].map((p) => p * 2 * Math.PI);
  const radius = (theta: number) =>
    1 +
    0.18 * Math.sin(2 * theta + (phases[0] ?? 0)) +
    0.1 * Math.sin(3 * theta + (phases[1] ?? 0)) +
    0.05 * Math.sin(5 * theta + (phases[2] ?? 0));
  const centre = latLngToCell(DEMO_CENTRE.lat, DEMO_CENTRE.lon, DEMO_RESOLUTION);
  const scored = gridDisk(centre, 64).map((id) => {
    const [lat, lon] = cellToLatLng(id);
    const [x, y] = toKm(lon, lat);
    return { id, x, y, score: Math.hypot(x, y) / radius(Math.atan2(y, x)) };
  });
  scored.sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1));
  return scored.slice(0, DEMO_CELLS).map(({ id, x, y }) => ({ id, x, y }));
}

/** The river's centre line: a meander crossing the city from west to east, y in km as a function of x in km. */
export const riverY = (x: number): number => 2.2 * Math.sin(x / 4.5 + 0.7) + 0.7 * Math.sin(x / 1.7) - 1.2;

/** Cells whose centre lies within `halfWidth` km of the river's line, west to east. */
export function riverCells(cells: readonly PlacedCell[], halfWidth = 0.2): PlacedCell[] {
  return cells.filter((c) => Math.abs(c.y - riverY(c.x)) <= halfWidth).sort((a, b) => a.x - b.x);
}

/**
 * Splits cells into k compact, contiguous-looking parts: k-means (Lloyd) from k-means++ seeds, each cell going to its
 * nearest seed. Returns the parts in an arbitrary but deterministic order, none empty.
 */
export function partition(random: () => number, cells: readonly PlacedCell[], k: number): PlacedCell[][] {
  const first = cells[Math.floor(random() * cells.length)];
  if (!first) return [];
  const seeds: [number, number][] = [[first.x, first.y]];
  const d2 = (c: PlacedCell, s: readonly [number, number]) => (c.x - s[0]) ** 2 + (c.y - s[1]) ** 2;
  while (seeds.length < k) {
    const next = weighted(random, cells, (c) => Math.min(...seeds.map((s) => d2(c, s))));
    seeds.push([next.x, next.y]);
  }
  let parts: PlacedCell[][] = [];
  for (let iteration = 0; iteration < 12; iteration++) {
    parts = seeds.map(() => []);
    for (const c of cells) {
      let best = 0;
      for (let i = 1; i < seeds.length; i++)
        if (d2(c, seeds[i] as [number, number]) < d2(c, seeds[best] as [number, number])) best = i;
      parts[best]?.push(c);
    }
    for (const [i, part] of parts.entries()) {
      if (part.length === 0) continue;
      seeds[i] = [part.reduce((s, c) => s + c.x, 0) / part.length, part.reduce((s, c) => s + c.y, 0) / part.length];
    }
  }
  return parts.filter((p) => p.length > 0);
}

/** The mean position of some cells, in km. */
export const centroid = (cells: readonly PlacedCell[]): [number, number] => [
  cells.reduce((s, c) => s + c.x, 0) / Math.max(1, cells.length),
  cells.reduce((s, c) => s + c.y, 0) / Math.max(1, cells.length),
];
