import { DomainError } from '../shared/errors.ts';
import { err, type Result } from '../shared/result.ts';

/**
 * The INGEST_OUTSIDE_CITY result of a point assignment: one shared, frozen value. It is an expected outcome on a hot
 * path (an import may hold many points beyond the city), and building an error per point, with its stack trace, cost
 * more than the assignment itself. Callers that report the point say which point it was.
 */
const OUTSIDE: Result<never> = Object.freeze(
  err(new DomainError('INGEST_OUTSIDE_CITY', 'The point lies outside every cell of the city.')),
);

export const outsideCity = (_lon: number, _lat: number): Result<never> => OUTSIDE;
