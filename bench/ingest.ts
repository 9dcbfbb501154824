import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { loadCity } from '../src/adapters/city-files.ts';
import { importNdjsonFile } from '../src/adapters/import-file.ts';
import { applyPragmas } from '../src/adapters/sqlite/db.ts';
import type { City } from '../src/city/city.ts';
import { buildGrid } from '../src/grid/index.ts';
import { MAX_BATCH } from '../src/ingest/pipeline.ts';
import { createRuntime } from '../src/runtime.ts';
import { buildSensorRegistry, type SensorRegistry } from '../src/sensors/registry.ts';

export const description = 'readings/s: raw better-sqlite3 insert, `gridloop import` of NDJSON, POST /api/v1/readings';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_CITY = join(ROOT, 'cities', 'demo');
const APP_MODULE = join(ROOT, 'src', 'http', 'app.ts');
const log = (msg: string) => process.stderr.write(`[bench ingest] ${msg}\n`);

/** The same rows as the NDJSON file, as the raw baseline inserts them: integer keys, epoch ms, value. */
interface Rows {
  sensor: Int32Array;
  metric: Int32Array;
  ts: Float64Array;
  value: Float64Array;
}

export async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`BENCH_N must be a positive integer, not ${process.env.BENCH_N}`);
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  try {
    const city = await loadCity(DEMO_CITY);
    const grid = buildGrid(city);
    if (!grid.ok) throw grid.error;
    const sensors = buildSensorRegistry(city, grid.value);
    if (!sensors.ok) throw sensors.error;
    const file = join(tmp, 'readings.ndjson');
    log(`writing ${n} readings of ${sensors.value.size} sensors to ${file}`);
    const rows = await generate(file, n, city, sensors.value);

    log('raw better-sqlite3 insert');
    const raw = rawInsert(join(tmp, 'raw.db'), rows);
    log(`  ${Math.round(raw)} rows/s`);

    log('gridloop import');
    const imported = await importRate(file, join(tmp, 'import'), n);
    log(`  ${Math.round(imported)} readings/s`);

    let http: number | null = null;
    let note: string | undefined;
    if (existsSync(APP_MODULE)) {
      log('POST /api/v1/readings');
      http = await httpRate(file, join(tmp, 'http'), n);
      log(`  ${Math.round(http)} readings/s`);
    } else {
      note = 'src/http/app.ts does not exist yet: the HTTP figure was skipped';
      log(note);
    }
    console.log(
      JSON.stringify({
        bench: 'ingest',
        n,
        raw_sqlite_rows_per_s: Math.round(raw),
        import_readings_per_s: Math.round(imported),
        http_readings_per_s: http === null ? null : Math.round(http),
        import_vs_raw: Number((imported / raw).toFixed(3)),
        node: process.version,
        cores: cpus().length,
        ...(note ? { note } : {}),
      }),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Every sensor reports each of its metrics once a minute, ending an hour ago, so readings interleave across sensors
 * as a live feed does. Values stay below every threshold rule of their metric, so the watcher raises no alerts.
 */
async function generate(file: string, n: number, city: City, sensors: SensorRegistry): Promise<Rows> {
  const series: { sensor: string; key: number; metric: string; metricKey: number; lo: number; hi: number }[] = [];
  const metricKeys = new Map<string, number>();
  let key = 0;
  for (const s of sensors.values()) {
    key++;
    for (const m of s.metricList) {
      if (!metricKeys.has(m.name)) metricKeys.set(m.name, metricKeys.size + 1);
      const bars = city.rules.flatMap((r) =>
        r.kind === 'threshold' && r.metric === m.name && r.op.startsWith('>') ? [r.value] : [],
      );
      const hi = Math.min(m.max, ...bars.map((b) => b - Math.abs(b) * 0.2));
      series.push({ sensor: s.id, key, metric: m.name, metricKey: metricKeys.get(m.name) as number, lo: m.min, hi });
    }
  }
  const rows: Rows = {
    sensor: new Int32Array(n),
    metric: new Int32Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
  };
  const start = Date.now() - 3_600_000 - Math.ceil(n / series.length) * 60_000;
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const s = series[i % series.length] as (typeof series)[number];
    const ts = start + Math.floor(i / series.length) * 60_000;
    const value = Math.round((s.lo + (s.hi - s.lo) * (0.3 + 0.4 * Math.random())) * 100) / 100;
    rows.sensor[i] = s.key;
    rows.metric[i] = s.metricKey;
    rows.ts[i] = ts;
    rows.value[i] = value;
    chunk += `${JSON.stringify({ sensor: s.sensor, metric: s.metric, value, ts: new Date(ts).toISOString() })}\n`;
    if (i % MAX_BATCH === MAX_BATCH - 1) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, (e?: Error | null) => (e ? reject(e) : resolve())));
  return rows;
}

