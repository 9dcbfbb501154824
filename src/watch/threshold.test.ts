import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ThresholdRule } from '../city/city.ts';
import type { Reading } from '../sensors/types.ts';
import type { CellId, RuleId, SensorId, ServiceCode } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import {
  createThresholdState,
  EVIDENCE_VALUES,
  evaluateThreshold,
  indexThresholdRules,
  restoreRaised,
} from './threshold.ts';

const T0 = 1_700_000_000_000;
const CELL = '891f1d48933ffff' as CellId;

const rule = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({
  id: 'pm25-high' as RuleId,
  kind: 'threshold',
  name: 'PM2.5 high',
  metric: 'pm25',
  op: '>',
  value: 75,
  forMs: 30 * MINUTE,
  clearAt: 50,
  severity: 'warning',
  openCase: { category: 'air' as ServiceCode },
  ...over,
});

const r = (min: number, value: number, sensor = 'aq-1', metric = 'pm25'): Reading => ({
  sensor: sensor as SensorId,
  metric,
  ts: T0 + min * MINUTE,
  value,
  cell: CELL,
});

function run(rules: ThresholdRule[], ...batches: Reading[][]) {
  const state = createThresholdState();
  const byMetric = indexThresholdRules(rules);
  return { state, out: batches.map((b) => evaluateThreshold(state, byMetric, b)) };
}

