import { areasFromFeatureCollection } from '../city/area-features.ts';
import type { City } from '../city/city.ts';
import { parseCityDef } from '../city/load.ts';
import { resolveCity } from '../city/resolve.ts';
import { zonesFromFeatureCollection } from '../city/zone-features.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { Grid } from '../grid/types.ts';
import { DEMO_AREAS_FILE, generateDemoCity } from './demo-city.ts';
import { DEMO_ZONES_FILE } from './demo-zones.ts';

/**
 * The demo city generated, parsed and resolved in memory, with its grid: the same city as cities/demo without
 * touching the file system, for tests and benchmarks inside capability folders. Throws if the generator is broken.
 */
export function demoCityInMemory(): { city: City; grid: Grid } {
  const { yaml, files } = generateDemoCity();
  const def = parseCityDef(yaml, 'city.yaml');
  if (!def.ok) throw def.error;
  const areas = areasFromFeatureCollection(JSON.parse(files[DEMO_AREAS_FILE] ?? 'null'), DEMO_AREAS_FILE);
  if (!areas.ok) throw areas.error;
  const zones = zonesFromFeatureCollection(JSON.parse(files[DEMO_ZONES_FILE] ?? 'null'), DEMO_ZONES_FILE);
  if (!zones.ok) throw zones.error;
  const city = resolveCity(def.value, areas.value, 'city.yaml', zones.value);
  if (!city.ok) throw city.error;
  const grid = buildGrid(city.value);
  if (!grid.ok) throw grid.error;
  return { city: city.value, grid: grid.value };
}
