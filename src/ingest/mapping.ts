/**
 * Column mapping for file imports (CSV rows, GeoJSON point properties): turns one source row into the wire form of a
 * reading ({sensor, metric, value, ts}) or a report (ReportInput), which the pipeline then validates as any other
 * input. The mapping never refuses a row itself: a value it cannot convert is handed on as it came (or left out), so
 * that the pipeline's validators name the problem with their usual codes and the row is quarantined, not lost.
 */

export type ImportKind = 'readings' | 'reports';

/** The target fields a mapping fills, with the source column(s) for each. */
export interface Mapping {
  readonly kind: ImportKind;
  /** Target field → source column. `description` may name several columns, joined as `Column: value; …`. */
  readonly columns: Readonly<Record<string, string | readonly string[]>>;
  /** Fixed values for target fields (e.g. `metric: pm25` for a file of one metric). */
  readonly constants?: Readonly<Record<string, string | number>>;
  /** How time columns are written, e.g. `YYYY-MM-DD HH:mm:ss`, `MM/DD/YYYY hh:mm:ss A`; default ISO 8601. */
  readonly timestampFormat?: string;
  /** IANA zone of zone-less times, e.g. America/Los_Angeles; default UTC. */
  readonly timezone?: string;
  /** Source value → service code (reports). */
  readonly services?: Readonly<Record<string, string>>;
  /**
   * The service code of a type not in `services`. Without it, the type's own text is handed on as the service code
   * and the pipeline quarantines the row as INGEST_UNKNOWN_SERVICE.
   */
  readonly fallbackService?: string;
  /** The duplicate key's source for reports; default `import:<file name>`. */
  readonly source?: string;
}

/** Something odd about a row that is still imported, counted in the import summary. */
export type ImportWarning = 'CLOSED_BEFORE_CREATED';

export interface Mapped {
  readonly record: Record<string, unknown>;
  readonly warning?: ImportWarning;
}

const READING_FIELDS = new Set(['sensor', 'metric', 'value', 'ts']);
const REPORT_FIELDS = new Set([
  'id',
  'service_code',
  'lat',
  'long',
  'description',
  'address_string',
  'requested_datetime',
  'media_url',
]);
/** Source-only fields: `location` is a "(lat, lon)" text column; `closed_datetime` is only checked, not stored. */
const EXTRA_FIELDS = new Set(['location', 'closed_datetime']);

/** The problem with a mapping, or undefined when it can be used. */
export function checkMapping(m: Mapping): string | undefined {
  if (m.kind !== 'readings' && m.kind !== 'reports') return `kind must be readings or reports, not ${String(m.kind)}`;
  const allowed = m.kind === 'readings' ? READING_FIELDS : REPORT_FIELDS;
  for (const f of [...Object.keys(m.columns ?? {}), ...Object.keys(m.constants ?? {})]) {
    if (!allowed.has(f) && !(m.kind === 'reports' && EXTRA_FIELDS.has(f))) return `unknown target field "${f}"`;
  }
  if (m.timezone !== undefined && !isTimeZone(m.timezone)) return `unknown time zone "${m.timezone}"`;
  if (m.timestampFormat !== undefined && m.timestampFormat !== 'iso') {
    try {
      compileFormat(m.timestampFormat);
    } catch (e) {
      return (e as Error).message;
    }
  }
  return undefined;
}

/** A row mapper: `get(column)` reads one source column ('' when absent). */
export function createMapper(m: Mapping): (get: (column: string) => string) => Mapped {
  const parseTime = timeParser(m.timestampFormat, m.timezone ?? 'UTC');
  const col = (f: string): string | readonly string[] | undefined => m.columns[f];
  return (get) => {
    const one = (f: string): string => {
      const c = col(f);
      if (c === undefined) return '';
      return (typeof c === 'string' ? get(c) : get(c[0] as string)).trim();
    };
    const rec: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.constants ?? {})) rec[k] = v;
    if (m.kind === 'readings') {
      for (const f of ['sensor', 'metric'] as const) if (col(f) !== undefined) rec[f] = one(f);
      if (col('value') !== undefined) {
        const v = one('value');
        rec.value = NUMBER.test(v) ? Number(v) : v;
      }
      if (col('ts') !== undefined) rec.ts = parseTime(one('ts'));
      return { record: rec };
    }
    if (col('id') !== undefined) setText(rec, 'id', one('id'));
    if (col('service_code') !== undefined) {
      const type = one('service_code');
      setText(rec, 'service_code', m.services?.[type] ?? m.fallbackService ?? type);
    }
    let created: string | undefined;
    if (col('requested_datetime') !== undefined) {
      const raw = one('requested_datetime');
      if (raw !== '') rec.requested_datetime = created = parseTime(raw);
    }
    for (const f of ['lat', 'long'] as const) {
      const v = one(f);
      if (v !== '') rec[f] = NUMBER.test(v) ? Number(v) : v;
    }
    if ((rec.lat === undefined || rec.long === undefined) && col('location') !== undefined) {
      const p = parseLatLon(one('location'));
      if (p) {
        rec.lat = p.lat;
        rec.long = p.lon;
      }
    }
    if (col('address_string') !== undefined) setText(rec, 'address_string', one('address_string'));
    if (col('media_url') !== undefined) setText(rec, 'media_url', one('media_url'));
    const d = col('description');
    if (d !== undefined) {
      const cols = typeof d === 'string' ? [d] : d;
      const parts = cols.map((c) => [c, get(c).trim()] as const).filter(([, v]) => v !== '');
      setText(
        rec,
        'description',
        cols.length === 1 ? (parts[0]?.[1] ?? '') : parts.map(([c, v]) => `${c}: ${v}`).join('; '),
      );
    }
    const closed = col('closed_datetime') !== undefined ? one('closed_datetime') : '';
    if (closed !== '' && created !== undefined) {
      const a = Date.parse(created);
      const b = Date.parse(parseTime(closed));
      if (b < a) return { record: rec, warning: 'CLOSED_BEFORE_CREATED' };
    }
    return { record: rec };
  };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function setText(rec: Record<string, unknown>, field: string, v: string): void {
  if (v !== '') rec[field] = v;
}

