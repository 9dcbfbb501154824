import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { QuarantineFilter } from '../../src/ingest/ports.ts';
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

    test('findQuarantine pages after an id and filters by code and by ids, oldest first', async () => {
      const s = await make();
      try {
        const codes = ['INGEST_TS_FUTURE', 'INGEST_WRONG_TYPE', 'INGEST_TS_FUTURE'] as const;
        const q = (b: number) => codes.map((c, k) => quarantined(`r${b * 3 + k}`, c, k === 1 ? '/value' : undefined));
        await s.readings.writeReadings([reading('aq-1', 'pm25', T0, 1)], q(0));
        await s.reports.writeReports([report()], q(1));
        const all = await s.quarantine.listQuarantine({ limit: 100, offset: 0 });
        assert.equal(all.length, 6);
        const find = (f: QuarantineFilter) => s.quarantine.findQuarantine(f);
        const id = (i: number) => all[i]?.id as number;
        // Whole entries, field for field, as listQuarantine gives them.
        assert.deepEqual(await find({ limit: 100 }), all);
        assert.deepEqual(await find({ limit: 100, afterId: 0 }), all);
        assert.deepEqual(await find({ limit: 2 }), all.slice(0, 2));
        assert.deepEqual(await find({ limit: 2, afterId: id(1) }), all.slice(2, 4));
        assert.deepEqual(await find({ limit: 100, afterId: id(5) }), []);
        assert.deepEqual(await find({ limit: 0 }), []);
        const future = all.filter((e) => e.code === 'INGEST_TS_FUTURE');
        assert.deepEqual(await find({ limit: 100, code: 'INGEST_TS_FUTURE' }), future);
        assert.deepEqual(await find({ limit: 2, code: 'INGEST_TS_FUTURE', afterId: id(0) }), future.slice(1, 3));
        assert.deepEqual(await find({ limit: 100, code: 'INGEST_OUTSIDE_CITY' }), []);
        // By ids: in id order whatever the order asked, unknown ids ignored, an empty list matching nothing.
        assert.deepEqual(await find({ limit: 100, ids: [id(4), id(1), id(5) + 1000] }), [all[1], all[4]]);
        assert.deepEqual(await find({ limit: 1, ids: [id(4), id(1)] }), [all[1]]);
        assert.deepEqual(await find({ limit: 100, ids: [id(4), id(1)], afterId: id(1) }), [all[4]]);
        assert.deepEqual(await find({ limit: 100, ids: [] }), []);
        assert.deepEqual(await find({ limit: 100, ids: [id(0), id(1)], code: 'INGEST_WRONG_TYPE' }), [all[1]]);
      } finally {
        await s.close();
      }
    });

    test('deleteQuarantine deletes the given ids, counts those that existed, and leaves the rest', async () => {
      const s = await make();
      try {
        await s.readings.writeReadings(
          [],
          [0, 1, 2, 3, 4].map((i) => quarantined(`r${i}`, 'INGEST_UNKNOWN_SENSOR', '/sensor')),
        );
        const all = await s.quarantine.listQuarantine({ limit: 100, offset: 0 });
        const ids = all.map((e) => e.id);
        assert.equal(await s.quarantine.deleteQuarantine([]), 0);
        assert.equal(await s.quarantine.countQuarantine(), 5);
        // An id given twice is one entry; an unknown id deletes nothing.
        assert.equal(await s.quarantine.deleteQuarantine([ids[3]!, ids[1]!, ids[4]! + 1000, ids[3]!]), 2);
        assert.equal(await s.quarantine.countQuarantine(), 3);
        assert.deepEqual(await s.quarantine.listQuarantine({ limit: 100, offset: 0 }), [all[0], all[2], all[4]]);
        assert.deepEqual(await s.quarantine.findQuarantine({ limit: 100, ids: [ids[1]!, ids[2]!] }), [all[2]]);
        assert.equal(await s.quarantine.deleteQuarantine([ids[1]!]), 0);
        // Entries quarantined afterwards come after every surviving one.
        await s.reports.writeReports([], [quarantined('later', 'INGEST_OUTSIDE_CITY')]);
        const after = await s.quarantine.findQuarantine({ limit: 100, afterId: ids[4]! });
        assert.deepEqual(
          after.map((e) => e.raw),
          ['later'],
        );
        assert.equal(await s.quarantine.deleteQuarantine([...ids, after[0]!.id]), 4);
        assert.equal(await s.quarantine.countQuarantine(), 0);
        assert.deepEqual(await s.quarantine.findQuarantine({ limit: 100 }), []);
      } finally {
        await s.close();
      }
    });

    // `quarantine show N` and paging with `--after N` must never reach a record other than the one first given N.
    test('a deleted id is never handed out again', async () => {
      const s = await make();
      try {
        const put = (...raws: string[]) =>
          s.readings.writeReadings(
            [],
            raws.map((r) => quarantined(r, 'INGEST_UNKNOWN_SENSOR')),
          );
        const ids = async () => (await s.quarantine.listQuarantine({ limit: 100, offset: 0 })).map((e) => e.id);
        await put('a', 'b', 'c');
        const first = await ids();
        const highest = first[2]!;
        assert.equal(await s.quarantine.deleteQuarantine([highest]), 1);
        await put('d', 'e');
        const second = await s.quarantine.findQuarantine({ limit: 100, afterId: first[1]! });
        assert.deepEqual(
          second.map((e) => e.raw),
          ['d', 'e'],
        );
        assert.ok(second[0]!.id > highest, `new id ${second[0]!.id} after deleted ${highest}`);
        assert.ok(second[1]!.id > second[0]!.id);
        assert.deepEqual(await s.quarantine.findQuarantine({ limit: 100, ids: [highest] }), []);
        // Not even once every entry is gone, when a counter taken from the table's largest id would start over.
        const top = second[1]!.id;
        assert.equal(await s.quarantine.deleteQuarantine(await ids()), 4);
        await s.reports.writeReports([], [quarantined('f', 'INGEST_OUTSIDE_CITY')]);
        const [last, ...rest] = await s.quarantine.listQuarantine({ limit: 100, offset: 0 });
        assert.equal(last?.raw, 'f');
        assert.equal(rest.length, 0);
        assert.ok(last !== undefined && last.id > top, `new id ${last?.id} after deleted ${top}`);
      } finally {
        await s.close();
      }
    });
  });
}
