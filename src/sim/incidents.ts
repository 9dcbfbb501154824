import type { Sensor, ThresholdRule } from '../city/city.ts';
import type { SensorId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';

/**
 * A disturbance of one metric at one or more sensors: a PM2.5 episode, a river rising, a loud night, a bin left to
 * overflow. The value ramps to `target` (beyond a rule's threshold), holds there, then ramps back to normal.
 */
export interface Incident {
  readonly rule: ThresholdRule;
  readonly sensors: readonly SensorId[];
  readonly start: number;
  readonly rampMs: number;
  readonly holdMs: number;
  readonly target: number;
  /** How far the value may wobble around the target without crossing back over the threshold. */
  readonly wobble: number;
}

export const incidentEnd = (i: Incident): number => i.start + 2 * i.rampMs + i.holdMs;

/** 0 before and after the incident, 1 while it holds, linear in between. */
export function envelope(i: Incident, ts: number): number {
  const t = ts - i.start;
  if (t <= 0 || ts >= incidentEnd(i)) return 0;
  if (t < i.rampMs) return t / i.rampMs;
  if (t <= i.rampMs + i.holdMs) return 1;
  return (incidentEnd(i) - ts) / i.rampMs;
}

/** The value an incident aims for: 8–30% beyond the threshold, on the firing side, within the physical range. */
export function incidentTarget(rule: ThresholdRule, range: { min: number; max: number }, u: number): number {
  const above = rule.op === '>' || rule.op === '>=';
  const margin = Math.max(Math.abs(rule.value) * (0.08 + 0.22 * u), (range.max - range.min) * 0.01);
  const target = above ? rule.value + margin : rule.value - margin;
  return Math.min(range.max, Math.max(range.min, target));
}

/**
 * Plans an incident for a rule at a sensor, lasting long enough for the rule to fire: the hold alone exceeds the
 * rule's `for` duration by `extraMs`. A flood rises at the chosen gauge and its nearest neighbours on the river.
 */
export function planIncident(
  rule: ThresholdRule,
  sensor: Sensor,
  peers: readonly Sensor[],
  start: number,
  extraMs: number,
  random: () => number,
): Incident {
  const metric = sensor.metrics.find((m) => m.name === rule.metric) ?? { min: -Infinity, max: Infinity };
  const target = incidentTarget(rule, metric, random());
  const spread = rule.metric === 'waterLevel' ? nearest(sensor, peers, 2, 3) : [];
  return {
    rule,
    sensors: [sensor.id, ...spread.map((s) => s.id)],
    start,
    rampMs: Math.round((4 + 8 * random()) * MINUTE),
    holdMs: rule.forMs + extraMs,
    target,
    wobble: Math.abs(target - rule.value) * 0.3,
  };
}

/** Up to n other sensors within km of a sensor, nearest first (flat-earth distance; fine at city scale). */
function nearest(sensor: Sensor, peers: readonly Sensor[], n: number, km: number): Sensor[] {
  const kmPerLon = 111.32 * Math.cos((sensor.lat * Math.PI) / 180);
  const dist = (s: Sensor) => Math.hypot((s.lon - sensor.lon) * kmPerLon, (s.lat - sensor.lat) * 110.574);
  return peers
    .filter((s) => s.id !== sensor.id && dist(s) <= km)
    .sort((a, b) => dist(a) - dist(b))
    .slice(0, n);
}
