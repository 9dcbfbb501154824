import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { PolygonCellDef } from '../city/city.ts';
import { invalid } from '../city/load.ts';
import { AreaGeometry } from '../city/schema.ts';
import { err, ok, type Result } from '../shared/result.ts';

const checkGeometry = TypeCompiler.Compile(AreaGeometry);
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * The polygon cells of a GeoJSON FeatureCollection (a `grid.kind: polygons` city's `grid.file`): each feature's
 * `codeProp` property (a string or an integer) is the cell's code and CellId, its Polygon or MultiPolygon the cell.
 * CITY_INVALID with the file and JSON pointer on a missing or malformed code, a bad geometry or a repeated code.
 */
export function cellsFromFeatureCollection(json: unknown, codeProp: string, file: string): Result<PolygonCellDef[]> {
  if (!isObject(json) || json.type !== 'FeatureCollection' || !Array.isArray(json.features)) {
    return err(invalid(file, '', 'expected a GeoJSON FeatureCollection'));
  }
  const cells: PolygonCellDef[] = [];
  const seen = new Set<string>();
  for (const [i, feature] of json.features.entries()) {
    const at = `/features/${i}`;
    if (!isObject(feature) || feature.type !== 'Feature') return err(invalid(file, at, 'expected a GeoJSON Feature'));
    const raw = isObject(feature.properties) ? feature.properties[codeProp] : undefined;
    const code = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : raw;
    if (typeof code !== 'string' || !CODE.test(code)) {
      return err(invalid(file, `${at}/properties/${codeProp}`, 'expected a cell code (letters, digits, _ . : -)'));
    }
    if (seen.has(code)) return err(invalid(file, `${at}/properties/${codeProp}`, `duplicate cell code ${code}`));
    seen.add(code);
    if (!checkGeometry.Check(feature.geometry)) {
      return err(invalid(file, `${at}/geometry`, 'expected a Polygon or MultiPolygon'));
    }
    cells.push({ code, geometry: feature.geometry });
  }
  return ok(cells);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
