import type { CellId, EpochMs, SensorId } from '../shared/brand.ts';

/** The wire form of one reading, as sent over HTTP, MQTT or in an NDJSON file. Unknown fields are rejected. */
export interface ReadingInput {
  sensor: string;
  metric: string;
  value: number;
  /** ISO 8601 with a zone (Z or ±hh:mm). */
  ts: string;
}

/**
 * One value of one metric from one sensor at one time, pinned to the sensor's cell. Its identity, used to count
 * duplicates, is (sensor, metric, ts): the sensor is the source and (metric, ts) the id within it.
 */
export interface Reading {
  readonly sensor: SensorId;
  readonly metric: string;
  readonly ts: EpochMs;
  readonly value: number;
  readonly cell: CellId;
}
