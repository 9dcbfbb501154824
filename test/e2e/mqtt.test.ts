import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { type MqttCounters, type MqttSource, startMqttSource } from '../../src/adapters/mqtt/source.ts';
import type { Ingest } from '../../src/ingest/pipeline.ts';
import { tcpProbe } from '../helpers/nats-cluster.ts';
import { startServer } from '../helpers/server.ts';
import { requireService } from '../helpers/services.ts';

/**
 * The MQTT source against the real Mosquitto on 127.0.0.1:1883, fed by the real `mosquitto_pub`: single readings,
 * arrays, NDJSON and garbage all end up stored, quarantined or counted as duplicates; and a source killed while QoS 1
 * messages keep coming loses nothing once it comes back under the same client id.
 */
const HOST = '127.0.0.1';
const PORT = 1883;
const URL = `mqtt://${HOST}:${PORT}`;
const SENSOR = 'aq-001';
const METRIC = 'pm25';
const base = Date.now() - 86_400_000;
const reading = (i: number, value = 10) =>
  JSON.stringify({ sensor: SENSOR, metric: METRIC, value, ts: new Date(base + i * 1000).toISOString() });

/** mosquitto_pub with QoS 1; the message from stdin when `stdin` is given (-s). */
function pub(topic: string, message: string, stdin = false): void {
  const args = ['-h', HOST, '-p', String(PORT), '-q', '1', '-t', topic];
  const r = stdin
    ? spawnSync('mosquitto_pub', [...args, '-s'], { input: message })
    : spawnSync('mosquitto_pub', [...args, '-m', message]);
  assert.equal(r.status, 0, String(r.stderr));
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const balanced = (c: MqttCounters) => c.received === c.stored + c.quarantined + c.duplicate;

test('MQTT source with the real Mosquitto and mosquitto_pub', { timeout: 60_000 }, async (t) => {
  if (!(await requireService(t, 'Mosquitto', () => tcpProbe(HOST, PORT)))) return;
  const srv = await startServer({ listen: false });
  const prefix = `gridloop-test/${randomBytes(6).toString('hex')}`;
  const clientId = `gridloop-test-${randomBytes(6).toString('hex')}`;
  // The real pipeline, optionally behind a pause, so that a kill finds a batch received but not yet committed.
  let pauseMs = 0;
  const pause = () => new Promise((r) => setTimeout(r, pauseMs));
  const ingest = {
    async ingestLines(...args: Parameters<Ingest['ingestLines']>) {
      await pause();
      return srv.rt.ingest.ingestLines(...args);
    },
    async ingestRecords(...args: Parameters<Ingest['ingestRecords']>) {
      await pause();
      return srv.rt.ingest.ingestRecords(...args);
    },
  };
  const open = (): MqttSource =>
    startMqttSource({ url: URL, ingest, topics: [`${prefix}/#`], clientId, onError: () => {} });
  const sources: MqttSource[] = [];
  try {
    let source = open();
    sources.push(source);
    await source.ready;

    await t.test('one reading, an array, NDJSON and garbage', async () => {
      pub(`${prefix}/one`, reading(0));
      pub(`${prefix}/batch`, JSON.stringify(Array.from({ length: 50 }, (_, i) => JSON.parse(reading(1 + i)))));
      const lines = Array.from({ length: 30 }, (_, i) => reading(100 + i));
      lines.splice(10, 0, '{"sensor": "aq-001", "metric": broken');
      lines.push(JSON.stringify({ sensor: 'nope-999', metric: METRIC, value: 1, ts: new Date(base).toISOString() }));
      pub(`${prefix}/ndjson`, `${lines.join('\n')}\n`, true);
      pub(`${prefix}/garbage`, 'this is not a reading at all');
      pub(`${prefix}/one`, reading(0)); // the same reading again: a duplicate
      const expected = 1 + 50 + 32 + 1 + 1;
      await waitFor('all messages', () => source.counters.received === expected && source.counters.pending === 0);
      const c = source.counters;
      assert.ok(balanced(c));
      assert.equal(c.stored, 81);
      assert.equal(c.quarantined, 3);
      assert.equal(c.duplicate, 1);
      assert.equal(await srv.rt.stores.readings.countReadings(), 81);
      const rows = await srv.rt.stores.readings.readingsOf(SENSOR, METRIC, base as never, (base + 200_000) as never);
      assert.deepEqual(
        rows.map((r) => r.ts - base),
        [...Array.from({ length: 51 }, (_, i) => i * 1000), ...Array.from({ length: 30 }, (_, i) => (100 + i) * 1000)],
      );
      const q = await srv.rt.stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
      assert.equal(q.length, 3);
      assert.ok(q.some((e) => e.source === `mqtt:${prefix}/garbage`));
    });

    await t.test('a source killed while QoS 1 messages keep coming loses nothing', async (st) => {
      const before = await srv.rt.stores.readings.countReadings();
      const first = 1_000;
      const pubber = spawn('mosquitto_pub', ['-h', HOST, '-p', String(PORT), '-q', '1', '-t', `${prefix}/live`, '-l']);
      const exited = new Promise<number | null>((r) => pubber.once('exit', r));
      st.after(() => {
        pubber.kill('SIGKILL');
      });
      /** Writes n readings from `from` on, five every 10 ms, so that messages keep coming while the source works. */
      const send = async (from: number, n: number) => {
        for (let i = from; i < from + n; i += 5) {
          let s = '';
          for (let k = i; k < Math.min(from + n, i + 5); k++) s += `${reading(k)}\n`;
          pubber.stdin.write(s);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      const r0 = source.counters.received;
      pauseMs = 100;
      const sending = send(first, 200);
      await waitFor('the first messages', () => source.counters.received >= r0 + 20);
      await waitFor('a batch being written', () => source.counters.pending > 0);
      // A crash: the queue dies unacked, and so does the batch being written, which still commits; the broker keeps
      // the session and redelivers everything not acked.
      await source.close({ force: true });
      pauseMs = 0;
      await sending;
      await send(first + 200, 300);
      source = open();
      sources.push(source);
      await source.ready;
      await send(first + 500, 200);
      pubber.stdin.end();
      assert.equal(await exited, 0);
      await waitFor(
        'every reading stored',
        async () => (await srv.rt.stores.readings.countReadings()) === before + 700,
      );
      await source.drain();
      const rows = await srv.rt.stores.readings.readingsOf(
        SENSOR,
        METRIC,
        (base + first * 1000) as never,
        (base + (first + 700) * 1000) as never,
      );
      assert.equal(rows.length, 700);
      for (const s of sources) assert.ok(balanced(s.counters), JSON.stringify(s.counters));
      const [a, b] = sources as [MqttSource, MqttSource];
      assert.equal(a.counters.stored + b.counters.stored, 81 + 700);
      // The batch committed after the kill was never acked: it came again, and was counted as duplicates.
      assert.ok(b.counters.duplicate > 0);
      if (process.env.DEBUG_MQTT) console.log(sources.map((s) => s.counters));
    });
  } finally {
    for (const s of sources) await s.close({ force: true }).catch(() => {});
    await srv.stop();
  }
});
