import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cellsToMultiPolygon, cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import type { City } from '../src/city/city.ts';
import { tinyCityDef } from '../src/city/fixtures.ts';
import { resolveCity } from '../src/city/resolve.ts';
import type { AreaDef } from '../src/city/schema.ts';
import { buildGrid } from '../src/grid/h3-grid.ts';
import { buildPolygonIndex } from '../src/grid/polygon-index.ts';
import { mulberry32 } from '../src/sim/rng.ts';

export const description = 'points/s for point → cell → area path (H3 grid, polygon index) vs raw h3-js; 1M-cell heap';

const log = (msg: string) => process.stderr.write(`[bench assign] ${msg}\n`);
const CENTRE = { lon: 10, lat: 50 };

/** A blob city: the cells of an H3 disk, leaves = cells grouped by the nearest of `areas` random seeds (via parents). */
function blobCity(res: number, k: number, areas: number, seed: number): City {
  const random = mulberry32(seed);
  const cells = gridDisk(latLngToCell(CENTRE.lat, CENTRE.lon, res), k);
  const coarse = Math.max(0, res - 2);
  const seeds = Array.from({ length: areas }, () => cellToLatLng(cells[Math.floor(random() * cells.length)] as string));
  const leafOfParent = new Map<string, number>();
  const groups: string[][] = seeds.map(() => []);
  for (const c of cells) {
    const p = cellToParent(c, coarse);
    let leaf = leafOfParent.get(p);
    if (leaf === undefined) {
      const [y, x] = cellToLatLng(p);
      let best = Infinity;
      for (const [i, [sy, sx]] of seeds.entries()) {
        const d = (sy - y) ** 2 + ((sx - x) * 0.64) ** 2;
        if (d < best) [best, leaf] = [d, i];
      }
      leafOfParent.set(p, leaf as number);
    }
    groups[leaf as number]?.push(c);
  }
  const features: AreaDef[] = [];
  for (const [i, g] of groups.entries()) {
    if (g.length === 0) continue;
    features.push({
      id: `a${i}`,
      name: `Area ${i}`,
      level: 'area',
      parent: 'bench',
      geometry: { type: 'MultiPolygon', coordinates: cellsToMultiPolygon(g, true) },
    });
  }
  const def = {
    ...tinyCityDef(),
    id: 'bench',
    grid: { kind: 'h3' as const, resolution: res },
    levels: ['city', 'area'],
    areas: [{ id: 'bench', name: 'Bench', level: 'city' }],
    teams: [],
    sensors: [],
    rules: [],
    zones: [],
    zoneRules: [],
  };
  const city = resolveCity(def, features);
  if (!city.ok) throw city.error;
  return city.value;
}

function randomPoints(city: City, n: number, seed: number): { lon: Float64Array; lat: Float64Array } {
  const leaves = [...city.areas.values()].flatMap((a) => (a.geometry ? [a.geometry] : []));
  const index = buildPolygonIndex(leaves);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < index.size; i++) {
    const b = index.bboxOf(i);
    [x0, y0, x1, y1] = [Math.min(x0, b[0]), Math.min(y0, b[1]), Math.max(x1, b[2]), Math.max(y1, b[3])];
  }
  const random = mulberry32(seed);
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lon[i] = x0 + random() * (x1 - x0);
    lat[i] = y0 + random() * (y1 - y0);
  }
  return { lon, lat };
}

/** Best of `rounds` timings of fn over all points, in points/s. */
function rate(n: number, rounds: number, fn: () => number): { perS: number; hits: number } {
  let best = Infinity;
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    hits = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { perS: Math.round(n / (best / 1000)), hits };
}

function assignRun(areas: number, n: number, rounds: number) {
  const city = blobCity(9, 150, areas, 7 + areas);
  const grid = buildGrid(city);
  if (!grid.ok) throw grid.error;
  const g = grid.value;
  const { lon, lat } = randomPoints(city, n, 11);
  const leaves = [...city.areas.values()].filter((a) => a.children.length === 0);
  const index = buildPolygonIndex(leaves.map((a) => a.geometry as NonNullable<typeof a.geometry>));
  const paths = leaves.map((a) => g.pathOf(a.id));
  log(`${areas} areas: ${g.cellCount} cells at res 9, ${n} points`);
  const raw = rate(n, rounds, () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += latLngToCell(lat[i] as number, lon[i] as number, 9).length > 0 ? 1 : 0;
    return s;
  });
  const h3 = rate(n, rounds, () => {
    let s = 0;
    for (let i = 0; i < n; i++) if (g.assign(lon[i] as number, lat[i] as number).ok) s++;
    return s;
  });
  const poly = rate(n, rounds, () => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const leaf = index.locate(lon[i] as number, lat[i] as number);
      if (leaf !== undefined && paths[leaf]) s++;
    }
    return s;
  });
  log(`  raw ${raw.perS}/s, grid.assign ${h3.perS}/s (${h3.hits} inside), polygon index ${poly.perS}/s (${poly.hits})`);
  return {
    areas: leaves.length,
    cells: g.cellCount,
    raw_h3_per_s: raw.perS,
    h3_grid_assign_per_s: h3.perS,
    polygon_index_locate_per_s: poly.perS,
    h3_vs_raw: Number((h3.perS / raw.perS).toFixed(3)),
    polygon_vs_raw: Number((poly.perS / raw.perS).toFixed(3)),
    inside: h3.hits,
  };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const runs = [100, 1000].map((a) => assignRun(a, n, rounds));

  const gc = collectGarbage();
  log('memory: a city of about 1M res-10 cells and 300 areas');
  const city = blobCity(10, 577, 300, 3);
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const grid = buildGrid(city);
  const buildMs = Math.round(performance.now() - t0);
  if (!grid.ok) throw grid.error;
  gc();
  const after = process.memoryUsage();
  log(
    `  ${grid.value.cellCount} cells; heap ${Math.round(after.heapUsed / 2 ** 20)} MB (grid ${Math.round((after.heapUsed - before) / 2 ** 20)} MB)`,
  );
  console.log(
    JSON.stringify({
      bench: 'assign',
      n,
      runs,
      polygon_note: 'polygon figures: the polygon index over the leaf polygons directly (point → leaf → path)',
      memory: {
        cells: grid.value.cellCount,
        build_ms: buildMs,
        heap_used_mb: Math.round(after.heapUsed / 2 ** 20),
        grid_heap_mb: Math.round((after.heapUsed - before) / 2 ** 20),
        rss_mb: Math.round(after.rss / 2 ** 20),
      },
      node: process.version,
      cores: cpus().length,
    }),
  );
}