/** The baseline: one prepared INSERT per row, 10,000 rows a transaction, into a table like gridloop's readings. */
function rawInsert(path: string, rows: Rows): number {
  const db = new Database(path);
  applyPragmas(db);
  db.exec(`CREATE TABLE readings (sensor INTEGER NOT NULL, metric INTEGER NOT NULL, ts INTEGER NOT NULL,
    value REAL NOT NULL, PRIMARY KEY (sensor, metric, ts)) WITHOUT ROWID`);
  const insert = db.prepare(
    'INSERT INTO readings (sensor, metric, ts, value) VALUES (?, ?, ?, ?) ON CONFLICT (sensor, metric, ts) DO NOTHING',
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(rows.sensor[i], rows.metric[i], rows.ts[i], rows.value[i]);
  });
  const n = rows.ts.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i += MAX_BATCH) batch(i, Math.min(n, i + MAX_BATCH));
  const seconds = (performance.now() - t0) / 1000;
  const stored = db.prepare('SELECT count(*) FROM readings').pluck().get();
  db.close();
  if (stored !== n) throw new Error(`raw insert stored ${stored} of ${n} rows`);
  return n / seconds;
}

/** What `gridloop import FILE` does: the full runtime (watch and cases subscribed) over a fresh store. */
async function importRate(file: string, dataDir: string, n: number): Promise<number> {
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0 });
  try {
    const t0 = performance.now();
    const s = await importNdjsonFile(file, rt.ingest, { source: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    if (s.stored !== n) throw new Error(`import stored ${s.stored} of ${n}: ${JSON.stringify(s.errors.slice(0, 3))}`);
    return n / seconds;
  } finally {
    await rt.close();
  }
}

/**
 * The server in this thread, as `gridloop serve` runs it; the client in a worker thread (on another core, as a real
 * client would be), sending NDJSON bodies of 10,000 lines one after another.
 */
async function httpRate(file: string, dataDir: string, n: number): Promise<number> {
  const { buildApp } = (await import(APP_MODULE)) as typeof import('../src/http/app.ts');
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0 });
  const app = await buildApp(rt, { logger: false, ingestRateLimit: 1_000_000 });
  const token = await rt.accounts.createToken({ name: 'bench', role: 'integration', scope: rt.city.root });
  if (!token.ok) throw token.error;
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const result = await new Promise<{ ms: number; stored: number; error?: string }>((resolve, reject) => {
      const worker = new Worker(CLIENT, {
        eval: true,
        workerData: { file, url: `${address}/api/v1/readings`, batch: MAX_BATCH, token: token.value.token },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (result.error) throw new Error(result.error);
    if (result.stored !== n) throw new Error(`HTTP stored ${result.stored} of ${n}`);
    return n / (result.ms / 1000);
  } finally {
    await app.close();
    await rt.close();
  }
}

/** The HTTP client: plain JavaScript, so that the worker needs no TypeScript loader. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
(async () => {
  const { file, url, batch, token } = workerData;
  const text = readFileSync(file, 'utf8');
  const bodies = [];
  let start = 0, pos = 0, lines = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\\n', pos);
    if (nl < 0) nl = text.length - 1;
    pos = nl + 1;
    if (++lines === batch) { bodies.push(text.slice(start, pos)); start = pos; lines = 0; }
  }
  if (start < text.length) bodies.push(text.slice(start));
  let stored = 0;
  const t0 = performance.now();
  for (const body of bodies) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer ' + token }, body });
    const summary = await res.json();
    if (res.status !== 200) throw new Error('HTTP ' + res.status + ': ' + JSON.stringify(summary).slice(0, 300));
    stored += summary.stored;
  }
  parentPort.postMessage({ ms: performance.now() - t0, stored });
})().catch((e) => parentPort.postMessage({ ms: 0, stored: 0, error: String((e && e.stack) || e) }));
`;
