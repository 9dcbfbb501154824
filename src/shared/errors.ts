/**
 * Every error gridloop reports has a stable code from this table. Tests assert codes, never messages. The HTTP status of
 * each code is decided in `http/errors.ts` alone, and `docs/errors.md` lists every code (a test checks both).
 */
export const ERROR_CODES = {
  // city definition
  CITY_NOT_FOUND: 'The city definition file does not exist.',
  CITY_INVALID: 'The city definition does not match its schema or refers to things that do not exist.',
  // grid
  GRID_UNKNOWN_AREA: 'No area has this id.',
  GRID_UNKNOWN_CELL: 'No cell of the city has this id.',
  // ingest: whole request
  INGEST_MALFORMED_JSON: 'The body, or one NDJSON line of it, is not valid JSON.',
  INGEST_BODY_TOO_LARGE: 'The body is larger than the ingest limit.',
  INGEST_EMPTY_BODY: 'The body holds no records.',
  INGEST_UNSUPPORTED_MEDIA_TYPE: 'The content type is not one that this route accepts.',
  INGEST_TOO_MANY_RECORDS: 'The batch holds more records than one request may.',
  INGEST_OVERLOADED:
    'Ingest is at capacity (too many requests or body bytes in flight); retry after the time in Retry-After.',
  // ingest: per record
  INGEST_NOT_AN_OBJECT: 'A record is not a JSON object.',
  INGEST_MISSING_FIELD: 'A required field is missing.',
  INGEST_WRONG_TYPE: 'A field has the wrong type.',
  INGEST_UNKNOWN_FIELD: 'A record has a field that the schema does not know; nothing unplanned is stored.',
  INGEST_UNKNOWN_SENSOR: 'No sensor with this id is registered in the city definition.',
  INGEST_UNKNOWN_METRIC: 'The sensor does not measure this metric.',
  INGEST_VALUE_OUT_OF_RANGE: "The value is outside the metric's physically possible range.",
  INGEST_TS_INVALID: 'The timestamp is not an ISO 8601 date-time.',
  INGEST_TS_NO_ZONE: 'The timestamp has no time zone (Z or ±hh:mm).',
  INGEST_TS_FUTURE: 'The timestamp lies further in the future than clock skew allows.',
  INGEST_OUTSIDE_CITY: 'The point lies outside every cell of the city.',
  INGEST_UNKNOWN_SERVICE: 'No category has this service code.',
  INGEST_FIELD_TOO_LONG: 'A text field is longer than allowed.',
  // cases
  CASE_NOT_FOUND: 'No case has this id.',
  CASE_INVALID_TRANSITION: 'The case cannot take this event in its current state.',
  CASE_UNKNOWN_EVENT: 'The event is not one of the workflow events.',
  CASE_NO_TEAM: 'No team answers for the cell and category, even up the hierarchy.',
  CASE_UNKNOWN_TEAM: 'No team has this id.',
  CASE_CONFLICT: 'The case was changed by another request at the same moment, twice over; try again.',
  // alerts
  ALERT_NOT_FOUND: 'No alert has this id.',
  // access
  AUTH_REQUIRED: 'The route needs a signed-in user or an API token.',
  AUTH_FORBIDDEN: "The caller's role may not use this route or take this action.",
  AUTH_INVALID_CREDENTIALS: 'The user name or password is wrong, or the account is disabled.',
  AUTH_LOCKED: 'Too many failed logins: the account is locked for a while (the wait doubles with each failure).',
  AUTH_CSRF: 'A write authenticated by cookie must echo the session CSRF token in the x-csrf-token header.',
  ACCESS_UNKNOWN_USER: 'No user has this name.',
  ACCESS_USER_EXISTS: 'A user with this name exists already.',
  ACCESS_WEAK_PASSWORD: 'The password is shorter than 12 characters.',
  ACCESS_UNKNOWN_TOKEN: 'No API token has this id.',
  ACCESS_BAD_SCOPE: 'The scope is not an area of the city.',
  RATE_LIMITED: 'Too many requests from this address or token; retry after the time in Retry-After.',
  // generic request errors
  REQUEST_INVALID: 'The request parameters or body do not match the route schema.',
  NOT_FOUND: 'No such route or resource.',
  INTERNAL: 'An unexpected error; the details are in the server log, never in the response.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of gridloop's domain: a stable code, a human reason, and optional details (such as a path). */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
