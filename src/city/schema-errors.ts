import { type TSchema, TypeGuard } from '@sinclair/typebox';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Duration } from './schema.ts';

/** One schema violation, said plainly: the JSON pointer of the offending value and what is wrong with it. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

const MAX_PER_VARIANT = 50;

/**
 * Turns TypeBox's first error into the most specific one. A union (a rule, a geometry, a duration) only says that no
 * variant matched; the operator needs the field that is wrong inside the variant they meant, which is the one whose
 * discriminating literal (`kind: threshold`, `type: Polygon`) did match.
 */
export function explainError(error: ValueError): SchemaProblem {
  if (error.type !== ValueErrorType.Union) return { path: error.path, message: plain(error) };
  if (error.schema === Duration) {
    return { path: error.path, message: 'expected a duration such as 30s, 15m, 4h, 3d or a number of minutes' };
  }
  const variants = error.errors.map((it) => take(it, MAX_PER_VARIANT));
  const meant = variants.filter((errs) => errs.length > 0 && !errs.some((e) => e.type === ValueErrorType.Literal));
  if (meant.length === 1 && meant[0]?.[0]) return explainError(meant[0][0]);
  const literals = variants.flatMap((errs) => errs.filter((e) => e.type === ValueErrorType.Literal));
  const first = literals[0];
  if (first && literals.every((e) => e.path === first.path)) {
    const allowed = literals.map((e) => JSON.stringify(literalOf(e.schema))).join(', ');
    return { path: first.path, message: `expected one of ${allowed}, got ${JSON.stringify(first.value)}` };
  }
  return { path: error.path, message: 'matches none of the allowed forms' };
}

function take(it: Iterable<ValueError>, n: number): ValueError[] {
  const out: ValueError[] = [];
  for (const e of it) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

function literalOf(schema: TSchema): unknown {
  return TypeGuard.IsLiteral(schema) ? schema.const : undefined;
}

function plain(error: ValueError): string {
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required but missing';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field (unknown fields are rejected)';
    case ValueErrorType.StringPattern:
      return `${JSON.stringify(error.value)} does not match the pattern ${String(error.schema.pattern)}`;
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}, got ${JSON.stringify(error.value)}`;
  }
}
