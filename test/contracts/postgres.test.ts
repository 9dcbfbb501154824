import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { verifyLog } from '../../src/access/audit-chain.ts';
import type { Cipher } from '../../src/access/vault.ts';
import { nodeSha256 } from '../../src/adapters/node-crypto.ts';
import { PgContactStore } from '../../src/adapters/postgres/contacts.ts';
import { openPostgresStore } from '../../src/adapters/postgres/index.ts';
import { PROJECT_ROOT } from '../../src/cli/paths.ts';
import type { ReportId } from '../../src/shared/brand.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { requireService } from '../helpers/services.ts';
import { accessStoreContract } from './access-store.contract.ts';
import { alertStoreContract } from './alert-store.contract.ts';
import { auditInput, auditLogContract } from './audit-log.contract.ts';
import { caseStoreContract } from './case-store.contract.ts';
import { cipherFrom, contactStoreContract } from './contact-store.contract.ts';
import { CELL_A, reading, T0 } from './fixtures.ts';
import { quarantineStoreContract } from './quarantine-store.contract.ts';
import { readingStoreContract } from './reading-store.contract.ts';
import { reportStoreContract } from './report-store.contract.ts';
import { rollupRetentionContract } from './rollup-retention.contract.ts';

const URL = process.env.GRIDLOOP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Every test makes and drops a schema; without waiting for the WAL flush of each catalog change, that is ~10x faster.
// Durability is not what these tests check.
const settings = { synchronous_commit: 'off' };

async function probe(): Promise<void> {
  const c = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  await c.end();
}

const up = await probe().then(
  () => true,
  () => false,
);

