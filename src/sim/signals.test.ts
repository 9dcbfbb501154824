import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { MetricDef, ThresholdRuleDef } from '../city/schema.ts';
import { DEMO_RULES, DEMO_SENSOR_KINDS } from './demo-catalogue.ts';
import { hasModel, signal, TRAIT_COUNT } from './signals.ts';

const metrics: MetricDef[] = DEMO_SENSOR_KINDS.flatMap((k) => k.metrics);
const rules = DEMO_RULES.filter((r): r is ThresholdRuleDef => r.kind === 'threshold');

/** Whether a value is on the quiet side of a rule's threshold with a margin of 5% of it: far from firing. */
const quiet = (rule: ThresholdRuleDef, v: number) => {
  const margin = 0.05 * Math.abs(rule.value);
  return rule.op === '>' || rule.op === '>=' ? v < rule.value - margin : v > rule.value + margin;
};

describe('signals', () => {
  test('every demo metric has a daily model', () => {
    for (const m of metrics) assert.ok(hasModel(m.name), m.name);
    assert.equal(hasModel('radon'), false);
  });

  test('undisturbed values stay in range and clear of the threshold of every demo rule', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...metrics),
        fc.double({ min: 0, max: 24, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: TRAIT_COUNT,
          maxLength: TRAIT_COUNT,
        }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (metric, hour, ts, traits, noise, regional) => {
          const v = signal(metric, { hour, ts, traits, noise, regional }, 0);
          assert.ok(v >= metric.min && v <= metric.max, `${metric.name}=${v}`);
          for (const rule of rules.filter((r) => r.metric === metric.name))
            assert.ok(quiet(rule, v), `${rule.id}: ${v}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('daily cycles: rush hour traffic and daytime noise exceed the night', () => {
    const at = (name: string, hour: number) =>
      signal(
        metrics.find((m) => m.name === name) as MetricDef,
        { hour, ts: 0, traits: [0.5, 0.5], noise: 0, regional: 0 },
        0,
      );
    assert.ok(at('intensity', 8) > 4 * at('intensity', 3));
    assert.ok(at('intensity', 17.5) > 4 * at('intensity', 3));
    assert.ok(at('LAeq', 14) > at('LAeq', 3) + 5);
    assert.ok(at('pm25', 2) > at('pm25', 14));
    assert.ok(at('fillingLevel', 7.9) > at('fillingLevel', 8.1), 'the bin round empties bins');
  });

  test('unknown metrics sit at the quiet level, clamped to their range', () => {
    const radon: MetricDef = { name: 'radon', unit: 'Bq/m3', min: 0, max: 100 };
    assert.equal(signal(radon, { hour: 1, ts: 0, traits: [0, 0], noise: 0, regional: 0 }, 30), 30);
    assert.equal(signal(radon, { hour: 1, ts: 0, traits: [0, 0], noise: 0, regional: 0 }, 500), 100);
  });
});
