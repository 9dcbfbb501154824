/** The city definition: schema, parsing, reference checks and the resolved City (DESIGN.md §3, §5). */

export { type AreaOrigin, areaOrigin, areasFromFeatureCollection } from './area-features.ts';
export type { Area, Category, City, CountRule, Rule, Sensor, Team, ThresholdRule } from './city.ts';
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
  type RuleDef,
  type SensorDef,
  type SensorKindDef,
  type Severity,
  STAGES,
  type Stage,
  type TeamDef,
  type ThresholdRuleDef,
} from './schema.ts';
