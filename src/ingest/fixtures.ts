import type { City } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { CityDef } from '../city/schema.ts';
import { buildGrid } from '../grid/index.ts';
import type { Grid } from '../grid/types.ts';
import { buildSensorRegistry, type SensorRegistry } from '../sensors/registry.ts';

/** The tiny test city (src/city/fixtures.ts) resolved, with its grid and sensor registry, for ingest tests. */
export function tinyIngestCity(edit: (def: CityDef) => void = () => {}): {
  city: City;
  grid: Grid;
  sensors: SensorRegistry;
} {
  const def = tinyCityDef();
  edit(def);
  const city = resolveCity(def);
  if (!city.ok) throw city.error;
  const grid = buildGrid(city.value);
  if (!grid.ok) throw grid.error;
  const sensors = buildSensorRegistry(city.value, grid.value);
  if (!sensors.ok) throw sensors.error;
  return { city: city.value, grid: grid.value, sensors: sensors.value };
}
