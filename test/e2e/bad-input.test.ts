import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SensorId } from '../../src/shared/brand.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * Every kind of bad input gets a 4xx with a coded reason, or a quarantine entry with one, and what is already stored
 * stays exactly as it was.
 */
let srv: TestServer;
let sensor: { id: string; metric: string; value: number };
const now = Date.now();
const good = (minutesAgo: number) =>
  JSON.stringify({
    sensor: sensor.id,
    metric: sensor.metric,
    value: sensor.value,
    ts: new Date(now - minutesAgo * 60_000).toISOString(),
  });

before(async () => {
  srv = await startServer({ listen: false });
  const s = [...srv.rt.city.sensors.values()][0]!;
  const m = s.metrics[0]!;
  sensor = { id: s.id, metric: m.name, value: m.min + (m.max - m.min) / 10 };
  const r = await post(`${good(30)}\n${good(25)}\n${good(20)}\n`, 'application/x-ndjson');
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().stored, 3);
});
after(async () => srv.stop());

const post = async (payload: string | Buffer, type: string, url = '/api/v1/readings') =>
  srv.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': type, ...(url.startsWith('/api/') ? await srv.auth('integration') : {}) },
  });
const get = async (url: string) => srv.app.inject({ method: 'GET', url, headers: await srv.auth('analyst') });

async function snapshot() {
  const rows = await srv.rt.stores.readings.readingsOf(sensor.id as SensorId, sensor.metric, now - 3_600_000, now);
  return { count: await srv.rt.stores.readings.countReadings(), rows };
}

async function expectUnchanged(fn: () => Promise<void>) {
  const before = await snapshot();
  await fn();
  assert.deepEqual(await snapshot(), before, 'stored readings changed');
}

async function expectQuarantined(line: string, code: string, path?: string) {
  const q0 = await srv.rt.stores.quarantine.countQuarantine();
  await expectUnchanged(async () => {
    const r = await post(`${line}\n`, 'application/x-ndjson');
    assert.equal(r.statusCode, 422, r.body);
    const s = r.json();
    assert.deepEqual([s.received, s.stored, s.quarantined, s.duplicate], [1, 0, 1, 0]);
    assert.equal(s.errors[0].code, code);
    if (path) assert.equal(s.errors[0].path, path);
  });
  assert.equal(await srv.rt.stores.quarantine.countQuarantine(), q0 + 1);
  // The quarantine lists oldest first: the new entry is the last one.
  const [entry] = await srv.rt.stores.quarantine.listQuarantine({ limit: 1, offset: q0 });
  assert.equal(entry?.code, code);
  assert.equal(entry?.raw, line);
}

