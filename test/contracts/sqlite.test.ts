import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { reading, T0 } from './fixtures.ts';
import { quarantineStoreContract } from './quarantine-store.contract.ts';
import { readingStoreContract } from './reading-store.contract.ts';
import { reportStoreContract } from './report-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'gridloop-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const adapters: [string, () => Promise<ReturnType<typeof openSqliteStore>>][] = [
  ['sqlite :memory:', async () => openSqliteStore(':memory:')],
  ['sqlite file', async () => openSqliteStore(join(dir, `store-${++n}`, 'gridloop.db'))],
];

for (const [name, make] of adapters) {
  readingStoreContract(name, make);
  reportStoreContract(name, make);
  quarantineStoreContract(name, make);
}

describe('sqlite store', () => {
  test('keeps what it stored across a close and a reopen, with the sensor keys intact', async () => {
    const path = join(dir, 'reopen', 'gridloop.db');
    const a = openSqliteStore(path);
    await a.readings.writeReadings([reading('aq-1', 'pm25', T0, 1), reading('aq-2', 'no2', T0, 2)], []);
    await a.close();
    const b = openSqliteStore(path);
    try {
      assert.equal(await b.readings.countReadings(), 2);
      assert.deepEqual(
        [...(await b.readings.writeReadings([reading('aq-2', 'no2', T0, 3), reading('aq-1', 'pm25', T0 + 1, 4)], []))],
        [0, 1],
      );
      assert.deepEqual(await b.readings.readingsOf('aq-2', 'no2', 0, T0 * 2), [reading('aq-2', 'no2', T0, 2)]);
    } finally {
      await b.close();
    }
  });

  test('stores no contact details: no column of the ingest tables names one', async () => {
    const s = openSqliteStore(':memory:');
    try {
      for (const table of ['sensors', 'metrics', 'readings', 'reports', 'quarantine']) {
        const cols = s.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
        assert.ok(cols.length > 0, table);
        for (const c of cols)
          assert.doesNotMatch(c, /mail|phone|first_name|last_name|contact|device|account/, `${table}.${c}`);
      }
    } finally {
      await s.close();
    }
  });
});
