import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../access/principal.ts';
import { type Role, roleAllows } from '../access/roles.ts';
import type { Runtime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import { sendError } from './errors.ts';

export const SESSION_COOKIE = 'gl_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The least role the route needs (access/roles.ts). Every /api and /open311 route must declare one. */
    role?: Role;
  }
}

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The session cookie: httpOnly, SameSite=Strict, Path=/, Secure unless served over plain http on loopback. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * Authenticates every request (bearer API token or session cookie; otherwise anonymous) and checks the route's
 * declared role before the body is even read. Writes authenticated by cookie must carry the session's CSRF token.
 */
export function installAuth(app: FastifyInstance, rt: Runtime): void {
  const anonymous: Principal = {
    kind: 'anonymous',
    id: 'anonymous',
    name: 'anonymous',
    role: 'public',
    scope: rt.city.root,
  };
  app.decorateRequest('principal', null as unknown as Principal);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.principal = anonymous;
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const p = m ? await rt.accounts.fromToken(m[1]!) : undefined;
      if (!p)
        return sendError(reply, new DomainError('AUTH_REQUIRED', 'The API token is malformed, unknown or revoked.'));
      req.principal = p;
    } else {
      const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
      const p = sid ? await rt.accounts.fromSession(sid) : undefined;
      if (p) {
        req.principal = p;
        if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== p.csrf) {
          return sendError(reply, new DomainError('AUTH_CSRF', 'Send the session CSRF token in x-csrf-token.'));
        }
      }
    }
    const need = req.routeOptions.config?.role;
    if (need === undefined) return; // static files and /health
    if (!roleAllows(req.principal.role, need)) {
      return req.principal.kind === 'anonymous'
        ? sendError(reply, new DomainError('AUTH_REQUIRED', 'Sign in or send an API token.'))
        : sendError(reply, new DomainError('AUTH_FORBIDDEN', `This route needs the ${need} role.`));
    }
  });
}
