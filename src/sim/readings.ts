import type { City, Sensor, ThresholdRule } from '../city/city.ts';
import type { MetricDef } from '../city/schema.ts';
import type { ReadingInput } from '../sensors/types.ts';
import { MINUTE, toIso } from '../shared/clock.ts';
import { envelope, type Incident, incidentEnd, planIncident } from './incidents.ts';
import { localHour } from './local-time.ts';
import { gaussian } from './rng.ts';
import { signal, TRAIT_COUNT } from './signals.ts';

const NOISE_TAU_MS = 30 * MINUTE;
const REGIONAL_TAU_MS = 6 * 60 * MINUTE;

interface Drift {
  value: number;
  ts: number;
}

interface Series {
  readonly sensor: Sensor;
  readonly metric: MetricDef;
  readonly traits: number[];
  readonly quiet: number;
  /** 10^decimals: readings carry the precision of real devices (whole vehicles/h, 0.1 dBA, 1 mm). */
  readonly scale: number;
  readonly noise: Drift;
}

/** The sensors' side of the simulator: their readings at any instant, and the incidents that disturb them. */
export interface ReadingSource {
  /** One reading per sensor and metric at ts. Call with increasing ts: the noise is correlated in time. */
  at(ts: number): ReadingInput[];
  /**
   * Starts an incident for a rule at a sensor not already disturbed for its metric; undefined if none is free. The
   * start may depend on the incident's ramp time, to have it reach its hold by a given moment.
   */
  disturb(rule: ThresholdRule, start: number | ((rampMs: number) => number), extraMs: number): Incident | undefined;
  /** Incidents not over by `ts`. */
  running(ts: number): number;
}

/**
 * Readings of every sensor of a city: each series follows its metric's daily model (signals.ts) with its own slowly
 * varying noise and a city-wide one per metric (Ornstein–Uhlenbeck processes, so that consecutive readings are
 * correlated as real ones are), and moves towards an incident's target while one is under way.
 */
export function createReadingSource(city: City, random: () => number): ReadingSource {
  const hourOf = localHour(city.timezone);
  const thresholds = city.rules.filter((r): r is ThresholdRule => r.kind === 'threshold');
  const sensors = [...city.sensors.values()];
  const series: Series[] = sensors.flatMap((sensor) =>
    sensor.metrics.map((metric) => ({
      sensor,
      metric,
      traits: Array.from({ length: TRAIT_COUNT }, random),
      quiet: quietLevel(metric, thresholds),
      scale: precision(metric),
      noise: { value: 0, ts: Number.NaN },
    })),
  );
  const regional = new Map<string, Drift>();
  let incidents: Incident[] = [];

  /** One step of the process: correlated over tau, standard normal at rest, clipped to ±3. */
  const drift = (state: Drift, ts: number, tau: number): number => {
    if (state.ts === ts) return state.value;
    const phi = Number.isNaN(state.ts) ? 0 : Math.exp(-Math.max(0, ts - state.ts) / tau);
    state.value = Math.max(-3, Math.min(3, phi * state.value + Math.sqrt(1 - phi * phi) * gaussian(random)));
    state.ts = ts;
    return state.value;
  };

  return {
    at(ts) {
      incidents = incidents.filter((i) => incidentEnd(i) > ts - 60 * MINUTE);
      const hour = hourOf(ts);
      const active = new Map<string, Incident>();
      for (const i of incidents) {
        if (envelope(i, ts) > 0) for (const s of i.sensors) active.set(`${s}|${i.rule.metric}`, i);
      }
      return series.map((s) => {
        const region = regional.get(s.metric.name) ?? { value: 0, ts: Number.NaN };
        regional.set(s.metric.name, region);
        const input = { hour, ts, traits: s.traits, noise: drift(s.noise, ts, NOISE_TAU_MS) };
        let value = signal(s.metric, { ...input, regional: drift(region, ts, REGIONAL_TAU_MS) }, s.quiet);
        const incident = active.get(`${s.sensor.id}|${s.metric.name}`);
        if (incident) {
          const aim = incident.target + incident.wobble * (2 * random() - 1);
          value += (aim - value) * envelope(incident, ts);
        }
        value = Math.min(s.metric.max, Math.max(s.metric.min, Math.round(value * s.scale) / s.scale));
        return { sensor: s.sensor.id, metric: s.metric.name, value, ts: toIso(ts) };
      });
    },
    disturb(rule, start, extraMs) {
      const peers = sensors.filter((s) => s.metrics.some((m) => m.name === rule.metric));
      const taken = new Set(incidents.filter((i) => i.rule.metric === rule.metric).flatMap((i) => i.sensors));
      const free = peers.filter((s) => !taken.has(s.id));
      const sensor = free[Math.floor(random() * free.length)];
      if (!sensor) return undefined;
      const planned = planIncident(rule, sensor, peers, 0, extraMs, random);
      const incident = { ...planned, start: typeof start === 'number' ? start : start(planned.rampMs) };
      incidents.push(incident);
      return incident;
    },
    running: (ts) => incidents.filter((i) => incidentEnd(i) > ts).length,
  };
}

/** For metrics without a daily model: halfway between the range's floor and the nearest threshold, on its quiet side. */
function quietLevel(metric: MetricDef, rules: readonly ThresholdRule[]): number {
  const rule = rules.find((r) => r.metric === metric.name);
  if (!rule) return metric.min + 0.3 * (metric.max - metric.min);
  const above = rule.op === '>' || rule.op === '>=';
  return above
    ? (metric.min + Math.min(rule.clearAt, rule.value)) / 2
    : (Math.max(rule.clearAt, rule.value) + metric.max) / 2;
}

function precision(metric: MetricDef): number {
  const range = metric.max - metric.min;
  return range >= 5000 ? 1 : range > 10 ? 10 : 1000;
}
