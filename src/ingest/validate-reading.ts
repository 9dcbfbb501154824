import type { SensorRegistry } from '../sensors/registry.ts';
import type { Reading } from '../sensors/types.ts';
import type { EpochMs } from '../shared/brand.ts';
import { parseIsoTs, tsProblem } from './iso-time.ts';
import { jsonType, Problem, pointer, quote } from './problem.ts';

const FIELDS = ['sensor', 'metric', 'value', 'ts'] as const;
const TYPES = { sensor: 'string', metric: 'string', value: 'number', ts: 'string' } as const;

/**
 * Checks one record against the wire form of a reading ({sensor, metric, value, ts}, nothing else) and the city's
 * sensors, and returns the Reading pinned to the sensor's cell, or the Problem. `now` and `maxFutureSkewMs` bound how
 * far ahead a timestamp may lie. Hand-written rather than schema-compiled: it is the ingest hot path.
 */
export function validateReading(
  rec: unknown,
  sensors: SensorRegistry,
  now: EpochMs,
  maxFutureSkewMs: number,
): Reading | Problem {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
    return new Problem('INGEST_NOT_AN_OBJECT', `a reading must be a JSON object, not ${jsonType(rec)}`, undefined);
  }
  const r = rec as Record<string, unknown>;
  let fields = 0;
  for (const key in r) {
    if (key !== 'sensor' && key !== 'metric' && key !== 'value' && key !== 'ts') {
      return new Problem('INGEST_UNKNOWN_FIELD', `unknown field ${quote(key)}`, pointer(key));
    }
    fields++;
  }
  const { sensor, metric, value, ts } = r;
  if (fields !== 4 || typeof sensor !== 'string' || typeof metric !== 'string' || typeof value !== 'number') {
    return shapeProblem(r);
  }
  if (typeof ts !== 'string') return shapeProblem(r);
  const known = sensors.get(sensor);
  if (known === undefined) return new Problem('INGEST_UNKNOWN_SENSOR', `unknown sensor ${quote(sensor)}`, '/sensor');
  const range = known.metrics.get(metric);
  if (range === undefined) {
    return new Problem('INGEST_UNKNOWN_METRIC', `sensor ${known.id} has no metric ${quote(metric)}`, '/metric');
  }
  // `value - value === 0` is false for NaN and ±Infinity, which a caller other than JSON.parse can hand in.
  if (!(value >= range.min && value <= range.max && value - value === 0)) {
    return new Problem(
      'INGEST_VALUE_OUT_OF_RANGE',
      `${range.name} ${quote(value)} is outside [${range.min}, ${range.max}] ${range.unit}`,
      '/value',
    );
  }
  const ms = parseIsoTs(ts);
  if (Number.isNaN(ms)) {
    return tsProblem(ts) === 'no-zone'
      ? new Problem('INGEST_TS_NO_ZONE', `timestamp ${quote(ts)} has no zone (Z or ±hh:mm)`, '/ts')
      : new Problem('INGEST_TS_INVALID', `timestamp ${quote(ts)} is not an ISO 8601 date-time`, '/ts');
  }
  if (ms > now + maxFutureSkewMs) {
    return new Problem(
      'INGEST_TS_FUTURE',
      `timestamp ${quote(ts)} lies ahead of the clock by more than allowed`,
      '/ts',
    );
  }
  return { sensor: known.id, metric: range.name, ts: ms, value, cell: known.cell };
}

/** The first missing or mistyped field, in the order the fields are documented (slow path only). */
function shapeProblem(r: Record<string, unknown>): Problem {
  for (const f of FIELDS) {
    if (!Object.hasOwn(r, f) || r[f] === undefined) {
      return new Problem('INGEST_MISSING_FIELD', `missing field "${f}"`, `/${f}`);
    }
  }
  for (const f of FIELDS) {
    if (typeof r[f] !== TYPES[f]) {
      return new Problem('INGEST_WRONG_TYPE', `"${f}" must be a ${TYPES[f]}, not ${jsonType(r[f])}`, `/${f}`);
    }
  }
  return new Problem('INGEST_WRONG_TYPE', 'the record does not have the shape of a reading', undefined);
}
