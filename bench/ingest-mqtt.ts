import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import { startMqttSource } from '../src/adapters/mqtt/source.ts';
import { createRuntime } from '../src/runtime.ts';
import { DEMO_CITY, type Feed, latency, prepareFeed, type Skipped, stamp, stampStoreWrites } from './ingest.ts';

export const description = 'MQTT publish → stored at a fixed rate: p50/p99 per reading (part of `ingest`)';

const log = (msg: string) => process.stderr.write(`[bench ingest-mqtt] ${msg}\n`);

/** Broker: env BENCH_MQTT_URL, else the local Mosquitto. Rate and duration: BENCH_MQTT_RATE (5000/s), BENCH_MQTT_S (10). */
export const BENCH_MQTT_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/**
 * A publisher in a worker thread sends one reading per QoS 1 message at a fixed rate; gridloop's MQTT source (the
 * real one, persistent session, acks after commit) writes them through the full runtime into a fresh SQLite store.
 * Latency per reading: from the publisher handing the message to MQTT.js to the store's write of it completing.
 */
export async function benchMqtt(feed: Feed, dataDir: string): Promise<object | Skipped> {
  const rate = Number(process.env.BENCH_MQTT_RATE ?? 5_000);
  const n = Math.min(feed.n, Math.round(rate * Number(process.env.BENCH_MQTT_S ?? 10)));
  try {
    const probe = await mqtt.connectAsync(BENCH_MQTT_URL, { connectTimeout: 3_000, reconnectPeriod: 0 });
    await probe.endAsync();
  } catch (e) {
    return { skipped: `MQTT broker not reachable at ${BENCH_MQTT_URL}: ${(e as Error).message}` };
  }
  const clientId = `gridloop-bench-${process.pid}-${Date.now()}`;
  const prefix = `gridloop-bench/${clientId}`;
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0 });
  const published = new Float64Array(new SharedArrayBuffer(n * 8));
  const stored = new Float64Array(feed.n);
  let count = 0;
  stampStoreWrites(rt, feed, stored, (rows) => {
    count += rows.length;
  });
  const source = startMqttSource({ url: BENCH_MQTT_URL, ingest: rt.ingest, topics: [`${prefix}/#`], clientId });
  try {
    await source.ready;
    const lines = Array.from({ length: n }, (_, i) => feed.line(i));
    log(`publishing ${n} readings at ${rate}/s`);
    const t0 = stamp();
    const sent = await new Promise<{ error?: string; late: number }>((resolve, reject) => {
      const worker = new Worker(PUBLISHER, {
        eval: true,
        workerData: { url: BENCH_MQTT_URL, mqtt: import.meta.resolve('mqtt'), prefix, lines, rate, published },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (sent.error) throw new Error(sent.error);
    const deadline = Date.now() + 60_000;
    while (count < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (stamp() - t0) / 1000;
    await source.drain();
    const l = latency(published, stored.subarray(0, n));
    // The first second includes warming up (JIT, first SQLite pages); reported apart to tell it from steady state.
    const warm = Math.min(n, rate);
    const steady = latency(published.subarray(warm), stored.subarray(warm, n));
    return {
      target_rate: rate,
      readings: n,
      stored: count,
      readings_per_s: Math.round(count / seconds),
      p50_ms: l.p50_ms,
      p99_ms: l.p99_ms,
      p99_after_first_s_ms: steady.p99_ms,
      max_ms: latency(published, stored.subarray(0, n), 1).p99_ms,
      publisher_max_lag_ms: sent.late,
      source_paused: source.counters.paused,
    };
  } finally {
    await source.close({ force: true });
    await rt.close();
    // Drop the persistent session the source left on the broker.
    const c = await mqtt.connectAsync(BENCH_MQTT_URL, { clientId, clean: true, protocolVersion: 5 }).catch(() => null);
    await c?.endAsync();
  }
}

/** The publisher: plain JavaScript, so that the worker needs no TypeScript loader; sends what is due every 5 ms. */
const PUBLISHER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, prefix, lines, rate, published } = workerData;
  const mqtt = await import(workerData.mqtt);
  const client = await (mqtt.connectAsync || mqtt.default.connectAsync)(url, { clientId: prefix.replace(/\\//g, '-') + '-pub' });
  const now = () => performance.timeOrigin + performance.now();
  const t0 = now();
  let i = 0, late = 0, acked = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(lines.length, Math.floor(((now() - t0) * rate) / 1000) + 1);
      if (due - i > 1) late = Math.max(late, ((due - 1 - i) * 1000) / rate);
      for (; i < due; i++) {
        const line = lines[i];
        const sensor = JSON.parse(line).sensor;
        published[i] = now();
        client.publish(prefix + '/' + sensor, line, { qos: 1 }, () => { if (++acked === lines.length) resolve(); });
      }
      if (i < lines.length) setTimeout(tick, 5);
    };
    tick();
  });
  await client.endAsync();
  parentPort.postMessage({ late: Math.round(late) });
})().catch((e) => parentPort.postMessage({ late: 0, error: String((e && e.stack) || e) }));
`;

/** `npm run bench -- ingest-mqtt`: this part alone. */
export async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  try {
    const n = Math.round(Number(process.env.BENCH_MQTT_RATE ?? 5_000) * Number(process.env.BENCH_MQTT_S ?? 10));
    const feed = await prepareFeed(join(tmp, 'readings.ndjson'), n);
    console.log(JSON.stringify({ bench: 'ingest-mqtt', mqtt: await benchMqtt(feed, join(tmp, 'mqtt')) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
