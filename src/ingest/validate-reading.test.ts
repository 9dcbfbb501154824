import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { RegisteredSensor, SensorRegistry } from '../sensors/registry.ts';
import type { Reading } from '../sensors/types.ts';
import type { AreaId, CellId, SensorId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import { Problem } from './problem.ts';
import { validateReading } from './validate-reading.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
const SKEW = 5 * MINUTE;

const sensor = (id: string, metrics: [string, number, number][]): RegisteredSensor => {
  const list = metrics.map(([name, min, max]) => ({ name, unit: 'u', min, max }));
  return {
    id: id as SensorId,
    kind: 'test',
    cell: `89${id.padEnd(13, '0')}` as CellId,
    area: 'c1' as AreaId,
    metrics: new Map(list.map((m) => [m.name, m])),
    metricList: list,
  };
};

const registry: SensorRegistry = new Map([
  [
    'aq-1',
    sensor('aq-1', [
      ['pm25', 0, 1000],
      ['no2', 0, 2000],
    ]),
  ],
  ['wl-1', sensor('wl-1', [['waterLevel', -10, 50]])],
]);

const check = (rec: unknown) => validateReading(rec, registry, NOW, SKEW);
const good = { sensor: 'aq-1', metric: 'pm25', value: 12.5, ts: '2024-06-01T11:59:00Z' };

function codeOf(rec: unknown): string | undefined {
  const r = check(rec);
  return r instanceof Problem ? r.code : undefined;
}

describe('validateReading', () => {
  test('a good record becomes a Reading pinned to its sensor cell', () => {
    const r = check(good) as Reading;
    assert.ok(!(r instanceof Problem));
    assert.deepEqual(r, {
      sensor: 'aq-1',
      metric: 'pm25',
      value: 12.5,
      ts: Date.UTC(2024, 5, 1, 11, 59),
      cell: registry.get('aq-1')?.cell,
    });
  });

  test('every kind of bad record gets its code and path', () => {
    const cases: [unknown, string, string | undefined][] = [
      [null, 'INGEST_NOT_AN_OBJECT', undefined],
      [[good], 'INGEST_NOT_AN_OBJECT', undefined],
      ['x', 'INGEST_NOT_AN_OBJECT', undefined],
      [{ ...good, extra: 1 }, 'INGEST_UNKNOWN_FIELD', '/extra'],
      [
        JSON.parse('{"sensor":"aq-1","metric":"pm25","value":1,"ts":"2024-06-01T11:59:00Z","__proto__":{}}'),
        'INGEST_UNKNOWN_FIELD',
        '/__proto__',
      ],
      [{ sensor: 'aq-1', metric: 'pm25', value: 1 }, 'INGEST_MISSING_FIELD', '/ts'],
      [{ metric: 'pm25', value: 1, ts: good.ts }, 'INGEST_MISSING_FIELD', '/sensor'],
      [{ ...good, value: undefined }, 'INGEST_MISSING_FIELD', '/value'],
      [{ ...good, value: '12' }, 'INGEST_WRONG_TYPE', '/value'],
      [{ ...good, sensor: 7 }, 'INGEST_WRONG_TYPE', '/sensor'],
      [{ ...good, ts: 1717243140000 }, 'INGEST_WRONG_TYPE', '/ts'],
      [{ ...good, metric: null }, 'INGEST_WRONG_TYPE', '/metric'],
      [{ ...good, sensor: 'nope' }, 'INGEST_UNKNOWN_SENSOR', '/sensor'],
      [{ ...good, metric: 'waterLevel' }, 'INGEST_UNKNOWN_METRIC', '/metric'],
      [{ ...good, value: -0.1 }, 'INGEST_VALUE_OUT_OF_RANGE', '/value'],
      [{ ...good, value: 1000.5 }, 'INGEST_VALUE_OUT_OF_RANGE', '/value'],
      [{ ...good, value: Number.NaN }, 'INGEST_VALUE_OUT_OF_RANGE', '/value'],
      [{ ...good, value: Number.POSITIVE_INFINITY }, 'INGEST_VALUE_OUT_OF_RANGE', '/value'],
      [{ ...good, ts: '2024-06-01T11:59:00' }, 'INGEST_TS_NO_ZONE', '/ts'],
      [{ ...good, ts: 'yesterday' }, 'INGEST_TS_INVALID', '/ts'],
      [{ ...good, ts: '2024-06-31T00:00:00Z' }, 'INGEST_TS_INVALID', '/ts'],
      [{ ...good, ts: '2024-06-01T12:05:01Z' }, 'INGEST_TS_FUTURE', '/ts'],
    ];
    for (const [rec, code, path] of cases) {
      const r = check(rec);
      assert.ok(r instanceof Problem, JSON.stringify(rec));
      assert.equal(r.code, code, JSON.stringify(rec));
      assert.equal(r.path, path, JSON.stringify(rec));
    }
    assert.equal(codeOf({ ...good, ts: '2024-06-01T12:05:00Z' }), undefined, 'exactly the allowed skew is fine');
    assert.equal(codeOf({ ...good, sensor: 'wl-1', metric: 'waterLevel', value: -10 }), undefined);
  });

  test('property: any in-range reading of a known sensor and metric is accepted with its exact time', () => {
    const valid = fc
      .constantFrom(...[...registry.values()].flatMap((s) => [...s.metrics.values()].map((m) => ({ s, m }))))
      .chain(({ s, m }) =>
        fc.record({
          sensor: fc.constant(s.id as string),
          metric: fc.constant(m.name),
          value: fc.double({ min: m.min, max: m.max, noNaN: true }),
          ts: fc.integer({ min: 0, max: NOW + SKEW }),
        }),
      );
    fc.assert(
      fc.property(valid, (rec) => {
        const r = check(JSON.parse(JSON.stringify({ ...rec, ts: new Date(rec.ts).toISOString() })));
        assert.ok(!(r instanceof Problem), r instanceof Problem ? r.code : '');
        assert.equal(r.ts, rec.ts);
        assert.equal(r.value, JSON.parse(JSON.stringify(rec.value)));
      }),
    );
  });

  test('property: any JSON value gets a Reading or a coded Problem, never an exception', () => {
    const arbitrary = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          sensor: fc.oneof(fc.constant('aq-1'), fc.jsonValue()),
          metric: fc.oneof(fc.constant('pm25'), fc.jsonValue()),
          value: fc.jsonValue(),
          ts: fc.oneof(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(arbitrary, (rec) => {
        const r = check(rec);
        if (r instanceof Problem) assert.match(r.code, /^INGEST_/);
        else assert.equal(typeof r.ts, 'number');
      }),
      { numRuns: 2000 },
    );
  });
});
