/** The HTTP API's JSON shapes as the page sees them (times are ISO 8601 strings at this edge). */

export type Severity = 'info' | 'warning' | 'critical';

export interface CityInfo {
  id: string;
  name: string;
  timezone: string;
  resolution: number;
  levels: string[];
  bbox: [number, number, number, number];
  centre: [number, number];
  categories: { code: string; name: string; priority: string }[];
  teams: { id: string; name: string }[];
  areas: { id: string; name: string; level: string; parent?: string }[];
}

export interface Alert {
  id: string;
  rule: string;
  ruleKind: string;
  title: string;
  severity: Severity;
  state: 'open' | 'acknowledged' | 'cleared';
  cell: string;
  area: string;
  sensor?: string;
  metric?: string;
  category?: string;
  raisedAt: string;
  clearedAt?: string;
  caseId?: string;
}

export interface Case {
  id: string;
  state: string;
  category: string;
  priority: string;
  title: string;
  cell: string;
  areaPath: string[];
  team?: string;
  source: string;
  alertId?: string;
  createdAt: string;
  updatedAt: string;
  dueStage?: string;
  dueAt?: string;
  overdue: boolean;
  reworkCount: number;
}

export interface Stats {
  readings: number;
  reports: number;
  quarantined: number;
  openAlerts: number;
  openCases: number;
  overdueCases: number;
}

export interface CaseChange {
  case: Case;
  entry: { seq: number; at: string; type: string; from?: string; to: string; actor: string };
}

export interface IngestEvent {
  kind: 'readings' | 'reports';
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
}

/** States in which a case still needs work; the case list shows these. */
export const ACTIVE_CASE_STATES = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'rework',
  'reopened',
] as const;

/** The signed-in user as GET /api/v1/auth/me answers. */
export interface Me {
  id: string;
  name: string;
  kind: string;
  role: string;
  scope: string;
  csrfToken?: string;
}

/** A non-2xx answer: the HTTP status, the API's error code and details, and the retry-after header in seconds. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly details: Record<string, unknown> | undefined,
    readonly retryAfter: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The session's CSRF token lives only in memory: a reload asks /auth/me again. */
let csrf: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Sets (or forgets) the token that cookie-authenticated writes echo in x-csrf-token. */
export function setCsrfToken(token: string | undefined): void {
  csrf = token;
}

/** Registers what happens when the API answers 401 (the session expired or was revoked). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function request<T>(method: string, path: string, body: unknown, signal401: boolean): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const parsed = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
      | undefined;
    const retry = Number(res.headers.get('retry-after'));
    const err = new ApiError(
      res.status,
      parsed?.error?.code,
      parsed?.error?.details,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
      `${method} ${path}: HTTP ${res.status}${parsed?.error?.code ? ` ${parsed.error.code}` : ''}`,
    );
    if (res.status === 401 && signal401) onUnauthorized?.();
    throw err;
  }
  return (await res.json()) as T;
}

/** GETs a JSON document from the API, throwing ApiError on a non-2xx answer; a 401 also signals the page. */
export function getJson<T>(path: string): Promise<T> {
  return request<T>('GET', path, undefined, true);
}

/** POSTs JSON with the session's CSRF token; `signal401: false` for the login itself, where 401 is an answer. */
export function postJson<T>(path: string, body: unknown, signal401 = true): Promise<T> {
  return request<T>('POST', path, body, signal401);
}
