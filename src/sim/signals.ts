import type { MetricDef } from '../city/schema.ts';

/** What a series' value depends on at one moment. `noise` and `regional` are standard-normal-ish, clipped to ±3. */
export interface SignalInput {
  /** Local time of day in hours, [0, 24). */
  readonly hour: number;
  readonly ts: number;
  /** Per-series constants drawn once (capacity, phase, fill rate …), each uniform in [0, 1). */
  readonly traits: readonly number[];
  /** This series' own slowly varying deviation. */
  readonly noise: number;
  /** A city-wide slowly varying deviation of this metric (weather, the river upstream). */
  readonly regional: number;
}

/** Bell curve over the time of day, wrapping at midnight. */
const bell = (hour: number, at: number, width: number) => {
  const d = Math.min(Math.abs(hour - at), 24 - Math.abs(hour - at));
  return Math.exp(-(d * d) / (2 * width * width));
};
/** 0 at night, 1 by day, with soft edges at 06:30 and 21:30. */
const daytime = (hour: number) => 1 / (1 + Math.exp(-(hour - 6.5) * 1.5)) / (1 + Math.exp((hour - 21.5) * 1.2));
const between = (u: number | undefined, lo: number, hi: number) => lo + (u ?? 0.5) * (hi - lo);

type Model = (s: SignalInput) => number;

/**
 * Daily cycles of the demo's metrics, each staying well clear of the demo rules' thresholds on its own, so that
 * alerts come from incidents rather than from noise. Shapes follow the usual diurnal patterns of urban sensors:
 * traffic with morning and evening rush hours, noise loud by day, PM2.5 high at night (inversions) and at rush
 * hours, NO2 tracking traffic, bins filling through the day until the round empties them, rivers drifting slowly.
 */
const MODELS: Record<string, Model> = {
  intensity: ({ hour, traits, noise }) => {
    const capacity = between(traits[0], 400, 1300);
    const profile = 0.06 + 0.5 * daytime(hour) + 0.45 * bell(hour, 8, 1.1) + 0.4 * bell(hour, 17.5, 1.4);
    return capacity * profile * (1 + 0.05 * noise);
  },
  LAeq: ({ hour, traits, noise }) =>
    between(traits[0], 48, 60) + 9 * daytime(hour) + 2 * (bell(hour, 8, 1.2) + bell(hour, 17.5, 1.5)) + 1.2 * noise,
  pm25: ({ hour, traits, noise, regional }) => {
    const night = 1 - daytime(hour);
    const factor = 1 + 0.5 * night + 0.35 * (bell(hour, 8, 1.3) + bell(hour, 18, 1.5));
    return between(traits[0], 8, 17) * factor * (1 + 0.08 * regional) * (1 + 0.06 * noise);
  },
  no2: ({ hour, traits, noise, regional }) => {
    const factor = 0.6 + 0.8 * (bell(hour, 8, 1.2) + bell(hour, 18, 1.5)) + 0.3 * daytime(hour);
    return between(traits[0], 15, 38) * factor * (1 + 0.06 * regional) * (1 + 0.06 * noise);
  },
  waterLevel: ({ ts, traits, noise, regional }) => {
    const slow = 0.12 * Math.sin((2 * Math.PI * ts) / (36 * 3_600_000) + between(traits[1], 0, 2 * Math.PI));
    return between(traits[0], 0.8, 1.4) + slow + 0.05 * regional + 0.004 * noise;
  },
  fillingLevel: ({ hour, traits, noise }) => {
    const emptiedAt = between(traits[1], 5, 11);
    const hoursSince = (hour - emptiedAt + 24) % 24;
    return 0.02 + between(traits[0], 0.018, 0.031) * hoursSince + 0.008 * noise;
  },
};

/** How many per-series traits the models use. */
export const TRAIT_COUNT = 2;

/**
 * The undisturbed value of a metric, clamped to its physical range. Metrics the demo does not know get a flat level
 * on the quiet side of any threshold (`quiet`), so that the simulator also runs on other cities' definitions.
 */
export function signal(metric: MetricDef, input: SignalInput, quiet: number): number {
  const model = MODELS[metric.name];
  const raw = model ? model(input) : quiet + 0.02 * (metric.max - metric.min) * input.noise;
  return Math.min(metric.max, Math.max(metric.min, raw));
}

/** Whether the demo has a realistic daily model for a metric (others get a flat quiet level). */
export const hasModel = (metric: string): boolean => metric in MODELS;
