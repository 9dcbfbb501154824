import type { AreaId, EpochMs, RuleId, SensorId, ServiceCode, TeamId } from '../shared/brand.ts';
import type { AreaGeometry, CityDef, MetricDef, Priority, Severity, Stage } from './schema.ts';

/** A loaded, resolved city: ids branded, durations in milliseconds, references checked. */
export interface City {
  readonly def: CityDef;
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  /** The H3 resolution of the cells; -1 for polygon cells. */
  readonly resolution: number;
  /** How the city is gridded (issue 3 §2–§3). */
  readonly grid: GridSpec;
  readonly levels: readonly string[];
  readonly root: AreaId;
  readonly areas: ReadonlyMap<AreaId, Area>;
  readonly categories: ReadonlyMap<ServiceCode, Category>;
  readonly teams: readonly Team[];
  /** Public holidays, local `YYYY-MM-DD` dates. */
  readonly holidays: readonly string[];
  /** Priority zones, inline ones first, then those of the zone files. */
  readonly zones: readonly Zone[];
  readonly zoneRules: readonly ZoneRule[];
  readonly sensors: ReadonlyMap<SensorId, Sensor>;
  readonly rules: readonly Rule[];
  readonly workflow: { readonly autoRegisterAlerts: boolean; readonly autoDispatch: boolean };
  readonly ingest: { readonly maxFutureSkewMs: number };
}

/** The overlap and gap policy of the grid, with defaults filled in. */
export interface GridPolicy {
  readonly gaps: 'nearest' | 'reject';
  readonly overlaps: 'largest-overlap' | 'nearest' | 'reject';
  readonly maxNearestM: number;
}

/** A given polygon cell: its own code (its CellId) and its geometry. */
export interface PolygonCellDef {
  readonly code: string;
  readonly geometry: AreaGeometry;
}

interface GridSpecBase {
  readonly policy: GridPolicy;
  readonly assignPoints: 'cell' | 'polygon';
}

export type GridSpec =
  | (GridSpecBase & { readonly kind: 'h3'; readonly resolution: number })
  | (GridSpecBase & { readonly kind: 'polygons'; readonly cells: readonly PolygonCellDef[] });

export interface Area {
  readonly id: AreaId;
  readonly name: string;
  readonly level: string;
  readonly parent: AreaId | undefined;
  readonly children: readonly AreaId[];
  /** 0 for the root. */
  readonly depth: number;
  readonly geometry: AreaGeometry | undefined;
}

export interface Category {
  readonly code: ServiceCode;
  readonly name: string;
  readonly group: string | undefined;
  readonly description: string | undefined;
  readonly priority: Priority;
  /** Milliseconds allowed for each stage, counted from entering the state before it. */
  readonly deadlines: Readonly<Record<Stage, number>>;
}

export interface Team {
  readonly id: TeamId;
  readonly name: string;
  readonly areas: readonly AreaId[];
  readonly categories: readonly ServiceCode[];
  /** When the team is on duty; undefined means always. */
  readonly roster: Roster | undefined;
}

/** On-duty minutes of a local day: [start, end) pairs, 0 ≤ start < end ≤ 1440. */
export type DaySpans = readonly (readonly [number, number])[];

export interface Roster {
  /** IANA zone of the hours; undefined means the city's. */
  readonly timezone: string | undefined;
  /** Indexed by ISO weekday - 1: 0 is Monday, 6 is Sunday. */
  readonly week: readonly DaySpans[];
  /** Local `YYYY-MM-DD` dates off duty: the team's own plus, unless it opted out, the city's. */
  readonly holidays: ReadonlySet<string>;
}

/** A tagged priority place. */
export interface Zone {
  readonly id: string;
  readonly tag: string;
  readonly name: string;
  readonly geometry: AreaGeometry;
}

/** How zones of one tag tighten deadlines, priority and thresholds. */
export interface ZoneRule {
  readonly tag: string;
  /** 1 when the rule sets none. */
  readonly deadlineFactor: number;
  readonly priority: Priority | undefined;
  /** undefined: every category. */
  readonly categories: readonly ServiceCode[] | undefined;
  readonly thresholdFactor: number | undefined;
  /** undefined: every threshold rule. */
  readonly rules: readonly RuleId[] | undefined;
}

export interface Sensor {
  readonly id: SensorId;
  readonly kind: string;
  readonly lon: number;
  readonly lat: number;
  readonly metrics: readonly MetricDef[];
}

export interface ThresholdRule {
  readonly id: RuleId;
  readonly kind: 'threshold';
  readonly name: string;
  readonly metric: string;
  readonly op: '>' | '>=' | '<' | '<=';
  readonly value: number;
  readonly forMs: number;
  readonly clearAt: number;
  readonly severity: Severity;
  readonly openCase: { readonly category: ServiceCode } | undefined;
}

export interface CountRule {
  readonly id: RuleId;
  readonly kind: 'count';
  readonly name: string;
  readonly category: ServiceCode;
  readonly atLeast: number;
  readonly withinMs: number;
  readonly severity: Severity;
  readonly openCase: { readonly category: ServiceCode } | undefined;
}

export type Rule = ThresholdRule | CountRule;

export type { EpochMs };
