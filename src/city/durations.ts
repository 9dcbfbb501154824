import { DAY, HOUR, MINUTE } from '../shared/clock.ts';

const UNIT_MS = { s: 1000, m: MINUTE, h: HOUR, d: DAY } as const;
const PATTERN = /^([0-9]+(?:\.[0-9]+)?)(s|m|h|d)$/;

/**
 * A duration of the city definition in milliseconds: `30s`, `15m`, `4h`, `3d`, or a bare number of minutes (the unit
 * operators think in for deadlines and rule windows). Undefined when the text is not a duration or is negative.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * MINUTE) : undefined;
  }
  const m = PATTERN.exec(value.trim());
  if (!m) return undefined;
  const unit = m[2] as keyof typeof UNIT_MS;
  return Math.round(Number(m[1]) * UNIT_MS[unit]);
}

/** The shortest exact text form of a duration in milliseconds (`90m` rather than `1.5h`), for writing definitions. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}
