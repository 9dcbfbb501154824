import type { FastifyInstance } from 'fastify';
import { DomainError } from '../shared/errors.ts';
import { sendError } from './errors.ts';

/** Limits of ingest work in flight on one route (requests being read, parsed and written, and their body bytes). */
export interface AdmissionLimits {
  /** Concurrent requests; default 4 (env GRIDLOOP_INGEST_MAX_REQUESTS). */
  readonly maxRequests: number;
  /** Body bytes of those requests; default 64 MiB (env GRIDLOOP_INGEST_MAX_BYTES). */
  readonly maxBytes: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { maxRequests: 4, maxBytes: 64 * 1024 * 1024 };

/** Seconds a refused client is told to wait (the Retry-After header). */
export const RETRY_AFTER_S = 1;

export interface Admission {
  /**
   * Admits work of `bytes` and returns its release (idempotent), or undefined when the limits are reached. One request
   * is always admitted when nothing else is in flight, however large, so that a body under the route's own limit
   * can never be refused forever.
   */
  tryEnter(bytes: number): (() => void) | undefined;
  inFlight(): { readonly requests: number; readonly bytes: number };
  readonly limits: AdmissionLimits;
}

/** A counting admission controller: no queue, so a refused request costs nothing but its answer. */
export function createAdmission(limits: AdmissionLimits = DEFAULT_ADMISSION): Admission {
  let requests = 0;
  let bytes = 0;
  return {
    limits,
    inFlight: () => ({ requests, bytes }),
    tryEnter(size) {
      if (requests > 0 && (requests >= limits.maxRequests || bytes + size > limits.maxBytes)) return undefined;
      requests++;
      bytes += size;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        requests--;
        bytes -= size;
      };
    },
  };
}

/** Limits from options, else from the environment, else the defaults; non-positive or non-numeric values are refused. */
export function admissionLimits(
  opts: Partial<AdmissionLimits> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): AdmissionLimits {
  const pick = (value: number | undefined, name: string, fallback: number): number => {
    const v = value ?? (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, not ${v}`);
    return v;
  };
  return {
    maxRequests: pick(opts.maxRequests, 'GRIDLOOP_INGEST_MAX_REQUESTS', DEFAULT_ADMISSION.maxRequests),
    maxBytes: pick(opts.maxBytes, 'GRIDLOOP_INGEST_MAX_BYTES', DEFAULT_ADMISSION.maxBytes),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The admission controller of each backpressured route, by `METHOD url`. */
    ingestAdmission: ReadonlyMap<string, Admission>;
  }
}

/**
 * Puts each listed route (`POST /api/v1/readings` …) behind its own admission controller. The decision is taken in
 * preParsing, after authentication and rate limiting but before a byte of the body is read: a refused request gets
 * 503 INGEST_OVERLOADED with `retry-after`, and an admitted one holds its slot until its response is finished or its
 * connection closes. A body without content-length is charged at the route's body limit.
 */
export function installBackpressure(
  app: FastifyInstance,
  routes: readonly { readonly method: string; readonly url: string; readonly bodyLimit: number }[],
  limits: AdmissionLimits,
): void {
  const byRoute = new Map<string, { admission: Admission; bodyLimit: number }>();
  for (const r of routes)
    byRoute.set(`${r.method} ${r.url}`, { admission: createAdmission(limits), bodyLimit: r.bodyLimit });
  app.decorate('ingestAdmission', new Map([...byRoute].map(([k, v]) => [k, v.admission])));
  // Callback form: a refused request is answered here and `done` is never called, so its body is never read.
  app.addHook('preParsing', (req, reply, payload, done) => {
    const route = byRoute.get(`${req.method} ${req.routeOptions.url}`);
    if (route === undefined) return done(null, payload);
    const length = Number(req.headers['content-length']);
    const bytes = Number.isFinite(length) && length >= 0 ? Math.min(length, route.bodyLimit) : route.bodyLimit;
    const release = route.admission.tryEnter(bytes);
    if (release === undefined) {
      // Close the connection rather than drain a body we refused to read.
      reply.header('retry-after', String(RETRY_AFTER_S)).header('connection', 'close');
      sendError(reply, new DomainError('INGEST_OVERLOADED', 'Ingest is at capacity; retry shortly.'));
      return;
    }
    // 'close' follows 'finish', and also comes when the client goes away: the slot is never leaked.
    reply.raw.once('close', release);
    done(null, payload);
  });
}
