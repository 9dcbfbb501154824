import type { City } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { AreaId, CellId, SensorId } from '../shared/brand.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';

/** A metric a sensor measures, with its unit and physically possible range. */
export interface MetricRange {
  readonly name: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
}

/** A sensor of the city, pinned once to its cell and leaf area (DESIGN.md §2: the hot path is a map lookup). */
export interface RegisteredSensor {
  readonly id: SensorId;
  readonly kind: string;
  readonly cell: CellId;
  readonly area: AreaId;
  readonly metrics: ReadonlyMap<string, MetricRange>;
  /** The same metrics as a list, for scans that must not allocate an iterator. */
  readonly metricList: readonly MetricRange[];
}

/** Sensor id → registered sensor. */
export type SensorRegistry = ReadonlyMap<string, RegisteredSensor>;

/**
 * Pins every sensor of the city to its cell and leaf area. A sensor outside the city's cells is a CITY_INVALID error
 * naming it, with `details.sensor`.
 */
export function buildSensorRegistry(city: City, grid: Grid): Result<SensorRegistry> {
  const registry = new Map<string, RegisteredSensor>();
  for (const sensor of city.sensors.values()) {
    const assigned = grid.assign(sensor.lon, sensor.lat);
    if (!assigned.ok) {
      return err(
        new DomainError(
          'CITY_INVALID',
          `sensor ${sensor.id} at (${sensor.lon}, ${sensor.lat}) lies outside the city's cells`,
          { sensor: sensor.id },
        ),
      );
    }
    const path = assigned.value.path;
    const metrics = new Map<string, MetricRange>();
    for (const m of sensor.metrics) metrics.set(m.name, { name: m.name, unit: m.unit, min: m.min, max: m.max });
    registry.set(sensor.id, {
      id: sensor.id,
      kind: sensor.kind,
      cell: assigned.value.cell,
      area: path[path.length - 1] as AreaId,
      metrics,
      metricList: [...metrics.values()],
    });
  }
  return ok(registry);
}
