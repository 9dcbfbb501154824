import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stores } from '../../src/ports.ts';
import { quarantined, reading, report, T0 } from './fixtures.ts';

/** The behaviour every QuarantineStore adapter must show. `make` returns fresh, empty stores each time. */
export function quarantineStoreContract(name: string, make: () => Promise<Stores>): void {
  describe(`QuarantineStore contract: ${name}`, () => {
    test('is empty at first', async () => {
      const s = await make();
      try {
        assert.equal(await s.quarantine.countQuarantine(), 0);
        assert.deepEqual(await s.quarantine.listQuarantine({ limit: 10, offset: 0 }), []);
      } finally {
        await s.close();
      }
    });

    test('keeps entries from reading and report batches in order, and pages with limit and offset', async () => {
      const s = await make();
      try {
        const raw = (i: number) => `{"n":${i},"text":"ünïcödé \\u0000 ✓"}`;
        for (let b = 0; b < 5; b++) {
          const q = [0, 1, 2].map((k) =>
            quarantined(
              raw(b * 3 + k),
              k === 0 ? 'INGEST_TS_FUTURE' : 'INGEST_WRONG_TYPE',
              k === 2 ? undefined : '/ts',
            ),
          );
          if (b % 2) await s.reports.writeReports([report({ requestedAt: T0 + b })], q);
          else await s.readings.writeReadings([reading('aq-1', 'pm25', T0 + b, b)], q);
        }
        assert.equal(await s.quarantine.countQuarantine(), 15);
        const all = await s.quarantine.listQuarantine({ limit: 100, offset: 0 });
        assert.deepEqual(
          all.map((e) => e.raw),
          Array.from({ length: 15 }, (_, i) => raw(i)),
        );
        assert.deepEqual(
          all.map((e) => e.path),
          Array.from({ length: 15 }, (_, i) => (i % 3 === 2 ? undefined : '/ts')),
        );
        assert.equal(all[0]?.code, 'INGEST_TS_FUTURE');
        assert.equal(all[0]?.receivedAt, T0);
        const page = await s.quarantine.listQuarantine({ limit: 4, offset: 6 });
        assert.deepEqual(page, all.slice(6, 10));
        assert.ok(all.every((e, i) => i === 0 || e.id > (all[i - 1]?.id ?? 0)));
      } finally {
        await s.close();
      }
    });
  });
}
