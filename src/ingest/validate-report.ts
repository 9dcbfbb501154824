import { maskContacts } from '../access/redact.ts';
import type { City } from '../city/city.ts';
import type { Grid } from '../grid/types.ts';
import type { AreaId, EpochMs, ReportId, ServiceCode } from '../shared/brand.ts';
import { parseIsoTs, tsProblem } from './iso-time.ts';
import { jsonType, Problem, pointer, quote } from './problem.ts';
import type { ReportInput } from './report-input.ts';
import type { Report } from './types.ts';

export const MAX_DESCRIPTION = 4000;
export const MAX_ADDRESS = 500;
export const MAX_MEDIA_URL = 2000;
export const MAX_EXTERNAL_ID = 200;

const FIELDS = new Set<string>([
  'service_code',
  'lat',
  'long',
  'description',
  'address_string',
  'requested_datetime',
  'media_url',
  'id',
] satisfies (keyof ReportInput)[]);

/** A decimal number as Open311's form encoding sends it: `-118.25`, `34`, `3.4e1`. */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface ReportContext {
  readonly city: City;
  readonly grid: Grid;
  readonly source: string;
  readonly now: EpochMs;
  readonly newId: () => ReportId;
}

/**
 * Checks one record against the Open311 wire form of a report (ReportInput; nothing else), pins it to its cell and
 * leaf area, and returns the Report, or the Problem. Numbers may come as numeric strings, since Open311 is form-encoded;
 * an empty optional field counts as absent, as a form sends it.
 */
export function validateReport(rec: unknown, ctx: ReportContext): Report | Problem {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
    return new Problem('INGEST_NOT_AN_OBJECT', `a report must be a JSON object, not ${jsonType(rec)}`, undefined);
  }
  const r = rec as Record<string, unknown>;
  for (const key in r) {
    if (!FIELDS.has(key)) return new Problem('INGEST_UNKNOWN_FIELD', `unknown field ${quote(key)}`, pointer(key));
  }
  const code = r.service_code;
  if (code === undefined || code === '')
    return new Problem('INGEST_MISSING_FIELD', 'missing service_code', '/service_code');
  if (typeof code !== 'string') return wrongType('service_code', 'a string', code);
  const category = ctx.city.categories.get(code as ServiceCode);
  if (category === undefined) {
    return new Problem('INGEST_UNKNOWN_SERVICE', `unknown service code ${quote(code)}`, '/service_code');
  }
  const lat = coordinate(r, 'lat', 90);
  if (lat instanceof Problem) return lat;
  const lon = coordinate(r, 'long', 180);
  if (lon instanceof Problem) return lon;

  const description = text(r, 'description', MAX_DESCRIPTION);
  if (description instanceof Problem) return description;
  const address = text(r, 'address_string', MAX_ADDRESS);
  if (address instanceof Problem) return address;
  const mediaUrl = text(r, 'media_url', MAX_MEDIA_URL);
  if (mediaUrl instanceof Problem) return mediaUrl;
  if (mediaUrl !== undefined && !/^https?:\/\//i.test(mediaUrl)) {
    return new Problem('INGEST_WRONG_TYPE', 'media_url must be an http(s) URL', '/media_url');
  }
  const externalId = id(r.id);
  if (externalId instanceof Problem) return externalId;

  let requestedAt = ctx.now;
  const requested = r.requested_datetime;
  if (requested !== undefined && requested !== '') {
    if (typeof requested !== 'string') return wrongType('requested_datetime', 'a string', requested);
    requestedAt = parseIsoTs(requested);
    if (Number.isNaN(requestedAt)) {
      return tsProblem(requested) === 'no-zone'
        ? new Problem('INGEST_TS_NO_ZONE', 'requested_datetime has no zone (Z or ±hh:mm)', '/requested_datetime')
        : new Problem('INGEST_TS_INVALID', 'requested_datetime is not an ISO 8601 date-time', '/requested_datetime');
    }
    if (requestedAt > ctx.now + ctx.city.ingest.maxFutureSkewMs) {
      return new Problem('INGEST_TS_FUTURE', 'requested_datetime lies in the future', '/requested_datetime');
    }
  }

  const assigned = ctx.grid.assign(lon, lat);
  if (!assigned.ok) {
    return new Problem('INGEST_OUTSIDE_CITY', `(${lon}, ${lat}) lies outside the city`, undefined);
  }
  const path = assigned.value.path;
  return {
    id: ctx.newId(),
    source: ctx.source,
    externalId,
    serviceCode: category.code,
    lon,
    lat,
    cell: assigned.value.cell,
    area: path[path.length - 1] as AreaId,
    // Reporters sometimes type their e-mail or phone into the text: it is masked before anything is stored, so
    // contact details live only in the encrypted vault (DESIGN.md §8).
    description: description === undefined ? undefined : maskContacts(description),
    address: address === undefined ? undefined : maskContacts(address),
    mediaUrl,
    requestedAt,
    receivedAt: ctx.now,
  };
}

function wrongType(field: string, expected: string, got: unknown): Problem {
  return new Problem('INGEST_WRONG_TYPE', `${field} must be ${expected}, not ${jsonType(got)}`, `/${field}`);
}

function coordinate(r: Record<string, unknown>, field: 'lat' | 'long', limit: number): number | Problem {
  const v = r[field];
  if (v === undefined || v === '') return new Problem('INGEST_MISSING_FIELD', `missing ${field}`, `/${field}`);
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.length <= 32 && NUMERIC.test(v.trim())) n = Number(v);
  else return wrongType(field, 'a number', v);
  if (!Number.isFinite(n) || n < -limit || n > limit) {
    return new Problem(
      'INGEST_VALUE_OUT_OF_RANGE',
      `${field} ${quote(v)} is outside [-${limit}, ${limit}]`,
      `/${field}`,
    );
  }
  return n;
}

/** An optional text field: undefined when absent or empty. Length is counted in characters (code points). */
function text(r: Record<string, unknown>, field: string, max: number): string | undefined | Problem {
  const v = r[field];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') return wrongType(field, 'a string', v);
  if (v.length > max && [...v].length > max) {
    return new Problem('INGEST_FIELD_TOO_LONG', `${field} is longer than ${max} characters`, `/${field}`);
  }
  return v;
}

/** The sender's id: a string, or an integer (JSON exports often number their records). */
function id(v: unknown): string | undefined | Problem {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v !== 'string') return wrongType('id', 'a string', v);
  if (v.length > MAX_EXTERNAL_ID) {
    return new Problem('INGEST_FIELD_TOO_LONG', `id is longer than ${MAX_EXTERNAL_ID} characters`, '/id');
  }
  return v;
}
