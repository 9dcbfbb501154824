import { type Static, Type as T } from '@sinclair/typebox';

/**
 * The schema of a city definition (`cities/<name>/city.yaml`). Per-city variation is data (DESIGN.md §5): areas,
 * grid, categories, teams, sensors and rules all live here and are validated when the city loads.
 * Durations are written as `30s`, `15m`, `4h`, `3d` or a number of minutes.
 */
const Id = T.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });
export const Duration = T.Union([T.String({ pattern: '^[0-9]+(\\.[0-9]+)?(s|m|h|d)$' }), T.Number({ minimum: 0 })]);

const Position = T.Array(T.Number(), { minItems: 2, maxItems: 3 });
const Ring = T.Array(Position, { minItems: 4 });
export const PolygonGeometry = T.Object(
  { type: T.Literal('Polygon'), coordinates: T.Array(Ring, { minItems: 1 }) },
  { additionalProperties: false },
);
export const MultiPolygonGeometry = T.Object(
  { type: T.Literal('MultiPolygon'), coordinates: T.Array(T.Array(Ring, { minItems: 1 }), { minItems: 1 }) },
  { additionalProperties: false },
);
export const AreaGeometry = T.Union([PolygonGeometry, MultiPolygonGeometry]);

export const AreaDef = T.Object(
  {
    id: Id,
    name: T.String({ minLength: 1 }),
    /** One of the city's `levels`. */
    level: T.String({ minLength: 1 }),
    /** The parent area's id; absent only for the root (the city itself). */
    parent: T.Optional(Id),
    /** Required on leaf areas; optional above them (used for outlines on the map). */
    geometry: T.Optional(AreaGeometry),
  },
  { additionalProperties: false },
);

export const Priority = T.Union([T.Literal('low'), T.Literal('normal'), T.Literal('high'), T.Literal('urgent')]);

/** The stages a case passes, each with a deadline counted from entering the state before it. */
export const STAGES = ['register', 'dispatch', 'start', 'resolve', 'verify', 'close'] as const;
export type Stage = (typeof STAGES)[number];

