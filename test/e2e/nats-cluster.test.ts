import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { loadCity } from '../../src/adapters/city-files.ts';
import { natsSink } from '../../src/adapters/nats/sink.ts';
import {
  connectNats,
  READINGS_STREAM,
  READINGS_SUBJECT,
  SOURCE_HEADER,
  setupReadingsStream,
} from '../../src/adapters/nats/stream.ts';
import { type NatsWorker, type NatsWorkerCounters, startNatsWorker } from '../../src/adapters/nats/worker.ts';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { createRuntime } from '../../src/runtime.ts';
import {
  natsServerInstalled,
  startNatsCluster,
  startWorkerProcess,
  type WorkerProcess,
} from '../helpers/nats-cluster.ts';
import { requireService } from '../helpers/services.ts';

const PG_URL = process.env.GRIDLOOP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Nothing is lost on a JetStream cluster: three nats-server nodes on loopback, an R3 work-queue stream holding N
 * readings, two `gridloop worker` processes (the shared durable consumer) writing into one PostgreSQL schema, and the
 * stream's leader SIGKILLed half-way. Exactly N readings end up stored. The issue asks for N = 1M; GRIDLOOP_NATS_N
 * overrides.
 */
const N = Number(process.env.GRIDLOOP_NATS_N ?? 1_000_000);
const PER_MESSAGE = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function retry<T>(what: string, f: () => Promise<T>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: ${String(e)}`);
      await sleep(200);
    }
  }
}

test(`JetStream cluster: ${N} readings, two worker processes on PostgreSQL, a node killed, exactly ${N} stored`, {
  timeout: 170_000,
}, async (t) => {
  if (!(await requireService(t, 'nats-server', natsServerInstalled))) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  if (!(await requireService(t, 'PostgreSQL', () => admin.connect()))) return;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };
  const schema = `gl_test_${randomBytes(6).toString('hex')}`;
  const count = async (table: string) =>
    (await admin.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${schema}.${table}`)).rows[0]?.n ?? 0;
  const cluster = await startNatsCluster(3);
  const conns: NatsConnection[] = [];
  const workers: WorkerProcess[] = [];
  try {
    const city = await loadCity(DEMO_CITY_DIR);
    const pub = await connectNats(cluster.servers, 'test-publisher');
    conns.push(pub);
    await retry('stream setup', () => setupReadingsStream(pub, { replicas: 3, ackWaitMs: 5_000 }));
    // The workers start (and migrate the new schema) while the readings are published.
    const env = { GRIDLOOP_DATABASE_URL: PG_URL, GRIDLOOP_DATABASE_SCHEMA: schema };
    for (let w = 0; w < 2; w++) workers.push(startWorkerProcess(cluster.servers, env, ['--replicas', '3']));
    lap('cluster up');

    // N distinct readings: every metric of every sensor, one a second.
    const series = [...city.sensors.values()].flatMap((s) =>
      s.metrics.map((m) => `{"sensor":"${s.id}","metric":"${m.name}","value":${m.min},"ts":"`),
    );
    const base = Date.now() - Math.ceil(N / series.length) * 1000 - 3_600_000;
    const js = jetstream(pub);
    const h = headers();
    h.set(SOURCE_HEADER, 'test');
    const inFlight = new Set<Promise<unknown>>();
    for (let start = 0; start < N; start += PER_MESSAGE) {
      let body = '';
      for (let i = start; i < Math.min(N, start + PER_MESSAGE); i++) {
        const ts = new Date(base + Math.floor(i / series.length) * 1000).toISOString();
        body += `${series[i % series.length]}${ts}"}\n`;
      }
      const p = js.publish(READINGS_SUBJECT, body, { headers: h }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 32) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    lap('published');
    await Promise.all(workers.map((w) => w.ready));
    lap('workers ready');

    // A worker that died would leave the wait to the test's timeout: fail at once, with what it said.
    const check = async (deadline: number) => {
      for (const { proc, output } of workers)
        assert.deepEqual([proc.exitCode, proc.signalCode], [null, null], `a worker exited: ${output.join('\n')}`);
      assert.ok(Date.now() < deadline, `only ${await count('readings')} of ${N} stored`);
    };
    const third = Date.now() + 60_000;
    while ((await count('readings')) < N / 3) {
      await check(third);
      await sleep(250);
    }
    const jsm = await jetstreamManager(pub);
    const leader = (await jsm.streams.info(READINGS_STREAM)).cluster?.leader;
    assert.ok(leader, 'the stream has a leader');
    cluster.kill(leader);
    const atKill = await count('readings');
    lap('until the kill');

    // Done when every message is acked (the work queue is empty, asked of a surviving node): acks follow commits.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const messages = await jsm.streams
        .info(READINGS_STREAM)
        .then((i) => i.state.messages)
        .catch(() => -1);
      if (messages === 0) break;
      await check(deadline);
      await sleep(250);
    }
    lap('drained');
    const exits = await Promise.all(workers.map((w) => w.stop()));
    lap('workers stopped');
    for (const e of exits) {
      assert.deepEqual([e.code, e.signal], [0, null], `a graceful exit: ${e.output.join('\n')}`);
      assert.ok(e.counters, 'the worker printed its counters');
    }
    const counters = exits.map((e) => e.counters as NatsWorkerCounters);
    assert.equal(await count('readings'), N);
    assert.ok(atKill < N, 'the node died while readings were still coming');
    assert.equal(await count('quarantine'), 0);
    for (const c of counters) {
      assert.ok(c.stored > 0, `both workers stored readings: ${JSON.stringify(counters)}`);
      assert.equal(c.received, c.stored + c.quarantined + c.duplicate);
    }
    assert.equal(
      counters.reduce((n, c) => n + c.stored, 0),
      N,
      'each reading stored by exactly one worker; redeliveries are duplicates',
    );
    t.diagnostic(`N=${N} timings ms ${JSON.stringify(timings)} workers ${JSON.stringify(counters)}`);
  } finally {
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.stop()));
    for (const c of conns) await c.close().catch(() => {});
    await cluster.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
});

