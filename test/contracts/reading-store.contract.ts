import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stores } from '../../src/ports.ts';
import { CELL_B, quarantined, reading, T0, withStoresOf } from './fixtures.ts';

/** The behaviour every ReadingStore adapter must show. `make` returns fresh, empty stores each time. */
export function readingStoreContract(name: string, make: () => Promise<Stores>): void {
  const withStores = withStoresOf(make);

  describe(`ReadingStore contract: ${name}`, () => {
    test(
      'stores readings and reads one sensor and metric back in [from, to), oldest first, with its cell',
      withStores(async ({ readings }) => {
        const batch = [
          reading('aq-1', 'pm25', T0 + 2000, 12.5),
          reading('aq-1', 'pm25', T0, 10),
          reading('aq-1', 'no2', T0, 40),
          reading('aq-2', 'pm25', T0, 99, CELL_B),
          reading('aq-1', 'pm25', T0 + 5000, -3.25),
        ];
        assert.deepEqual([...(await readings.writeReadings(batch, []))], [1, 1, 1, 1, 1]);
        assert.equal(await readings.countReadings(), 5);
        assert.deepEqual(await readings.readingsOf('aq-1', 'pm25', T0, T0 + 5000), [
          reading('aq-1', 'pm25', T0, 10),
          reading('aq-1', 'pm25', T0 + 2000, 12.5),
        ]);
        assert.deepEqual(await readings.readingsOf('aq-2', 'pm25', 0, T0 + 1), [
          reading('aq-2', 'pm25', T0, 99, CELL_B),
        ]);
        assert.deepEqual(await readings.readingsOf('aq-9', 'pm25', 0, T0 * 2), []);
        assert.deepEqual(await readings.readingsOf('aq-1', 'LAeq', 0, T0 * 2), []);
      }),
    );

    test(
      'flags a duplicate (sensor, metric, ts) 0 and keeps the first value, across and within batches',
      withStores(async ({ readings }) => {
        await readings.writeReadings([reading('aq-1', 'pm25', T0, 10)], []);
        const flags = await readings.writeReadings(
          [reading('aq-1', 'pm25', T0, 11), reading('aq-1', 'pm25', T0 + 1, 12), reading('aq-1', 'pm25', T0 + 1, 13)],
          [],
        );
        assert.ok(flags instanceof Uint8Array);
        assert.deepEqual([...flags], [0, 1, 0]);
        assert.equal(await readings.countReadings(), 2);
        assert.deepEqual(
          (await readings.readingsOf('aq-1', 'pm25', T0, T0 + 2)).map((r) => r.value),
          [10, 12],
        );
      }),
    );

    test(
      "keeps a batch's quarantined records, with source, raw input, code, reason and path",
      withStores(async ({ readings, quarantine }) => {
        const q = [
          quarantined('{"sensor":"x"}', 'INGEST_MISSING_FIELD', '/ts'),
          quarantined('{oops', 'INGEST_MALFORMED_JSON'),
        ];
        await readings.writeReadings([reading('aq-1', 'pm25', T0, 1)], q);
        await readings.writeReadings([], [quarantined('[]', 'INGEST_NOT_AN_OBJECT')]);
        assert.equal(await quarantine.countQuarantine(), 3);
        const rows = await quarantine.listQuarantine({ limit: 10, offset: 0 });
        assert.deepEqual(
          rows.map(({ id: _id, ...rest }) => rest),
          [...q, quarantined('[]', 'INGEST_NOT_AN_OBJECT')],
        );
        assert.equal(new Set(rows.map((r) => r.id)).size, 3);
      }),
    );

    test(
      'a failing batch throws and leaves earlier data unchanged, its quarantine rows too; the store still works',
      withStores(async ({ readings, quarantine }) => {
        await readings.writeReadings([reading('aq-1', 'pm25', T0, 1)], [quarantined('x', 'INGEST_MALFORMED_JSON')]);
        await assert.rejects(
          readings.writeReadings(
            [reading('new-1', 'newMetric', T0, 5), reading('aq-1', 'pm25', T0 + 1, Number.NaN)],
            [quarantined('y', 'INGEST_MALFORMED_JSON')],
          ),
        );
        await assert.rejects(readings.writeReadings([reading('aq-1', 'pm25', T0 + 2, Number.POSITIVE_INFINITY)], []));
        assert.equal(await readings.countReadings(), 1);
        assert.equal(await quarantine.countQuarantine(), 1);
        assert.deepEqual(await readings.readingsOf('new-1', 'newMetric', 0, T0 * 2), []);
        // The sensor and metric first seen in the failed batch are written properly afterwards.
        assert.deepEqual([...(await readings.writeReadings([reading('new-1', 'newMetric', T0, 5, CELL_B)], []))], [1]);
        assert.deepEqual(await readings.readingsOf('new-1', 'newMetric', 0, T0 * 2), [
          reading('new-1', 'newMetric', T0, 5, CELL_B),
        ]);
      }),
    );

    test(
      'takes a full batch of 10,000 readings and counts them',
      withStores(async ({ readings }) => {
        const batch = Array.from({ length: 10_000 }, (_, i) =>
          reading(`s-${i % 50}`, i % 3 ? 'pm25' : 'no2', T0 + i * 1000, i),
        );
        const flags = await readings.writeReadings(batch, []);
        assert.equal(flags.length, 10_000);
        assert.ok(flags.every((f) => f === 1));
        assert.equal(await readings.countReadings(), 10_000);
        assert.deepEqual([...(await readings.writeReadings(batch.slice(0, 3), []))], [0, 0, 0]);
        assert.equal(await readings.countReadings(), 10_000);
      }),
    );
  });
}
