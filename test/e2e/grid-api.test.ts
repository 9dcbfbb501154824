import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ephemeralCipher } from '../../src/adapters/node-crypto.ts';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { buildApp } from '../../src/http/app.ts';
import { ROLE_EXTENSION } from '../../src/http/openapi.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { AreaId, CellId } from '../../src/shared/brand.ts';
import { withEachNewApp } from '../helpers/routes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** Issue 3 §6: the grid API (areas, cells, neighbours, zones, coverage) and the OpenAPI document of every route. */
let srv: TestServer;
let rt: Runtime;
let district: AreaId;
let leaf: AreaId;

before(async () => {
  srv = await startServer({ listen: false });
  rt = srv.rt;
  district = rt.city.areas.get(rt.city.root)!.children[0]!;
  leaf = rt.grid.leavesOf(district)[0]!;
});
after(async () => srv?.stop());

const get = async (url: string, headers: Record<string, string> = {}) => {
  const r = await srv.app.inject({ url, headers });
  return { status: r.statusCode, type: String(r.headers['content-type']), json: () => r.json(), body: r.body };
};
const codeOf = (r: { json: () => { error: { code: string } } }) => r.json().error.code;

describe('areas', () => {
  test('GET /api/v1/areas/:id: the area, its path, children, cell count and the zones overlapping it', async () => {
    const r = await get(`/api/v1/areas/${district}`);
    assert.equal(r.status, 200, r.body);
    const a = r.json();
    assert.equal(a.id, district);
    assert.equal(a.parent, rt.city.root);
    assert.deepEqual(
      a.path.map((p: { id: string }) => p.id),
      [rt.city.root, district],
    );
    assert.equal(a.cells, rt.grid.cellsOf(district).length);
    assert.equal(
      a.children.reduce((s: number, c: { cells: number }) => s + c.cells, 0),
      a.cells,
    );
    // Zones: exactly those with a cell in the district, counted within it.
    const inDistrict = new Set(rt.grid.cellsOf(district));
    const want = rt.zones.zones
      .map((z) => ({ id: z.id, cells: rt.zones.cellsOf(z.id).filter((c) => inDistrict.has(c)).length }))
      .filter((z) => z.cells > 0);
    assert.deepEqual(
      a.zones.map((z: { id: string; cells: number }) => ({ id: z.id, cells: z.cells })),
      want,
    );

    const root = (await get(`/api/v1/areas/${rt.city.root}`)).json();
    assert.equal(root.parent, null);
    assert.equal(root.cells, rt.grid.cellCount);
    assert.equal(root.zones.length, rt.zones.zones.length, 'every zone overlaps the city');
  });

  test('an unknown area → 404 GRID_UNKNOWN_AREA; an over-long id → 400 REQUEST_INVALID', async () => {
    for (const url of ['/api/v1/areas/nope', '/api/v1/areas/nope/cells.geojson']) {
      const r = await get(url);
      assert.equal(r.status, 404);
      assert.equal(codeOf(r), 'GRID_UNKNOWN_AREA');
    }
    const long = await get(`/api/v1/areas/${'x'.repeat(65)}`);
    assert.equal(long.status, 400);
    assert.equal(codeOf(long), 'REQUEST_INVALID');
  });

  test('GET /api/v1/areas/:id/cells.geojson: one feature per cell, simplified by default, exact on request', async () => {
    const simplified = await get(`/api/v1/areas/${leaf}/cells.geojson`);
    assert.equal(simplified.status, 200);
    assert.match(simplified.type, /^application\/geo\+json/);
    const exact = (await get(`/api/v1/areas/${leaf}/cells.geojson?geometry=exact`)).json();
    const s = simplified.json();
    const cells = [...rt.grid.cellsOf(leaf)];
    assert.deepEqual(
      s.features.map((f: { properties: { cell: string } }) => f.properties.cell),
      cells,
    );
    for (const [i, cell] of cells.entries()) {
      assert.deepEqual(exact.features[i].geometry.coordinates, [rt.grid.boundary(cell)]);
      assert.equal(exact.features[i].properties.area, leaf);
      const ring: number[][] = s.features[i].geometry.coordinates[0];
      assert.deepEqual(ring[0], ring.at(-1), 'closed');
      assert.ok(ring.length >= 4);
      for (const p of ring) for (const x of p) assert.equal(Math.round(x * 1e6) / 1e6, x, '6 decimals');
    }
    const bad = await get(`/api/v1/areas/${leaf}/cells.geojson?geometry=fancy`);
    assert.equal(bad.status, 400);
    assert.equal(codeOf(bad), 'REQUEST_INVALID');
  });
});

