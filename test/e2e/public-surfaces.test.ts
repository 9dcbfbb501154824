import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EMAIL_MASK, PHONE_MASK } from '../../src/access/redact.ts';
import type { AreaId, CaseId, ReportId, ServiceCode } from '../../src/shared/brand.ts';
import { drive } from '../helpers/routes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * Issue 4, public surfaces: Open311 GET and the public statistics show no contact data, mask e-mail addresses and
 * phone numbers in free text, round positions, suppress small counts, and need no sign-in.
 */
let srv: TestServer;
let districtA: AreaId;
let districtB: AreaId;
let codeA: ServiceCode;
let codeB: ServiceCode;
const filed: { id: ReportId; lat: number; lon: number }[] = [];

// What the reporters typed into the contact fields: these go to the encrypted vault only.
const CONTACT_EMAIL = 'maria.vault-only@example.net';
const CONTACT_PHONE = '+49 171 9876543';
const CONTACT_NAME = 'Maria Vaultonly';
// What they wrote in the description: stored for staff, masked for the public.
const TEXT_EMAIL = 'call.me.back@example.org';
const TEXT_PHONE = '0171 2345678';

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/open311/v2/requests.json',
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

function pointIn(area: AreaId, i = 0): [number, number] {
  const cell = srv.rt.grid.cellsOf(area)[i];
  assert.ok(cell, `a cell in ${area}`);
  return srv.rt.grid.centre(cell) as [number, number];
}

async function fileMany(area: AreaId, code: ServiceCode, n: number): Promise<ReportId[]> {
  const [lon, lat] = pointIn(area);
  const input = Array.from({ length: n }, () => ({ service_code: code, lat: String(lat), long: String(lon) }));
  const s = await srv.rt.ingest.fileReports(input, 'test');
  assert.equal(s.ids.length, n, JSON.stringify(s.errors));
  return s.ids as ReportId[];
}

before(async () => {
  srv = await startServer({ listen: false });
  const { rt } = srv;
  const districts = [...rt.city.areas.values()].filter((a) => a.parent === rt.city.root);
  assert.ok(districts.length >= 2, 'the demo city has two districts');
  districtA = districts[0]!.id;
  districtB = districts[1]!.id;
  [codeA, codeB] = [...rt.city.categories.keys()] as [ServiceCode, ServiceCode];
  assert.ok(codeA && codeB, 'two categories');
  assert.ok(rt.contactsEnabled, 'the test server has a vault key');

  for (let i = 0; i < 2; i++) {
    const [lon, lat] = pointIn(districtA, i);
    const r = await srv.app.inject(
      form({
        service_code: codeA,
        lat: String(lat),
        long: String(lon),
        description: `Lamp out since 2026-11-02. Mail ${TEXT_EMAIL} or ring ${TEXT_PHONE} after 18:00.`,
        address_string: `Hauptstraße ${12 + i}, tel. ${TEXT_PHONE}`,
        email: CONTACT_EMAIL,
        phone: CONTACT_PHONE,
        first_name: 'Maria',
        last_name: 'Vaultonly',
      }),
    );
    assert.equal(r.statusCode, 200, r.body);
    filed.push({ id: r.json()[0].service_request_id, lat, lon });
  }
});
after(async () => srv?.stop());

const get = (url: string) => srv.app.inject({ method: 'GET', url });
const CONTACT_KEYS = ['email', 'phone', 'first_name', 'last_name', 'account_id', 'device_id', 'contact'];

function assertPublic(req: Record<string, unknown>, f: { lat: number; lon: number }): void {
  for (const k of CONTACT_KEYS) assert.ok(!(k in req), `no ${k}`);
  const text = JSON.stringify(req);
  for (const secret of [CONTACT_EMAIL, CONTACT_PHONE, CONTACT_NAME, TEXT_EMAIL, TEXT_PHONE, 'Vaultonly']) {
    assert.ok(!text.includes(secret), `${secret} in ${text}`);
  }
  assert.equal(
    req.description,
    `Lamp out since 2026-11-02. Mail ${EMAIL_MASK} or ring ${PHONE_MASK} after 18:00.`,
    'masked, the date and time kept',
  );
  assert.match(String(req.address), /^Hauptstraße 1[23], tel\. \[phone removed\]$/);
  assert.equal(req.lat, Math.round(f.lat * 1e4) / 1e4);
  assert.equal(req.long, Math.round(f.lon * 1e4) / 1e4);
  assert.ok(Math.abs((req.lat as number) - f.lat) <= 5e-5 && Math.abs((req.long as number) - f.lon) <= 5e-5);
  assert.ok((String(req.lat).split('.')[1]?.length ?? 0) <= 4, 'at most 4 decimals');
}