export const CategoryDef = T.Object(
  {
    /** The Open311 service code. */
    code: Id,
    name: T.String({ minLength: 1 }),
    group: T.Optional(T.String()),
    description: T.Optional(T.String()),
    priority: Priority,
    deadlines: T.Object(
      {
        register: Duration,
        dispatch: Duration,
        start: Duration,
        resolve: Duration,
        verify: Duration,
        close: Duration,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** A local calendar date, `YYYY-MM-DD`. */
export const IsoDate = T.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' });
/** A span of local time within one day, `HH:MM-HH:MM`; `24:00` ends a span at midnight (`00:00-24:00` is all day). */
export const TimeSpan = T.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DaySpans = T.Optional(T.Array(TimeSpan));
/** On-duty hours of a team. A day left out has no hours. A shift across midnight is two spans on two days. */
export const RosterDef = T.Object(
  {
    /** IANA time zone of the hours; defaults to the city's. */
    timezone: T.Optional(T.String({ minLength: 1 })),
    hours: T.Object(
      { mon: DaySpans, tue: DaySpans, wed: DaySpans, thu: DaySpans, fri: DaySpans, sat: DaySpans, sun: DaySpans },
      { additionalProperties: false },
    ),
    /** Local dates the team is off all day, on top of the city's holidays. */
    holidays: T.Optional(T.Array(IsoDate)),
    /** Whether the city's `holidays` are days off for this team too (default true; false for a 24/7 desk). */
    observeCityHolidays: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

export const TeamDef = T.Object(
  {
    id: Id,
    name: T.String({ minLength: 1 }),
    /** Area subtrees the team answers for. */
    areas: T.Array(Id, { minItems: 1 }),
    /** Service codes the team answers for. */
    categories: T.Array(Id, { minItems: 1 }),
    /** When the team is on duty; a team without a roster is always on duty. */
    roster: T.Optional(RosterDef),
  },
  { additionalProperties: false },
);

/** A tagged priority place: a school, a hospital, an underpass, a riverbank … */
export const ZoneDef = T.Object(
  {
    id: Id,
    /** Free text id such as school, hospital, underpass, riverbank, chemical-plant; zone rules select by tag. */
    tag: Id,
    name: T.String({ minLength: 1 }),
    geometry: AreaGeometry,
  },
  { additionalProperties: false },
);

/** How a zone tag tightens the rules and deadlines of the cells in its zones. */
export const ZoneRuleDef = T.Object(
  {
    tag: Id,
    /** Multiplies every stage allowance of a case in the zone (0 < f <= 1). */
    deadlineFactor: T.Optional(T.Number({ exclusiveMinimum: 0, maximum: 1 })),
    /** A case in the zone gets at least this priority. */
    priority: T.Optional(Priority),
    /** The service codes whose cases deadlineFactor and priority apply to; default all. */
    categories: T.Optional(T.Array(Id, { minItems: 1 })),
    /** Multiplies a threshold rule's value (and clearAt) for sensors in the zone; it only ever tightens. */
    thresholdFactor: T.Optional(T.Number({ exclusiveMinimum: 0 })),
    /** The threshold rule ids thresholdFactor applies to; default all threshold rules. */
    rules: T.Optional(T.Array(Id, { minItems: 1 })),
  },
  { additionalProperties: false },
);

export const MetricDef = T.Object(
  {
    /** FIWARE Smart Data Models names: pm25, no2, waterLevel, intensity, LAeq, fillingLevel … */
    name: Id,
    unit: T.String({ minLength: 1 }),
    /** The physically possible range; a reading outside it is quarantined. */
    min: T.Number(),
    max: T.Number(),
  },
  { additionalProperties: false },
);

export const SensorKindDef = T.Object(
  { kind: Id, name: T.String(), metrics: T.Array(MetricDef, { minItems: 1 }) },
  { additionalProperties: false },
);

export const SensorDef = T.Object(
  {
    id: Id,
    kind: Id,
    lon: T.Number({ minimum: -180, maximum: 180 }),
    lat: T.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const Severity = T.Union([T.Literal('info'), T.Literal('warning'), T.Literal('critical')]);

const OpenCase = T.Object({ category: Id }, { additionalProperties: false });

export const ThresholdRuleDef = T.Object(
  {
    id: Id,
    kind: T.Literal('threshold'),
    name: T.String(),
    metric: Id,
    op: T.Union([T.Literal('>'), T.Literal('>='), T.Literal('<'), T.Literal('<=')]),
    value: T.Number(),
    /** How long the condition must hold before the alert is raised. */
    for: Duration,
    /** The value on the other side of which the alert clears (hysteresis); defaults to `value`. */
    clearAt: T.Optional(T.Number()),
    severity: Severity,
    openCase: T.Optional(OpenCase),
  },
  { additionalProperties: false },
);

export const CountRuleDef = T.Object(
  {
    id: Id,
    kind: T.Literal('count'),
    name: T.String(),
    /** The service code of the reports counted. */
    category: Id,
    atLeast: T.Integer({ minimum: 1 }),
    within: Duration,
    severity: Severity,
    openCase: T.Optional(OpenCase),
  },
  { additionalProperties: false },
);

export const RuleDef = T.Union([ThresholdRuleDef, CountRuleDef]);

/** What happens to a cell or point in an overlap of leaf areas or a gap between them (issue 3 §2); never silent. */
export const GridPolicyDef = T.Object(
  {
    /** A cell or point in no leaf: the nearest leaf within maxNearestM, or left out (default 'reject'). */
    gaps: T.Optional(T.Union([T.Literal('nearest'), T.Literal('reject')])),
    /** A cell or point in several leaves (default 'reject'). */
    overlaps: T.Optional(T.Union([T.Literal('largest-overlap'), T.Literal('nearest'), T.Literal('reject')])),
    /** How far (metres) 'nearest' looks for a leaf from a gap (default 250). */
    maxNearestM: T.Optional(T.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/**
 * The cells: H3 at `resolution` (kind h3, the default), or given polygons with their own codes read from `file`, a
 * GeoJSON FeatureCollection beside city.yaml whose features carry the code in the property `codeProp` (kind polygons,
 * e.g. an official unit grid of about 10,000 m² per cell).
 */
export const GridDef = T.Object(
  {
    kind: T.Union([T.Literal('h3'), T.Literal('polygons')]),
    /** Required for kind h3. */
    resolution: T.Optional(T.Integer({ minimum: 0, maximum: 15 })),
    /** Required for kind polygons. */
    file: T.Optional(T.String({ minLength: 1 })),
    /** The feature property holding a polygon cell's code (default 'code'). */
    codeProp: T.Optional(T.String({ minLength: 1 })),
    policy: T.Optional(GridPolicyDef),
    /** 'cell' (default): a point's leaf is its cell's; 'polygon': the leaf polygon holding the point decides. */
    assignPoints: T.Optional(T.Union([T.Literal('cell'), T.Literal('polygon')])),
  },
  { additionalProperties: false },
);

export const CityDef = T.Object(
  {
    id: Id,
    name: T.String({ minLength: 1 }),
    /** IANA time zone of the city, for display and working calendars. */
    timezone: T.String({ minLength: 1 }),
    grid: GridDef,
    /** Level names from the root down, e.g. [city, district, community]. */
    levels: T.Array(T.String({ minLength: 1 }), { minItems: 1 }),
    /** Inline areas. */
    areas: T.Optional(T.Array(AreaDef)),
    /** GeoJSON FeatureCollections beside city.yaml whose features carry id, name, level and parent properties. */
    areaFiles: T.Optional(T.Array(T.String({ minLength: 1 }))),
    categories: T.Array(CategoryDef, { minItems: 1 }),
    teams: T.Array(TeamDef),
    /** Public holidays (local dates): days off for every team with a roster, unless it opts out. */
    holidays: T.Optional(T.Array(IsoDate)),
    /** Inline priority zones. */
    zones: T.Optional(T.Array(ZoneDef)),
    /** GeoJSON FeatureCollections beside city.yaml whose features carry id, tag and name properties. */
    zoneFiles: T.Optional(T.Array(T.String({ minLength: 1 }))),
    zoneRules: T.Optional(T.Array(ZoneRuleDef)),
    sensorKinds: T.Array(SensorKindDef),
    sensors: T.Array(SensorDef),
    rules: T.Array(RuleDef),
    workflow: T.Optional(
      T.Object(
        {
          /** Cases opened by an alert skip manual registration (sensor data is already checked). */
          autoRegisterAlerts: T.Optional(T.Boolean()),
          /** Registered cases go straight to the responsible team. */
          autoDispatch: T.Optional(T.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    ingest: T.Optional(
      T.Object(
        {
          /** How far in the future a timestamp may lie (clock skew) before it is quarantined. */
          maxFutureSkew: T.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type CityDef = Static<typeof CityDef>;
export type AreaDef = Static<typeof AreaDef>;
export type CategoryDef = Static<typeof CategoryDef>;
export type TeamDef = Static<typeof TeamDef>;
export type RosterDef = Static<typeof RosterDef>;
export type ZoneDef = Static<typeof ZoneDef>;
export type ZoneRuleDef = Static<typeof ZoneRuleDef>;
export type SensorDef = Static<typeof SensorDef>;
export type SensorKindDef = Static<typeof SensorKindDef>;
export type MetricDef = Static<typeof MetricDef>;
export type RuleDef = Static<typeof RuleDef>;
export type ThresholdRuleDef = Static<typeof ThresholdRuleDef>;
export type CountRuleDef = Static<typeof CountRuleDef>;
export type Priority = Static<typeof Priority>;
export type Severity = Static<typeof Severity>;
export type AreaGeometry = Static<typeof AreaGeometry>;
export type GridDef = Static<typeof GridDef>;
export type GridPolicyDef = Static<typeof GridPolicyDef>;
