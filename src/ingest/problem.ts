import type { ErrorCode } from '../shared/errors.ts';

/**
 * Why one record was refused. Validators return it in place of the record's value (not wrapped in a Result) so that
 * the hot path allocates nothing but the value for a good record; test with `instanceof Problem`.
 */
export class Problem {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    /** JSON pointer of the offending field, e.g. `/ts`; undefined for the record as a whole. */
    readonly path: string | undefined,
  ) {}
}

/** A value quoted in a reason, cut short so that a huge input cannot bloat the quarantine table twice over. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The JSON pointer of a field name (RFC 6901 escapes). */
export function pointer(field: string): string {
  return `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The JSON type of a value, for reasons. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
