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

/** Names tracked at most by phantomLockout; beyond it the oldest is forgotten, so probing cannot grow memory. */
export const PHANTOM_NAMES = 10_000;

/**
 * Lockout state for user names that have no account, kept in memory, so that a name without an account locks after
 * the same failures and for the same waits as one with an account. Otherwise AUTH_LOCKED would tell a prober which
 * names exist. Per process: with several servers, the rate limit is what bounds probing across them.
 */
export function phantomLockout(limit = PHANTOM_NAMES) {
  const names = new Map<string, { failures: number; lockedUntil: EpochMs | undefined }>();
  return {
    /** When the name unlocks, if it is locked at `now`. */
    lockedAt(name: string, now: EpochMs): EpochMs | undefined {
      const s = names.get(name);
      return s?.lockedUntil !== undefined && s.lockedUntil > now ? s.lockedUntil : undefined;
    },
    fail(name: string, now: EpochMs): void {
      const failures = (names.get(name)?.failures ?? 0) + 1;
      names.delete(name);
      names.set(name, { failures, lockedUntil: lockedUntil(failures, now) });
      if (names.size > limit) names.delete(names.keys().next().value as string);
    },
    get size(): number {
      return names.size;
    },
  };
}
