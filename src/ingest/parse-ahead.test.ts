import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import type { GridloopEvents } from '../events.ts';
import { EventBus } from '../shared/bus.ts';
import { MINUTE } from '../shared/clock.ts';
import { tinyIngestCity } from './fixtures.ts';
import { aheadParser, BLANK, SLOW, sensorList } from './parse-ahead.ts';
import { createIngest } from './pipeline.ts';

const NOW = Date.UTC(2024, 5, 1, 12);

function setup() {
  const { city, grid, sensors } = tinyIngestCity();
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const stored: GridloopEvents['ReadingsStored'][] = [];
  bus.on('ReadingsStored', (e) => void stored.push(e));
  const ingest = createIngest({ city, grid, sensors, stores, bus, clock: () => NOW });
  return { ingest, stores, stored, sensors, skew: city.ingest.maxFutureSkewMs };
}

/** What the worker does: the sensor list as a worker receives it (a structured clone), the lines parsed with it. */
function parseAsWorker(lines: readonly string[], list: ReturnType<typeof sensorList>) {
  return aheadParser(structuredClone(list))(lines);
}

// Mostly past; some minutes ahead, on both sides of the city's five minutes of allowed clock skew.
const ts = fc.oneof(
  { arbitrary: fc.integer({ min: -120, max: 0 }).map((m) => new Date(NOW + m * MINUTE).toISOString()), weight: 6 },
  fc.integer({ min: 1, max: 10 }).map((m) => new Date(NOW + m * MINUTE).toISOString()),
  fc.constantFrom('2024-06-01T11:00:00', '2024-06-01T13:00:00.5+02:00', '2024-02-30T00:00:00Z', 'soon'),
);
const record = fc.record({
  sensor: fc.constantFrom('aq-1', 'aq-2', 'ns-1', 'nope'),
  metric: fc.constantFrom('pm25', 'LAeq', 'no2'),
  value: fc.oneof(fc.integer({ min: -10, max: 200 }), fc.double({ min: -1, max: 1e4, noNaN: true })),
  ts,
});
// A plain valid reading but for its time, which the fast path takes (or, beyond the skew, the pipeline refuses).
const valid = fc.record({
  sensor: fc.constantFrom('aq-1', 'aq-2'),
  metric: fc.constant('pm25'),
  value: fc.nat(1000),
  ts,
});
const line = fc.oneof(
  { arbitrary: valid.map((r) => JSON.stringify(r)), weight: 6 },
  { arbitrary: record.map((r) => JSON.stringify(r)), weight: 4 },
  record.map((r) => JSON.stringify(r, null, 1).replaceAll('\n', '')),
  record.map(({ ts, ...rest }) => JSON.stringify({ ts, ...rest })),
  fc.constantFrom('', '   ', '{"bad"', '[]', 'null', '{"sensor":"aq-1"}'),
  fc.string({ maxLength: 20 }),
);

test('property: parsed ahead (as in the worker), the pipeline stores, quarantines and counts as from the text', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 60 }), async (lines) => {
      const a = setup();
      const b = setup();
      const list = sensorList(b.sensors);
      const parsed = parseAsWorker(lines, list);
      assert.equal(parsed.count, lines.length);
      assert.equal(parsed.slow.length, parsed.sensor.filter((k) => k === SLOW).length);
      const viaText = await a.ingest.ingestLines(lines, 'src');
      const viaParsed = await b.ingest.ingestParsed(parsed, list, 'src');
      if (viaParsed === undefined) {
        // Refused whole, storing nothing: some line read by the fast path is beyond the future-skew bound.
        assert.ok(parsed.maxTs > NOW + b.skew);
        assert.equal(await b.stores.readings.countReadings(), 0);
        assert.equal(await b.stores.quarantine.countQuarantine(), 0);
        return;
      }
      assert.ok(parsed.maxTs <= NOW + b.skew);
      assert.deepEqual(viaParsed, viaText);
      assert.deepEqual(b.stored, a.stored);
      assert.deepEqual(
        await b.stores.quarantine.listQuarantine({ limit: 100, offset: 0 }),
        await a.stores.quarantine.listQuarantine({ limit: 100, offset: 0 }),
      );
    }),
    { numRuns: 150 },
  );
});

test('aheadParser marks blank and slow lines and keeps the slow lines’ text in order', () => {
  const { sensors } = setup();
  const list = sensorList(sensors);
  const good = JSON.stringify({ sensor: 'aq-1', metric: 'pm25', value: 12.5, ts: '2024-06-01T11:00:00Z' });
  const p = parseAsWorker(['', good, '{"bad"', ' ', good.replace('12.5', '1e9')], list);
  assert.deepEqual([...p.sensor].slice(0, 1), [BLANK]);
  assert.equal(list[p.sensor[1] as number]?.id, 'aq-1');
  assert.equal(list[p.sensor[1] as number]?.metricList[p.metric[1] as number]?.name, 'pm25');
  assert.deepEqual([p.ts[1], p.value[1]], [Date.UTC(2024, 5, 1, 11), 12.5]);
  assert.deepEqual([p.sensor[2], p.sensor[3], p.sensor[4]], [SLOW, BLANK, SLOW]);
  assert.deepEqual(p.slow, ['{"bad"', good.replace('12.5', '1e9')]);
  assert.equal(p.maxTs, Date.UTC(2024, 5, 1, 11));
});
