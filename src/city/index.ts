/** The city definition: schema, parsing, reference checks and the resolved City (DESIGN.md §3, §5). */

export { type AreaOrigin, areaOrigin, areasFromFeatureCollection } from './area-features.ts';
export type {
  Area,
  Category,
  City,
  CountRule,
  DaySpans,
  Roster,
  Rule,
  Sensor,
  Team,
  ThresholdRule,
  Zone,
  ZoneRule,
} from './city.ts';
export { formatDuration, parseDuration } from './durations.ts';
export { invalid, parseCityDef } from './load.ts';
export { resolveCity } from './resolve.ts';
export {
  type AreaDef,
  type AreaGeometry,
  type CategoryDef,
  CityDef,
  type CountRuleDef,
  type MetricDef,
  type Priority,
  type RosterDef,
  type RuleDef,
  type SensorDef,
  type SensorKindDef,
  type Severity,
  STAGES,
  type Stage,
  type TeamDef,
  type ThresholdRuleDef,
  WEEKDAYS,
  type Weekday,
  type ZoneDef,
  type ZoneRuleDef,
} from './schema.ts';
export { zoneOrigin, zonesFromFeatureCollection } from './zone-features.ts';
