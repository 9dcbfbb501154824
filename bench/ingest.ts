import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { loadCity } from '../src/adapters/city-files.ts';
import { CheckpointFile } from '../src/adapters/import-checkpoint.ts';
import { IMPORT_BATCH, importFile } from '../src/adapters/import-file.ts';
import type { KeyedRows } from '../src/adapters/rows/readings.ts';
import { applyPragmas } from '../src/adapters/sqlite/db.ts';
import type { City } from '../src/city/city.ts';
import { buildGrid } from '../src/grid/index.ts';
import { MAX_BATCH } from '../src/ingest/pipeline.ts';
import { createRuntime, type Runtime } from '../src/runtime.ts';
import { buildSensorRegistry, type SensorRegistry } from '../src/sensors/registry.ts';

export const description =
  'readings/s and p50/p99 publish→stored: raw SQLite, import, HTTP, PostgreSQL (+COPY), MQTT, JetStream ×1/×2, 10M memory';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CITY = join(ROOT, 'cities', 'demo');
const APP_MODULE = join(ROOT, 'src', 'http', 'app.ts');
const log = (msg: string) => process.stderr.write(`[bench ingest] ${msg}\n`);

/** The same rows as the NDJSON file, as the raw baseline inserts them: integer keys, epoch ms, value. */
export type Rows = KeyedRows;

/** The parts `npm run bench -- ingest [PART…]` runs; with none named, all of them (`big` only with BENCH_BIG=1). */
const PARTS = ['sqlite', 'postgres', 'mqtt', 'jetstream', 'big'] as const;
type Part = (typeof PARTS)[number];

/** A part that could not run (a service down, a switch off): reported in the JSON line, never a crash. */
export interface Skipped {
  readonly skipped: string;
}