describe('Open311 GET', () => {
  test('GET requests/:id.json: the request without contact data, text masked, position rounded', async () => {
    const f = filed[0]!;
    const r = await get(`/open311/v2/requests/${f.id}.json`);
    assert.equal(r.statusCode, 200, r.body);
    const [req] = r.json();
    assert.equal(req.service_request_id, f.id);
    assert.equal(req.status, 'open');
    assert.equal(req.service_code, codeA);
    assert.equal(req.service_name, srv.rt.city.categories.get(codeA)?.name);
    assert.equal(req.status_notes, null);
    assert.ok(!Number.isNaN(Date.parse(req.requested_datetime)));
    assert.ok(!Number.isNaN(Date.parse(req.expected_datetime)), 'an open case has a due time');
    assertPublic(req, f);
    // The contact details are kept, in the vault, for staff who may read them.
    assert.equal((await srv.rt.stores.contacts.get(f.id))?.email, CONTACT_EMAIL);
  });

  test('GET requests.json lists them; service_request_id takes a comma list; status filters', async () => {
    const all = await get('/open311/v2/requests.json');
    assert.equal(all.statusCode, 200, all.body);
    const ids = all.json().map((x: { service_request_id: string }) => x.service_request_id);
    for (const f of filed) assert.ok(ids.includes(f.id));
    for (const req of all
      .json()
      .filter((x: { service_request_id: ReportId }) => filed.some((f) => f.id === x.service_request_id))) {
      assertPublic(req, filed.find((f) => f.id === req.service_request_id)!);
    }
    const two = await get(`/open311/v2/requests.json?service_request_id=${filed[0]!.id},${filed[1]!.id},rep_nope`);
    assert.deepEqual(
      two
        .json()
        .map((x: { service_request_id: string }) => x.service_request_id)
        .sort(),
      filed.map((f) => f.id).sort(),
    );
    const closed = await get('/open311/v2/requests.json?status=closed');
    assert.ok(
      !closed.json().some((x: { service_request_id: ReportId }) => filed.some((f) => f.id === x.service_request_id)),
    );
    const byCode = await get(`/open311/v2/requests.json?service_code=${codeB}`);
    assert.ok(
      !byCode.json().some((x: { service_request_id: ReportId }) => filed.some((f) => f.id === x.service_request_id)),
    );
    // A window in the past holds none of them.
    const old = await get('/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z');
    assert.deepEqual(old.json(), []);
  });

  test('a closed case reads as closed, with no expected time', async () => {
    const [id] = await fileMany(districtB, codeB, 1);
    const c = (await srv.rt.cases.list({ reportId: id, limit: 1 }))[0]!;
    await drive(srv.rt, c.id as CaseId, ['register', 'dispatch', 'start', 'resolve', 'verify', 'close']);
    const r = await get(`/open311/v2/requests/${id}.json`);
    assert.equal(r.json()[0].status, 'closed');
    assert.equal(r.json()[0].expected_datetime, null);
    assert.equal(typeof r.json()[0].agency_responsible, 'string', 'the team that did the work');
    const closed = await get('/open311/v2/requests.json?status=closed');
    assert.ok(closed.json().some((x: { service_request_id: string }) => x.service_request_id === id));
  });

  test("errors come in the spec's form: unknown id 404, bad status or range 400", async () => {
    const missing = await get('/open311/v2/requests/rep_nope.json');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), [{ code: 404, description: 'No service request rep_nope.', error: 'NOT_FOUND' }]);
    for (const q of [
      'status=pending',
      'start_date=yesterday',
      'start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
      'unknown=1',
    ]) {
      const r = await get(`/open311/v2/requests.json?${q}`);
      assert.equal(r.statusCode, 400, q);
      assert.equal(r.json()[0].code, 400, q);
      assert.equal(r.json()[0].error, 'REQUEST_INVALID', q);
    }
  });
});

