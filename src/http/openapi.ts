import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { isRole, type Role } from '../access/roles.ts';
import { SESSION_COOKIE } from './auth.ts';

/** The OpenAPI extension naming the least role a route needs (access/roles.ts). */
export const ROLE_EXTENSION = 'x-gridloop-role';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Capability tags, first matching URL prefix wins. */
const TAGS: readonly { prefix: string; tag: string; description: string }[] = [
  { prefix: '/api/v1/auth', tag: 'access', description: 'Sign-in, sessions and the current principal' },
  { prefix: '/api/v1/reports', tag: 'access', description: '' },
  { prefix: '/api/v1/readings', tag: 'ingest', description: 'Sensor readings from gateways (NDJSON)' },
  { prefix: '/api/v1/alerts', tag: 'watch', description: 'Alerts raised by the watch rules' },
  { prefix: '/api/v1/coverage', tag: 'cases', description: '' },
  { prefix: '/api/v1/cases', tag: 'cases', description: 'Cases, their workflow and responsibility coverage' },
  { prefix: '/api/v1/stats', tag: 'insight', description: 'Figures for staff' },
  { prefix: '/api/v1/live', tag: 'live', description: 'Server-Sent Events for the command centre' },
  { prefix: '/api/public', tag: 'public', description: 'Transparency figures for anyone' },
  { prefix: '/open311', tag: 'open311', description: 'Open311 GeoReport v2' },
  { prefix: '/api/v1/', tag: 'grid', description: 'The city, its areas, cells, zones and point assignment' },
  { prefix: '/', tag: 'meta', description: 'Health, this document and the command-centre page' },
];

const tagOf = (url: string): string => TAGS.find((t) => url.startsWith(t.prefix))?.tag ?? 'meta';

/** Who may call a route with `role`: anyone, or a bearer API token or session cookie of that role or above. */
function security(role: Role): FastifySchema['security'] {
  return role === 'public' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }];
}

/**
 * Registers @fastify/swagger in dynamic mode (before any route, so its onRoute hook sees them all) and serves the
 * OpenAPI 3 document at GET /openapi.json. Every operation carries its capability tag, its security and the role it
 * needs in `x-gridloop-role`; routes without a declared role (the page, /health, this document) are public.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'gridloop',
        version: VERSION,
        description:
          'City operations on a grid of cells. Errors answer `{ error: { code, message } }` with a code from ' +
          'docs/errors.md. Writes authenticated by the session cookie must echo the session CSRF token in ' +
          '`x-csrf-token`.',
        license: { name: 'AGPL-3.0-or-later' },
      },
      tags: TAGS.filter((t) => t.description !== '').map(({ tag, description }) => ({ name: tag, description })),
      components: {
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token, `glt_<id>_<secret>` (`gridloop token create`)',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The session of POST /api/v1/auth/login',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const declared = (route.config as { role?: unknown } | undefined)?.role;
      const role: Role = isRole(declared) ? declared : 'public';
      // Every route is documented, the static files' wildcard too (@fastify/static hides it by default).
      const { hide: _hidden, ...s } = (schema ?? {}) as FastifySchema & Record<string, unknown>;
      const needs = role === 'public' ? 'Open to anyone.' : `Needs role ${role} or above.`;
      return {
        url,
        schema: {
          ...s,
          tags: s.tags ?? [tagOf(url)],
          description: s.description ? `${s.description} ${needs}` : needs,
          security: s.security ?? security(role),
          [ROLE_EXTENSION]: role,
        } as FastifySchema,
      };
    },
  });
  app.get('/openapi.json', { config: { role: 'public' } }, async () => app.swagger());
}
