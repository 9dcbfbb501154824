import type { MetricRange, RegisteredSensor, SensorRegistry } from '../sensors/registry.ts';
import { fastReading } from './fast-reading.ts';
import { isBlank } from './ndjson.ts';

/** In `ParsedLines.sensor`: the line needs the slow path (its text is in `slow`). */
export const SLOW = -1;
/** In `ParsedLines.sensor`: the line is blank. */
export const BLANK = -2;

/**
 * NDJSON reading lines parsed ahead of the pipeline, e.g. in a worker thread while the previous batch is stored:
 * per line, the sensor's index in the registry's list (`sensorList`) and the metric's index in its `metricList` when
 * the fast path took it, else SLOW or BLANK. Typed arrays, so that a worker hands them over without copying.
 */
export interface ParsedLines {
  readonly count: number;
  readonly sensor: Int32Array;
  readonly metric: Int32Array;
  readonly ts: Float64Array;
  readonly value: Float64Array;
  /** The text of each SLOW line, in order. */
  readonly slow: readonly string[];
  /** The latest timestamp of a fast-path line (-Infinity if none): the future-skew check is left to the pipeline. */
  readonly maxTs: number;
}

/**
 * The registry's sensors in a fixed order: what a ParsedLines sensor index refers to. Plain data (a Map and arrays),
 * so that a worker thread can be sent it as it is.
 */
export const sensorList = (sensors: SensorRegistry): RegisteredSensor[] => [...sensors.values()];

/**
 * A parser that runs the fast path over lines with no future-skew check (that needs the pipeline's clock, see
 * `maxTs`). A line the fast path refuses with no time bound, it refuses at any time, so SLOW lines go straight to the
 * slow path.
 */
export function aheadParser(list: readonly RegisteredSensor[]): (lines: readonly string[]) => ParsedLines {
  const sensors: SensorRegistry = new Map(list.map((s) => [s.id, s]));
  const index = new Map(list.map((s, k) => [s.id as string, k]));
  return (lines) => {
    const count = lines.length;
    const out = {
      count,
      sensor: new Int32Array(count),
      metric: new Int32Array(count),
      ts: new Float64Array(count),
      value: new Float64Array(count),
      slow: [] as string[],
      maxTs: Number.NEGATIVE_INFINITY,
    };
    for (let i = 0; i < count; i++) {
      const line = lines[i] as string;
      if (isBlank(line)) {
        out.sensor[i] = BLANK;
        continue;
      }
      const r = fastReading(line, sensors, Number.POSITIVE_INFINITY, 0);
      if (r === undefined) {
        out.sensor[i] = SLOW;
        out.slow.push(line);
        continue;
      }
      const k = index.get(r.sensor) as number;
      const metrics = (list[k] as RegisteredSensor).metricList;
      let m = 0;
      while ((metrics[m] as MetricRange).name !== r.metric) m++;
      out.sensor[i] = k;
      out.metric[i] = m;
      out.ts[i] = r.ts;
      out.value[i] = r.value;
      if (r.ts > out.maxTs) out.maxTs = r.ts;
    }
    return out;
  };
}