describe('bad input to POST /api/v1/readings', () => {
  test('malformed JSON body → 400 INGEST_MALFORMED_JSON, nothing stored', async () => {
    await expectUnchanged(async () => {
      const r = await post('[{"sensor": "x", ', 'application/json');
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error.code, 'INGEST_MALFORMED_JSON');
    });
  });

  test('a malformed NDJSON line is quarantined with its raw text; good lines beside it are stored', async () => {
    const q0 = await srv.rt.stores.quarantine.countQuarantine();
    const r = await post(`${good(10)}\n{"sensor": nope}\n`, 'application/x-ndjson');
    assert.equal(r.statusCode, 200);
    const s = r.json();
    assert.deepEqual([s.received, s.stored, s.quarantined, s.duplicate], [2, 1, 1, 0]);
    assert.equal(s.errors[0].code, 'INGEST_MALFORMED_JSON');
    assert.equal(s.errors[0].index, 1);
    const [entry] = await srv.rt.stores.quarantine.listQuarantine({ limit: 1, offset: q0 });
    assert.equal(entry?.raw, '{"sensor": nope}');
    assert.equal(entry?.code, 'INGEST_MALFORMED_JSON');
  });

  test('a missing field', async () => {
    const { ts: _ts, ...rest } = JSON.parse(good(5));
    await expectQuarantined(JSON.stringify(rest), 'INGEST_MISSING_FIELD', '/ts');
  });

  test('a wrong type', async () => {
    await expectQuarantined(JSON.stringify({ ...JSON.parse(good(5)), value: 'high' }), 'INGEST_WRONG_TYPE', '/value');
  });

  test('an unknown field', async () => {
    await expectQuarantined(JSON.stringify({ ...JSON.parse(good(5)), plate: 'AB-123' }), 'INGEST_UNKNOWN_FIELD');
  });

  test('an unknown sensor', async () => {
    await expectQuarantined(
      JSON.stringify({ ...JSON.parse(good(5)), sensor: 'no-such-sensor' }),
      'INGEST_UNKNOWN_SENSOR',
    );
  });

  test('a timestamp with no zone', async () => {
    await expectQuarantined(
      JSON.stringify({ ...JSON.parse(good(5)), ts: '2026-11-29T10:00:00' }),
      'INGEST_TS_NO_ZONE',
      '/ts',
    );
  });

  test('a timestamp far in the future', async () => {
    const ts = new Date(Date.now() + 86_400_000).toISOString();
    await expectQuarantined(JSON.stringify({ ...JSON.parse(good(5)), ts }), 'INGEST_TS_FUTURE', '/ts');
  });

  test('a 10 MB body → 413 INGEST_BODY_TOO_LARGE, nothing stored', async () => {
    const line = `${good(1)}\n`;
    const body = line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    await expectUnchanged(async () => {
      const r = await post(body, 'application/x-ndjson');
      assert.equal(r.statusCode, 413);
      assert.equal(r.json().error.code, 'INGEST_BODY_TOO_LARGE');
    });
  });

  test('an unsupported content type → 415', async () => {
    await expectUnchanged(async () => {
      const r = await post(good(1), 'text/csv');
      assert.equal(r.statusCode, 415);
      assert.equal(r.json().error.code, 'INGEST_UNSUPPORTED_MEDIA_TYPE');
    });
  });

  test('an empty body → 400 INGEST_EMPTY_BODY', async () => {
    const r = await post('\n\n', 'application/x-ndjson');
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'INGEST_EMPTY_BODY');
  });

  test('a duplicate is counted, not stored twice', async () => {
    await expectUnchanged(async () => {
      const r = await post(`${good(30)}\n`, 'application/x-ndjson');
      assert.equal(r.statusCode, 200);
      assert.deepEqual([r.json().stored, r.json().duplicate], [0, 1]);
    });
  });
});

describe('bad input to Open311 POST requests.json', () => {
  const form = (fields: Record<string, string>) =>
    post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', '/open311/v2/requests.json');
  const code = () => [...srv.rt.city.categories.keys()][0]!;

  test('a point outside the city → 4xx INGEST_OUTSIDE_CITY', async () => {
    const r = await form({ service_code: code(), lat: '-33.9', long: '151.2', description: 'far away' });
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, String(r.statusCode));
    assert.equal(r.json()[0].error, 'INGEST_OUTSIDE_CITY');
  });

  test('an unknown service code → 400 INGEST_UNKNOWN_SERVICE', async () => {
    const cell = srv.rt.grid.allCells()[0]!;
    const [lon, lat] = srv.rt.grid.centre(cell);
    const r = await form({ service_code: 'no-such-service', lat: String(lat), long: String(lon) });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json()[0].error, 'INGEST_UNKNOWN_SERVICE');
  });

  test('missing coordinates → 4xx INGEST_MISSING_FIELD', async () => {
    const r = await form({ service_code: code(), address_string: '1 Main St' });
    assert.equal(r.json()[0].error, 'INGEST_MISSING_FIELD');
    assert.ok(r.statusCode >= 400 && r.statusCode < 500);
  });

  test('a field the spec does not have → 4xx INGEST_UNKNOWN_FIELD', async () => {
    const r = await form({ service_code: code(), lat: '0', long: '0', licence_plate: 'X' });
    assert.equal(r.json()[0].error, 'INGEST_UNKNOWN_FIELD');
  });
});

describe('bad requests elsewhere', () => {
  test('an unknown route → 404 NOT_FOUND with no stack', async () => {
    const r = await get('/api/v1/nothing-here');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'NOT_FOUND');
    assert.doesNotMatch(r.body, /at .*\.ts:\d+/);
  });

  test('a bad query → 400 REQUEST_INVALID', async () => {
    const r = await get('/api/v1/alerts?limit=abc');
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'REQUEST_INVALID');
  });

  test('an unknown area → 404 GRID_UNKNOWN_AREA', async () => {
    const r = await get('/api/v1/alerts?area=atlantis');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'GRID_UNKNOWN_AREA');
  });
});
