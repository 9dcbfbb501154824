import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketOf, ROLLUP_BUCKET_MS } from '../../src/ingest/ports.ts';
import type { Stores } from '../../src/ports.ts';
import { CELL_A, CELL_B, reading, T0, withStoresOf } from './fixtures.ts';

const B = ROLLUP_BUCKET_MS;
const DAY = 86_400_000;

/** Rollups and retention of the ReadingStore: every adapter must pass it unchanged. */
export function rollupRetentionContract(name: string, make: () => Promise<Stores>): void {
  const withStores = withStoresOf(make);

  describe(`ReadingStore rollups and retention contract: ${name}`, () => {
    test('bucketOf floors to 5-minute starts, before the epoch too', () => {
      assert.equal(bucketOf(T0 + B + 1), T0 + B);
      assert.equal(bucketOf(T0 + B - 1), T0);
      assert.equal(bucketOf(-1), -B);
      assert.equal(bucketOf(0), 0);
    });

    test(
      'keeps count, sum, min and max per cell, metric and bucket, in [from, to) by bucket start',
      withStores(async ({ readings }) => {
        await readings.writeReadings(
          [
            reading('aq-1', 'pm25', T0, 10),
            reading('aq-1', 'pm25', T0 + 60_000, -2.5),
            reading('aq-2', 'pm25', T0 + B - 1, 4),
            reading('aq-1', 'pm25', T0 + B, 7),
            reading('aq-1', 'no2', T0, 40),
            reading('aq-3', 'pm25', T0, 99, CELL_B),
          ],
          [],
        );
        await readings.writeReadings([reading('aq-1', 'pm25', T0 + 2 * B + 5, 1.5)], []);
        assert.deepEqual(await readings.rollups(CELL_A, 'pm25', T0, T0 + 10 * B), [
          { bucket: T0, count: 3, sum: 11.5, min: -2.5, max: 10 },
          { bucket: T0 + B, count: 1, sum: 7, min: 7, max: 7 },
          { bucket: T0 + 2 * B, count: 1, sum: 1.5, min: 1.5, max: 1.5 },
        ]);
        assert.deepEqual(
          (await readings.rollups(CELL_A, 'pm25', T0 + 1, T0 + 2 * B)).map((r) => r.bucket),
          [T0 + B],
        );
        assert.deepEqual(await readings.rollups(CELL_A, 'no2', 0, T0 * 2), [
          { bucket: T0, count: 1, sum: 40, min: 40, max: 40 },
        ]);
        assert.deepEqual(await readings.rollups(CELL_B, 'pm25', 0, T0 * 2), [
          { bucket: T0, count: 1, sum: 99, min: 99, max: 99 },
        ]);
        assert.deepEqual(await readings.rollups(CELL_B, 'no2', 0, T0 * 2), []);
        assert.deepEqual(await readings.rollups(CELL_A, 'unknown', 0, T0 * 2), []);
      }),
    );

    test(
      'counts only newly stored readings: duplicates and failed batches leave rollups unchanged',
      withStores(async ({ readings }) => {
        await readings.writeReadings([reading('aq-1', 'pm25', T0, 10), reading('aq-1', 'pm25', T0 + 1, 20)], []);
        const flags = await readings.writeReadings(
          [
            reading('aq-1', 'pm25', T0, 1000),
            reading('aq-1', 'pm25', T0 + 2, 30),
            reading('aq-1', 'pm25', T0 + 2, -1000),
          ],
          [],
        );
        assert.deepEqual([...flags], [0, 1, 0]);
        await assert.rejects(
          readings.writeReadings([reading('aq-1', 'pm25', T0 + 3, 5), reading('aq-1', 'pm25', T0 + 4, Number.NaN)], []),
        );
        assert.deepEqual(await readings.rollups(CELL_A, 'pm25', T0, T0 + B), [
          { bucket: T0, count: 3, sum: 60, min: 10, max: 30 },
        ]);
      }),
    );

    test(
      'deleteReadingsBefore removes raw readings older than the cut, across months, and keeps the rollups',
      withStores(async ({ readings }) => {
        const times = [T0 - 40 * DAY, T0 - 10 * DAY, T0 - 1, T0, T0 + 1, T0 + 35 * DAY];
        await readings.writeReadings(
          times.map((ts, i) => reading('aq-1', 'pm25', ts, i)),
          [],
        );
        const before = await readings.rollups(CELL_A, 'pm25', 0, T0 * 2);
        assert.equal(before.length, 5);
        assert.equal(await readings.deleteReadingsBefore(T0), 3);
        assert.equal(await readings.countReadings(), 3);
        assert.deepEqual(
          (await readings.readingsOf('aq-1', 'pm25', 0, T0 * 2)).map((r) => r.ts),
          [T0, T0 + 1, T0 + 35 * DAY],
        );
        assert.deepEqual(await readings.rollups(CELL_A, 'pm25', 0, T0 * 2), before);
        assert.equal(await readings.deleteReadingsBefore(T0), 0);
        // A month emptied by retention takes readings again.
        assert.deepEqual([...(await readings.writeReadings([reading('aq-1', 'pm25', T0 - 40 * DAY, 1)], []))], [1]);
        assert.equal(await readings.countReadings(), 4);
      }),
    );
  });
}
