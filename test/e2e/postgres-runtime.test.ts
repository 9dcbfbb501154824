import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { ephemeralCipher } from '../../src/adapters/node-crypto.ts';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { createRuntime } from '../../src/runtime.ts';
import { readingsOverThreshold } from '../helpers/demo-readings.ts';
import { requireService } from '../helpers/services.ts';

const URL = process.env.GRIDLOOP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The whole runtime on PostgreSQL, selected the way operators select it: readings → alert → case, all stored there. */
test('gridloop runs on PostgreSQL when given a postgres:// database URL', async (t) => {
  const admin = new pg.Client({ connectionString: URL });
  if (!(await requireService(t, 'PostgreSQL', () => admin.connect()))) return;
  const schema = `gl_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const rt = await createRuntime({
    cityDir: DEMO_CITY_DIR,
    dataDir: ':memory:',
    databaseUrl: URL,
    databaseSchema: schema,
    jobIntervalMs: 0,
    cipher: ephemeralCipher(),
  });
  try {
    const { ndjson, count, sensor } = readingsOverThreshold(rt, Date.now());
    const summary = await rt.ingest.ingestNdjson(ndjson, 'test');
    assert.deepEqual([summary.stored, summary.quarantined, summary.duplicate], [count, 0, 0]);
    const again = await rt.ingest.ingestNdjson(ndjson, 'test');
    assert.deepEqual([again.stored, again.duplicate], [0, count], 'a re-sent batch is all duplicates');
    const [alert] = (await rt.stores.alerts.openAlerts()).filter((a) => a.sensor === sensor);
    assert.ok(alert?.caseId, 'an alert that opened a case');
    const c = await rt.cases.get(alert.caseId);
    assert.ok(c.ok && c.value.state === 'dispatched');
    const rows = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.cases`);
    assert.equal(rows.rows[0].n, 1, 'the case lives in PostgreSQL');
  } finally {
    await rt.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
});
