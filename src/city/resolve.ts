import type { AreaId, RuleId, SensorId, ServiceCode, TeamId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import type { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { Category, City, GridSpec, PolygonCellDef, Rule, Sensor, Team } from './city.ts';
import { parseDuration } from './durations.ts';
import { invalid } from './load.ts';
import { resolveAreas } from './resolve-areas.ts';
import { checkDate, isTimeZone, resolveRoster } from './resolve-roster.ts';
import { resolveZoneRules, resolveZones } from './resolve-zones.ts';
import { type AreaDef, type CityDef, type MetricDef, STAGES, type Stage, type ZoneDef } from './schema.ts';

const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * MINUTE;

/** Thrown only inside this module to leave the nested checks early; always turned back into a Result. */
class Invalid {
  constructor(readonly error: DomainError) {}
}

/**
 * Resolves a validated city definition: merges the inline areas with those read from its area files, checks every
 * reference (areas, levels, teams, sensor kinds, rule metrics and categories, zones and zone rules, unique ids), turns
 * durations into milliseconds and rosters into minutes, and fills in defaults. Zones read from zone files come in as
 * `zoneFeatures`, and the polygon cells of a `grid.kind: polygons` city (read from grid.file) as `cellFeatures`.
 * Every problem is a CITY_INVALID error with the file and path of the culprit.
 */
export function resolveCity(
  def: CityDef,
  areaFeatures: readonly AreaDef[] = [],
  file = 'city.yaml',
  zoneFeatures: readonly ZoneDef[] = [],
  cellFeatures: readonly PolygonCellDef[] = [],
): Result<City> {
  const fail = (path: string, message: string, inFile = file): never => {
    throw new Invalid(invalid(inFile, path, message));
  };
  try {
    unique(def.levels, (l) => l, '/levels', '', 'level', fail);
    const hierarchy = resolveAreas(def.areas ?? [], areaFeatures, def.levels, file);
    if (!hierarchy.ok) return hierarchy;
    const { areas, root } = hierarchy.value;

    unique(def.categories, (c) => c.code, '/categories', '/code', 'service code', fail);
    const categories = new Map<ServiceCode, Category>();
    for (const [i, c] of def.categories.entries()) {
      const deadlines = {} as Record<Stage, number>;
      for (const stage of STAGES)
        deadlines[stage] = ms(c.deadlines[stage], `/categories/${i}/deadlines/${stage}`, fail);
      const code = c.code as ServiceCode;
      categories.set(code, {
        code,
        name: c.name,
        group: c.group,
        description: c.description,
        priority: c.priority,
        deadlines,
      });
    }
    const category = (code: string, path: string): ServiceCode =>
      categories.has(code as ServiceCode) ? (code as ServiceCode) : fail(path, `no category has the code ${code}`);

    const holidays = (def.holidays ?? []).map((d, i) => checkDate(d, `/holidays/${i}`, fail));
    unique(def.teams, (t) => t.id, '/teams', '/id', 'team id', fail);
    const rostered = def.teams.some((t) => t.roster !== undefined && t.roster.timezone === undefined);
    if (rostered && !isTimeZone(def.timezone)) fail('/timezone', `${def.timezone} is not an IANA time zone`);
    const teams: Team[] = def.teams.map((t, i) => ({
      id: t.id as TeamId,
      name: t.name,
      areas: t.areas.map((a, j) =>
        areas.has(a as AreaId) ? (a as AreaId) : fail(`/teams/${i}/areas/${j}`, `no area has the id ${a}`),
      ),
      categories: t.categories.map((c, j) => category(c, `/teams/${i}/categories/${j}`)),
      roster: t.roster && resolveRoster(t.roster, holidays, `/teams/${i}/roster`, fail),
    }));

    unique(def.sensorKinds, (k) => k.kind, '/sensorKinds', '/kind', 'sensor kind', fail);
    const kinds = new Map<string, readonly MetricDef[]>();
    const metricNames = new Set<string>();
    for (const [i, k] of def.sensorKinds.entries()) {
      unique(k.metrics, (m) => m.name, `/sensorKinds/${i}/metrics`, '/name', 'metric', fail);
      for (const [j, m] of k.metrics.entries()) {
        if (!(m.min < m.max)) fail(`/sensorKinds/${i}/metrics/${j}/max`, `max (${m.max}) must exceed min (${m.min})`);
        metricNames.add(m.name);
      }
      kinds.set(k.kind, k.metrics);
    }

    unique(def.sensors, (s) => s.id, '/sensors', '/id', 'sensor id', fail);
    const sensors = new Map<SensorId, Sensor>();
    for (const [i, s] of def.sensors.entries()) {
      const metrics = kinds.get(s.kind) ?? fail(`/sensors/${i}/kind`, `no sensor kind is called ${s.kind}`);
      sensors.set(s.id as SensorId, { id: s.id as SensorId, kind: s.kind, lon: s.lon, lat: s.lat, metrics });
    }

    unique(def.rules, (r) => r.id, '/rules', '/id', 'rule id', fail);
    const rules: Rule[] = def.rules.map((r, i): Rule => {
      const at = `/rules/${i}`;
      const openCase = r.openCase && { category: category(r.openCase.category, `${at}/openCase/category`) };
      if (r.kind === 'count') {
        return {
          id: r.id as RuleId,
          kind: 'count',
          name: r.name,
          category: category(r.category, `${at}/category`),
          atLeast: r.atLeast,
          withinMs: ms(r.within, `${at}/within`, fail),
          severity: r.severity,
          openCase,
        };
      }
      if (!metricNames.has(r.metric)) fail(`${at}/metric`, `no sensor kind measures the metric ${r.metric}`);
      const clearAt = r.clearAt ?? r.value;
      const above = r.op === '>' || r.op === '>=';
      if (above ? clearAt > r.value : clearAt < r.value) {
        fail(`${at}/clearAt`, `must lie on the clearing side of the threshold (${above ? '<=' : '>='} ${r.value})`);
      }
      return {
        id: r.id as RuleId,
        kind: 'threshold',
        name: r.name,
        metric: r.metric,
        op: r.op,
        value: r.value,
        forMs: ms(r.for, `${at}/for`, fail),
        clearAt,
        severity: r.severity,
        openCase,
      };
    });

    const zones = resolveZones(def.zones ?? [], zoneFeatures, fail);
    const hasCategory = (code: string) => categories.has(code as ServiceCode);
    const zoneRules = resolveZoneRules(def.zoneRules ?? [], zones, hasCategory, rules, fail);

    const grid = resolveGrid(def, cellFeatures, fail);
    const skew = def.ingest?.maxFutureSkew;
    return ok({
      def,
      id: def.id,
      name: def.name,
      timezone: def.timezone,
      resolution: grid.kind === 'h3' ? grid.resolution : -1,
      grid,
      levels: def.levels,
      root,
      areas,
      categories,
      teams,
      holidays,
      zones,
      zoneRules,
      sensors,
      rules,
      workflow: {
        autoRegisterAlerts: def.workflow?.autoRegisterAlerts ?? true,
        autoDispatch: def.workflow?.autoDispatch ?? true,
      },
      ingest: {
        maxFutureSkewMs: skew === undefined ? DEFAULT_MAX_FUTURE_SKEW_MS : ms(skew, '/ingest/maxFutureSkew', fail),
      },
    });
  } catch (e) {
    if (e instanceof Invalid) return err(e.error);
    throw e;
  }
}

type Fail = (path: string, message: string, file?: string) => never;

const DEFAULT_MAX_NEAREST_M = 250;

/** The grid section with defaults: policies 'reject', points by cell; H3 needs a resolution, polygons their cells. */
function resolveGrid(def: CityDef, cells: readonly PolygonCellDef[], fail: Fail): GridSpec {
  const g = def.grid;
  const base = {
    policy: {
      gaps: g.policy?.gaps ?? 'reject',
      overlaps: g.policy?.overlaps ?? 'reject',
      maxNearestM: g.policy?.maxNearestM ?? DEFAULT_MAX_NEAREST_M,
    },
    assignPoints: g.assignPoints ?? 'cell',
  } as const;
  if (g.kind === 'h3') {
    if (g.resolution === undefined) return fail('/grid/resolution', 'an h3 grid needs a resolution (0–15)');
    return { ...base, kind: 'h3', resolution: g.resolution };
  }
  if (g.file === undefined) return fail('/grid/file', 'a polygons grid needs the file of its cells');
  if (cells.length === 0) return fail('/grid/file', `${g.file} holds no cells`);
  unique(cells, (c) => c.code, '/grid/cells', '', 'cell code', fail);
  return { ...base, kind: 'polygons', cells };
}

function ms(value: string | number, path: string, fail: Fail): number {
  return parseDuration(value) ?? fail(path, `${JSON.stringify(value)} is not a duration`);
}

function unique<T>(items: readonly T[], key: (t: T) => string, at: string, field: string, what: string, fail: Fail) {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    const k = key(item);
    if (seen.has(k)) fail(`${at}/${i}${field}`, `duplicate ${what} ${JSON.stringify(k)}`);
    seen.add(k);
  }
}