test('serve → stream → worker: NDJSON in 1 MB chunks and records, bad lines quarantined', {
  timeout: 60_000,
}, async (t) => {
  if (!(await requireService(t, 'nats-server', natsServerInstalled))) return;
  const server = await startNatsCluster(1);
  const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-nats-test-'));
  const rt = await createRuntime({ cityDir: DEMO_CITY_DIR, dataDir, jobIntervalMs: 0 });
  const nc = await connectNats(server.servers, 'test');
  let worker: NatsWorker | undefined;
  try {
    await retry('stream setup', () => setupReadingsStream(nc));
    const sink = natsSink(nc);
    const base = Date.now() - 86_400_000;
    const line = (i: number) =>
      JSON.stringify({ sensor: 'aq-001', metric: 'pm25', value: 12.5, ts: new Date(base + i * 1000).toISOString() });
    const lines = Array.from({ length: 30_000 }, (_, i) => line(i));
    lines.splice(5, 0, 'garbage', '');
    const text = `${lines.join('\n')}\n`;
    assert.ok(text.length > 2 * 1_000_000, 'the body needs several chunks');
    assert.deepEqual(await sink.acceptNdjson(text, 'http'), { queued: true, received: 30_001 });
    const records = [JSON.parse(line(0)), JSON.parse(line(40_000)), 42, { sensor: 'nope' }];
    assert.deepEqual(await sink.acceptRecords(records, 'http'), { queued: true, received: 4 });
    // A token scoped elsewhere may not feed aq-001: its reading is quarantined by the worker, as it would be directly.
    const aqPath = rt.grid.pathOf(rt.sensors.get('aq-001')!.area);
    const elsewhere = [...rt.city.areas.keys()].find((a) => !aqPath.includes(a))!;
    assert.deepEqual(await sink.acceptNdjson(line(50_000), 'http', elsewhere), { queued: true, received: 1 });
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info(READINGS_STREAM)).state.messages, 5, '3 chunks + 1 + 1');

    worker = startNatsWorker({
      nc,
      ingestFor: (scope) => (scope === undefined ? rt.ingest : rt.ingestFor(scope)),
      onError: () => {},
    });
    const expected = 30_000 + 1;
    const end = Date.now() + 30_000;
    while (worker.counters.received < 30_006) {
      assert.ok(Date.now() < end, JSON.stringify(worker.counters));
      await sleep(50);
    }
    const c = worker.counters;
    assert.equal(c.received, c.stored + c.quarantined + c.duplicate);
    assert.deepEqual([c.stored, c.quarantined, c.duplicate], [expected, 4, 1]);
    assert.equal(await rt.stores.readings.countReadings(), expected);
    await retry('acked', async () => assert.equal((await jsm.streams.info(READINGS_STREAM)).state.messages, 0));
  } finally {
    await worker?.stop();
    await nc.close();
    await rt.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