if (!up) {
  test('PostgreSQL store contracts', async (t) => {
    await requireService(t, 'PostgreSQL', probe);
  });
} else {
  const admin = new pg.Pool({ connectionString: URL, max: 2, options: '-c synchronous_commit=off' });
  const schemas = new Set<string>();
  const dropSchema = async (schema: string) => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    schemas.delete(schema);
  };
  after(async () => {
    for (const s of [...schemas]) await dropSchema(s);
    await admin.end();
  });

  /** A new random schema; dropped when the store made on it closes (or at the end of the run). */
  const newSchema = () => {
    const s = `gl_test_${randomBytes(6).toString('hex')}`;
    schemas.add(s);
    return s;
  };
  type Opts = { cipher?: Cipher; clock?: Clock };
  const open = async (opts: Opts = {}) => {
    const schema = newSchema();
    const s = await openPostgresStore(URL, { ...opts, schema, maxConnections: 4, settings });
    return {
      ...s,
      schema,
      async close() {
        await s.close();
        await dropSchema(schema);
      },
    };
  };
  const make = () => open();

  readingStoreContract('postgres', make);
  reportStoreContract('postgres', make);
  quarantineStoreContract('postgres', make);
  rollupRetentionContract('postgres', make);
  alertStoreContract('postgres', async () => {
    const s = await open();
    return { store: s.alerts, close: () => s.close() };
  });
  caseStoreContract('postgres', async () => {
    const s = await open();
    return { store: s.cases, close: () => s.close() };
  });
  accessStoreContract('postgres', async () => {
    const s = await open();
    return { store: s.access, close: () => s.close() };
  });
  auditLogContract('postgres', async () => {
    const s = await open();
    return { store: s.audit, close: () => s.close() };
  });
  contactStoreContract('postgres', async (cipher, clock) => {
    const s = await open({ cipher, clock });
    return { store: s.contacts, withCipher: (c) => new PgContactStore(s.pool, c, clock), close: () => s.close() };
  });

  describe('postgres store', () => {
    test('processes opening one schema at once apply each migration exactly once', async () => {
      const schema = newSchema();
      try {
        const stores = await Promise.all(
          Array.from({ length: 4 }, () => openPostgresStore(URL, { schema, maxConnections: 2, settings })),
        );
        const { rows } = await admin.query(`SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`);
        // Each migration file once, in order, however many processes raced to apply them.
        const files = readdirSync(join(PROJECT_ROOT, 'src', 'adapters', 'postgres', 'migrations')).filter((f) =>
          /^\d{3}-.*\.sql$/.test(f),
        );
        assert.deepEqual(
          rows.map((r) => r.version),
          files.map((f) => Number(f.slice(0, 3))).sort((a, b) => a - b),
        );
        await stores[0]?.readings.writeReadings([reading('aq-1', 'pm25', T0, 1)], []);
        assert.equal(await stores[3]?.readings.countReadings(), 1);
        for (const s of stores) await s.close();
      } finally {
        await dropSchema(schema);
      }
    });

    test('two processes writing overlapping batches at once store each reading once and roll it up once', async () => {
      const a = await open();
      const b = await openPostgresStore(URL, { schema: a.schema, maxConnections: 2, settings });
      try {
        const batch = Array.from({ length: 5000 }, (_, i) => reading(`s-${i % 40}`, 'pm25', T0 + i * 1000, 1));
        const [fa, fb, fc] = await Promise.all([
          a.readings.writeReadings(batch, []),
          b.readings.writeReadings(batch.slice(2500).concat(batch.slice(0, 2500)), []),
          a.readings.writeReadings(batch.slice(1000, 3000), []),
        ]);
        const stored = [fa, fb, fc].reduce((n, f) => n + f.reduce((x, y) => x + y, 0), 0);
        assert.equal(stored, 5000);
        assert.equal(await a.readings.countReadings(), 5000);
        const rolled = await a.readings.rollups(CELL_A, 'pm25', 0, T0 * 2);
        assert.equal(
          rolled.reduce((n, r) => n + r.count, 0),
          5000,
        );
        assert.equal(
          rolled.reduce((n, r) => n + r.sum, 0),
          5000,
        );
      } finally {
        await b.close();
        await a.close();
      }
    });

    test('a key another writer commits while a batch is in flight counts as a duplicate, not an error', async () => {
      const s = await open();
      const other = await admin.connect();
      try {
        await s.readings.writeReadings([reading('aq-1', 'pm25', T0, 1)], []);
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO ${s.schema}.readings (sensor, metric, ts, value)
           SELECT s.key, m.key, $1, 99 FROM ${s.schema}.sensors s, ${s.schema}.metrics m`,
          [T0 + 1],
        );
        const write = s.readings.writeReadings(
          [reading('aq-1', 'pm25', T0 + 1, 5), reading('aq-1', 'pm25', T0 + 2, 6)],
          [],
        );
        await new Promise((r) => setTimeout(r, 300));
        await other.query('COMMIT');
        assert.deepEqual([...(await write)], [0, 1]);
        assert.deepEqual(await s.readings.rollups(CELL_A, 'pm25', 0, T0 * 2), [
          { bucket: T0, count: 2, sum: 7, min: 1, max: 6 },
        ]);
      } finally {
        other.release();
        await s.close();
      }
    });

    test('readings are partitioned by month; retention drops old partitions, and a stale process recovers', async () => {
      const a = await open();
      const b = await openPostgresStore(URL, { schema: a.schema, maxConnections: 2, settings });
      try {
        const may = Date.UTC(2024, 4, 10);
        const jun = Date.UTC(2024, 5, 10);
        const jul = Date.UTC(2024, 6, 10);
        await a.readings.writeReadings(
          [may, jun, jul].map((ts) => reading('aq-1', 'pm25', ts, 1)),
          [],
        );
        const parts = async () =>
          (
            await admin.query(
              `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = '${a.schema}.readings'::regclass ORDER BY 1`,
            )
          ).rows.map((r) => r.relname);
        assert.deepEqual(await parts(), ['readings_p202405', 'readings_p202406', 'readings_p202407']);
        assert.equal(await b.readings.deleteReadingsBefore(Date.UTC(2024, 5, 20)), 2);
        assert.deepEqual(await parts(), ['readings_p202406', 'readings_p202407']);
        // a still believes May's partition exists; its write must recreate it, not fail.
        assert.deepEqual([...(await a.readings.writeReadings([reading('aq-1', 'pm25', may + 1, 2)], []))], [1]);
        assert.equal(await a.readings.countReadings(), 2);
        // Rollups outlived the dropped partition: May's bucket counts the old reading and the new one.
        assert.deepEqual(
          (await a.readings.rollups(CELL_A, 'pm25', 0, T0 * 2)).map((r) => r.count),
          [2, 1, 1],
        );
      } finally {
        await b.close();
        await a.close();
      }
    });

    test('a quarantined raw record with a NUL character is kept byte for byte', async () => {
      const s = await open();
      try {
        const raw = '{"a":"x\u0000y"}';
        await s.readings.writeReadings(
          [],
          [{ source: 't', raw, code: 'INGEST_MALFORMED_JSON', reason: 'r', path: undefined, receivedAt: T0 }],
        );
        assert.equal((await s.quarantine.listQuarantine({ limit: 1, offset: 0 }))[0]?.raw, raw);
      } finally {
        await s.close();
      }
    });

    test('audit: appends from two processes at once keep one chain; the database refuses edits', async () => {
      const a = await open();
      const b = await openPostgresStore(URL, { schema: a.schema, maxConnections: 4, settings });
      try {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).audit.append([auditInput(i), auditInput(100 + i)])),
        );
        assert.deepEqual(await verifyLog(a.audit, nodeSha256, 16), { ok: true, count: 60 });
        const q = (sql: string) => admin.query(sql.replaceAll('S.', `${a.schema}.`));
        await assert.rejects(q("UPDATE S.audit_log SET actor = 'x' WHERE seq = 1"), /append-only/);
        await assert.rejects(q('DELETE FROM S.audit_log WHERE seq = 60'), /append-only/);
        await assert.rejects(q('TRUNCATE S.audit_log'), /append-only/);
        await assert.rejects(q('UPDATE S.audit_head SET seq = 1'), /forward/);
        await assert.rejects(q('DELETE FROM S.audit_head'), /cannot be deleted/);
        assert.deepEqual(await verifyLog(b.audit, nodeSha256), { ok: true, count: 60 });
        // Someone with the rights to drop the trigger is still caught by the chain.
        await q('ALTER TABLE S.audit_log DISABLE TRIGGER audit_log_no_change');
        await q("UPDATE S.audit_log SET target = 'moved' WHERE seq = 41");
        assert.deepEqual(await verifyLog(a.audit, nodeSha256, 16), { ok: false, seq: 41, reason: 'hash-mismatch' });
      } finally {
        await b.close();
        await a.close();
      }
    });

    test('a raw dump of the contacts table holds no plaintext e-mail address, phone number or name', async () => {
      const s = await open({ cipher: cipherFrom(`k1:${randomBytes(32).toString('base64')}`) });
      const c = await s.pool.connect();
      try {
        const people = Array.from({ length: 20 }, (_, i) => ({
          email: `person${i}@example.org`,
          phone: `+44 20 7946 ${String(i).padStart(4, '0')}`,
          name: `Reporter Number${i}`,
        }));
        for (const [i, p] of people.entries()) await s.contacts.put(`report_${i}` as ReportId, p);
        let dump = '';
        const stream = c.query(copyTo('COPY contacts TO STDOUT'));
        for await (const chunk of stream) dump += chunk.toString();
        assert.equal(dump.trim().split('\n').length, 20);
        const hex = (t: string) => Buffer.from(t).toString('hex');
        // Every needle holds a character that hex (bytea's text form) never does: a short all-digit needle such as
        // '7946' would match random ciphertext now and then.
        for (const p of people) {
          for (const v of [p.email, p.phone, p.name, 'example.org', ' 7946 ']) {
            assert.ok(!dump.includes(v), `plaintext ${v} in dump`);
            assert.ok(!dump.toLowerCase().includes(hex(v)), `hex of ${v} in dump`);
          }
        }
        const cols = await c.query(
          `SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'contacts' AND column_name IN ('iv', 'ciphertext', 'tag')`,
          [s.schema],
        );
        assert.deepEqual(
          cols.rows.map((r) => r.data_type),
          ['bytea', 'bytea', 'bytea'],
        );
        assert.deepEqual(await s.contacts.get('report_3' as ReportId), people[3]);
      } finally {
        c.release();
        await s.close();
      }
    });
  });
}
