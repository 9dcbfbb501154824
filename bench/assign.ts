import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cellsToMultiPolygon, cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import type { City, PolygonCellDef } from '../src/city/city.ts';
import { tinyCityDef } from '../src/city/fixtures.ts';
import { resolveCity } from '../src/city/resolve.ts';
import type { AreaDef } from '../src/city/schema.ts';
import { buildGrid } from '../src/grid/h3-grid.ts';
import { buildPolygonIndex } from '../src/grid/polygon-index.ts';
import type { Grid } from '../src/grid/types.ts';
import { mulberry32 } from '../src/sim/rng.ts';

export const description =
  'points/s for point → cell → area path (H3 cells, polygon cells) vs raw h3-js; 1M-cell heap (H3 and polygon cells)';

const log = (msg: string) => process.stderr.write(`[bench assign] ${msg}\n`);
const CENTRE = { lon: 10, lat: 50 };

/** A blob city: the cells of an H3 disk, leaves = cells grouped by the nearest of `areas` random seeds (via parents). */
function blobCity(res: number, k: number, areas: number, seed: number, coarse = Math.max(0, res - 2)): City {
  const random = mulberry32(seed);
  const cells = gridDisk(latLngToCell(CENTRE.lat, CENTRE.lon, res), k);
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

/**
 * An official-style unit grid over the city: squares of `sideM` metres on a side (100 m = 10,000 m², as in the
 * digital urban-management standard), kept where their centre lies in the city, coded by row and column.
 */
function squareCells(city: City, h3: Grid, sideM: number): PolygonCellDef[] {
  const [x0, y0, x1, y1] = bboxOf(city);
  const dLat = sideM / 111_320;
  const dLon = sideM / (111_320 * Math.cos((((y0 + y1) / 2) * Math.PI) / 180));
  const cells: PolygonCellDef[] = [];
  for (let r = 0; y0 + r * dLat < y1; r++) {
    for (let c = 0; x0 + c * dLon < x1; c++) {
      const [a, b] = [x0 + c * dLon, y0 + r * dLat];
      if (!h3.assign(a + dLon / 2, b + dLat / 2).ok) continue;
      const ring = [
        [a, b],
        [a + dLon, b],
        [a + dLon, b + dLat],
        [a, b + dLat],
        [a, b],
      ];
      cells.push({ code: `U${r}-${c}`, geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  return cells;
}

function bboxOf(city: City): [number, number, number, number] {
  const leaves = [...city.areas.values()].flatMap((a) => (a.geometry ? [a.geometry] : []));
  const index = buildPolygonIndex(leaves);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < index.size; i++) {
    const b = index.bboxOf(i);
    [x0, y0, x1, y1] = [Math.min(x0, b[0]), Math.min(y0, b[1]), Math.max(x1, b[2]), Math.max(y1, b[3])];
  }
  return [x0, y0, x1, y1];
}

function randomPoints(city: City, n: number, seed: number): { lon: Float64Array; lat: Float64Array } {
  const [x0, y0, x1, y1] = bboxOf(city);
  const random = mulberry32(seed);
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lon[i] = x0 + random() * (x1 - x0);
    lat[i] = y0 + random() * (y1 - y0);
  }
  return { lon, lat };
}

/**
 * Each loop over all points, `rounds` times. The loops take turns round by round, so that each meets the same state of
 * the machine and of h3-js's warm-up; timed one after another, the last ones ran warmer. `perS` is the best round;
 * `vsFirst` the median over rounds of the loop's rate over the first loop's in the same round, which a machine whose
 * speed drifts during the run (as this shared one does) moves far less than it moves a ratio of two best rounds.
 */
type Rate = { perS: number; hits: number; vsFirst: number };

function rates(n: number, rounds: number, fns: readonly (() => number)[]): Rate[] {
  const times = fns.map(() => [] as number[]);
  const hits = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      hits[k] = fn();
      times[k]?.push(performance.now() - t0);
    }
  }
  const first = times[0] as number[];
  return times.map((ms, k) => ({
    perS: Math.round(n / (Math.min(...ms) / 1000)),
    hits: hits[k] as number,
    vsFirst: Number(median(ms.map((t, r) => (first[r] as number) / t)).toFixed(3)),
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function h3GridOf(city: City): Grid {
  const grid = buildGrid(city);
  if (!grid.ok) throw grid.error;
  return grid.value;
}

function assignRun(areas: number, n: number, rounds: number, sideM: number) {
  const city = blobCity(9, 150, areas, 7 + areas, 8);
  const g = h3GridOf(city);
  const { lon, lat } = randomPoints(city, n, 11);
  const leaves = [...city.areas.values()].filter((a) => a.children.length === 0);
  // Squares from a grid of their own, so that the measured grid `g` starts as fresh as the polygon grid does.
  const squares = squareCells(city, h3GridOf(city), sideM);
  const t0 = performance.now();
  const pg = buildGrid({ ...city, grid: { ...city.grid, kind: 'polygons', cells: squares } });
  if (!pg.ok) throw pg.error;
  const polygonBuildMs = Math.round(performance.now() - t0);
  log(
    `${leaves.length} areas: ${g.cellCount} H3 cells at res 9, ${pg.value.cellCount} ${sideM} m squares, ${n} points`,
  );
  const rawLoop = () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += latLngToCell(lat[i] as number, lon[i] as number, 9).length > 0 ? 1 : 0;
    return s;
  };
  const assignAll = (grid: typeof g) => () => {
    let s = 0;
    for (let i = 0; i < n; i++) if (grid.assign(lon[i] as number, lat[i] as number).ok) s++;
    return s;
  };
  const [raw, h3, poly] = rates(n, rounds, [rawLoop, assignAll(g), assignAll(pg.value)]) as [Rate, Rate, Rate];
  log(
    `  raw ${raw.perS}/s, H3 cells ${h3.perS}/s (${h3.hits} inside, ${h3.vsFirst} of raw), polygon cells ${poly.perS}/s (${poly.hits}, ${poly.vsFirst} of raw)`,
  );
  return {
    areas: leaves.length,
    h3_cells: g.cellCount,
    polygon_cells: pg.value.cellCount,
    polygon_cell_m2: sideM * sideM,
    polygon_build_ms: polygonBuildMs,
    raw_h3_per_s: raw.perS,
    h3_grid_assign_per_s: h3.perS,
    polygon_grid_assign_per_s: poly.perS,
    h3_vs_raw: h3.vsFirst,
    polygon_vs_raw: poly.vsFirst,
    inside_h3: h3.hits,
    inside_polygon: poly.hits,
  };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const sideM = Number(process.env.BENCH_SQUARE_M ?? 100);
  const runs = [100, 1000].map((a) => assignRun(a, n, rounds, sideM));

  if (process.env.BENCH_SKIP_MEMORY) return void console.log(JSON.stringify({ bench: 'assign', n, runs }));
  const gc = collectGarbage();
  const memory = h3MemoryRun(gc);
  const polygonMemory = polygonMemoryRun(gc, Number(process.env.BENCH_POLYGON_SQUARE_M ?? 100));
  console.log(
    JSON.stringify({
      bench: 'assign',
      n,
      runs,
      memory,
      polygon_memory: polygonMemory,
      node: process.version,
      cores: cpus().length,
    }),
  );
}

/** The H3 grid of a city of about 1M res-10 cells and 300 areas. */
function h3MemoryRun(gc: () => void) {
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
  return {
    cells: grid.value.cellCount,
    build_ms: buildMs,
    heap_used_mb: Math.round(after.heapUsed / 2 ** 20),
    grid_heap_mb: Math.round((after.heapUsed - before) / 2 ** 20),
    rss_mb: Math.round(after.rss / 2 ** 20),
  };
}

/**
 * A polygon-cell city of about 1M official unit cells: 100 m squares over a ~10,000 km² blob of 300 areas. The
 * squares are made as a cells file would give them (one GeoJSON Polygon each) and dropped once the grid is built,
 * as the grid keeps none of them: heap_used_mb is the city and its grid, grid_heap_mb and grid_array_buffers_mb the
 * grid's own share (its typed arrays live outside the heap), input_heap_mb what the squares took,
 * answered_heap_mb the heap once every cell has cached its answer.
 */
function polygonMemoryRun(gc: () => void, sideM: number) {
  log(`polygon memory: a city of about 1M ${sideM} m squares and 300 areas`);
  const city = blobCity(9, 185, 300, 3, 8);
  gc();
  const bare = process.memoryUsage().heapUsed;
  // The H3 grid that decides which squares lie in the city is not held on to: it is not part of this measurement.
  let squares: PolygonCellDef[] | undefined = squareCells(city, h3GridOf(city), sideM);
  gc();
  // After the squares: making them grows h3-js's own buffer, which is not the grid's.
  const { heapUsed: before, arrayBuffers: bareBuffers } = process.memoryUsage();
  const t0 = performance.now();
  const grid = buildGrid({ ...city, grid: { ...city.grid, kind: 'polygons', cells: squares } });
  const buildMs = Math.round(performance.now() - t0);
  if (!grid.ok) throw grid.error;
  const peakRss = process.memoryUsage().rss;
  squares = undefined;
  gc();
  const after = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  // Each cell keeps its answer once a point lands in it: the heap once every cell has had one.
  for (const cell of grid.value.allCells()) grid.value.assign(...grid.value.centre(cell));
  gc();
  const warm = process.memoryUsage();
  log(
    `  ${grid.value.cellCount} cells in ${buildMs} ms; heap ${mb(after.heapUsed)} MB (grid ${mb(after.heapUsed - bare)} MB), rss ${mb(after.rss)} MB; every cell answered: heap ${mb(warm.heapUsed)} MB`,
  );
  return {
    cells: grid.value.cellCount,
    square_m: sideM,
    build_ms: buildMs,
    heap_used_mb: mb(after.heapUsed),
    grid_heap_mb: mb(after.heapUsed - bare),
    grid_array_buffers_mb: mb(after.arrayBuffers - bareBuffers),
    rss_mb: mb(after.rss),
    input_heap_mb: mb(before - bare),
    answered_heap_mb: mb(warm.heapUsed),
    answered_rss_mb: mb(warm.rss),
    build_rss_mb: mb(peakRss),
  };
}
