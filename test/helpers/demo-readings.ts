import type { ThresholdRule } from '../../src/city/city.ts';
import type { Runtime } from '../../src/runtime.ts';

/** A threshold rule of the demo city that opens a case, and a sensor that measures its metric. */
export function pickThresholdRule(rt: Runtime) {
  const rule = rt.city.rules.find(
    (r): r is ThresholdRule => r.kind === 'threshold' && r.openCase !== undefined && (r.op === '>' || r.op === '>='),
  );
  if (!rule) throw new Error('the demo city has no threshold rule that opens a case');
  const sensor = [...rt.city.sensors.values()].find((s) => s.metrics.some((m) => m.name === rule.metric));
  if (!sensor) throw new Error(`no sensor measures ${rule.metric}`);
  const metric = sensor.metrics.find((m) => m.name === rule.metric)!;
  return { rule, sensor, metric };
}

/**
 * NDJSON readings that hold the rule's condition for its whole duration plus ten minutes, one every five minutes,
 * ending a minute before `now`.
 */
export function readingsOverThreshold(rt: Runtime, now: number): { ndjson: string; count: number; sensor: string } {
  const { rule, sensor, metric } = pickThresholdRule(rt);
  const value = Math.min(metric.max, rule.value + Math.max(1, Math.abs(rule.value) * 0.2));
  const lines: string[] = [];
  const end = now - 60_000;
  for (let t = end - rule.forMs - 10 * 60_000; t <= end; t += 5 * 60_000) {
    lines.push(JSON.stringify({ sensor: sensor.id, metric: rule.metric, value, ts: new Date(t).toISOString() }));
  }
  return { ndjson: `${lines.join('\n')}\n`, count: lines.length, sensor: sensor.id };
}
