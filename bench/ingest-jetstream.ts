import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { connectNats, READINGS_STREAM, READINGS_SUBJECT, setupReadingsStream } from '../src/adapters/nats/stream.ts';
import { type NatsWorker, startNatsWorker } from '../src/adapters/nats/worker.ts';
import { createRuntime } from '../src/runtime.ts';
import { NATS_SERVER, startNatsCluster } from '../test/helpers/nats-cluster.ts';
import { DEMO_CITY, type Feed, latency, prepareFeed, type Skipped, stamp, stampStoreWrites } from './ingest.ts';

export const description =
  'JetStream → `gridloop worker` ×1 and ×2: readings/s, p50/p99 publish→stored (part of `ingest`)';

const log = (msg: string) => process.stderr.write(`[bench ingest-jetstream] ${msg}\n`);
const LINES_PER_MESSAGE = 1_000;

/**
 * A nats-server of its own (free port, temporary store, killed after: the stream name GRIDLOOP_READINGS is fixed, so
 * sharing the machine's server would mix with other users of it). A publisher in a worker thread publishes the feed
 * as NDJSON messages of 1,000 readings as fast as the server acks them (at most 64 unacked); `workers` gridloop
 * workers (the real pull loop, ack after commit) in this process write them into one fresh SQLite store.
 * Latency per reading: from its message being handed to the client to the store's write of it completing; it
 * includes queueing, since the publisher outruns the writers.
 */
export async function benchJetStream(feed: Feed, dataDir: string, workers: number): Promise<object | Skipped> {
  if (!existsSync(NATS_SERVER)) return { skipped: `${NATS_SERVER} is not installed` };
  const n = Math.min(feed.n, Number(process.env.BENCH_NATS_N ?? 1_000_000));
  const cluster = await startNatsCluster(1);
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0 });
  const conns = await Promise.all(
    Array.from({ length: workers }, (_, i) => connectNats(cluster.servers, `gridloop-bench-worker-${i}`)),
  );
  const running: NatsWorker[] = [];
  try {
    await setupReadingsStream(conns[0]!, {});
    const published = new Float64Array(new SharedArrayBuffer(n * 8));
    const stored = new Float64Array(feed.n);
    let count = 0;
    stampStoreWrites(rt, feed, stored, (rows) => {
      count += rows.length;
    });
    const messages: string[] = [];
    for (let i = 0; i < n; i += LINES_PER_MESSAGE) {
      const to = Math.min(n, i + LINES_PER_MESSAGE);
      let text = '';
      for (let j = i; j < to; j++) text += `${feed.line(j)}\n`;
      messages.push(text);
    }
    for (const nc of conns) running.push(startNatsWorker({ nc, ingestFor: () => rt.ingest, onError: () => {} }));
    log(`publishing ${n} readings in ${messages.length} messages to ${workers} worker(s)`);
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
        },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (sent.error) throw new Error(sent.error);
    const deadline = Date.now() + 300_000;
    while (count < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (stamp() - t0) / 1000;
    if (count < n) throw new Error(`stored ${count} of ${n} within 5 minutes`);
    const l = latency(published, stored.subarray(0, n));
    return {
      workers,
      readings: n,
      readings_per_s: Math.round(n / seconds),
      publish_readings_per_s: Math.round(n / (sent.ms / 1000)),
      p50_ms: l.p50_ms,
      p99_ms: l.p99_ms,
      stream: READINGS_STREAM,
    };
  } finally {
    await Promise.all(running.map((w) => w.stop()));
    await Promise.all(conns.map((nc) => nc.close()));
    await rt.close();
    await cluster.stop();
  }
}

/** The publisher: plain JavaScript; keeps up to 64 publishes unacked, stamping each message's readings as sent. */
const PUBLISHER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { servers, subject, messages, per, published } = workerData;
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
    const p = js.publish(subject, messages[m]).then(() => inflight.delete(p));
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
