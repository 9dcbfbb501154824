/** Sensors: the registry that pins each sensor to its cell once, and the reading types (DESIGN.md §2, §3). */
export { buildSensorRegistry, type MetricRange, type RegisteredSensor, type SensorRegistry } from './registry.ts';
export type { Reading, ReadingInput } from './types.ts';
