import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SESSION_TTL } from '../../access/accounts.ts';
import type { Runtime } from '../../runtime.ts';
import { readCookie, SESSION_COOKIE, sessionCookie } from '../auth.ts';
import { sendError } from '../errors.ts';

const LoginBody = T.Object(
  { username: T.String({ minLength: 1, maxLength: 64 }), password: T.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

/** Staff sign-in with a session cookie. Each login, failed login and logout is audited. */
export function authRoutes(app: FastifyInstance, rt: Runtime, opts: { secureCookies: boolean }): void {
  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/v1/auth/login',
    {
      schema: { body: LoginBody },
      config: { role: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const r = await rt.accounts.login(req.body.username, req.body.password);
      const at = rt.clock();
      if (!r.ok) {
        await rt.stores.audit.append([
          {
            at,
            actor: 'anonymous',
            action: 'login.failed',
            target: req.body.username,
            details: { code: r.error.code, ip: req.ip },
          },
        ]);
        const retry = r.error.details?.retryAfterSeconds;
        if (typeof retry === 'number') reply.header('retry-after', String(retry));
        return sendError(reply, r.error);
      }
      const { user, sessionId, csrf, expiresAt } = r.value;
      await rt.stores.audit.append([{ at, actor: user.id, action: 'login', target: user.id, details: { ip: req.ip } }]);
      reply.header('set-cookie', sessionCookie(sessionId, Math.floor(SESSION_TTL / 1000), opts.secureCookies));
      return {
        user: { id: user.id, username: user.username, role: user.role, scope: user.scope },
        csrfToken: csrf,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },
  );

  // Public, so that a browser holding an expired cookie can still clear it.
  app.post('/api/v1/auth/logout', { config: { role: 'public' } }, async (req, reply) => {
    const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (sid) await rt.accounts.logout(sid);
    if (req.principal.kind === 'user') {
      await rt.stores.audit.append([
        { at: rt.clock(), actor: req.principal.id, action: 'logout', target: req.principal.id },
      ]);
    }
    reply.header('set-cookie', sessionCookie('', 0, opts.secureCookies));
    return { ok: true };
  });

  app.get('/api/v1/auth/me', { config: { role: 'analyst' } }, async (req) => {
    const p = req.principal;
    return { id: p.id, name: p.name, kind: p.kind, role: p.role, scope: p.scope, csrfToken: p.csrf };
  });
}
