import type { SensorRegistry } from '../sensors/registry.ts';
import type { Reading } from '../sensors/types.ts';
import type { EpochMs } from '../shared/brand.ts';
import { parseIsoTsIn } from './iso-time.ts';

const HEAD = '{"sensor":"';
const AFTER_SENSOR = '","metric":"';
const AFTER_METRIC = '","value":';
const AFTER_VALUE = ',"ts":"';
/** 10^k for k ≤ 22 is exact in a double, which the decimal fast path below relies on. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The ingest hot path for one NDJSON line: reads a reading straight from the text, without JSON.parse and its
 * intermediate object, when the line has exactly the form JSON.stringify writes,
 * `{"sensor":"…","metric":"…","value":…,"ts":"…"}`, and the reading is valid. Anything else (other key order,
 * whitespace, escapes, any problem) gives undefined, and the caller takes the slow path (JSON.parse, then
 * validateReading), which decides and explains. Whatever this accepts, the slow path accepts with an equal Reading;
 * a property test holds it to that.
 *
 * Why the pieces cannot be misread: the sensor must equal a registered id and the metric one of its metric names, and
 * both follow the city schema's id pattern (no quotes, backslashes or control characters); the value must match the
 * JSON number grammar in full, and the timestamp the strict ISO parser, which takes only digits and `-:.TZ+`. So
 * each piece is exactly the JSON value at its place. Native indexOf and startsWith do the scanning: a JavaScript loop
 * over every character costs more than JSON.parse itself.
 */
export function fastReading(
  line: string,
  sensors: SensorRegistry,
  now: EpochMs,
  maxFutureSkewMs: number,
): Reading | undefined {
  if (!line.startsWith(HEAD)) return undefined;
  const sensorEnd = line.indexOf(AFTER_SENSOR, HEAD.length);
  if (sensorEnd < 0) return undefined;
  const known = sensors.get(line.slice(HEAD.length, sensorEnd));
  if (known === undefined) return undefined;
  const metricStart = sensorEnd + AFTER_SENSOR.length;
  const metricEnd = line.indexOf(AFTER_METRIC, metricStart);
  if (metricEnd < 0) return undefined;
  const metrics = known.metricList;
  let range: (typeof metrics)[number] | undefined;
  for (let k = 0; k < metrics.length; k++) {
    const m = metrics[k] as (typeof metrics)[number];
    if (m.name.length === metricEnd - metricStart && line.startsWith(m.name, metricStart)) {
      range = m;
      break;
    }
  }
  if (range === undefined) return undefined;
  const valueStart = metricEnd + AFTER_METRIC.length;
  const valueEnd = line.indexOf(AFTER_VALUE, valueStart);
  if (valueEnd < 0 || scanNumber(line, valueStart) !== valueEnd) return undefined;
  const value = numberIn(line, valueStart, valueEnd);
  if (!(value >= range.min && value <= range.max && value - value === 0)) return undefined;
  const end = line.length - 2;
  if (line.charCodeAt(end) !== 34 || line.charCodeAt(end + 1) !== 125) return undefined;
  const ts = parseIsoTsIn(line, valueEnd + AFTER_VALUE.length, end);
  if (!(ts <= now + maxFutureSkewMs)) return undefined;
  return { sensor: known.id, metric: range.name, ts, value, cell: known.cell };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The end of the JSON number starting at i (RFC 8259 §6), or -1. */
function scanNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) i++;
  const first = s.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (isDigit(s.charCodeAt(++i))) {}
  else return -1;
  if (s.charCodeAt(i) === 46) {
    if (!isDigit(s.charCodeAt(++i))) return -1;
    while (isDigit(s.charCodeAt(++i))) {}
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    const sign = s.charCodeAt(++i);
    if (sign === 43 || sign === 45) i++;
    if (!isDigit(s.charCodeAt(i))) return -1;
    while (isDigit(s.charCodeAt(++i))) {}
  }
  return i;
}

/**
 * The value of a well-formed JSON number, exactly as JSON.parse gives it. A plain decimal of at most 15 digits is an
 * integer below 2^53 divided by an exact power of ten: one correctly rounded division, so the same double as parsing
 * the text (Clinger's fast path). Anything else goes through Number().
 */
function numberIn(s: string, start: number, end: number): number {
  let i = start;
  const negative = s.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      scale = end - i - 1;
      continue;
    }
    if (c < 48 || c > 57 || ++digits > 15) return Number(s.slice(start, end));
    mantissa = mantissa * 10 + (c - 48);
  }
  const v = scale === 0 ? mantissa : mantissa / (POW10[scale] as number);
  return negative ? -v : v;
}
