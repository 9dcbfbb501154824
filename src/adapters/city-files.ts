import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { City, PolygonCellDef } from '../city/city.ts';
import {
  areasFromFeatureCollection,
  invalid,
  parseCityDef,
  resolveCity,
  zonesFromFeatureCollection,
} from '../city/index.ts';
import type { AreaDef, ZoneDef } from '../city/schema.ts';
import { cellsFromFeatureCollection } from '../grid/cell-features.ts';
import { DomainError } from '../shared/errors.ts';
import { generateDemoCity } from '../sim/demo-city.ts';

/**
 * Loads `dir/city.yaml` and the GeoJSON area, zone and polygon-cell files it lists (paths relative to dir), validates
 * and resolves them.
 * Throws a DomainError: CITY_NOT_FOUND when a file is missing, CITY_INVALID (with file and path) when one is wrong.
 */
export async function loadCity(dir: string): Promise<City> {
  const file = join(dir, 'city.yaml');
  const def = parseCityDef(await readText(file), file);
  if (!def.ok) throw def.error;
  const features: AreaDef[] = [];
  for (const name of def.value.areaFiles ?? []) {
    const path = join(dir, name);
    const areas = areasFromFeatureCollection(await readJson(path), path);
    if (!areas.ok) throw areas.error;
    features.push(...areas.value);
  }
  const zones: ZoneDef[] = [];
  for (const name of def.value.zoneFiles ?? []) {
    const path = join(dir, name);
    const read = zonesFromFeatureCollection(await readJson(path), path);
    if (!read.ok) throw read.error;
    zones.push(...read.value);
  }
  let cells: PolygonCellDef[] = [];
  const grid = def.value.grid;
  if (grid.kind === 'polygons' && grid.file !== undefined) {
    const path = join(dir, grid.file);
    const read = cellsFromFeatureCollection(await readJson(path), grid.codeProp ?? 'code', path);
    if (!read.ok) throw read.error;
    cells = read.value;
  }
  const city = resolveCity(def.value, features, file, zones, cells);
  if (!city.ok) throw city.error;
  return city.value;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readText(path));
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw invalid(path, '', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new DomainError('CITY_NOT_FOUND', `${file} does not exist`, { file });
    }
    throw e;
  }
}

/**
 * Writes the generated demo city (city.yaml and its area files) into dir, creating it if needed. This is what
 * `gridloop demo generate` runs; the files in cities/demo are its output and a test checks they are up to date.
 * Returns the paths written.
 */
export async function writeDemoCity(dir: string): Promise<string[]> {
  const { yaml, files } = generateDemoCity();
  const out: [string, string][] = [
    [join(dir, 'city.yaml'), yaml],
    ...Object.entries(files).map(([name, text]) => [join(dir, name), text] as [string, string]),
  ];
  for (const [path, text] of out) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  }
  return out.map(([path]) => path);
}
