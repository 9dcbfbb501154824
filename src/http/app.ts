import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { isRole } from '../access/roles.ts';
import type { Runtime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import { installAuth } from './auth.ts';
import { admissionLimits, installBackpressure } from './backpressure.ts';
import { installErrorHandlers, sendError } from './errors.ts';
import { installSecurityHeaders } from './headers.ts';
import { open311GetRoutes } from './open311/get-requests.ts';
import { open311Routes, parseForm } from './open311/requests.ts';
import { installOpenApi } from './openapi.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { caseRoutes } from './routes/cases.ts';
import { contactRoutes } from './routes/contacts.ts';
import { gridRoutes } from './routes/grid.ts';
import { liveRoutes } from './routes/live.ts';
import { publicRoutes } from './routes/public.ts';
import { NDJSON_TYPES, readingsRoutes } from './routes/readings.ts';
import { statsRoutes } from './routes/stats.ts';

export interface AppOptions {
  /** Largest ingest body in bytes (default 8 MiB); other routes take 1 MiB. */
  readonly ingestBodyLimit?: number;
  /** The built command centre; default web/dist. */
  readonly webRoot?: string;
  readonly logger?: boolean;
  /** Mark the session cookie Secure (default: on unless GRIDLOOP_INSECURE_COOKIES=1, for plain http on localhost). */
  readonly secureCookies?: boolean;
  /** Requests per minute per IP (anonymous) or per token/user on rate-limited routes; default 600 for ingest. */
  readonly ingestRateLimit?: number;
  /**
   * Ingest requests (readings, Open311 POST) in flight per route before new ones get 503 INGEST_OVERLOADED; default 4
   * (env GRIDLOOP_INGEST_MAX_REQUESTS).
   */
  readonly ingestMaxRequests?: number;
  /** Body bytes of those requests in flight per route; default 64 MiB (env GRIDLOOP_INGEST_MAX_BYTES). */
  readonly ingestMaxBytes?: number;
}

const DEFAULT_WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

/** Builds the HTTP app on a runtime: the API, Open311, live events and the command-centre page. */
export async function buildApp(rt: Runtime, opts: AppOptions = {}): Promise<FastifyInstance> {
  const ingestBodyLimit = opts.ingestBodyLimit ?? 8 * 1024 * 1024;
  const app = Fastify({
    logger: opts.logger ? { level: 'info' } : false,
    bodyLimit: 1024 * 1024,
    // Query strings are validated by each route's schema; coercion turns "10" into 10 there.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });

  // Every API route declares the role it needs (issue 4 enforces it); a route without one fails at start-up.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') && !route.url.startsWith('/open311/')) return;
    const role = (route.config as { role?: unknown } | undefined)?.role;
    if (!isRole(role)) throw new Error(`Route ${route.method} ${route.url} declares no role.`);
  });

  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit: ingestBodyLimit }, (_req, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (e) {
      done(e as DomainError, undefined);
    }
  });

  installErrorHandlers(app);
  installSecurityHeaders(app);
  await app.register(rateLimit, {
    global: false,
    // Per token or signed-in user where there is one, else per address.
    keyGenerator: (req) => (req.principal && req.principal.kind !== 'anonymous' ? req.principal.id : req.ip),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `Rate limit reached; retry in ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });
  installAuth(app, rt);
  // After authentication and rate limiting, before the body is read: refuse ingest when the writer falls behind.
  installBackpressure(
    app,
    [
      { method: 'POST', url: '/api/v1/readings', bodyLimit: ingestBodyLimit },
      { method: 'POST', url: '/open311/v2/requests.json', bodyLimit: 64 * 1024 },
    ],
    admissionLimits({
      ...(opts.ingestMaxRequests !== undefined ? { maxRequests: opts.ingestMaxRequests } : {}),
      ...(opts.ingestMaxBytes !== undefined ? { maxBytes: opts.ingestMaxBytes } : {}),
    }),
  );
  // Schema coercion turns '1e309' into Infinity, which no minimum/maximum catches: refuse non-finite query numbers.
  app.addHook('preHandler', async (req, reply) => {
    const q = req.query as Record<string, unknown> | undefined;
    if (q && Object.values(q).some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      return sendError(reply, new DomainError('REQUEST_INVALID', 'Numbers in the query must be finite.'));
    }
  });

  // Before any route, so that the OpenAPI document sees them all.
  await installOpenApi(app);
  app.get('/health', async () => ({ status: 'ok', city: rt.city.id, cells: rt.grid.cellCount }));

  const secureCookies = opts.secureCookies ?? process.env.GRIDLOOP_INSECURE_COOKIES !== '1';
  authRoutes(app, rt, { secureCookies });
  readingsRoutes(app, rt, { bodyLimit: ingestBodyLimit, perMinute: opts.ingestRateLimit ?? 600 });
  contactRoutes(app, rt);
  open311Routes(app, rt);
  open311GetRoutes(app, rt);
  alertRoutes(app, rt);
  caseRoutes(app, rt);
  gridRoutes(app, rt);
  statsRoutes(app, rt);
  publicRoutes(app, rt);
  liveRoutes(app, rt);

  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  if (existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/' });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain')
        .send('The command centre is not built: run `npm run build:web` (npm start does it for you).'),
    );
  }
  return app;
}

export { DomainError };
