import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, type ErrorCode } from '../shared/errors.ts';

/**
 * The only place that decides the HTTP status of an error code (DESIGN.md §5). Every code of ERROR_CODES must appear
 * here; a test checks it. Responses carry the code and a reason, never a stack trace or SQL.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  CITY_NOT_FOUND: 500,
  CITY_INVALID: 500,
  GRID_UNKNOWN_AREA: 404,
  GRID_UNKNOWN_CELL: 404,
  INGEST_MALFORMED_JSON: 400,
  INGEST_BODY_TOO_LARGE: 413,
  INGEST_EMPTY_BODY: 400,
  INGEST_UNSUPPORTED_MEDIA_TYPE: 415,
  INGEST_TOO_MANY_RECORDS: 413,
  INGEST_OVERLOADED: 503,
  INGEST_NOT_AN_OBJECT: 422,
  INGEST_MISSING_FIELD: 422,
  INGEST_WRONG_TYPE: 422,
  INGEST_UNKNOWN_FIELD: 422,
  INGEST_UNKNOWN_SENSOR: 422,
  INGEST_UNKNOWN_METRIC: 422,
  INGEST_VALUE_OUT_OF_RANGE: 422,
  INGEST_TS_INVALID: 422,
  INGEST_TS_NO_ZONE: 422,
  INGEST_TS_FUTURE: 422,
  INGEST_OUTSIDE_CITY: 422,
  INGEST_UNKNOWN_SERVICE: 400,
  INGEST_FIELD_TOO_LONG: 422,
  CASE_NOT_FOUND: 404,
  CASE_INVALID_TRANSITION: 409,
  CASE_UNKNOWN_EVENT: 400,
  CASE_NO_TEAM: 409,
  CASE_UNKNOWN_TEAM: 400,
  CASE_CONFLICT: 409,
  ALERT_NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_LOCKED: 429,
  AUTH_CSRF: 403,
  ACCESS_UNKNOWN_USER: 404,
  ACCESS_USER_EXISTS: 409,
  ACCESS_WEAK_PASSWORD: 400,
  ACCESS_UNKNOWN_TOKEN: 404,
  ACCESS_BAD_SCOPE: 400,
  RATE_LIMITED: 429,
  REQUEST_INVALID: 400,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function errorBody(e: DomainError): ErrorBody {
  return { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
}

export function sendError(reply: FastifyReply, e: DomainError): FastifyReply {
  return reply.code(HTTP_STATUS[e.code] ?? 500).send(errorBody(e));
}

/** Maps fastify's own errors (schema, body size, JSON parse, content type) onto our codes. */
export function toDomainError(e: FastifyError | Error): DomainError {
  if (e instanceof DomainError) return e;
  const fe = e as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('INGEST_BODY_TOO_LARGE', 'The body is larger than this route accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError('INGEST_UNSUPPORTED_MEDIA_TYPE', 'This route does not accept that content type.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('INGEST_EMPTY_BODY', 'The body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DomainError('INGEST_MALFORMED_JSON', 'The body is not valid JSON.');
    case 'FST_ERR_VALIDATION':
      return new DomainError('REQUEST_INVALID', fe.message);
  }
  if (fe.statusCode === 429 || (fe as { code?: string }).code === 'RATE_LIMITED') {
    return new DomainError('RATE_LIMITED', fe.message || 'Too many requests.');
  }
  if (fe.statusCode === 400 && fe instanceof SyntaxError) {
    return new DomainError('INGEST_MALFORMED_JSON', 'The body is not valid JSON.');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new DomainError('REQUEST_INVALID', 'The request is not valid.');
  }
  return new DomainError('INTERNAL', 'An unexpected error; it has been logged.');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((e: FastifyError, req, reply) => {
    const de = toDomainError(e);
    if (de.code === 'INTERNAL') req.log.error({ err: e }, 'unhandled error');
    return sendError(reply, de);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new DomainError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)),
  );
}
