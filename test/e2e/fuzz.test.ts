import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { pickThresholdRule, readingsOverThreshold } from '../helpers/demo-readings.ts';
import {
  type CollectedRoute,
  collectRoutes,
  isGuarded,
  reportIn,
  type Snapshot,
  snapshotter,
} from '../helpers/routes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * Issue 4 "Fuzzing": every guarded route gets malformed and hostile input (wrong types, SQL and script fragments,
 * invalid UTF-8, deeply nested JSON, huge numbers, path traversal in ids, bogus content types and query strings,
 * bodies just over the limit) as anonymous and as admin. No answer is a 5xx or leaks a stack, SQL or a path of the
 * repo, and nothing stored changes (except what the route is for: quarantine on ingest, audit on login/logout…).
 */
let srv: TestServer;
let routes: CollectedRoute[];
let db: ReturnType<typeof snapshotter>;
let realIds: string[];
const adminTokens: string[] = [];

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const LEAKS = [
  /at .*\.(ts|js):\d+/,
  /SQLITE/,
  /better-sqlite3/,
  /node_modules/,
  new RegExp(process.cwd().replace(/[/.]/g, '\\$&')),
];

before(async () => {
  srv = await startServer({ listen: false });
  routes = (await collectRoutes(srv.rt)).filter((r) => isGuarded(r.url));
  const { rt } = srv;
  // Something to protect: readings, an alert and its case, a report and its case.
  const { ndjson } = readingsOverThreshold(rt, Date.now());
  const r = await srv.app.inject({
    method: 'POST',
    url: '/api/v1/readings',
    payload: ndjson,
    headers: { ...(await srv.auth('integration')), 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.statusCode, 200, r.body);
  const alert = (await rt.stores.alerts.listAlerts({ rule: pickThresholdRule(rt).rule.id, limit: 1 }))[0]!;
  const district = rt.grid.pathOf(alert.area)[1]!;
  const report = await reportIn(rt, district);
  realIds = [alert.id, alert.caseId!, report.caseId, report.reportId];
  // Several admin tokens: rate limits are per token, and a fuzz run must reach the handlers, not the limiter.
  for (let i = 0; i < 12; i++) {
    const t = await rt.accounts.createToken({ name: `fuzz-admin-${i}`, role: 'admin', scope: rt.city.root });
    if (!t.ok) throw t.error;
    adminTokens.push(t.value.token);
  }
  db = snapshotter(srv.dataDir);
});
after(async () => {
  db?.close();
  await srv?.stop();
});

// ---------------------------------------------------------------------------------------------------------------------
// Hostile material

const FRAGMENTS = [
  "' OR 1=1 --",
  '; DROP TABLE readings;',
  '" OR ""="',
  "1'); DELETE FROM cases; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '9007199254740993',
  '123456789012345678901234567890',
  '-0',
  '0x1F',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  '\u202e\u0041',
  '😀🏙️',
  '\ud800',
  'Ω≈ç√∫',
  'a'.repeat(5000),
  '\u0024{7*7}{{7*7}}',
  '%',
  '%%',
  '%C3%28',
  '%FF%FE',
  'glt_x_y',
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, -(2 ** 63)),
);
const hostileLeaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const FIELD_NAMES = [
  'username',
  'password',
  'type',
  'note',
  'team',
  'sensor',
  'metric',
  'value',
  'ts',
  'service_code',
  'lat',
  'long',
  'description',
  'email',
  'state',
  'area',
  'limit',
  'before',
  'lon',
  'level',
  '__proto__',
  'constructor',
];
const hostileKey = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FIELD_NAMES) }, hostileString);
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=ebcdic',
  'text/plain',
  'text/html',
  'application/xml',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'application/ json',
  'application/json, text/html',
  '*/*',
  ';;;',
];

const INVALID_UTF8 = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xed, 0xa0, 0x80],
  [0xff, 0xfe, 0xfd],
  [0xc0, 0xaf],
];

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; type: string }
  | { kind: 'form'; fields: [string, string][]; type: string }
  | { kind: 'raw'; text: string; type: string }
  | { kind: 'bytes'; bytes: Uint8Array; type: string };

