import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { isRole, type Role, roleAllows } from '../../src/access/roles.ts';
import { CASE_EVENTS, type CaseEventType, type CaseState } from '../../src/cases/types.ts';
import { TRANSITIONS } from '../../src/cases/workflow.ts';
import { buildApp } from '../../src/http/app.ts';
import { EVENT_ROLE } from '../../src/http/routes/cases.ts';
import type { AreaId, CaseId } from '../../src/shared/brand.ts';
import { pickThresholdRule, readingsOverThreshold } from '../helpers/demo-readings.ts';
import {
  type CollectedRoute,
  collectRoutes,
  drive,
  isGuarded,
  MATRIX_ROLES,
  reportIn,
  withEachNewApp,
} from '../helpers/routes.ts';
import { startServer, TEST_PASSWORD, type TestServer } from '../helpers/server.ts';

/**
 * The authorisation matrix of issue 4: every /api and /open311 route the app registers × every role × a principal
 * scoped to the district that holds the object vs. one scoped to another district. Anonymous callers of a staff route
 * get 401, a role below the route's get 403, out-of-scope objects 404, everything else 2xx. A route that is not in
 * ROUTES below fails the test, so a new route must be added here with its expected role.
 */
let srv: TestServer;
let routes: CollectedRoute[];
let ctx: Ctx;

interface Ctx {
  areaA: AreaId;
  areaB: AreaId;
  alertId: string;
  caseId: CaseId;
  reportId: string;
  loginUser: string;
  /** One reading that is already stored: posting it again is a harmless duplicate (200). */
  duplicateLine: string;
  lonLatA: [number, number];
  /** A case of district A in `dispatched`, made fresh for a request that moves it. */
  freshDispatched(): Promise<CaseId>;
}

type Kind = 'object' | 'list' | 'feed' | 'global';
interface RouteSpec {
  /** The role the route must declare. */
  readonly role: Role;
  /**
   * object: one thing of district A (out of scope → 404); list: filtered to the scope; feed: data about district A
   * (out of scope → 422, the sensor looks unknown); global: no scope.
   */
  readonly kind: Kind;
  /** A request that succeeds for an allowed principal in scope. */
  readonly request: (c: Ctx) => Promise<InjectOptions> | InjectOptions;
  /** Server-Sent Events: checked over a real socket, not inject. */
  readonly stream?: true;
}

