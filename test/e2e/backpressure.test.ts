import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { buildApp } from '../../src/http/app.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';

/** `count` in-range readings of one metric of each sensor, a minute apart, starting at `from`. */
function readings(rt: Runtime, from: number, count: number): string {
  const lines: string[] = [];
  const sensors = [...rt.sensors.values()];
  for (let i = 0; i < count; i++) {
    const s = sensors[i % sensors.length]!;
    const m = s.metricList[0]!;
    const ts = new Date(from + Math.floor(i / sensors.length) * 60_000).toISOString();
    lines.push(JSON.stringify({ sensor: s.id, metric: m.name, value: m.min, ts }));
  }
  return `${lines.join('\n')}\n`;
}

const until = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Starts a POST whose body is sent only in part; `finish()` sends the rest and resolves with status and body. */
function heldPost(url: string, token: string, body: string) {
  const req = httpRequest(`${url}/api/v1/readings`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-ndjson',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`,
    },
  });
  const half = Math.floor(body.length / 2);
  const answer = new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
  });
  req.write(body.slice(0, half));
  return {
    finish: () => {
      req.end(body.slice(half));
      return answer;
    },
    abort: () => {
      answer.catch(() => {});
      req.destroy();
    },
  };
}

test('ingest over the in-flight limit gets 503 INGEST_OVERLOADED at once; admitted requests complete and nothing is lost', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-bp-'));
  const rt = await createRuntime({ cityDir: DEMO_CITY_DIR, dataDir, jobIntervalMs: 0 });
  const app = await buildApp(rt, { ingestMaxRequests: 1, ingestRateLimit: 100_000 });
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const token = await rt.accounts.createToken({ name: 'bp', role: 'integration', scope: rt.city.root });
    if (!token.ok) throw token.error;
    const auth = { authorization: `Bearer ${token.value.token}`, 'content-type': 'application/x-ndjson' };
    const admission = app.ingestAdmission.get('POST /api/v1/readings');
    assert.ok(admission, 'readings are behind an admission controller');
    assert.ok(app.ingestAdmission.get('POST /open311/v2/requests.json'), 'so are Open311 reports');
    const t0 = Date.now() - 10 * 86_400_000;
    const bodyA = readings(rt, t0, 3_000);
    const bodyB = readings(rt, t0 + 86_400_000, 2_000);

    // A holds the only slot while its body is still arriving.
    const a = heldPost(url, token.value.token, bodyA);
    await until(() => admission.inFlight().requests === 1, 'A to be admitted');

    const refused = await fetch(`${url}/api/v1/readings`, { method: 'POST', headers: auth, body: bodyB });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'INGEST_OVERLOADED');
    assert.equal(admission.inFlight().requests, 1, 'a refused request takes no slot');

    const resA = await a.finish();
    assert.equal(resA.status, 200);
    assert.deepEqual([resA.json.received, resA.json.stored, resA.json.duplicate], [3_000, 3_000, 0]);
    await until(() => admission.inFlight().requests === 0, 'A to release its slot');

    // The refused client retries after Retry-After and gets everything stored: nothing lost, nothing twice.
    const retried = await fetch(`${url}/api/v1/readings`, { method: 'POST', headers: auth, body: bodyB });
    assert.equal(retried.status, 200);
    assert.deepEqual(
      [(await retried.json()) as Record<string, unknown>].map((s) => [s.received, s.stored, s.duplicate])[0],
      [2_000, 2_000, 0],
    );
    const again = await fetch(`${url}/api/v1/readings`, { method: 'POST', headers: auth, body: bodyA + bodyB });
    const s = (await again.json()) as Record<string, number>;
    assert.deepEqual([s.received, s.stored, s.duplicate], [5_000, 0, 5_000], 'every reading was stored once');

    // A client that goes away mid-body gives its slot back.
    const c = heldPost(url, token.value.token, bodyA);
    await until(() => admission.inFlight().requests === 1, 'C to be admitted');
    c.abort();
    await until(() => admission.inFlight().requests === 0, 'C to release its slot');
    assert.deepEqual(admission.inFlight(), { requests: 0, bytes: 0 });
  } finally {
    await app.close();
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
