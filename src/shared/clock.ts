import type { EpochMs } from './brand.ts';

/** The time now, in epoch milliseconds. Injected so that tests and the simulator can control it. */
export type Clock = () => EpochMs;

export const systemClock: Clock = () => Date.now();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO 8601 in UTC, the form every edge of gridloop writes. */
export const toIso = (ms: EpochMs): string => new Date(ms).toISOString();
