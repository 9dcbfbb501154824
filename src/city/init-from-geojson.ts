import { TypeCompiler } from '@sinclair/typebox/compiler';
import { err, ok, type Result } from '../shared/result.ts';
import { invalid } from './load.ts';
import { type AreaDef, AreaGeometry, type CityDef } from './schema.ts';

const checkGeometry = TypeCompiler.Compile(AreaGeometry);

/** One level of boundaries, coarse to fine: a parsed GeoJSON FeatureCollection and the properties to read. */
export interface LevelSpec {
  readonly level: string;
  readonly features: unknown;
  /** The property that names each area. */
  readonly nameProp: string;
  /** A property holding a stable code (e.g. an official id); ids are `<level>-<code>`, else `<level>-<slug of name>`. */
  readonly idProp?: string;
  /** The file the features came from, for error messages. */
  readonly file?: string;
}

/** Parent placement as the grid works it out (grid/nesting.ts); passed in so that city/ does not depend on grid/. */
export type NestFn = (
  children: readonly AreaGeometry[],
  parents: readonly AreaGeometry[],
) => readonly { parent: number | undefined; how: 'overlap' | 'nearest' | 'none'; share: number }[];

export interface InitOptions {
  readonly nest: NestFn;
  readonly id?: string;
  readonly name?: string;
  readonly timezone?: string;
  readonly resolution?: number;
}

/** How each child area was placed under its parent, for the operator to review. */
export interface NestingNote {
  readonly area: string;
  readonly parent: string;
  readonly how: 'overlap' | 'nearest';
  readonly share: number;
}

export interface InitResult {
  /** The definition, with the root inline and the other areas expected in `areas.geojson` (listed in areaFiles). */
  readonly def: CityDef;
  /** Every non-root area, coarse levels first, each with its geometry (WGS84, as given). */
  readonly areas: AreaDef[];
  readonly nesting: NestingNote[];
}

export const AREAS_FILE = 'areas.geojson';

/**
 * Builds a city definition from boundary files at one or more levels, coarse to fine: one area per feature, parents
 * worked out from the geometry by `nest` (largest overlap), a root city area, an H3 grid at resolution 9, and defaults
 * that load as they are but are meant to be edited: one `general` category, one `service-desk` team for the whole city,
 * no sensors and no rules. Errors are CITY_INVALID with the file and JSON pointer of the feature.
 */
export function cityFromGeojson(levels: readonly LevelSpec[], opts: InitOptions): Result<InitResult> {
  const rootId = slug(opts.id ?? 'city') || 'city';
  const names = ['city', ...levels.map((l) => l.level)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (levels.length === 0) return err(invalid('(arguments)', '', 'give at least one level of areas'));
  if (dup !== undefined) return err(invalid('(arguments)', '', `level ${JSON.stringify(dup)} is given twice`));

  const taken = new Set<string>([rootId]);
  const byLevel: AreaDef[][] = [];
  for (const spec of levels) {
    const file = spec.file ?? spec.level;
    const fc = spec.features;
    if (!isObject(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      return err(invalid(file, '', 'expected a GeoJSON FeatureCollection'));
    }
    if (fc.features.length === 0) return err(invalid(file, '/features', 'holds no features'));
    const prefix = slug(spec.level) || 'area';
    const out: AreaDef[] = [];
    for (const [i, f] of fc.features.entries()) {
      const at = `/features/${i}`;
      const props = isObject(f) && isObject(f.properties) ? f.properties : {};
      const name = props[spec.nameProp];
      if ((typeof name !== 'string' && typeof name !== 'number') || String(name).trim() === '') {
        return err(invalid(file, `${at}/properties/${spec.nameProp}`, 'missing: every feature needs a name'));
      }
      // A name with no ASCII letters or digits (e.g. in Chinese script) leaves no slug: fall back to the feature's number.
      const code = spec.idProp === undefined ? slug(String(name)) || String(i + 1) : props[spec.idProp];
      if ((typeof code !== 'string' && typeof code !== 'number') || slug(String(code)) === '') {
        return err(invalid(file, `${at}/properties/${spec.idProp}`, 'missing: every feature needs an id'));
      }
      const geometry = isObject(f) ? f.geometry : undefined;
      if (!checkGeometry.Check(geometry)) {
        return err(invalid(file, `${at}/geometry`, 'expected a Polygon or MultiPolygon of [lon, lat] positions'));
      }
      const id = uniqueId(`${prefix}-${slug(String(code))}`, taken, spec.idProp !== undefined);
      if (id === undefined) return err(invalid(file, `${at}/properties/${spec.idProp}`, `duplicate id ${code}`));
      out.push({ id, name: String(name).trim(), level: spec.level, parent: rootId, geometry });
    }
    byLevel.push(out);
  }

  const nesting: NestingNote[] = [];
  for (let k = 1; k < byLevel.length; k++) {
    const parents = byLevel[k - 1] ?? [];
    const kids = byLevel[k] ?? [];
    const placed = opts.nest(geometries(kids), geometries(parents));
    kids.forEach((kid, i) => {
      const p = placed[i];
      const parent = p?.parent === undefined ? undefined : parents[p.parent];
      if (!p || !parent || p.how === 'none') return;
      kid.parent = parent.id;
      nesting.push({ area: kid.id, parent: parent.id, how: p.how, share: p.share });
    });
  }

  const def: CityDef = {
    id: rootId,
    name: opts.name ?? 'City',
    timezone: opts.timezone ?? 'UTC',
    grid: { kind: 'h3', resolution: opts.resolution ?? 9 },
    levels: names,
    areas: [{ id: rootId, name: opts.name ?? 'City', level: 'city' }],
    areaFiles: [AREAS_FILE],
    categories: [
      {
        code: 'general',
        name: 'General request',
        priority: 'normal',
        deadlines: { register: '1d', dispatch: '1d', start: '3d', resolve: '10d', verify: '2d', close: '2d' },
      },
    ],
    teams: [{ id: 'service-desk', name: 'Service desk', areas: [rootId], categories: ['general'] }],
    sensorKinds: [],
    sensors: [],
    rules: [],
  };
  return ok({ def, areas: byLevel.flat(), nesting });
}

/** The areas as a FeatureCollection in the form `areaFiles` are read (id, name, level, parent in properties). */
export function areasFeatureCollection(areas: readonly AreaDef[]): unknown {
  return {
    type: 'FeatureCollection',
    features: areas.map(({ geometry, ...properties }) => ({ type: 'Feature', properties, geometry: geometry ?? null })),
  };
}

/** Lower-case ASCII letters and digits joined by single hyphens; what is left of a name in an id. */
export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/** A name's slug may repeat (two "Central" councils): number the later ones. A given code must not repeat. */
function uniqueId(base: string, taken: Set<string>, strict: boolean): string | undefined {
  let id = base;
  for (let n = 2; taken.has(id); n++) {
    if (strict) return undefined;
    id = `${base}-${n}`;
  }
  taken.add(id);
  return id;
}

const geometries = (areas: readonly AreaDef[]): AreaGeometry[] => areas.map((a) => a.geometry as AreaGeometry);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
