import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MINUTE } from '../shared/clock.ts';
import { fastReading } from './fast-reading.ts';
import { tinyIngestCity } from './fixtures.ts';
import { Problem } from './problem.ts';
import { validateReading } from './validate-reading.ts';

const { sensors } = tinyIngestCity();
const NOW = Date.UTC(2024, 5, 1, 12);
const SKEW = 5 * MINUTE;
const fast = (line: string) => fastReading(line, sensors, NOW, SKEW);

/** The slow path's answer for a line: the Reading, or undefined when it refuses the line. */
function slow(line: string) {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = validateReading(value, sensors, NOW, SKEW);
  return r instanceof Problem ? undefined : r;
}

const ws = fc.oneof({ arbitrary: fc.constant(''), weight: 30 }, fc.constantFrom(' ', '  ', '\t', ' \r ', '\n'));
const field = fc.constantFrom('sensor', 'metric', 'value', 'ts', 'site');
const text = fc.oneof(
  fc.constantFrom(
    'aq-1',
    'aq-2',
    'ns-1',
    'pm25',
    'LAeq',
    'nope',
    'aq-1\\u0000',
    'a\\"q',
    '2024-06-01T11:00:00Z',
    '2024-06-01T11:00:00',
    '2024-06-01T12:06:00+00:00',
    '2024-06-01T13:00:00.5+02:00',
    '2024-02-30T00:00:00Z',
  ),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s).slice(1, -1)),
);
const number = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '12.5',
    '1e2',
    '1E-2',
    '0.1',
    '-3',
    '01',
    '1.',
    '.5',
    '+1',
    '1e',
    '1000',
    '1000.0000001',
    '99999999999999999',
    '0.30000000000000004',
    'NaN',
    'Infinity',
    '20',
    '140',
    '19.99',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -5000, max: 5000 }).map(String),
);
const value = fc.oneof(
  number,
  text.map((t) => `"${t}"`),
  fc.constantFrom('null', 'true', '[]', '{}'),
);

/** Mostly right, sometimes wrong: so that many lines are valid and the rest differ from valid ones in one place. */
const mostly = (right: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: right, weight: 12 }, { arbitrary: value, weight: 1 });
const fieldValue = {
  sensor: mostly(fc.constant('"aq-1"')),
  metric: mostly(fc.constant('"pm25"')),
  value: mostly(fc.oneof(number, fc.double({ min: -1, max: 1001, noNaN: true }).map(String))),
  ts: mostly(
    fc.constantFrom(
      '"2024-06-01T11:00:00Z"',
      '"2024-06-01T11:00:00.123-01:00"',
      '"2024-06-01T12:04:59.999Z"',
      '"2024-06-01T12:05:00.001Z"',
      '"2024-06-01T11:00:00"',
    ),
  ),
  site: value,
} as const;

/** Lines built to hit the fast path's every branch: whitespace, key order, repeated, missing and unknown keys. */
const line = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constant(['sensor', 'metric', 'value', 'ts']), weight: 4 },
      { arbitrary: fc.shuffledSubarray(['sensor', 'metric', 'value', 'ts'], { minLength: 3 }), weight: 1 },
    ),
    fc.option(fc.tuple(field, fc.nat()), { freq: 5 }),
  )
  .map(([keys, extra]) => (extra ? keys.toSpliced(extra[1] % (keys.length + 1), 0, extra[0]) : keys))
  .chain((keys) =>
    fc
      .tuple(
        fc.tuple(...keys.map((k) => fc.tuple(fieldValue[k as keyof typeof fieldValue], ws, ws, ws))),
        ws,
        ws,
        fc.constantFrom('', '', '', '', '', ',', '}', 'x', '\\n'),
      )
      .map(
        ([values, a, b, junk]) =>
          `${a}{${keys
            .map((k, i) => {
              const [v, w1, w2, w3] = values[i]!;
              return `${w1}"${k}"${w2}:${w3}${v}`;
            })
            .join(',')}}${junk}${b}`,
      ),
  );

const validLine = fc
  .record({
    s: fc.constantFrom(...sensors.values()),
    frac: fc.double({ min: 0, max: 1, noNaN: true }),
    t: fc.integer({ min: 0, max: NOW + SKEW }),
    offset: fc.constantFrom('Z', '+00:00', '-05:30', '+14:00'),
  })
  .map(({ s, frac, t, offset }) => {
    const m = s.metricList[0]!;
    const shift =
      offset === 'Z'
        ? 0
        : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) * 60_000;
    const local = new Date(t + shift).toISOString().slice(0, -1) + offset;
    return JSON.stringify({ sensor: s.id, metric: m.name, value: m.min + (m.max - m.min) * frac, ts: local });
  });

describe('fastReading', () => {
  test('reads the common line form', () => {
    const r = fast('{"sensor":"aq-1","metric":"pm25","value":12.5,"ts":"2024-06-01T11:00:00Z"}');
    assert.deepEqual(r, {
      sensor: 'aq-1',
      metric: 'pm25',
      value: 12.5,
      ts: Date.UTC(2024, 5, 1, 11),
      cell: sensors.get('aq-1')?.cell,
    });
  });

  test('property: every valid reading as JSON.stringify writes it takes the fast path and reads as the slow path does', () => {
    fc.assert(
      fc.property(validLine, (l) => {
        const r = fast(l);
        assert.ok(r !== undefined, l);
        assert.deepEqual(r, slow(l));
      }),
      { numRuns: 2000 },
    );
  });

  test('property: whatever the fast path accepts, the slow path accepts with an equal Reading', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: line, weight: 9 }, { arbitrary: fc.string(), weight: 1 }), (l) => {
        const r = fast(l);
        if (r !== undefined) {
          accepted++;
          const s = slow(l);
          assert.ok(s !== undefined, l);
          assert.ok(Object.is(r.value, s.value), l);
          assert.deepEqual(r, s, l);
        }
      }),
      { numRuns: 20_000 },
    );
    assert.ok(accepted > 20, 'the generator reaches the fast path');
  });

  test('numbers read exactly as JSON.parse reads them', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 17 }), (v, digits) => {
        const t = v.toFixed(digits);
        const r = fast(`{"sensor":"aq-1","metric":"pm25","value":${t},"ts":"2024-06-01T11:00:00Z"}`);
        assert.ok(r !== undefined, t);
        assert.ok(Object.is(r.value, JSON.parse(t)), t);
      }),
      { numRuns: 5000 },
    );
  });
});