/** `(34.24, -118.53)` or `34.24, -118.53` → {lat, lon}; undefined for anything else (including `(0, 0)`). */
export function parseLatLon(text: string): { lat: number; lon: number } | undefined {
  const m = /^\(?\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*\)?$/.exec(text.trim());
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}

/** True when Intl knows the IANA zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface Compiled {
  readonly re: RegExp;
  readonly order: string[];
}

const TOKENS: Record<string, string> = {
  YYYY: '(\\d{4})',
  MM: '(\\d{1,2})',
  DD: '(\\d{1,2})',
  HH: '(\\d{1,2})',
  hh: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,9})',
  A: '(AM|PM|am|pm)',
};

/** Compiles a format such as `MM/DD/YYYY hh:mm:ss A` into a regular expression. Throws on an unusable format. */
export function compileFormat(format: string): Compiled {
  const order: string[] = [];
  let re = '';
  let i = 0;
  while (i < format.length) {
    const tok = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'hh', 'mm', 'ss', 'A'].find((t) => format.startsWith(t, i));
    if (tok) {
      order.push(tok);
      re += TOKENS[tok];
      i += tok.length;
    } else {
      re += (format[i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  for (const need of ['YYYY', 'MM', 'DD']) if (!order.includes(need)) throw new Error(`timestamp format lacks ${need}`);
  if (order.includes('hh') !== order.includes('A')) throw new Error('timestamp format: hh needs A (AM/PM), and A hh');
  return { re: new RegExp(`^${re}$`), order };
}

/**
 * A parser from a source time to ISO 8601 UTC (`…Z`). With no format (or `iso`), a time with a zone passes as it is
 * and a zone-less ISO time is read in `tz`. A value that does not match is returned unchanged, for the validator to
 * refuse with its own code.
 */
export function timeParser(format: string | undefined, tz: string): (text: string) => string {
  const toUtc = localToUtc(tz);
  if (format === undefined || format === 'iso') {
    const re = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
    return (text) => {
      const m = re.exec(text);
      if (!m) return text;
      const ms = toUtc(
        +(m[1] as string),
        +(m[2] as string),
        +(m[3] as string),
        +(m[4] as string),
        +(m[5] as string),
        +(m[6] ?? 0),
        fraction(m[7]),
      );
      return Number.isNaN(ms) ? text : isoUtc(ms);
    };
  }
  const { re, order } = compileFormat(format);
  return (text) => {
    const m = re.exec(text);
    if (!m) return text;
    const v: Record<string, string> = {};
    order.forEach((t, k) => {
      v[t] = m[k + 1] as string;
    });
    let hour = Number(v.HH ?? v.hh ?? 0);
    if (v.A !== undefined) {
      if (hour < 1 || hour > 12) return text;
      hour = (hour % 12) + (v.A.toUpperCase() === 'PM' ? 12 : 0);
    }
    const ms = toUtc(
      Number(v.YYYY),
      Number(v.MM),
      Number(v.DD),
      hour,
      Number(v.mm ?? 0),
      Number(v.ss ?? 0),
      fraction(v.SSS),
    );
    return Number.isNaN(ms) ? text : isoUtc(ms);
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Epoch ms → `YYYY-MM-DDThh:mm:ss.sssZ`, as Date#toISOString writes it for years 0–9999, several times faster. */
export function isoUtc(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  // civil_from_days (H. Hinnant).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(rest - s * 1000, 3)}Z`;
}

const fraction = (digits: string | undefined): number => (digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0);

/**
 * Local wall time in an IANA zone → epoch ms, with Intl only. In the repeated hour when clocks go back, the earlier
 * instant is taken; a time in the gap when clocks go forward is read with the offset before the change (so it lands
 * after the gap). Out-of-range fields give NaN. Offsets are cached per local hour.
 */
export function localToUtc(
  tz: string,
): (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (utc: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(utc)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - (utc - (((utc % 1000) + 1000) % 1000));
  };
  const cache = new Map<number, number>();
  return (y, mo, d, h, mi, s, ms) => {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return Number.NaN;
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    if (new Date(wall).getUTCDate() !== d) return Number.NaN;
    const hourKey = Math.floor(wall / 3_600_000);
    const cached = cache.get(hourKey);
    if (cached !== undefined) return wall - cached;
    // Try the offsets in force a day either side: the first one that reproduces the wall time is the earlier instant.
    const candidates = [offsetAt(wall - 86_400_000), offsetAt(wall + 86_400_000)];
    let result = Number.NaN;
    for (const off of candidates) {
      if (offsetAt(wall - off) === off) {
        result = wall - off;
        break;
      }
    }
    const offset = Number.isNaN(result) ? (candidates[0] as number) : wall - result;
    if (cache.size > 100_000) cache.clear();
    cache.set(hourKey, offset);
    return wall - offset;
  };
}
