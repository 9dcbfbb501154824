import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { connectNats, READINGS_STREAM, READINGS_SUBJECT, setupReadingsStream } from '../src/adapters/nats/stream.ts';
import { NATS_SERVER, startNatsCluster, startWorkerProcess, type WorkerProcess } from '../test/helpers/nats-cluster.ts';
import { type Feed, latency, prepareFeed, type Skipped, stamp } from './ingest.ts';
import { BENCH_DATABASE_URL } from './ingest-postgres.ts';

export const description =
  'JetStream → `gridloop worker` processes ×1 and ×2 on PostgreSQL: readings/s, p50/p99 publish→stored (part of `ingest`)';

const log = (msg: string) => process.stderr.write(`[bench ingest-jetstream] ${msg}\n`);
const LINES_PER_MESSAGE = 1_000;

/** The stream sequence of an ack subject: `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>…` (9 tokens), or the
 * newer form with domain and account hash first (12 tokens). See the JetStream wire API, "Acknowledging messages". */
const ackedSeq = (subject: string): number => {
  const t = subject.split('.');
  return Number(t.length === 9 ? t[5] : t[7]);
};

/**
 * A nats-server of its own (free port, temporary store, killed after: the stream name GRIDLOOP_READINGS is fixed, so
 * sharing the machine's server would mix with other users of it) and a PostgreSQL schema of its own (dropped after).
 * `workers` `gridloop worker` processes start and get ready; then a publisher in a worker thread publishes the feed
 * as NDJSON messages of 1,000 readings as fast as the server acks them (at most 64 unacked). A message counts as
 * stored when its worker acks it, which it does right after the commit: this process watches the acks go by on
 * `$JS.ACK.>`. Latency per reading: from its message being handed to the client to that ack; it includes queueing,
 * since the publisher outruns the writers. At the end the readings in PostgreSQL are counted, and the workers are
 * stopped with SIGTERM and report what each stored.
 */
export async function benchJetStream(feed: Feed, dataDir: string, workers: number): Promise<object | Skipped> {
  if (!existsSync(NATS_SERVER)) return { skipped: `${NATS_SERVER} is not installed` };
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  try {
    await admin.connect();
  } catch (e) {
    return { skipped: `PostgreSQL not reachable at ${BENCH_DATABASE_URL}: ${(e as Error).message}` };
  }
  const n = Math.min(feed.n, Number(process.env.BENCH_NATS_N ?? 1_000_000));
  const schema = `gl_bench_${randomBytes(5).toString('hex')}`;
  const cluster = await startNatsCluster(1);
  const nc = await connectNats(cluster.servers, 'gridloop-bench');
  const running: WorkerProcess[] = [];
  try {
    await setupReadingsStream(nc, {});
    const env = { GRIDLOOP_DATABASE_URL: BENCH_DATABASE_URL, GRIDLOOP_DATABASE_SCHEMA: schema, GRIDLOOP_DATA: dataDir };
    for (let w = 0; w < workers; w++) running.push(startWorkerProcess(cluster.servers, env));
    await Promise.all(running.map((w) => w.ready));
    const messages: string[] = [];
    for (let i = 0; i < n; i += LINES_PER_MESSAGE) {
      const to = Math.min(n, i + LINES_PER_MESSAGE);
      let text = '';
      for (let j = i; j < to; j++) text += `${feed.line(j)}\n`;
      messages.push(text);
    }
    const published = new Float64Array(new SharedArrayBuffer(n * 8));
    const seqOf = new Float64Array(new SharedArrayBuffer(messages.length * 8));
    const ackedAt = new Map<number, number>();
    const acks = nc.subscribe('$JS.ACK.>', {
      callback: (_err, m) => {
        const seq = ackedSeq(m.subject);
        if (!ackedAt.has(seq)) ackedAt.set(seq, stamp());
      },
    });
    log(`publishing ${n} readings in ${messages.length} messages to ${workers} worker process(es)`);
    const t0 = stamp();
    const sent = await new Promise<{ error?: string; ms: number }>((resolve, reject) => {
      const worker = new Worker(PUBLISHER, {
        eval: true,
        workerData: {
          servers: cluster.servers,
          transport: import.meta.resolve('@nats-io/transport-node'),
          jetstream: import.meta.resolve('@nats-io/jetstream'),
          subject: READINGS_SUBJECT,
          messages,
          per: LINES_PER_MESSAGE,
          published,
          seqOf,
        },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (sent.error) throw new Error(sent.error);
    const deadline = Date.now() + 300_000;
    while (ackedAt.size < messages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    acks.unsubscribe();
    if (ackedAt.size < messages.length) throw new Error(`${ackedAt.size} of ${messages.length} acked in 5 minutes`);
    const stored = new Float64Array(n);
    for (let m = 0; m < messages.length; m++) {
      const at = ackedAt.get(seqOf[m] as number) ?? 0;
      stored.fill(at, m * LINES_PER_MESSAGE, Math.min(n, (m + 1) * LINES_PER_MESSAGE));
    }
    const seconds = (Math.max(...ackedAt.values()) - t0) / 1000;
    const count = (await admin.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${schema}.readings`)).rows[0]
      ?.n;
    if (count !== n) throw new Error(`all acked but ${count} of ${n} readings in PostgreSQL`);
    const exits = await Promise.all(running.splice(0).map((w) => w.stop()));
    const bad = exits.find((e) => e.code !== 0 || e.counters === undefined);
    if (bad) throw new Error(`a worker did not stop cleanly: ${bad.output.slice(-5).join(' | ')}`);
    const l = latency(published, stored);
    return {
      workers,
      readings: n,
      readings_per_s: Math.round(n / seconds),
      publish_readings_per_s: Math.round(n / (sent.ms / 1000)),
      p50_ms: l.p50_ms,
      p99_ms: l.p99_ms,
      stored_per_worker: exits.map((e) => e.counters?.stored),
      store: 'postgresql',
      stream: READINGS_STREAM,
    };
  } finally {
    await Promise.all(running.map((w) => w.stop(5_000)));
    await nc.close();
    await cluster.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

/**
 * The publisher: plain JavaScript; keeps up to 64 publishes unacked, stamping each message's readings as sent and
 * noting the stream sequence the server gave it.
 */
const PUBLISHER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { servers, subject, messages, per, published, seqOf } = workerData;
  const { connect } = await import(workerData.transport);
  const { jetstream } = await import(workerData.jetstream);
  const nc = await connect({ servers });
  const js = jetstream(nc);
  const now = () => performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const inflight = new Set();
  for (let m = 0; m < messages.length; m++) {
    const at = now();
    published.fill(at, m * per, Math.min(published.length, (m + 1) * per));
    const p = js.publish(subject, messages[m]).then((ack) => {
      seqOf[m] = ack.seq;
      inflight.delete(p);
    });
    inflight.add(p);
    if (inflight.size >= 64) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const ms = performance.now() - t0;
  await nc.close();
  parentPort.postMessage({ ms });
})().catch((e) => parentPort.postMessage({ ms: 0, error: String((e && e.stack) || e) }));
`;

/** `npm run bench -- ingest-jetstream`: this part alone, with 1 and 2 workers. */
export async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  try {
    const n = Number(process.env.BENCH_NATS_N ?? process.env.BENCH_N ?? 1_000_000);
    const feed = await prepareFeed(join(tmp, 'readings.ndjson'), n);
    const out: Record<string, unknown> = { bench: 'ingest-jetstream', n };
    for (const w of [1, 2]) out[`jetstream_${w}`] = await benchJetStream(feed, join(tmp, `js${w}`), w);
    console.log(JSON.stringify(out));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
