import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import { TINY_CENTRE } from '../city/fixtures.ts';
import type { GridloopEvents } from '../events.ts';
import { EventBus } from '../shared/bus.ts';
import { MINUTE } from '../shared/clock.ts';
import { tinyIngestCity } from './fixtures.ts';
import { createIngest, MAX_BATCH, MAX_ERRORS } from './pipeline.ts';
import type { IngestSummary } from './types.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();
const line = (sensor: string, metric: string, value: number, ts: number) =>
  JSON.stringify({ sensor, metric, value, ts: iso(ts) });

function setup() {
  const { city, grid, sensors } = tinyIngestCity();
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const events = {
    stored: [] as GridloopEvents['ReadingsStored'][],
    filed: [] as GridloopEvents['ReportFiled'][],
    done: [] as GridloopEvents['IngestDone'][],
  };
  bus.on('ReadingsStored', (e) => void events.stored.push(e));
  bus.on('ReportFiled', (e) => void events.filed.push(e));
  bus.on('IngestDone', (e) => void events.done.push(e));
  const ingest = createIngest({ city, grid, sensors, stores, bus, clock: () => NOW });
  return { ingest, stores, events, sensors, grid };
}

const balanced = (s: IngestSummary) => assert.equal(s.stored + s.quarantined + s.duplicate, s.received);