const json = (method: 'POST', url: string, body: unknown): InjectOptions => ({
  method,
  url,
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

const ROUTES: Record<string, RouteSpec> = {
  'POST /api/v1/auth/login': {
    role: 'public',
    kind: 'global',
    request: (c) => json('POST', '/api/v1/auth/login', { username: c.loginUser, password: TEST_PASSWORD }),
  },
  // Public, so that a browser holding an expired cookie can still clear it.
  'POST /api/v1/auth/logout': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
  },
  'GET /api/v1/auth/me': {
    role: 'analyst',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/v1/auth/me' }),
  },
  'GET /api/v1/alerts': { role: 'analyst', kind: 'list', request: () => ({ method: 'GET', url: '/api/v1/alerts' }) },
  'GET /api/v1/alerts/:id': {
    role: 'analyst',
    kind: 'object',
    request: (c) => ({ method: 'GET', url: `/api/v1/alerts/${c.alertId}` }),
  },
  'GET /api/v1/cases': { role: 'analyst', kind: 'list', request: () => ({ method: 'GET', url: '/api/v1/cases' }) },
  'GET /api/v1/cases/:id': {
    role: 'analyst',
    kind: 'object',
    request: (c) => ({ method: 'GET', url: `/api/v1/cases/${c.caseId}` }),
  },
  'POST /api/v1/cases/:id/events': {
    role: 'field_worker',
    kind: 'object',
    request: async (c) => json('POST', `/api/v1/cases/${await c.freshDispatched()}/events`, { type: 'start' }),
  },
  'GET /api/v1/reports/:id/contact': {
    role: 'dispatcher',
    kind: 'object',
    request: (c) => ({ method: 'GET', url: `/api/v1/reports/${c.reportId}/contact` }),
  },
  'POST /api/v1/readings': {
    role: 'integration',
    kind: 'feed',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/readings',
      payload: c.duplicateLine,
      headers: { 'content-type': 'application/x-ndjson' },
    }),
  },
  'GET /api/v1/stats': { role: 'analyst', kind: 'global', request: () => ({ method: 'GET', url: '/api/v1/stats' }) },
  'GET /api/v1/live': {
    role: 'analyst',
    kind: 'global',
    stream: true,
    request: () => ({ method: 'GET', url: '/api/v1/live' }),
  },
  'GET /api/v1/city': { role: 'public', kind: 'global', request: () => ({ method: 'GET', url: '/api/v1/city' }) },
  'GET /api/v1/areas': { role: 'public', kind: 'global', request: () => ({ method: 'GET', url: '/api/v1/areas' }) },
  'GET /api/v1/areas.geojson': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/v1/areas.geojson' }),
  },
  'GET /api/v1/cells.geojson': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/v1/cells.geojson' }),
  },
  'GET /api/v1/grid/assign': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/api/v1/grid/assign?lon=${c.lonLatA[0]}&lat=${c.lonLatA[1]}` }),
  },
  'GET /api/v1/areas/:id': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/api/v1/areas/${c.areaA}` }),
  },
  'GET /api/v1/areas/:id/cells.geojson': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/api/v1/areas/${c.areaA}/cells.geojson` }),
  },
  'GET /api/v1/cells/:id': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/api/v1/cells/${srv.rt.grid.cellsOf(c.areaA)[0]}` }),
  },
  'GET /api/v1/cells/:id/neighbours': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/api/v1/cells/${srv.rt.grid.cellsOf(c.areaA)[0]}/neighbours?k=2` }),
  },
  'GET /api/v1/zones': { role: 'public', kind: 'global', request: () => ({ method: 'GET', url: '/api/v1/zones' }) },
  'GET /api/v1/zones.geojson': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/v1/zones.geojson' }),
  },
  // Filtered to the caller's scope (gaps elsewhere are not shown), but it names no object of district A, so it is
  // checked as global here; test/e2e/grid-api.test.ts checks the scoping.
  'GET /api/v1/coverage': {
    role: 'analyst',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/v1/coverage' }),
  },
  'GET /open311/v2/requests.json': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/open311/v2/requests.json' }),
  },
  'GET /open311/v2/requests/:id.json': {
    role: 'public',
    kind: 'global',
    request: (c) => ({ method: 'GET', url: `/open311/v2/requests/${c.reportId}.json` }),
  },
  'GET /api/public/stats': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/api/public/stats?period=30d' }),
  },
  'GET /open311/v2/services.json': {
    role: 'public',
    kind: 'global',
    request: () => ({ method: 'GET', url: '/open311/v2/services.json' }),
  },
  'POST /open311/v2/requests.json': {
    role: 'public',
    kind: 'global',
    request: (c) => ({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: new URLSearchParams({
        service_code: [...srv.rt.city.categories.keys()][0]!,
        lat: String(c.lonLatA[1]),
        long: String(c.lonLatA[0]),
        description: 'matrix',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  },
};

before(async () => {
  srv = await startServer();
  routes = await collectRoutes(srv.rt);
  const { rt } = srv;

  // An alert and its case in district A, from readings over a threshold.
  const { rule } = pickThresholdRule(rt);
  const { ndjson, sensor } = readingsOverThreshold(rt, Date.now());
  const ingest = await srv.app.inject({
    method: 'POST',
    url: '/api/v1/readings',
    payload: ndjson,
    headers: { ...(await srv.auth('integration')), 'content-type': 'application/x-ndjson' },
  });
  assert.equal(ingest.statusCode, 200, ingest.body);
  const alerts = await rt.stores.alerts.listAlerts({ rule: rule.id, limit: 100 });
  const alert = alerts.find((a) => a.sensor === sensor && a.caseId !== undefined);
  assert.ok(alert, 'an alert with a case');
  const areaA = rt.grid.pathOf(alert.area)[1]!;
  const areaB = [...rt.city.areas.values()].find((a) => a.parent === rt.city.root && a.id !== areaA)!.id;

  // A citizen report with contact details in district A, over Open311.
  const cellA = rt.grid.cellsOf(areaA)[0]!;
  const lonLatA = rt.grid.centre(cellA) as [number, number];
  const filed = await srv.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: new URLSearchParams({
      service_code: [...rt.city.categories.keys()][0]!,
      lat: String(lonLatA[1]),
      long: String(lonLatA[0]),
      email: 'resident@example.org',
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(filed.statusCode, 200, filed.body);

  ctx = {
    areaA,
    areaB,
    alertId: alert.id,
    caseId: alert.caseId!,
    reportId: filed.json()[0].service_request_id,
    loginUser: await srv.user('analyst'),
    duplicateLine: `${ndjson.split('\n')[0]}\n`,
    lonLatA,
    async freshDispatched() {
      const { caseId } = await reportIn(rt, areaA);
      await drive(rt, caseId, ['register', 'dispatch']);
      return caseId;
    },
  };
});
after(async () => srv?.stop());

type Who = { role: Role; scope: 'A' | 'B' | 'anonymous' };
const principals = (): Who[] =>
  MATRIX_ROLES.flatMap((role): Who[] =>
    role === 'public'
      ? [{ role, scope: 'anonymous' }]
      : [
          { role, scope: 'A' },
          { role, scope: 'B' },
        ],
  );
const headersOf = async (w: Who): Promise<Record<string, string>> =>
  w.scope === 'anonymous' ? {} : srv.auth(w.role, w.scope === 'A' ? ctx.areaA : ctx.areaB);

/** The status class a principal must get: 401, 403, 404 or 2xx. */
function expected(spec: RouteSpec, w: Who): string {
  if (!roleAllows(w.role, spec.role)) return w.scope === 'anonymous' ? '401' : '403';
  if (spec.kind === 'object' && w.scope === 'B') return '404';
  if (spec.kind === 'feed' && w.scope === 'B') return '422';
  return '2xx';
}
const classOf = (status: number) => (status >= 200 && status < 300 ? '2xx' : String(status));

/** Sends the route's request as `w`; returns the status and body (for the stream, only the status). */
async function send(spec: RouteSpec, w: Who): Promise<{ status: number; body: string }> {
  const req = await spec.request(ctx);
  const headers = { ...(req.headers as Record<string, string> | undefined), ...(await headersOf(w)) };
  if (spec.stream) {
    const ac = new AbortController();
    const res = await fetch(`${srv.url}${req.url}`, { headers, signal: ac.signal });
    if (res.status !== 200) return { status: res.status, body: await res.text() };
    const type = res.headers.get('content-type') ?? '';
    ac.abort();
    assert.match(type, /^text\/event-stream/);
    return { status: res.status, body: '' };
  }
  // A different address per request keeps the per-address rate limits of public routes out of the matrix.
  const res = await srv.app.inject({
    ...req,
    headers,
    remoteAddress: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  });
  return { status: res.statusCode, body: res.body };
}

describe('the route table', () => {
  test('every guarded route the app registers is in the matrix, with the role it declares', () => {
    const guarded = routes.filter((r) => isGuarded(r.url));
    assert.ok(guarded.length >= Object.keys(ROUTES).length, 'routes were collected');
    const missing = guarded.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in ROUTES));
    assert.deepEqual(missing, [], 'routes the app has and the matrix lacks: add them to ROUTES');
    for (const r of guarded) {
      assert.ok(isRole(r.role), `${r.method} ${r.url} declares no role`);
      assert.equal(r.role, ROUTES[`${r.method} ${r.url}`]!.role, `${r.method} ${r.url} declares another role`);
    }
  });

  test('the collected routes are the ones the running app serves', () => {
    for (const r of routes.filter((x) => isGuarded(x.url))) {
      assert.ok(srv.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`);
    }
    const stale = Object.keys(ROUTES).filter((k) => !routes.some((r) => `${r.method} ${r.url}` === k));
    assert.deepEqual(stale, [], 'matrix rows for routes the app no longer has');
  });

  test('the app refuses to start when an API route declares no role', async () => {
    const attempt = withEachNewApp(
      (app) => {
        void app.register(async (i) => {
          i.get('/api/v1/unguarded', async () => ({ leaked: true }));
        });
      },
      async () => {
        const app = await buildApp(srv.rt, { secureCookies: false, webRoot: '/nonexistent' });
        try {
          await app.ready();
        } finally {
          await app.close();
        }
      },
    );
    await assert.rejects(attempt, /declares no role/);
  });
});

