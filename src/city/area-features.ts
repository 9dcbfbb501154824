import { TypeCompiler } from '@sinclair/typebox/compiler';
import { err, ok, type Result } from '../shared/result.ts';
import { invalid } from './load.ts';
import { AreaDef } from './schema.ts';
import { explainError } from './schema-errors.ts';

const checkArea = TypeCompiler.Compile(AreaDef);

/** Where an area came from, so that a later reference error names its file and feature. */
export interface AreaOrigin {
  readonly file: string;
  readonly path: string;
}

// Keyed by the AreaDef objects this module creates: resolveCity's signature stays a plain AreaDef[] while its errors
// can still say "areas.geojson at /features/12/properties/parent" instead of a position in a merged list.
const origins = new WeakMap<AreaDef, AreaOrigin>();

/** The file and JSON pointer of an area read from a GeoJSON file, if it was. */
export const areaOrigin = (area: AreaDef): AreaOrigin | undefined => origins.get(area);

/**
 * The areas of a GeoJSON FeatureCollection whose features carry `id`, `name`, `level` and optional `parent` in their
 * properties, and a Polygon or MultiPolygon (or null, above the leaves) as geometry. Other properties are ignored,
 * since official boundary files carry many; only the four above are kept.
 */
export function areasFromFeatureCollection(json: unknown, file: string): Result<AreaDef[]> {
  if (!isObject(json) || json.type !== 'FeatureCollection' || !Array.isArray(json.features)) {
    return err(invalid(file, '', 'expected a GeoJSON FeatureCollection'));
  }
  const areas: AreaDef[] = [];
  for (const [i, feature] of json.features.entries()) {
    const at = `/features/${i}`;
    if (!isObject(feature) || feature.type !== 'Feature') return err(invalid(file, at, 'expected a GeoJSON Feature'));
    const props = feature.properties;
    if (!isObject(props)) return err(invalid(file, `${at}/properties`, 'expected an object with id, name and level'));
    const candidate: Record<string, unknown> = { id: props.id, name: props.name, level: props.level };
    if (props.parent !== undefined && props.parent !== null) candidate.parent = props.parent;
    if (feature.geometry !== undefined && feature.geometry !== null) candidate.geometry = feature.geometry;
    if (!checkArea.Check(candidate)) {
      const first = checkArea.Errors(candidate).First();
      const problem = first ? explainError(first) : { path: '', message: 'is not a valid area' };
      return err(invalid(file, at + toFeaturePath(problem.path), problem.message));
    }
    origins.set(candidate, { file, path: at });
    areas.push(candidate);
  }
  return ok(areas);
}

/** `/geometry/...` stays as it is; the area fields live under `/properties`. */
const toFeaturePath = (p: string): string => (p.startsWith('/geometry') || p === '' ? p : `/properties${p}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
