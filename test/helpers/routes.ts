import diagnostics from 'node:diagnostics_channel';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Role } from '../../src/access/roles.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { AreaId, CaseId, ReportId } from '../../src/shared/brand.ts';

/** One route as the app registers it. */
export interface CollectedRoute {
  readonly method: string;
  readonly url: string;
  /** The role from the route's config; undefined when it declares none. */
  readonly role: unknown;
  /** The route's own body limit, when it sets one. */
  readonly bodyLimit: number | undefined;
}

/**
 * Every route a fresh app on `rt` registers, with its declared role. Fastify publishes each new instance on the
 * `fastify.initialization` diagnostics channel before any route exists, so an onRoute hook added there sees them all
 * without a change to src. HEAD routes fastify derives from GET routes are left out.
 */
export async function collectRoutes(rt: Runtime): Promise<CollectedRoute[]> {
  const routes: CollectedRoute[] = [];
  await withEachNewApp(
    (app) =>
      app.addHook('onRoute', (r: RouteOptions) => {
        for (const method of [r.method].flat()) {
          const role = (r.config as { role?: unknown } | undefined)?.role;
          routes.push({ method, url: r.url, role, bodyLimit: r.bodyLimit });
        }
      }),
    async () => {
      const app = await buildApp(rt, { secureCookies: false, webRoot: '/nonexistent' });
      await app.ready();
      await app.close();
    },
  );
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (r.method === 'HEAD' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Runs `fn`; every Fastify instance created meanwhile is handed to `onApp` right after it is constructed, before any
 * route or hook of its own exists (fastify's `fastify.initialization` diagnostics channel).
 */
export async function withEachNewApp(onApp: (app: FastifyInstance) => void, fn: () => Promise<void>): Promise<void> {
  const channel = diagnostics.channel('fastify.initialization');
  const listener = (msg: unknown) => onApp((msg as { fastify: FastifyInstance }).fastify);
  channel.subscribe(listener);
  try {
    await fn();
  } finally {
    channel.unsubscribe(listener);
  }
}

/** Whether a route is guarded by the access model (DESIGN: every /api and /open311 route declares a role). */
export const isGuarded = (url: string) => url.startsWith('/api/') || url.startsWith('/open311/');

/** Row counts and a fingerprint of what the SQLite store holds, read through a separate read-only connection. */
export type Snapshot = Record<string, number | string>;

const TABLES = [
  'readings',
  'reports',
  'quarantine',
  'alerts',
  'cases',
  'case_history',
  'audit_log',
  'contacts',
  'users',
  'sessions',
  'api_tokens',
] as const;

/** Opens the runtime's database read-only and returns a function that snapshots it. */
export function snapshotter(dataDir: string): { snap: () => Snapshot; close: () => void } {
  const db = new Database(join(dataDir, 'gridloop.db'), { readonly: true, fileMustExist: true });
  const counts = TABLES.map((t) => [t, db.prepare(`SELECT count(*) AS n FROM ${t}`)] as const);
  const versions = db.prepare('SELECT coalesce(sum(version), 0) AS v FROM cases');
  const alertStates = db.prepare("SELECT coalesce(group_concat(state, ','), '') AS s FROM alerts");
  return {
    snap() {
      const out: Snapshot = {};
      for (const [t, stmt] of counts) out[t] = (stmt.get() as { n: number }).n;
      out.caseVersions = (versions.get() as { v: number }).v;
      out.alertStates = (alertStates.get() as { s: string }).s;
      return out;
    },
    close: () => db.close(),
  };
}

/** Files a citizen report at the centre of the first cell of `area`; returns the report id and the case it opened. */
export async function reportIn(rt: Runtime, area: AreaId): Promise<{ reportId: ReportId; caseId: CaseId }> {
  const cell = rt.grid.cellsOf(area)[0];
  if (cell === undefined) throw new Error(`area ${area} has no cells`);
  const [lon, lat] = rt.grid.centre(cell);
  const service = [...rt.city.categories.keys()][0]!;
  const s = await rt.ingest.fileReports(
    [{ service_code: service, lat: String(lat), long: String(lon), description: 'authz fixture' }],
    'test',
  );
  const reportId = s.ids[0];
  if (reportId === undefined) throw new Error(`report refused: ${JSON.stringify(s.errors)}`);
  const c = (await rt.cases.list({ area, limit: 100_000 })).find((x) => x.reportId === reportId);
  if (!c) throw new Error('the report opened no case');
  return { reportId, caseId: c.id };
}

/** Drives a case through the given events as the system (not over HTTP); throws when one is refused. */
export async function drive(rt: Runtime, id: CaseId, events: readonly string[]): Promise<void> {
  for (const e of events) {
    const r = await rt.cases.apply(id, e as never, { actor: 'system' });
    if (!r.ok) throw r.error;
  }
}

/** The roles a matrix covers: anonymous stands for `public`. */
export const MATRIX_ROLES: readonly Role[] = [
  'public',
  'integration',
  'analyst',
  'field_worker',
  'dispatcher',
  'supervisor',
  'admin',
];
