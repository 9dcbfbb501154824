import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Sensor, ThresholdRule } from '../city/city.ts';
import type { RuleId, SensorId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import { envelope, incidentEnd, incidentTarget, planIncident } from './incidents.ts';
import { mulberry32 } from './rng.ts';

const rule = (op: ThresholdRule['op'], value: number, metric = 'pm25'): ThresholdRule => ({
  id: 'r' as RuleId,
  kind: 'threshold',
  name: 'r',
  metric,
  op,
  value,
  forMs: 30 * MINUTE,
  clearAt: value,
  severity: 'warning',
  openCase: undefined,
});

const gauge = (id: string, lon: number): Sensor => ({
  id: id as SensorId,
  kind: 'waterLevel',
  lon,
  lat: 50,
  metrics: [{ name: 'waterLevel', unit: 'm', min: 0, max: 10 }],
});

describe('incidents', () => {
  test('targets lie beyond the threshold on the firing side, within the range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ThresholdRule['op']>('>', '>=', '<', '<='),
        fc.double({ min: 1, max: 900, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (op, value, u) => {
          const target = incidentTarget(rule(op, value), { min: 0, max: 1000 }, u);
          assert.ok(target >= 0 && target <= 1000);
          if (op === '>') assert.ok(target > value);
          if (op === '>=') assert.ok(target >= value);
          if (op === '<') assert.ok(target < value);
          if (op === '<=') assert.ok(target <= value);
        },
      ),
    );
  });

  test('the hold outlasts the rule duration and the envelope ramps up, holds and ramps down', () => {
    const sensor = gauge('wl-1', 10);
    const i = planIncident(rule('>', 2.5, 'waterLevel'), sensor, [sensor], 1_000_000, 10 * MINUTE, mulberry32(1));
    assert.equal(i.holdMs, 40 * MINUTE);
    assert.ok(i.target > 2.5 && i.target - i.wobble > 2.5, 'wobbling never crosses back');
    assert.equal(envelope(i, i.start), 0);
    assert.equal(envelope(i, i.start + i.rampMs / 2), 0.5);
    assert.equal(envelope(i, i.start + i.rampMs + i.holdMs), 1);
    assert.equal(envelope(i, incidentEnd(i)), 0);
    assert.equal(envelope(i, incidentEnd(i) - i.rampMs / 4), 0.25);
  });

  test('a flood spreads to the nearest gauges within 3 km', () => {
    const gauges = [gauge('a', 10), gauge('b', 10.01), gauge('c', 10.02), gauge('d', 10.03), gauge('far', 10.5)];
    const i = planIncident(rule('>', 2.5, 'waterLevel'), gauges[1] as Sensor, gauges, 0, 0, mulberry32(2));
    assert.deepEqual([...i.sensors].sort(), ['a', 'b', 'c']);
  });
});
