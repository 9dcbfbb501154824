import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pickThresholdRule, readingsOverThreshold } from '../helpers/demo-readings.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;
before(async () => {
  srv = await startServer({ listen: false });
});
after(async () => srv.stop());

/** Requests with an API token: the integration role feeds data in, a supervisor reads and works cases. */
const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown, type = 'application/json') => {
  const role = url.startsWith('/api/v1/readings')
    ? 'integration'
    : url.startsWith('/open311')
      ? 'public'
      : 'supervisor';
  const auth = role === 'public' ? {} : await srv.auth(role);
  return srv.app.inject({
    method,
    url,
    headers: { ...auth, ...(payload !== undefined ? { 'content-type': type } : {}) },
    ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
  });
};

test('readings over a threshold → alert → case → dispatched → … → closed, over HTTP', async () => {
  const { rule } = pickThresholdRule(srv.rt);
  const { ndjson, count, sensor } = readingsOverThreshold(srv.rt, Date.now());

  const ingest = await inject('POST', '/api/v1/readings', ndjson, 'application/x-ndjson');
  assert.equal(ingest.statusCode, 200);
  const summary = ingest.json() as { received: number; stored: number; quarantined: number; duplicate: number };
  assert.deepEqual([summary.received, summary.stored, summary.quarantined, summary.duplicate], [count, count, 0, 0]);

  const alerts = (await inject('GET', `/api/v1/alerts?state=open&rule=${rule.id}`)).json().alerts;
  const alert = alerts.find((a: { sensor: string }) => a.sensor === sensor);
  assert.ok(alert, 'an open alert for the sensor');
  assert.equal(alert.severity, rule.severity);
  assert.ok(alert.evidence.values.length > 0);
  assert.ok(alert.caseId, 'the alert opened a case');

  const caseUrl = `/api/v1/cases/${alert.caseId}`;
  let c = (await inject('GET', caseUrl)).json();
  assert.equal(c.case.state, 'dispatched');
  assert.equal(c.case.category, rule.openCase!.category);
  assert.equal(c.case.cell, alert.cell);
  assert.ok(c.case.team, 'dispatched to a team');
  assert.equal(c.case.dueStage, 'start');
  assert.deepEqual(
    c.history.map((h: { type: string; to: string }) => [h.type, h.to]),
    [
      ['opened', 'reported'],
      ['register', 'registered'],
      ['dispatch', 'dispatched'],
    ],
  );

  const step = async (type: string, expected: string) => {
    const r = await inject('POST', `${caseUrl}/events`, { type, note: `step ${type}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().case.state, expected);
  };
  await step('start', 'in_progress');
  await step('resolve', 'resolved');
  await step('fail_verification', 'rework');
  await step('start', 'in_progress');
  await step('resolve', 'resolved');
  await step('verify', 'verified');
  await step('close', 'closed');

  c = (await inject('GET', caseUrl)).json();
  assert.equal(c.case.state, 'closed');
  assert.equal(c.case.reworkCount, 1);
  assert.equal(c.case.dueStage, undefined);
  assert.deepEqual(
    c.history.map((h: { type: string }) => h.type),
    ['opened', 'register', 'dispatch', 'start', 'resolve', 'fail_verification', 'start', 'resolve', 'verify', 'close'],
  );
  assert.deepEqual(
    c.history.map((h: { seq: number }) => h.seq),
    c.history.map((_: unknown, i: number) => i + 1),
  );

  const bad = await inject('POST', `${caseUrl}/events`, { type: 'start' });
  assert.equal(bad.statusCode, 409);
  assert.equal(bad.json().error.code, 'CASE_INVALID_TRANSITION');
  const unknown = await inject('POST', `${caseUrl}/events`, { type: 'teleport' });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().error.code, 'CASE_UNKNOWN_EVENT');
  const missing = await inject('POST', '/api/v1/cases/case_nope/events', { type: 'start' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'CASE_NOT_FOUND');

  const closed = (await inject('GET', '/api/v1/cases?state=closed')).json().cases;
  assert.ok(closed.some((x: { id: string }) => x.id === alert.caseId));
});

test('a citizen report over Open311 opens a case in the reported state', async () => {
  const cat = [...srv.rt.city.categories.values()][0]!;
  const cell = srv.rt.grid.allCells()[100]!;
  const [lon, lat] = srv.rt.grid.centre(cell);
  const form = new URLSearchParams({
    service_code: cat.code,
    lat: String(lat),
    long: String(lon),
    description: 'Large pothole by the bus stop',
    email: 'someone@example.org',
  });
  const r = await inject('POST', '/open311/v2/requests.json', form.toString(), 'application/x-www-form-urlencoded');
  assert.equal(r.statusCode, 200, r.body);
  const [body] = r.json();
  assert.match(body.service_request_id, /^report_/);
  const cases = (await inject('GET', `/api/v1/cases?cell=${cell}`)).json().cases;
  const c = cases.find((x: { reportId: string }) => x.reportId === body.service_request_id);
  assert.ok(c, 'a case for the report');
  assert.equal(c.state, 'reported');
  assert.equal(c.category, cat.code);
});