const contentType = fc.constantFrom(...CONTENT_TYPES);
const invalidUtf8 = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 20 }))
  .map(([a, bad, b]) => new Uint8Array([...Buffer.from(`{"type":"${a}`), ...bad, ...Buffer.from(`${b}"}`)]));
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.constant<Body>({ kind: 'none' }),
  fc.record({ kind: fc.constant('json' as const), value: hostileJson, type: contentType }),
  fc.record({
    kind: fc.constant('form' as const),
    fields: fc.array(fc.tuple(hostileKey, hostileString), { maxLength: 6 }),
    type: contentType,
  }),
  fc.record({ kind: fc.constant('raw' as const), text: hostileString, type: contentType }),
  fc.record({
    kind: fc.constant('bytes' as const),
    bytes: fc.oneof(invalidUtf8, fc.uint8Array({ maxLength: 64 })),
    type: contentType,
  }),
);

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD, as any client would send them). */
const enc = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** An id for a `:id` segment: traversal and fragments, raw or encoded, and sometimes a real id so handlers run. */
const idSegment = (): fc.Arbitrary<string> =>
  fc.oneof(
    hostileString.map(enc),
    fc.constantFrom(
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e',
      '%00',
      '%C3%28',
      '%FF',
      '%',
      '%zz',
      ';',
      'x?y=1',
      '..;',
      ...realIds,
    ),
  );

const query = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(hostileKey, hostileString), { minLength: 1, maxLength: 5 })
    .map((pairs) => `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`),
  fc.constantFrom(
    '?&&&==',
    '?a[b][c]=1',
    '?limit=1e309',
    '?limit=NaN',
    '?limit=-1',
    '?limit=99999999999999999999',
    '?lon=NaN&lat=Infinity',
    '?lon=1e309&lat=-1e309',
    '?__proto__[admin]=1',
    '?state=open&state=closed',
    '?area=..%2F..',
    '?overdue=maybe',
    '?%',
    '?%C3%28=%FF',
  ),
);

const who = fc.oneof(fc.constant<'anonymous'>('anonymous'), fc.nat({ max: 1000 }));

// ---------------------------------------------------------------------------------------------------------------------
// The properties

/** Which stored counts a request to this route may change: only what the route exists to do. */
function mayChange(key: string, status: number): Set<string> {
  const ok = status >= 200 && status < 300;
  if (key === 'POST /api/v1/auth/login' || key === 'POST /api/v1/auth/logout') return new Set(['audit_log']);
  if (key === 'GET /api/v1/reports/:id/contact' && ok) return new Set(['audit_log']);
  if (key === 'POST /api/v1/readings') return new Set(['quarantine']);
  if (key === 'POST /open311/v2/requests.json') {
    return ok
      ? new Set([
          'quarantine',
          'reports',
          'cases',
          'case_history',
          'caseVersions',
          'audit_log',
          'contacts',
          'alerts',
          'alertStates',
        ])
      : new Set(['quarantine']);
  }
  return new Set();
}

function changed(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k]);
}

/** Sends one request and checks the safety properties; returns the response for route-specific checks. */
async function probe(key: string, req: InjectOptions): Promise<LightMyRequestResponse> {
  const before = db.snap();
  const res = await srv.app.inject(req);
  const after = db.snap();
  const label = `${req.method} ${req.url} → ${res.statusCode}`;
  assert.ok(res.statusCode < 500, `${label}: ${res.body.slice(0, 300)}`);
  for (const leak of LEAKS) assert.doesNotMatch(res.body, leak, `${label} leaks ${leak}`);
  for (const h of Object.values(res.headers)) for (const leak of LEAKS) assert.doesNotMatch(String(h), leak);
  // Errors are JSON (or Open311's JSON array), so reflected fragments can never render as HTML.
  if (res.statusCode >= 400) assert.match(String(res.headers['content-type']), /^application\/json/, label);
  const allowed = mayChange(key, res.statusCode);
  const bad = changed(before, after).filter((k) => !allowed.has(k));
  assert.deepEqual(
    bad,
    [],
    `${label} changed stored data: ${bad.map((k) => `${k} ${before[k]}→${after[k]}`).join(', ')}`,
  );
  if (key === 'POST /api/v1/readings') assert.equal(after.readings, before.readings, `${label} stored readings`);
  return res;
}

