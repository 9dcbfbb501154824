import type { CountRule, ThresholdRule } from '../city/city.ts';

/** Display names of common FIWARE metric names; others are shown as they are written. */
const METRIC_LABELS: Readonly<Record<string, string>> = {
  pm25: 'PM2.5',
  pm10: 'PM10',
  pm1: 'PM1',
  no2: 'NO2',
  o3: 'O3',
  so2: 'SO2',
  co: 'CO',
  co2: 'CO2',
  waterLevel: 'Water level',
  intensity: 'Traffic intensity',
  LAeq: 'Noise (LAeq)',
  fillingLevel: 'Filling level',
  temperature: 'Temperature',
};

const OP_WORDS: Readonly<Record<ThresholdRule['op'], string>> = {
  '>': 'above',
  '>=': 'at or above',
  '<': 'below',
  '<=': 'at or below',
};

/** For titles (config uses city/durations.ts): a duration in the largest whole unit that fits: `45 s`, `30 min`, `2 h`, `90 min`, `3 d`. */
export function displayDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 86_400 === 0 && s > 0) return `${s / 86_400} d`;
  if (s % 3600 === 0 && s > 0) return `${s / 3600} h`;
  if (s % 60 === 0 && s > 0) return `${s / 60} min`;
  return `${s} s`;
}

/** "PM2.5 above 75 µg/m³ for 30 min". The unit is the sensor kind's; an empty unit is left out. */
export function thresholdTitle(rule: ThresholdRule, unit: string | undefined): string {
  const label = METRIC_LABELS[rule.metric] ?? rule.metric;
  const value = unit ? `${rule.value} ${unit}` : String(rule.value);
  const span = rule.forMs > 0 ? ` for ${displayDuration(rule.forMs)}` : '';
  return `${label} ${OP_WORDS[rule.op]} ${value}${span}`;
}

/** "3 or more Pothole reports within 1 h". */
export function countTitle(rule: CountRule, categoryName: string | undefined): string {
  return `${rule.atLeast} or more ${categoryName ?? rule.category} reports within ${displayDuration(rule.withinMs)}`;
}