export async function main(args: string[] = []): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`BENCH_N must be a positive integer, not ${process.env.BENCH_N}`);
  const unknown = args.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`Unknown part(s) ${unknown.join(', ')}; there are ${PARTS.join(', ')}.`);
  const parts = new Set<Part>(args.length > 0 ? (args as Part[]) : PARTS);
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  const out: Record<string, unknown> = { bench: 'ingest', n, node: process.version, cores: cpus().length, load };
  try {
    const feed = await prepareFeed(join(tmp, 'readings.ndjson'), n);
    const { file } = feed;
    if (parts.has('sqlite')) {
      log('raw better-sqlite3 insert');
      const raw = rawInsert(join(tmp, 'raw.db'), feed.rows);
      log(`  ${Math.round(raw)} rows/s`);
      log('gridloop import');
      const imported = await importRate(feed, join(tmp, 'import'));
      log(`  ${Math.round(imported.rate)} readings/s, p50 ${imported.p50_ms} ms, p99 ${imported.p99_ms} ms`);
      let http: number | null = null;
      if (existsSync(APP_MODULE)) {
        log('POST /api/v1/readings');
        http = await httpRate(file, join(tmp, 'http'), n);
        log(`  ${Math.round(http)} readings/s`);
      }
      Object.assign(out, {
        raw_sqlite_rows_per_s: Math.round(raw),
        import_readings_per_s: Math.round(imported.rate),
        import_p50_ms: imported.p50_ms,
        import_p99_ms: imported.p99_ms,
        http_readings_per_s: http === null ? null : Math.round(http),
        import_vs_raw: Number((imported.rate / raw).toFixed(3)),
      });
    }
    const run = async (part: Part, key: string, f: () => Promise<object>) => {
      if (!parts.has(part)) return;
      log(key);
      try {
        out[key] = await f();
      } catch (e) {
        out[key] = { skipped: `failed: ${(e as Error).message ?? e}` } satisfies Skipped;
      }
      log(`  ${JSON.stringify(out[key])}`);
    };
    await run('postgres', 'postgres', async () => (await import('./ingest-postgres.ts')).benchPostgres(feed));
    await run('mqtt', 'mqtt', async () => (await import('./ingest-mqtt.ts')).benchMqtt(feed, join(tmp, 'mqtt')));
    for (const workers of [1, 2]) {
      await run('jetstream', `jetstream_${workers}`, async () =>
        (await import('./ingest-jetstream.ts')).benchJetStream(feed, join(tmp, `js${workers}`), workers),
      );
    }
    await run('big', 'big', async () =>
      process.env.BENCH_BIG === '1'
        ? (await import('./ingest-big.ts')).benchBig(tmp)
        : ({ skipped: 'set BENCH_BIG=1 to import 10M readings and measure peak RSS' } satisfies Skipped),
    );
    console.log(JSON.stringify(out));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The generated feed: the NDJSON file, its rows, and the row index of any (sensor, metric, ts). */
export interface Feed {
  readonly file: string;
  readonly n: number;
  readonly rows: Rows;
  /** NDJSON line of row i, as in the file. */
  line(i: number): string;
  /** Row index of a reading, or -1; with `every` > 1, -1 also for all but every `every`-th minute of the feed. */
  indexOf(sensor: string, metric: string, ts: number, every?: number): number;
}

/** Writes the feed file of `n` readings for the demo city (see `generate`). */
export async function prepareFeed(file: string, n: number): Promise<Feed> {
  const city = await loadCity(DEMO_CITY);
  const grid = buildGrid(city);
  if (!grid.ok) throw grid.error;
  const sensors = buildSensorRegistry(city, grid.value);
  if (!sensors.ok) throw sensors.error;
  log(`writing ${n} readings of ${sensors.value.size} sensors to ${file}`);
  return generate(file, n, city, sensors.value);
}

/** Wall-clock milliseconds with sub-ms precision, comparable across worker threads. */
export const stamp = (): number => performance.timeOrigin + performance.now();

/** p50/p99 (ms, one decimal) of `stored - published` over the rows stored; also how many were. */
export function latency(
  published: Float64Array,
  stored: Float64Array,
  top = 0.99,
): { p50_ms: number; p99_ms: number; count: number } {
  const d: number[] = [];
  for (let i = 0; i < stored.length; i++) if (stored[i]! > 0 && published[i]! > 0) d.push(stored[i]! - published[i]!);
  const sorted = Float64Array.from(d).sort();
  const q = (p: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50_ms: Number(q(0.5).toFixed(1)), p99_ms: Number(q(top).toFixed(1)), count: sorted.length };
}

/**
 * Stamps `stored[i]` when the store's write of row i completes (commit done), by wrapping the runtime's reading
 * store: the same object the pipeline calls. `onWrite` sees each write's newly stored rows. With `every` > 1 only the
 * rows of every `every`-th minute are stamped: finding a row's index costs a string key and a map lookup, which on a
 * 300k/s import would be a tenth of the time measured.
 */
export function stampStoreWrites(
  rt: Runtime,
  feed: Feed,
  stored: Float64Array,
  onWrite?: (rows: number[]) => void,
  every = 1,
): void {
  const store = rt.stores.readings;
  const write = store.writeReadings.bind(store);
  store.writeReadings = async (readings, quarantine) => {
    const flags = await write(readings, quarantine);
    const now = stamp();
    const rows: number[] = [];
    for (let i = 0; i < readings.length; i++) {
      if (flags[i] !== 1) continue;
      const r = readings[i]!;
      const idx = feed.indexOf(r.sensor, r.metric, r.ts, every);
      if (idx >= 0) {
        stored[idx] = now;
        rows.push(idx);
      }
    }
    onWrite?.(rows);
    return flags;
  };
}

/**
 * Every sensor reports each of its metrics once a minute, ending an hour ago, so readings interleave across sensors
 * as a live feed does. Values stay below every threshold rule of their metric, so the watcher raises no alerts.
 */
async function generate(file: string, n: number, city: City, sensors: SensorRegistry): Promise<Feed> {
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
  const seriesIndex = new Map(series.map((s, i) => [`${s.sensor}\u0000${s.metric}`, i]));
  return {
    file,
    n,
    rows,
    line(i) {
      const s = series[i % series.length] as (typeof series)[number];
      return JSON.stringify({
        sensor: s.sensor,
        metric: s.metric,
        value: rows.value[i],
        ts: new Date(rows.ts[i] as number).toISOString(),
      });
    },
    indexOf(sensor, metric, ts, every = 1) {
      const step = (ts - start) / 60_000;
      if (!Number.isInteger(step) || step % every !== 0) return -1;
      const k = seriesIndex.get(`${sensor}\u0000${metric}`);
      if (k === undefined) return -1;
      const i = step * series.length + k;
      return i < n ? i : -1;
    },
  };
}

/** The baseline: one prepared INSERT per row, as many rows a transaction as an import batch, into a table like gridloop's readings. */
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
  for (let i = 0; i < n; i += IMPORT_BATCH) batch(i, Math.min(n, i + IMPORT_BATCH));
  const seconds = (performance.now() - t0) / 1000;
  const stored = db.prepare('SELECT count(*) FROM readings').pluck().get();
  db.close();
  if (stored !== n) throw new Error(`raw insert stored ${stored} of ${n} rows`);
  return n / seconds;
}

/** The import's latency is taken over the readings of every 8th minute of the feed (1 in 8 readings). */
const LATENCY_SAMPLE = 8;

/**
 * What `gridloop import FILE` does (importFile with a checkpoint): the full runtime (watch and cases subscribed) over
 * a fresh store. Latency per reading: from its batch being handed to the pipeline to the store's write of it completing.
 */
export async function importRate(
  feed: Feed,
  dataDir: string,
  extra: { databaseUrl?: string; databaseSchema?: string } = {},
): Promise<{ rate: number; p50_ms: number; p99_ms: number }> {
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0, ...extra });
  try {
    const published = new Float64Array(feed.n);
    const stored = new Float64Array(feed.n);
    let handedOver = 0;
    stampStoreWrites(
      rt,
      feed,
      stored,
      (rows) => {
        for (const i of rows) published[i] = handedOver;
      },
      LATENCY_SAMPLE,
    );
    // The pipeline reads its clock as it takes each batch: that moment is the batch's publish time.
    const clock = () => {
      handedOver = stamp();
      return rt.clock();
    };
    const checkpoint = new CheckpointFile(dataDir, feed.file);
    const t0 = performance.now();
    const s = await importFile(
      feed.file,
      { ...rt, clock },
      { format: 'ndjson', kind: 'readings', source: 'bench', checkpoint },
    );
    const seconds = (performance.now() - t0) / 1000;
    if (s.stored !== feed.n) throw new Error(`import stored ${s.stored} of ${feed.n}: ${JSON.stringify(s.reasons)}`);
    const { p50_ms, p99_ms } = latency(published, stored);
    return { rate: feed.n / seconds, p50_ms, p99_ms };
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