describe('route × role × scope', () => {
  for (const [key, spec] of Object.entries(ROUTES)) {
    test(key, async () => {
      const wrong: string[] = [];
      for (const w of principals()) {
        const { status, body } = await send(spec, w);
        const want = expected(spec, w);
        if (classOf(status) !== want)
          wrong.push(`${w.role}@${w.scope}: want ${want}, got ${status} ${body.slice(0, 120)}`);
        else if (want === '401') assert.equal(JSON.parse(body).error.code, 'AUTH_REQUIRED');
        else if (want === '403') assert.equal(JSON.parse(body).error.code, 'AUTH_FORBIDDEN');
        // Lists are filtered to the scope: district B never sees district A's objects.
        if (spec.kind === 'list' && want === '2xx') {
          const seesA = body.includes(ctx.alertId) || body.includes(ctx.caseId);
          if (w.scope === 'B' && seesA) wrong.push(`${w.role}@B sees district A objects`);
          if (w.scope === 'A' && !seesA) wrong.push(`${w.role}@A does not see its own objects`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('a list filtered to an area outside the scope answers 404 GRID_UNKNOWN_AREA', async () => {
    for (const url of ['/api/v1/alerts', '/api/v1/cases']) {
      const out = await srv.app.inject({
        url: `${url}?area=${ctx.areaA}`,
        headers: await srv.auth('admin', ctx.areaB),
      });
      assert.equal(out.statusCode, 404, out.body);
      assert.equal(out.json().error.code, 'GRID_UNKNOWN_AREA');
      const inside = await srv.app.inject({
        url: `${url}?area=${ctx.areaA}`,
        headers: await srv.auth('analyst', ctx.areaA),
      });
      assert.equal(inside.statusCode, 200, inside.body);
    }
  });

  test('an out-of-scope event leaves the case untouched', async () => {
    const id = await ctx.freshDispatched();
    const before = await srv.rt.cases.get(id);
    const r = await srv.app.inject({
      ...json('POST', `/api/v1/cases/${id}/events`, { type: 'start' }),
      headers: { 'content-type': 'application/json', ...(await srv.auth('admin', ctx.areaB)) },
    });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'CASE_NOT_FOUND');
    assert.deepEqual(await srv.rt.cases.get(id), before);
  });

  // Found by this matrix: a gateway token of district B must not feed (and so raise alerts and open cases in)
  // district A. Sensors outside the token's scope look unknown to it.
  test('an integration token scoped to district B cannot feed readings of a sensor in district A', async () => {
    const line = JSON.parse(ctx.duplicateLine) as { ts: string };
    const fresh = `${JSON.stringify({ ...line, ts: new Date(Date.now() - 120_000).toISOString() })}\n`;
    const before = await srv.rt.stores.readings.countReadings();
    const r = await srv.app.inject({
      method: 'POST',
      url: '/api/v1/readings',
      payload: fresh,
      headers: { 'content-type': 'application/x-ndjson', ...(await srv.auth('integration', ctx.areaB)) },
    });
    assert.ok(r.statusCode === 403 || r.statusCode === 422, `${r.statusCode} ${r.body}`);
    assert.equal(await srv.rt.stores.readings.countReadings(), before, 'an out-of-scope reading was stored');
  });

  test('an unknown or malformed API token → 401 even on public routes', async () => {
    const real = (await srv.auth('admin')).authorization ?? '';
    for (const token of ['glt_nope_nope', 'x', `${real.slice(7)}x`]) {
      const r = await srv.app.inject({ url: '/api/v1/city', headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error.code, 'AUTH_REQUIRED');
    }
  });
});

/** The path of events from `reported` to the first state that accepts `event` (breadth first over the table). */
function pathTo(event: CaseEventType): { events: CaseEventType[]; state: CaseState } {
  const queue: { state: CaseState; events: CaseEventType[] }[] = [{ state: 'reported', events: [] }];
  const seen = new Set<CaseState>();
  while (queue.length > 0) {
    const { state, events } = queue.shift()!;
    if (TRANSITIONS[state][event] !== undefined) return { events, state };
    if (seen.has(state)) continue;
    seen.add(state);
    for (const [e, to] of Object.entries(TRANSITIONS[state]))
      queue.push({ state: to, events: [...events, e as CaseEventType] });
  }
  throw new Error(`no state takes ${event}`);
}

describe('case events × role (EVENT_ROLE), in a state that accepts the event', () => {
  for (const event of CASE_EVENTS) {
    test(`${event} needs ${EVENT_ROLE[event]}`, async () => {
      const { events, state } = pathTo(event);
      const freshCase = async () => {
        const { caseId } = await reportIn(srv.rt, ctx.areaA);
        await drive(srv.rt, caseId, events);
        return caseId;
      };
      const denied = await freshCase();
      const deniedBefore = await srv.rt.cases.get(denied);
      const wrong: string[] = [];
      for (const role of MATRIX_ROLES) {
        const allowed = roleAllows(role, 'field_worker') && roleAllows(role, EVENT_ROLE[event]);
        const id = allowed ? await freshCase() : denied;
        const auth = role === 'public' ? {} : await srv.auth(role, ctx.areaA);
        const r = await srv.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${id}/events`,
          payload: JSON.stringify({ type: event, note: 'matrix' }),
          headers: { 'content-type': 'application/json', ...auth },
        });
        const want = allowed ? '200' : role === 'public' ? '401' : '403';
        if (String(r.statusCode) !== want)
          wrong.push(`${role} in ${state}: want ${want}, got ${r.statusCode} ${r.body.slice(0, 120)}`);
        if (allowed && r.statusCode === 200) {
          // The event took the case out of `state` (a register may be followed by an automatic dispatch).
          const h = await srv.rt.cases.history(id);
          assert.ok(
            h.ok && h.value.some((e) => e.type === event && e.from === state && e.to === TRANSITIONS[state][event]),
          );
        }
        if (!allowed && role !== 'public') assert.equal(r.json().error.code, 'AUTH_FORBIDDEN');
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(await srv.rt.cases.get(denied), deniedBefore, 'a refused event changed the case');
    });
  }
});

describe('cookie sessions', () => {
  test('a write without the CSRF token → 403 AUTH_CSRF; with it, it passes', async () => {
    const username = await srv.user('supervisor', ctx.areaA);
    const login = await srv.app.inject(json('POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD }));
    assert.equal(login.statusCode, 200, login.body);
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const csrf = login.json().csrfToken as string;

    const id = await ctx.freshDispatched();
    const event = (extra: Record<string, string>) =>
      srv.app.inject({
        ...json('POST', `/api/v1/cases/${id}/events`, { type: 'start' }),
        headers: { 'content-type': 'application/json', cookie, ...extra },
      });
    for (const extra of [{}, { 'x-csrf-token': 'forged' }, { 'x-csrf-token': '' }]) {
      const r = await event(extra);
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(r.json().error.code, 'AUTH_CSRF');
    }
    const still = await srv.rt.cases.get(id);
    assert.ok(still.ok && still.value.state === 'dispatched', 'a refused write changed the case');
    const ok = await event({ 'x-csrf-token': csrf });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().case.state, 'in_progress');

    // Reads need no CSRF token; the session is scoped like a token.
    const me = await srv.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().scope, ctx.areaA);
    const { caseId: inB } = await reportIn(srv.rt, ctx.areaB);
    const elsewhere = await srv.app.inject({ url: `/api/v1/cases/${inB}`, headers: { cookie } });
    assert.equal(elsewhere.statusCode, 404);
    assert.equal(elsewhere.json().error.code, 'CASE_NOT_FOUND');

    const logoutNoCsrf = await srv.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    assert.equal(logoutNoCsrf.json().error.code, 'AUTH_CSRF');
    const logout = await srv.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(logout.statusCode, 200);
    const after = await srv.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(after.statusCode, 401);
  });
});