describe('evaluateThreshold', () => {
  test('a condition held for less than forMs raises nothing', () => {
    const { out } = run([rule()], [r(0, 80), r(10, 90), r(20, 85), r(29, 99)]);
    assert.deepEqual(out[0], { raise: [], clear: [] });
  });

  test('held for forMs raises exactly one alert with its evidence, however long it goes on', () => {
    const { out } = run([rule()], [r(0, 80), r(10, 90)], [r(20, 85), r(30, 76), r(31, 200)], [r(60, 300)]);
    assert.equal(out[0]?.raise.length, 0);
    assert.equal(out[1]?.raise.length, 1);
    assert.equal(out[2]?.raise.length, 0);
    const raised = out[1]?.raise[0];
    assert.equal(raised?.at, T0 + 30 * MINUTE);
    assert.equal(raised?.sensor, 'aq-1');
    assert.equal(raised?.cell, CELL);
    assert.deepEqual(raised?.evidence, {
      window: { from: T0, to: T0 + 30 * MINUTE },
      values: [r(0, 80), r(10, 90), r(20, 85), r(30, 76)].map(({ ts, value }) => ({ ts, value })),
      threshold: 75,
      op: '>',
    });
  });

  test('a break in the condition restarts the clock', () => {
    const { out } = run([rule()], [r(0, 80), r(20, 80), r(25, 70), r(30, 80), r(55, 80), r(60, 80)]);
    assert.deepEqual(
      out[0]?.raise.map((x) => x.evidence.window),
      [{ from: T0 + 30 * MINUTE, to: T0 + 60 * MINUTE }],
    );
  });

  test('clears only at or past clearAt (hysteresis), then must hold forMs again', () => {
    const { out } = run(
      [rule()],
      [r(0, 80), r(30, 80)],
      [r(35, 74), r(40, 50.1), r(45, 60)],
      [r(50, 50)],
      [r(55, 90), r(70, 90), r(85, 90)],
    );
    assert.equal(out[0]?.raise.length, 1);
    assert.deepEqual(out[1], { raise: [], clear: [] });
    assert.deepEqual(
      out[2]?.clear.map((c) => [c.at, c.clearedBy]),
      [[T0 + 50 * MINUTE, { ts: T0 + 50 * MINUTE, value: 50 }]],
    );
    assert.equal(out[3]?.raise.length, 1);
    assert.equal(out[3]?.raise[0]?.at, T0 + 85 * MINUTE);
  });

  test('readings older than the last seen for the sensor and metric are ignored', () => {
    const { out } = run([rule()], [r(0, 80), r(30, 80)], [r(10, 1), r(30, 1)], [r(31, 80)]);
    assert.equal(out[0]?.raise.length, 1);
    assert.deepEqual(out[1], { raise: [], clear: [] });
    // An out-of-order low value does not reset a run that is still building, either.
    const again = run([rule()], [r(0, 80), r(20, 80), r(10, 1), r(30, 80)]);
    assert.equal(again.out[0]?.raise.length, 1);
  });

  test('series are per sensor, and metrics without rules are skipped', () => {
    const { state, out } = run(
      [rule()],
      [r(0, 80, 'aq-1'), r(0, 80, 'aq-2'), r(30, 80, 'aq-1'), r(30, 10, 'aq-2'), r(0, 999, 'aq-1', 'no2')],
    );
    assert.deepEqual(
      out[0]?.raise.map((x) => x.sensor),
      ['aq-1'],
    );
    assert.deepEqual([...(state.get(rule().id)?.keys() ?? [])], ['aq-1', 'aq-2']);
    assert.equal(state.size, 1);
  });

  test('forMs 0 raises on the first reading; < and <= rules clear upwards', () => {
    const low = rule({ id: 'level-low' as RuleId, op: '<', value: 10, clearAt: 12, forMs: 0 });
    const { out } = run([low], [r(0, 9), r(1, 11), r(2, 12)]);
    assert.equal(out[0]?.raise.length, 1);
    assert.deepEqual(
      out[0]?.clear.map((c) => c.clearedBy.value),
      [12],
    );
    const lowEq = rule({ op: '<=', value: 10, clearAt: 10, forMs: 0 });
    const eq = run([lowEq], [r(0, 10), r(1, 10), r(2, 10.01)]);
    assert.equal(eq.out[0]?.raise.length, 1);
    assert.equal(eq.out[0]?.clear.length, 1);
    const highEq = rule({ op: '>=', value: 75, clearAt: 75, forMs: 0 });
    const ge = run([highEq], [r(0, 75), r(1, 75), r(2, 74.9)]);
    assert.equal(ge.out[0]?.raise.length, 1);
    assert.equal(ge.out[0]?.clear.length, 1);
  });

  test('evidence keeps the last 20 values of a long run', () => {
    const long = rule({ forMs: 100 * MINUTE });
    const readings = Array.from({ length: 101 }, (_, i) => r(i, 100 + i));
    const { out } = run([long], readings);
    const values = out[0]?.raise[0]?.evidence.values ?? [];
    assert.equal(values.length, EVIDENCE_VALUES);
    assert.equal(values.at(-1)?.value, 200);
    assert.equal(values[0]?.value, 181);
    assert.equal(out[0]?.raise[0]?.evidence.window.from, T0);
  });

  test('a restored raised series raises no duplicate but still clears', () => {
    const state = createThresholdState();
    restoreRaised(state, rule().id, 'aq-1' as SensorId, { from: T0, to: T0 + 30 * MINUTE });
    const byMetric = indexThresholdRules([rule()]);
    assert.deepEqual(evaluateThreshold(state, byMetric, [r(31, 90), r(90, 90)]), { raise: [], clear: [] });
    assert.equal(evaluateThreshold(state, byMetric, [r(91, 10)]).clear.length, 1);
  });

  test('property: per series, raises and clears alternate, starting with a raise, each raise after forMs held', () => {
    const value = fc.integer({ min: 0, max: 150 });
    const step = fc.integer({ min: 1, max: 20 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(step, value), { maxLength: 80 }),
        fc.integer({ min: 0, max: 60 }),
        (seq, forMin) => {
          const state = createThresholdState();
          const byMetric = indexThresholdRules([rule({ forMs: forMin * MINUTE })]);
          let t = 0;
          const events: string[] = [];
          for (const [dt, v] of seq) {
            t += dt;
            const out = evaluateThreshold(state, byMetric, [r(t, v)]);
            for (const c of out.clear) events.push(`c${c.at}`);
            for (const x of out.raise) {
              events.push('r');
              assert.ok(x.evidence.window.to - x.evidence.window.from >= forMin * MINUTE);
              assert.ok((x.evidence.values ?? []).every((p) => p.value > 75));
            }
          }
          events.forEach((e, i) => {
            assert.equal(e === 'r', i % 2 === 0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
