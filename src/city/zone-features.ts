import { TypeCompiler } from '@sinclair/typebox/compiler';
import { err, ok, type Result } from '../shared/result.ts';
import type { AreaOrigin } from './area-features.ts';
import { invalid } from './load.ts';
import { ZoneDef } from './schema.ts';
import { explainError } from './schema-errors.ts';

const checkZone = TypeCompiler.Compile(ZoneDef);
const origins = new WeakMap<ZoneDef, AreaOrigin>();

/** The file and JSON pointer of a zone read from a GeoJSON file, if it was. */
export const zoneOrigin = (zone: ZoneDef): AreaOrigin | undefined => origins.get(zone);

/**
 * The zones of a GeoJSON FeatureCollection whose features carry `id`, `tag` and `name` in their properties and a
 * Polygon or MultiPolygon geometry. Other properties are ignored.
 */
export function zonesFromFeatureCollection(json: unknown, file: string): Result<ZoneDef[]> {
  if (!isObject(json) || json.type !== 'FeatureCollection' || !Array.isArray(json.features)) {
    return err(invalid(file, '', 'expected a GeoJSON FeatureCollection'));
  }
  const zones: ZoneDef[] = [];
  for (const [i, feature] of json.features.entries()) {
    const at = `/features/${i}`;
    if (!isObject(feature) || feature.type !== 'Feature') return err(invalid(file, at, 'expected a GeoJSON Feature'));
    const props = feature.properties;
    if (!isObject(props)) return err(invalid(file, `${at}/properties`, 'expected an object with id, tag and name'));
    const candidate = { id: props.id, tag: props.tag, name: props.name, geometry: feature.geometry };
    if (!checkZone.Check(candidate)) {
      const first = checkZone.Errors(candidate).First();
      const problem = first ? explainError(first) : { path: '', message: 'is not a valid zone' };
      const path =
        problem.path.startsWith('/geometry') || problem.path === '' ? problem.path : `/properties${problem.path}`;
      return err(invalid(file, at + path, problem.message));
    }
    origins.set(candidate, { file, path: at });
    zones.push(candidate);
  }
  return ok(zones);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
