import type { Rule, ThresholdRule } from '../city/city.ts';
import type { Reading } from '../sensors/types.ts';
import type { CellId, EpochMs, RuleId, SensorId } from '../shared/brand.ts';
import type { AlertEvidence, ZoneEvidence } from './types.ts';

/** The evidence keeps at most this many of the readings that held the condition (the latest ones). */
export const EVIDENCE_VALUES = 20;

/** What one (rule, sensor) series remembers between batches. The metric is the rule's, so it is implied. */
interface Series {
  /** Timestamp of the newest reading seen; older ones arrive out of order and are ignored. */
  lastTs: EpochMs;
  /** Since when the condition has held without a break (reading time); undefined when it does not hold. */
  since: EpochMs | undefined;
  /** The latest readings of the current run, oldest first, at most EVIDENCE_VALUES. */
  values: { ts: EpochMs; value: number }[];
  raised: boolean;
}

/** Per rule, per sensor: the state of every threshold series. Mutated in place by evaluateThreshold. */
export type ThresholdState = Map<RuleId, Map<SensorId, Series>>;

export interface ThresholdRaise {
  readonly rule: ThresholdRule;
  readonly sensor: SensorId;
  readonly cell: CellId;
  /** The reading time at which the condition had held for `forMs`. */
  readonly at: EpochMs;
  readonly evidence: AlertEvidence;
}

export interface ThresholdClear {
  readonly rule: ThresholdRule;
  readonly sensor: SensorId;
  readonly at: EpochMs;
  readonly clearedBy: { readonly ts: EpochMs; readonly value: number };
}

export const createThresholdState = (): ThresholdState => new Map();

/** The bounds a threshold rule applies in one cell, when a priority zone tightens them. */
export interface ThresholdLimit {
  readonly value: number;
  readonly clearAt: number;
  readonly zone: ZoneEvidence;
}

/** The tightened limit of a rule in a cell, or undefined where the rule's own value and clearAt hold. */
export type LimitsFor = (rule: ThresholdRule, cell: CellId) => ThresholdLimit | undefined;

/** Threshold rules grouped by metric, so a reading of a metric without rules costs one Map lookup. */
export function indexThresholdRules(rules: readonly Rule[]): Map<string, ThresholdRule[]> {
  const byMetric = new Map<string, ThresholdRule[]>();
  for (const r of rules) {
    if (r.kind !== 'threshold') continue;
    const list = byMetric.get(r.metric) ?? [];
    list.push(r);
    byMetric.set(r.metric, list);
  }
  return byMetric;
}

const holds = (op: ThresholdRule['op'], v: number, x: number): boolean =>
  op === '>' ? v > x : op === '>=' ? v >= x : op === '<' ? v < x : v <= x;

/**
 * Hysteresis: a raised alert clears only when a value is on the far side of `clearAt`, i.e. when the rule's condition
 * with `clearAt` in place of `value` no longer holds. With clearAt = value this is simply "the condition stopped".
 */
const clears = (rule: ThresholdRule, clearAt: number, v: number): boolean => !holds(rule.op, v, clearAt);

function seriesOf(state: ThresholdState, rule: RuleId): Map<SensorId, Series> {
  let bySensor = state.get(rule);
  if (!bySensor) {
    bySensor = new Map();
    state.set(rule, bySensor);
  }
  return bySensor;
}

/**
 * Marks a (rule, sensor) series as raised, as after a restart from the open alerts, so that the condition still holding
 * does not raise a duplicate. `window.to` becomes the newest reading seen.
 */
export function restoreRaised(state: ThresholdState, rule: RuleId, sensor: SensorId, window: AlertEvidence['window']) {
  seriesOf(state, rule).set(sensor, { lastTs: window.to, since: window.from, values: [], raised: true });
}

/**
 * Runs one batch of readings, in order, through the threshold rules of their metrics: "value op x for at least forMs"
 * in reading time. A series raises once when its condition has held for forMs, then stays raised until a reading clears
 * it (see `clears`). A reading not newer than the last one seen for its sensor and metric changes nothing: same-time
 * readings are duplicates by identity, older ones came late. `state` is updated in place; no I/O.
 * `limits` (from zoneThresholds) swaps in a priority zone's tightened value and clearAt for the reading's cell.
 */
export function evaluateThreshold(
  state: ThresholdState,
  rulesByMetric: ReadonlyMap<string, readonly ThresholdRule[]>,
  readings: readonly Reading[],
  limits?: LimitsFor,
): { raise: ThresholdRaise[]; clear: ThresholdClear[] } {
  const raise: ThresholdRaise[] = [];
  const clear: ThresholdClear[] = [];
  for (const r of readings) {
    const rules = rulesByMetric.get(r.metric);
    if (rules === undefined) continue;
    for (const rule of rules) {
      const bySensor = seriesOf(state, rule.id);
      let s = bySensor.get(r.sensor);
      if (s === undefined) {
        s = { lastTs: Number.NEGATIVE_INFINITY, since: undefined, values: [], raised: false };
        bySensor.set(r.sensor, s);
      } else if (r.ts <= s.lastTs) {
        continue;
      }
      s.lastTs = r.ts;
      const limit = limits?.(rule, r.cell);
      const value = limit?.value ?? rule.value;
      if (s.raised) {
        if (!clears(rule, limit?.clearAt ?? rule.clearAt, r.value)) continue;
        s.raised = false;
        s.since = undefined;
        s.values = [];
        clear.push({ rule, sensor: r.sensor, at: r.ts, clearedBy: { ts: r.ts, value: r.value } });
        // A misconfigured clearAt on the wrong side of value could leave the condition holding: fall through.
      }
      if (!holds(rule.op, r.value, value)) {
        s.since = undefined;
        if (s.values.length > 0) s.values = [];
        continue;
      }
      if (s.since === undefined) s.since = r.ts;
      s.values.push({ ts: r.ts, value: r.value });
      if (s.values.length > EVIDENCE_VALUES) s.values.shift();
      if (r.ts - s.since >= rule.forMs) {
        s.raised = true;
        raise.push({
          rule,
          sensor: r.sensor,
          cell: r.cell,
          at: r.ts,
          evidence: {
            window: { from: s.since, to: r.ts },
            values: s.values,
            threshold: value,
            op: rule.op,
            ...(limit && { zone: limit.zone }),
          },
        });
        s.values = [];
      }
    }
  }
  return { raise, clear };
}
