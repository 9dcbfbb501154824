import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { IMPORT_BATCH } from '../src/adapters/import-file.ts';
import { type Feed, importRate, prepareFeed, type Rows, type Skipped } from './ingest.ts';

export const description = 'PostgreSQL: raw COPY ceiling and `gridloop import` through the runtime (part of `ingest`)';

const log = (msg: string) => process.stderr.write(`[bench ingest-postgres] ${msg}\n`);

/** The database: env BENCH_DATABASE_URL, else the tests' GRIDLOOP_TEST_DATABASE_URL, else the local `test` database. */
export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.GRIDLOOP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * In a schema of its own (dropped after): the raw COPY ceiling (rows already in memory, straight into a table keyed
 * like gridloop's readings) and then the whole runtime importing the feed with `databaseUrl`.
 */
export async function benchPostgres(feed: Feed): Promise<object | Skipped> {
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  try {
    await admin.connect();
  } catch (e) {
    return { skipped: `PostgreSQL not reachable at ${BENCH_DATABASE_URL}: ${(e as Error).message}` };
  }
  const schema = `gl_bench_${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-bench-pg-'));
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    log('raw COPY');
    const raw = await rawCopy(admin, schema, feed.rows);
    log(`  ${Math.round(raw)} rows/s`);
    log('gridloop import on PostgreSQL');
    const imp = await importRate(feed, dataDir, { databaseUrl: BENCH_DATABASE_URL, databaseSchema: schema });
    return {
      raw_copy_rows_per_s: Math.round(raw),
      import_readings_per_s: Math.round(imp.rate),
      import_p50_ms: imp.p50_ms,
      import_p99_ms: imp.p99_ms,
      import_vs_raw: Number((imp.rate / raw).toFixed(3)),
    };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** COPY of every row, 10,000 a transaction, into `(sensor, metric, ts, value)` with the primary key gridloop uses. */
async function rawCopy(c: pg.Client, schema: string, rows: Rows): Promise<number> {
  await c.query(`CREATE TABLE ${schema}.raw_readings (sensor integer NOT NULL, metric integer NOT NULL,
    ts bigint NOT NULL, value double precision NOT NULL, PRIMARY KEY (sensor, metric, ts))`);
  const n = rows.ts.length;
  const t0 = performance.now();
  for (let from = 0; from < n; from += IMPORT_BATCH) {
    const to = Math.min(n, from + IMPORT_BATCH);
    function* chunks() {
      let chunk = '';
      for (let i = from; i < to; i++) {
        chunk += `${rows.sensor[i]}\t${rows.metric[i]}\t${rows.ts[i]}\t${rows.value[i]}\n`;
        if (chunk.length > 65_536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk !== '') yield chunk;
    }
    await c.query('BEGIN');
    await pipeline(Readable.from(chunks()), c.query(copyFrom(`COPY ${schema}.raw_readings FROM STDIN`)));
    await c.query('COMMIT');
  }
  const seconds = (performance.now() - t0) / 1000;
  const stored = (await c.query(`SELECT count(*)::int AS n FROM ${schema}.raw_readings`)).rows[0].n;
  if (stored !== n) throw new Error(`raw COPY stored ${stored} of ${n}`);
  return n / seconds;
}

/** `npm run bench -- ingest-postgres`: this part alone, on BENCH_N readings. */
export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  try {
    const feed = await prepareFeed(join(tmp, 'readings.ndjson'), n);
    console.log(JSON.stringify({ bench: 'ingest-postgres', n, postgres: await benchPostgres(feed) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
