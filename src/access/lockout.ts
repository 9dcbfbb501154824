import type { EpochMs } from '../shared/brand.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';

/** Failed logins allowed before the account locks. */
export const FREE_ATTEMPTS = 5;

/**
 * When an account with `failures` consecutive failed logins unlocks: not locked for the first five, then locked for
 * 1, 2, 4 … minutes, doubling with each further failure, at most an hour (exponential backoff, OWASP ASVS 2.2.1).
 */
export function lockedUntil(failures: number, now: EpochMs): EpochMs | undefined {
  if (failures < FREE_ATTEMPTS) return undefined;
  return now + Math.min(HOUR, MINUTE * 2 ** (failures - FREE_ATTEMPTS));
}
