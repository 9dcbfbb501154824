import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stores } from '../../src/ports.ts';
import type { ReportId, ServiceCode } from '../../src/shared/brand.ts';
import { CELL_A, CELL_B, quarantined, report, T0, withStoresOf } from './fixtures.ts';

/** The behaviour every ReportStore adapter must show. `make` returns fresh, empty stores each time. */
export function reportStoreContract(name: string, make: () => Promise<Stores>): void {
  const withStores = withStoresOf(make);

  describe(`ReportStore contract: ${name}`, () => {
    test(
      'stores a report and reads it back field for field',
      withStores(async ({ reports }) => {
        const full = report({
          externalId: 'ext-1',
          description: 'A deep pothole, ünïcödé ✓',
          address: '1 Main St',
          mediaUrl: 'https://example.org/p.jpg',
          lon: 10.001,
          lat: 50.002,
        });
        const bare = report();
        assert.deepEqual([...(await reports.writeReports([full, bare], []))], [1, 1]);
        assert.deepEqual(await reports.getReport(full.id), full);
        assert.deepEqual(await reports.getReport(bare.id), bare);
        assert.equal(await reports.getReport('report_none' as ReportId), undefined);
      }),
    );

    test(
      'counts a second report with the same source and external id as a duplicate, and finds the first',
      withStores(async ({ reports }) => {
        const first = report({ source: 'open311', externalId: 'abc' });
        await reports.writeReports([first], []);
        const again = report({ source: 'open311', externalId: 'abc' });
        const otherSource = report({ source: 'import', externalId: 'abc' });
        const twice = [
          report({ source: 'open311', externalId: 'def' }),
          report({ source: 'open311', externalId: 'def' }),
        ];
        const noId = [report(), report()];
        const flags = await reports.writeReports([again, otherSource, ...twice, ...noId], []);
        assert.deepEqual([...flags], [0, 1, 1, 0, 1, 1]);
        assert.equal(await reports.getReport(again.id), undefined);
        assert.equal(await reports.findReportId('open311', 'abc'), first.id);
        assert.equal(await reports.findReportId('import', 'abc'), otherSource.id);
        assert.equal(await reports.findReportId('open311', 'def'), twice[0]?.id);
        assert.equal(await reports.findReportId('open311', 'zzz'), undefined);
        assert.equal((await reports.listReports({ limit: 100 })).length, 5);
      }),
    );

    test(
      'counts reports of a category in a cell with requestedAt in [from, to)',
      withStores(async ({ reports }) => {
        const pothole = 'pothole' as ServiceCode;
        await reports.writeReports(
          [
            report({ requestedAt: T0 }),
            report({ requestedAt: T0 + 10 }),
            report({ requestedAt: T0 + 20 }),
            report({ requestedAt: T0 + 10, cell: CELL_B }),
            report({ requestedAt: T0 + 10, serviceCode: 'graffiti' as ServiceCode }),
          ],
          [],
        );
        assert.equal(await reports.countReports(CELL_A, pothole, T0, T0 + 20), 2);
        assert.equal(await reports.countReports(CELL_A, pothole, T0, T0 + 21), 3);
        assert.equal(await reports.countReports(CELL_B, pothole, 0, T0 * 2), 1);
        assert.equal(await reports.countReports(CELL_B, 'graffiti' as ServiceCode, 0, T0 * 2), 0);
      }),
    );

    test(
      'lists reports oldest first and pages after an id',
      withStores(async ({ reports }) => {
        const all = Array.from({ length: 5 }, () => report());
        await reports.writeReports([all[3]!, all[0]!, all[4]!, all[1]!, all[2]!], []);
        const page1 = await reports.listReports({ limit: 2 });
        assert.deepEqual(page1, all.slice(0, 2));
        const page2 = await reports.listReports({ limit: 10, after: page1[1]!.id });
        assert.deepEqual(page2, all.slice(2));
      }),
    );

    test(
      'a failing batch throws and leaves earlier data unchanged, its quarantine rows too',
      withStores(async ({ reports, quarantine }) => {
        const kept = report({ externalId: 'k' });
        await reports.writeReports([kept], [quarantined('a', 'INGEST_UNKNOWN_SERVICE', '/service_code')]);
        const clash = report({ externalId: 'n1' });
        // Two reports under one id is a constraint error, not a duplicate: the whole batch must fail.
        await assert.rejects(
          reports.writeReports(
            [report({ externalId: 'n0' }), clash, { ...clash, externalId: 'n2' }],
            [quarantined('b', 'INGEST_OUTSIDE_CITY')],
          ),
        );
        assert.deepEqual(await reports.listReports({ limit: 10 }), [kept]);
        assert.equal(await reports.findReportId('test', 'n0'), undefined);
        assert.equal(await quarantine.countQuarantine(), 1);
        const [q] = await quarantine.listQuarantine({ limit: 10, offset: 0 });
        assert.equal(q?.code, 'INGEST_UNKNOWN_SERVICE');
        assert.equal(q?.path, '/service_code');
        assert.equal(q?.raw, 'a');
      }),
    );
  });
}