function headersFor(w: 'anonymous' | number, b: Body): Record<string, string> {
  const h: Record<string, string> = {};
  if (w !== 'anonymous') h.authorization = `Bearer ${adminTokens[w % adminTokens.length]}`;
  if (b.kind !== 'none') h['content-type'] = b.type;
  return h;
}

const payloadOf = (b: Body): string | Buffer | undefined => {
  switch (b.kind) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(b.value) ?? 'null';
    case 'form':
      return b.fields.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
    case 'raw':
      return b.text;
    case 'bytes':
      return Buffer.from(b.bytes);
  }
};

/** A fresh made-up client address per request, so the per-address limits of public routes stay out of the way. */
const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
let counter = 1;

describe('fuzzing every guarded route', () => {
  test('the route table is not empty', () => assert.ok(routes.length >= 15, String(routes.length)));

  for (const method of ['GET', 'POST'] as const) {
    test(`${method} routes: hostile ids, queries, bodies and content types (${RUNS} runs each)`, async (t) => {
      for (const route of routes.filter((r) => r.method === method)) {
        const key = `${route.method} ${route.url}`;
        // The live stream never ends, so only its refusals can be fuzzed through inject.
        const principal = route.url === '/api/v1/live' ? fc.constant<'anonymous'>('anonymous') : who;
        await t.test(key, async () => {
          await fc.assert(
            fc.asyncProperty(idSegment(), query, body, principal, async (id, q, b, w) => {
              const payload = payloadOf(b);
              await probe(key, {
                method,
                url: route.url.replace(':id', id) + q,
                headers: headersFor(w, b),
                remoteAddress: address(counter++),
                ...(payload !== undefined ? { payload } : {}),
              });
            }),
            { numRuns: RUNS },
          );
        });
      }
    });
  }
});

describe('fixed hostile bodies for every POST route', () => {
  const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

  test('deeply nested JSON (depth 10,000), as JSON and as NDJSON, anonymous and admin', async () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const key = `${route.method} ${route.url}`;
      for (const text of [deepArray, deepObject]) {
        for (const type of ['application/json', 'application/x-ndjson', 'application/x-www-form-urlencoded']) {
          for (const w of ['anonymous', 0] as const) {
            await probe(key, {
              method: 'POST',
              url: route.url.replace(':id', realIds[1]!),
              payload: text,
              headers: headersFor(w === 0 ? counter : w, { kind: 'raw', text, type }),
              remoteAddress: address(counter++),
            });
          }
        }
      }
    }
  });

  test('a body one byte over the route limit → 413 INGEST_BODY_TOO_LARGE (after the role check)', async () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const key = `${route.method} ${route.url}`;
      const limit = route.bodyLimit ?? 1024 * 1024;
      const types =
        route.url === '/api/v1/readings'
          ? ['application/json', 'application/x-ndjson']
          : route.url.startsWith('/open311/')
            ? ['application/x-www-form-urlencoded', 'application/json']
            : ['application/json'];
      for (const type of types) {
        const payload = Buffer.alloc(limit + 1, 0x20);
        const res = await probe(key, {
          method: 'POST',
          url: route.url.replace(':id', realIds[1]!),
          payload,
          headers: headersFor(counter, { kind: 'raw', text: '', type }),
          remoteAddress: address(counter++),
        });
        assert.equal(res.statusCode, 413, `${key} ${type}: ${res.body.slice(0, 200)}`);
        assert.equal(res.json().error.code, 'INGEST_BODY_TOO_LARGE');
      }
    }
  });
});

describe('non-finite numbers in query strings', () => {
  test('limit=1e309 / Infinity and lon/lat=±Infinity → 400 REQUEST_INVALID, never 500', async () => {
    const urls = [
      '/api/v1/alerts?limit=1e309',
      '/api/v1/alerts?limit=Infinity',
      '/api/v1/cases?limit=1e309',
      '/api/v1/cases?limit=-Infinity',
      '/api/v1/grid/assign?lon=Infinity&lat=0',
      '/api/v1/grid/assign?lon=0&lat=-1e309',
    ];
    const wrong: string[] = [];
    for (const url of urls) {
      const r = await srv.app.inject({ url, headers: { authorization: `Bearer ${adminTokens[0]}` } });
      if (r.statusCode !== 400) wrong.push(`${url} → ${r.statusCode} ${r.body.slice(0, 100)}`);
    }
    assert.deepEqual(wrong, []);
  });
});