describe('contact data at rest', () => {
  test('the raw SQLite file and its WAL hold neither the e-mail nor the phone nor the name in plain text', async () => {
    const files = ['gridloop.db', 'gridloop.db-wal'].map((f) => join(srv.dataDir, f)).filter((p) => existsSync(p));
    assert.ok(files.length >= 1, 'the store is on disk');
    // The description was stored (staff read it), which proves the search looks at the right bytes.
    const bytes = Buffer.concat(files.map((p) => readFileSync(p)));
    assert.ok(bytes.includes(Buffer.from('Lamp out since 2026-11-02')), 'report text is in the files');
    for (const secret of [CONTACT_EMAIL, CONTACT_PHONE, CONTACT_NAME]) {
      assert.ok(!bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in plain text`);
    }
  });
});

describe('public statistics', () => {
  test('counts under k are suppressed, with their complements; the rest are true', async () => {
    // District A / category A: the 2 reports above + 1 = 3 (< 5). District B / category A: 12.
    await fileMany(districtA, codeA, 1);
    await fileMany(districtB, codeA, 12);
    const r = await get('/api/public/stats?period=30d');
    assert.equal(r.statusCode, 200, r.body);
    const s = r.json();
    assert.equal(s.k, 5);
    const cellOf = (d: AreaId, c: ServiceCode) =>
      s.districts.find((x: { id: string }) => x.id === d).categories.find((x: { code: string }) => x.code === c);
    assert.deepEqual(cellOf(districtA, codeA).opened, { count: null, suppressed: true });
    // 12 alone beside the withheld 3 would give the 3 away through the category total: withheld too.
    assert.deepEqual(cellOf(districtB, codeA).opened, { count: null, suppressed: true });
    // The city total is large enough and reveals no cell: every case of this test (the reports, the closed one, and
    // any a count rule opened over the 12 reports in one cell).
    const all = await srv.rt.cases.list({ limit: 100_000 });
    assert.ok(all.length >= 16);
    assert.deepEqual(s.city.total.opened, { count: all.length, suppressed: false });
    const published: number[] = [];
    const visit = (o: unknown): void => {
      if (o && typeof o === 'object') {
        const v = o as { count?: unknown; suppressed?: unknown };
        if ('suppressed' in v) {
          assert.equal(v.suppressed, v.count === null);
          if (typeof v.count === 'number') published.push(v.count);
        } else for (const x of Object.values(o)) visit(x);
      }
    };
    visit(s);
    assert.ok(published.length > 0);
    for (const n of published) assert.ok(n === 0 || n >= 5, `published ${n}`);
    const bad = await get('/api/public/stats?period=forever');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'REQUEST_INVALID');
  });
});

describe('public statistics, k = 1 (GRIDLOOP_PUBLIC_K)', () => {
  test('opened, closed, and closed on time (never marked overdue) per district and category', async () => {
    const saved = process.env.GRIDLOOP_PUBLIC_K;
    process.env.GRIDLOOP_PUBLIC_K = '1';
    let now = Date.now();
    const own = await startServer({ listen: false, clock: () => now });
    try {
      const { rt } = own;
      const district = [...rt.city.areas.values()].find((a) => a.parent === rt.city.root)!.id;
      const code = [...rt.city.categories.keys()][0] as ServiceCode;
      const [lon, lat] = rt.grid.centre(rt.grid.cellsOf(district)[0]!);
      const fileOne = async () => {
        const s = await rt.ingest.fileReports([{ service_code: code, lat: String(lat), long: String(lon) }], 'test');
        return (await rt.cases.list({ reportId: s.ids[0] as ReportId, limit: 1 }))[0]!.id;
      };
      const late = await fileOne();
      now += 400 * 24 * 3_600_000; // far past any stage deadline
      assert.ok(
        (await rt.cases.sweepOverdue()).some((c) => c.id === late),
        'marked overdue',
      );
      const onTime = await fileOne();
      await fileOne(); // stays open
      const close = ['register', 'dispatch', 'start', 'resolve', 'verify', 'close'];
      await drive(rt, late, close);
      await drive(rt, onTime, close);
      const r = await own.app.inject({ method: 'GET', url: '/api/public/stats?period=30d' });
      assert.equal(r.statusCode, 200, r.body);
      const s = r.json();
      assert.equal(s.k, 1);
      const cell = s.districts
        .find((x: { id: string }) => x.id === district)
        .categories.find((x: { code: string }) => x.code === code);
      // The late case was opened 400 days ago, outside the period; both closings fall inside it.
      assert.deepEqual(cell.opened, { count: 2, suppressed: false });
      assert.deepEqual(cell.closed, { count: 2, suppressed: false });
      assert.deepEqual(cell.closedOnTime, { count: 1, suppressed: false });
      assert.deepEqual(s.city.total.closedOnTime, { count: 1, suppressed: false });
    } finally {
      if (saved === undefined) delete process.env.GRIDLOOP_PUBLIC_K;
      else process.env.GRIDLOOP_PUBLIC_K = saved;
      await own.stop();
    }
  });
});

describe('no sign-in needed', () => {
  test('anonymous callers reach every public route', async () => {
    for (const url of [
      '/open311/v2/requests.json',
      `/open311/v2/requests/${filed[0]!.id}.json`,
      '/api/public/stats',
      '/open311/v2/services.json',
    ]) {
      const r = await srv.app.inject({ method: 'GET', url, remoteAddress: '198.51.100.7' });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    }
  });
});
