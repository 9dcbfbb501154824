import type { DomainError } from './errors.ts';

/** An expected outcome: either a value or a coded error. Thrown exceptions are for bugs only. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