describe('ingest pipeline: readings', () => {
  test('stores good lines, quarantines bad ones with their raw text, counts duplicates, skips blank lines', async () => {
    const { ingest, stores, events, sensors } = setup();
    const good = line('aq-1', 'pm25', 10, NOW - MINUTE);
    const lines = [
      good,
      '',
      '{"sensor":"aq-1",',
      line('aq-1', 'pm25', 11, NOW - 2 * MINUTE),
      good,
      line('nope', 'pm25', 1, NOW),
      JSON.stringify({ sensor: 'aq-1', metric: 'pm25', value: 1, ts: '2024-06-01T11:00:00' }),
      '   ',
      line('ns-1', 'LAeq', 55, NOW - MINUTE),
    ];
    const summary = await ingest.ingestNdjson(`${lines.join('\r\n')}\n`, 'http');
    assert.deepEqual(
      { ...summary, errors: summary.errors.map((e) => [e.index, e.code, e.path]) },
      {
        received: 7,
        stored: 3,
        quarantined: 3,
        duplicate: 1,
        errors: [
          [2, 'INGEST_MALFORMED_JSON', undefined],
          [5, 'INGEST_UNKNOWN_SENSOR', '/sensor'],
          [6, 'INGEST_TS_NO_ZONE', '/ts'],
        ],
      },
    );
    balanced(summary);
    assert.equal(await stores.readings.countReadings(), 3);
    const q = await stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
    assert.deepEqual(
      q.map((e) => [e.raw, e.code, e.source, e.receivedAt]),
      [
        [lines[2], 'INGEST_MALFORMED_JSON', 'http', NOW],
        [lines[5], 'INGEST_UNKNOWN_SENSOR', 'http', NOW],
        [lines[6], 'INGEST_TS_NO_ZONE', 'http', NOW],
      ],
    );
    assert.equal(events.stored.length, 1);
    assert.deepEqual(
      events.stored[0]?.readings.map((r) => [r.sensor, r.value, r.cell]),
      [
        ['aq-1', 10, sensors.get('aq-1')?.cell],
        ['aq-1', 11, sensors.get('aq-1')?.cell],
        ['ns-1', 55, sensors.get('ns-1')?.cell],
      ],
    );
    assert.deepEqual(events.done, [{ summary, source: 'http', kind: 'readings' }]);
  });

  test('a second delivery of the same readings stores nothing and emits no ReadingsStored', async () => {
    const { ingest, stores, events } = setup();
    const text = Buffer.from([line('aq-1', 'pm25', 1, NOW - MINUTE), line('aq-2', 'pm25', 2, NOW - MINUTE)].join('\n'));
    await ingest.ingestNdjson(text, 'a');
    const again = await ingest.ingestNdjson(text, 'b');
    assert.deepEqual({ ...again }, { received: 2, stored: 0, quarantined: 0, duplicate: 2, errors: [] });
    assert.equal(events.stored.length, 1);
    assert.equal(events.done.length, 2);
    assert.equal(await stores.readings.countReadings(), 2);
  });

  test('works in batches of at most 10,000, emitting each batch’s new readings; errors list only the first 100', async () => {
    const { ingest, stores, events } = setup();
    const n = 2 * MAX_BATCH + 1;
    const lines = Array.from({ length: n }, (_, i) =>
      i % 100 === 7 ? `{bad ${i}` : line(i % 2 ? 'aq-1' : 'aq-2', 'pm25', i % 1000, NOW - i * 1000),
    );
    const summary = await ingest.ingestNdjson(lines.join('\n'), 'bulk');
    balanced(summary);
    const bad = lines.filter((l) => l.startsWith('{bad')).length;
    assert.equal(summary.received, n);
    assert.equal(summary.quarantined, bad);
    assert.equal(summary.stored, n - bad);
    assert.equal(summary.errors.length, MAX_ERRORS);
    assert.equal(summary.errors[1]?.index, 107);
    assert.deepEqual(
      events.stored.map((e) => e.readings.length),
      [MAX_BATCH - 100, MAX_BATCH - 100, 1],
    );
    assert.equal(await stores.readings.countReadings(), n - bad);
    assert.equal(await stores.quarantine.countQuarantine(), bad);
  });

  test('ingestRecords quarantines parsed records with their JSON text and input index', async () => {
    const { ingest, stores } = setup();
    const records = [
      { sensor: 'aq-1', metric: 'pm25', value: 5, ts: iso(NOW) },
      { sensor: 'aq-1', metric: 'pm25', value: 5, ts: iso(NOW + 6 * MINUTE) },
      42,
      { sensor: 'aq-1', metric: 'LAeq', value: 5, ts: iso(NOW) },
      { sensor: 'aq-1', metric: 'pm25', value: 5, ts: iso(NOW), site: 'x' },
    ];
    const s = await ingest.ingestRecords(records, 'sim');
    balanced(s);
    assert.deepEqual(
      s.errors.map((e) => [e.index, e.code]),
      [
        [1, 'INGEST_TS_FUTURE'],
        [2, 'INGEST_NOT_AN_OBJECT'],
        [3, 'INGEST_UNKNOWN_METRIC'],
        [4, 'INGEST_UNKNOWN_FIELD'],
      ],
    );
    const q = await stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
    assert.deepEqual(
      q.map((e) => e.raw),
      records.slice(1).map((r) => JSON.stringify(r)),
    );
  });

  test('a quarantine entry names its own source when sources are given per record or line', async () => {
    const { ingest, stores, events } = setup();
    const good = { sensor: 'aq-1', metric: 'pm25', value: 5, ts: iso(NOW) };
    const r = await ingest.ingestRecords([good, 42, { nope: 1 }], 'mqtt', ['mqtt:a', 'mqtt:b', 'mqtt:c']);
    const l = await ingest.ingestLines(['garbage', '', 'more'], 'mqtt', 0, ['mqtt:d', 'mqtt:e', 'mqtt:f']);
    const plain = await ingest.ingestLines(['junk'], 'http');
    for (const s of [r, l, plain]) balanced(s);
    const q = await stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
    assert.deepEqual(
      q.map((e) => [e.raw, e.source]),
      [
        ['42', 'mqtt:b'],
        ['{"nope":1}', 'mqtt:c'],
        ['garbage', 'mqtt:d'],
        ['more', 'mqtt:f'],
        ['junk', 'http'],
      ],
    );
    assert.deepEqual(
      events.stored.map((e) => [e.source, e.readings.length]),
      [['mqtt', 1]],
    );
  });

  test('property: every line ends up stored, quarantined or duplicate, and the store agrees', async () => {
    const lineArb = fc.oneof(
      fc
        .record({
          s: fc.constantFrom('aq-1', 'aq-2'),
          v: fc.integer({ min: 0, max: 1000 }),
          t: fc.integer({ min: 0, max: 20 }),
        })
        .map(({ s, v, t }) => ({ key: `${s}@${t}`, text: line(s, 'pm25', v, NOW - t * MINUTE) })),
      fc
        .string()
        .filter((x) => !x.includes('\n'))
        .map((text) => ({ key: undefined, text })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(lineArb, { maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        async (deliveries) => {
          const { ingest, stores } = setup();
          const seen = new Set<string>();
          for (const d of deliveries) {
            const s = await ingest.ingestNdjson(d.map((l) => l.text).join('\n'), 'p');
            balanced(s);
            let fresh = 0;
            for (const l of d) {
              if (l.key !== undefined && !seen.has(l.key)) {
                seen.add(l.key);
                fresh++;
              }
            }
            assert.equal(s.stored, fresh);
          }
          assert.equal(await stores.readings.countReadings(), seen.size);
          await stores.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('ingest pipeline: reports', () => {
  const report = (over: Record<string, unknown> = {}) => ({
    service_code: 'pothole',
    lat: TINY_CENTRE.lat,
    long: TINY_CENTRE.lon,
    ...over,
  });

  test('files reports, answers a duplicate with the first id, and leaves a refused one without an id', async () => {
    const { ingest, stores, events } = setup();
    const first = await ingest.fileReports([report({ id: 'e1' }), report()], 'open311');
    balanced(first);
    assert.equal(first.stored, 2);
    const [id1, id2] = first.ids;
    assert.ok(id1 && id2 && id1 !== id2);
    assert.match(id1, /^report_/);
    const second = await ingest.fileReports(
      [report({ id: 'e1', description: 'again' }), report({ lat: 0, long: 0 }), report({ id: 'e1' })],
      'open311',
    );
    balanced(second);
    assert.deepEqual(
      { ...second, errors: second.errors.map((e) => [e.index, e.code]) },
      {
        received: 3,
        stored: 0,
        quarantined: 1,
        duplicate: 2,
        errors: [[1, 'INGEST_OUTSIDE_CITY']],
        ids: [id1, undefined, id1],
      },
    );
    assert.equal((await stores.reports.getReport(id1))?.description, undefined);
    assert.equal(events.filed.length, 1);
    assert.deepEqual(
      events.filed[0]?.reports.map((r) => r.id),
      [id1, id2],
    );
    assert.deepEqual(
      events.done.map((e) => [e.kind, e.summary.received]),
      [
        ['reports', 2],
        ['reports', 3],
      ],
    );
    const [q] = await stores.quarantine.listQuarantine({ limit: 1, offset: 0 });
    assert.equal(q?.raw, JSON.stringify(report({ lat: 0, long: 0 })));
  });
});
