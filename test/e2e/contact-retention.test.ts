import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyLog } from '../../src/access/audit-chain.ts';
import { nodeSha256 } from '../../src/adapters/node-crypto.ts';
import { DEFAULT_CONTACT_RETENTION_DAYS } from '../../src/runtime.ts';
import { DAY } from '../../src/shared/clock.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * A reporter's contact details: stored encrypted, readable only by the roles that call back (each read audited), and
 * gone after the retention period once the case closes, while the case itself stays.
 */
let srv: TestServer;
let now = Date.UTC(2026, 10, 29, 9);
before(async () => {
  srv = await startServer({ listen: false, clock: () => now });
});
after(async () => srv.stop());

test('contact details are purged after retention; the case and the audit trail remain', async () => {
  const cell = srv.rt.grid.allCells()[42]!;
  const [lon, lat] = srv.rt.grid.centre(cell);
  const code = [...srv.rt.city.categories.keys()][0]!;
  const form = new URLSearchParams({
    service_code: code,
    lat: String(lat),
    long: String(lon),
    description: 'Broken bench',
    email: 'reporter@example.org',
    phone: '+49 170 1234567',
    first_name: 'Kim',
  });
  const filed = await srv.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(filed.statusCode, 200, filed.body);
  const reportId = filed.json()[0].service_request_id as string;

  const read = async (role: 'dispatcher' | 'analyst') =>
    srv.app.inject({ method: 'GET', url: `/api/v1/reports/${reportId}/contact`, headers: await srv.auth(role) });
  assert.equal((await read('analyst')).statusCode, 403, 'analysts may not read contact details');
  const contact = await read('dispatcher');
  assert.equal(contact.statusCode, 200);
  assert.deepEqual(contact.json().contact, { email: 'reporter@example.org', phone: '+49 170 1234567', name: 'Kim' });

  const [c] = (await srv.rt.cases.list({ limit: 1000 })).filter((x) => x.reportId === reportId);
  assert.ok(c, 'the report opened a case');
  const headers = { ...(await srv.auth('admin')), 'content-type': 'application/json' };
  // The demo city dispatches on registration, so the loop is register → start → resolve → verify → close.
  for (const type of ['register', 'start', 'resolve', 'verify', 'close']) {
    const res: { statusCode: number; body: string } = await srv.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${c.id}/events`,
      headers,
      payload: { type },
    });
    assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
    now += 60_000;
  }

  now += (DEFAULT_CONTACT_RETENTION_DAYS - 1) * DAY;
  await srv.rt.runJobs();
  assert.ok(await srv.rt.stores.contacts.get(reportId as never), 'still kept inside the retention period');

  now += 2 * DAY;
  await srv.rt.runJobs();
  assert.equal(await srv.rt.stores.contacts.get(reportId as never), undefined, 'purged after it');
  assert.equal((await read('dispatcher')).json().contact, null);
  const kept = await srv.rt.cases.get(c.id);
  assert.ok(kept.ok && kept.value.state === 'closed', 'the case remains');
  assert.ok(await srv.rt.stores.reports.getReport(reportId as never), 'the report remains');

  const log = await srv.rt.stores.audit.list(0, 10_000);
  const actions = log.filter((e) => e.target === reportId).map((e) => e.action);
  assert.deepEqual(actions, ['contact.read', 'contact.purged', 'contact.read']);
  assert.ok(log.some((e) => e.action === 'case.changed' && e.target === c.id));
  const verdict = await verifyLog(srv.rt.stores.audit, nodeSha256);
  assert.equal(verdict.ok, true);
});