describe('cells', () => {
  test('GET /api/v1/cells/:id: its leaf area, path, zones and centre', async () => {
    const zoned = rt.zones.cellsOf(rt.zones.zones.at(-1)!.id)[0]!;
    for (const cell of [rt.grid.cellsOf(leaf)[0]!, zoned]) {
      const r = await get(`/api/v1/cells/${cell}`);
      assert.equal(r.status, 200, r.body);
      const c = r.json();
      assert.equal(c.cell, cell);
      assert.equal(c.area, rt.grid.leafOf(cell));
      assert.deepEqual(
        c.path.map((p: { id: string }) => p.id),
        rt.grid.pathOf(c.area),
      );
      assert.deepEqual(
        c.zones.map((z: { id: string }) => z.id),
        rt.zones.zonesOf(cell).map((z) => z.id),
      );
      const back = rt.grid.assign(c.centre[0], c.centre[1]);
      assert.ok(back.ok && back.value.cell === cell, 'the centre assigns back to the cell');
    }
  });

  test('unknown, outside-the-city or malformed cells → 404 GRID_UNKNOWN_CELL', async () => {
    const outside = '8928308280fffff'; // San Francisco: a valid H3 cell, not in the demo city
    for (const id of ['zzz', outside, '..%2F..%2Fetc']) {
      for (const url of [`/api/v1/cells/${id}`, `/api/v1/cells/${id}/neighbours`]) {
        const r = await get(url);
        assert.equal(r.status, 404, url);
        assert.equal(codeOf(r), 'GRID_UNKNOWN_CELL');
      }
    }
  });

  test('GET /api/v1/cells/:id/neighbours: k rings of city cells, as ids or GeoJSON; bad k → 400', async () => {
    // A cell deep inside the city: all 6 neighbours at k=1 and all 18 at k=2 are in the city.
    const inner = rt.grid.allCells().find((c) => rt.grid.neighbours(c, 2).length === 18)!;
    const one = (await get(`/api/v1/cells/${inner}/neighbours`)).json();
    assert.equal(one.k, 1);
    assert.equal(one.neighbours.length, 6);
    assert.ok(!one.neighbours.includes(inner));
    const two = (await get(`/api/v1/cells/${inner}/neighbours?k=2`)).json();
    assert.equal(two.neighbours.length, 18);
    for (const n of one.neighbours) assert.ok(two.neighbours.includes(n));
    const geo = await get(`/api/v1/cells/${inner}/neighbours?k=2&format=geojson`);
    assert.match(geo.type, /^application\/geo\+json/);
    assert.deepEqual(
      geo
        .json()
        .features.map((f: { properties: { cell: string } }) => f.properties.cell)
        .sort(),
      [...two.neighbours].sort(),
    );
    for (const k of ['0', '6', '-1', '1.5', 'abc', '1e309']) {
      const r = await get(`/api/v1/cells/${inner}/neighbours?k=${k}`);
      assert.equal(r.status, 400, `k=${k}`);
      assert.equal(codeOf(r), 'REQUEST_INVALID');
    }
    const fmt = await get(`/api/v1/cells/${inner}/neighbours?format=xml`);
    assert.equal(fmt.status, 400);
  });

  test('neighbours are symmetric (fast-check over the demo cells, k 1–3)', async () => {
    const cells = rt.grid.allCells();
    const cache = new Map<string, Set<string>>();
    const neighbours = async (cell: CellId, k: number): Promise<Set<string>> => {
      const key = `${cell}/${k}`;
      let set = cache.get(key);
      if (!set) {
        const r = await get(`/api/v1/cells/${cell}/neighbours?k=${k}`);
        assert.equal(r.status, 200, r.body);
        set = new Set(r.json().neighbours as string[]);
        cache.set(key, set);
      }
      return set;
    };
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cells.length - 1 }), fc.integer({ min: 1, max: 3 }), async (i, k) => {
        const a = cells[i]!;
        for (const b of await neighbours(a, k)) {
          assert.ok((await neighbours(b as CellId, k)).has(a), `${b} ∈ N${k}(${a}) but not the reverse`);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('zones', () => {
  test('GET /api/v1/zones and /api/v1/zones.geojson: every zone with its tag, name and cell count', async () => {
    const list = (await get('/api/v1/zones')).json();
    const want = rt.zones.zones.map((z) => ({
      id: z.id,
      tag: z.tag,
      name: z.name,
      cells: rt.zones.cellsOf(z.id).length,
    }));
    assert.deepEqual(list.zones, want);
    const geo = await get('/api/v1/zones.geojson');
    assert.equal(geo.status, 200);
    assert.match(geo.type, /^application\/geo\+json/);
    const fc = geo.json();
    assert.deepEqual(
      fc.features.map((f: { properties: unknown }) => f.properties),
      want,
    );
    assert.deepEqual(
      fc.features.map((f: { geometry: unknown }) => f.geometry),
      rt.zones.zones.map((z) => z.geometry),
    );
  });
});

describe('coverage', () => {
  test('staff only: anonymous → 401, integration → 403; the demo city has no gaps', async () => {
    assert.equal(codeOf(await get('/api/v1/coverage')), 'AUTH_REQUIRED');
    assert.equal(codeOf(await get('/api/v1/coverage', await srv.auth('integration'))), 'AUTH_FORBIDDEN');
    const r = await get('/api/v1/coverage', await srv.auth('analyst'));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json(), {
      scope: rt.city.root,
      uncovered: [],
      uncoveredPairs: 0,
      totalPairs: rt.grid.cellCount * rt.city.categories.size,
    });
  });

  test('gaps are reported within the caller’s scope; an area outside it → 404 GRID_UNKNOWN_AREA', async (t) => {
    // The demo city with district d01 taken from the streets team and the street categories from the city-wide
    // service desk: nobody answers for the street categories in d01.
    const cityDir = mkdtempSync(join(tmpdir(), 'gridloop-gaps-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-gaps-data-'));
    cpSync(DEMO_CITY_DIR, cityDir, { recursive: true });
    const yaml = readFileSync(join(cityDir, 'city.yaml'), 'utf8');
    const gappy = yaml
      .replace('areas: [ d01, d08, d09, d10, d11, d12 ]', 'areas: [ d08, d09, d10, d11, d12 ]')
      .replace(
        'categories: [ pothole, streetlight-out, traffic-signal, illegal-dumping',
        'categories: [ illegal-dumping',
      );
    assert.equal(gappy.length, yaml.length - 5 - 42, 'the demo city changed: update this fixture');
    writeFileSync(join(cityDir, 'city.yaml'), gappy);
    const grt = await createRuntime({ cityDir, dataDir, jobIntervalMs: 0, cipher: ephemeralCipher() });
    const app = await buildApp(grt, { secureCookies: false, webRoot: '/nonexistent' });
    t.after(async () => {
      await app.close();
      await grt.close();
      rmSync(cityDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    });
    const as = async (scope: string, query = '') => {
      const tok = await grt.accounts.createToken({ name: `cov-${scope}`, role: 'analyst', scope: scope as AreaId });
      if (!tok.ok) throw tok.error;
      return app.inject({ url: `/api/v1/coverage${query}`, headers: { authorization: `Bearer ${tok.value.token}` } });
    };
    const street = ['pothole', 'streetlight-out', 'traffic-signal'];
    const d01 = grt.grid.cellsOf('d01' as AreaId).length;

    const whole = (await as(grt.city.root)).json();
    assert.deepEqual(
      whole.uncovered,
      street.map((category) => ({ area: 'd01', category, cells: d01 })),
    );
    assert.equal(whole.uncoveredPairs, 3 * d01);

    const inD01 = (await as('d01-c1')).json();
    const c1 = grt.grid.cellsOf('d01-c1' as AreaId).length;
    assert.equal(inD01.scope, 'd01-c1');
    assert.deepEqual(
      inD01.uncovered,
      street.map((category) => ({ area: 'd01-c1', category, cells: c1 })),
    );
    assert.equal(inD01.totalPairs, c1 * grt.city.categories.size);

    assert.deepEqual((await as('d02')).json().uncovered, []);
    const narrowed = (await as(grt.city.root, '?area=d02')).json();
    assert.equal(narrowed.scope, 'd02');
    assert.deepEqual(narrowed.uncovered, []);
    const outside = await as('d02', '?area=d01');
    assert.equal(outside.statusCode, 404);
    assert.equal(outside.json().error.code, 'GRID_UNKNOWN_AREA');
  });
});

/** Builds an app on the shared runtime, with the routes it registers (HEAD routes fastify derives left out). */
async function appWithRoutes(webRoot?: string) {
  const routes: { method: string; url: string; role: unknown }[] = [];
  let app: FastifyInstance | undefined;
  await withEachNewApp(
    (a) =>
      a.addHook('onRoute', (r: RouteOptions) => {
        for (const method of [r.method].flat()) {
          routes.push({ method, url: r.url, role: (r.config as { role?: unknown } | undefined)?.role });
        }
      }),
    async () => {
      app = await buildApp(rt, { secureCookies: false, ...(webRoot ? { webRoot } : {}) });
      await app.ready();
    },
  );
  return { app: app!, routes };
}

/** Fastify's `/a/:id.json` and `/*` as OpenAPI paths. */
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace('*', '{*}');

describe('OpenAPI', () => {
  for (const [label, webRoot] of [
    ['without a built command centre', '/nonexistent'],
    ['with the default web root', undefined],
  ] as const) {
    test(`GET /openapi.json documents every route the app registers, with its role (${label})`, async () => {
      const { app, routes } = await appWithRoutes(webRoot);
      try {
        const r = await app.inject({ url: '/openapi.json' });
        assert.equal(r.statusCode, 200);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        const doc = JSON.parse(r.body);
        assert.match(doc.openapi, /^3\.\d+\.\d+$/);
        const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
        assert.equal(doc.info.title, 'gridloop');
        assert.equal(doc.info.version, pkg.version);
        assert.equal(doc.components.securitySchemes.bearerToken.scheme, 'bearer');
        assert.deepEqual(
          {
            in: doc.components.securitySchemes.sessionCookie.in,
            name: doc.components.securitySchemes.sessionCookie.name,
          },
          { in: 'cookie', name: 'gl_session' },
        );

        const registered = routes.filter((x) => x.method !== 'HEAD');
        assert.ok(registered.length >= 25, String(registered.length));
        const missing: string[] = [];
        for (const route of registered) {
          const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
          if (!op) {
            missing.push(`${route.method} ${route.url}`);
            continue;
          }
          assert.equal(op[ROLE_EXTENSION], route.role ?? 'public', `${route.method} ${route.url}`);
          assert.ok(op.tags?.length === 1, `${route.method} ${route.url} has a tag`);
          assert.equal(op.security.length === 0, op[ROLE_EXTENSION] === 'public');
        }
        assert.deepEqual(missing, [], 'routes the OpenAPI document lacks');
        // …and nothing it documents is made up.
        const known = new Set(routes.map((x) => `${x.method.toLowerCase()} ${openapiPath(x.url)}`));
        for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, object>>)) {
          for (const method of Object.keys(ops)) assert.ok(known.has(`${method} ${path}`), `${method} ${path}`);
        }
        // The grid routes document their parameters and responses.
        const neighbours = doc.paths['/api/v1/cells/{id}/neighbours'].get;
        assert.deepEqual(neighbours.parameters.map((p: { name: string }) => p.name).sort(), ['format', 'id', 'k']);
        for (const status of ['200', '400', '404']) assert.ok(neighbours.responses[status], status);
        assert.ok(doc.paths['/api/v1/areas/{id}'].get.responses['200'].content['application/json'].schema);
        // No Swagger UI (it would load external assets).
        assert.equal((await app.inject({ url: '/documentation' })).statusCode, 404);
      } finally {
        await app.close();
      }
    });
  }
});
