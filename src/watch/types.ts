import type { Severity } from '../city/schema.ts';
import type { AlertId, AreaId, CaseId, CellId, EpochMs, RuleId, SensorId, ServiceCode } from '../shared/brand.ts';

export type AlertState = 'open' | 'acknowledged' | 'cleared';

/** What made a rule fire: the values seen, the threshold or count, and the window. */
export interface AlertEvidence {
  readonly window: { readonly from: EpochMs; readonly to: EpochMs };
  /** Threshold rules: the readings that held the condition (at most the last 20). */
  readonly values?: readonly { readonly ts: EpochMs; readonly value: number }[];
  readonly threshold?: number;
  readonly op?: string;
  /** Count rules: how many reports were counted, and the bar. */
  readonly count?: number;
  readonly atLeast?: number;
  /** Threshold rules in a priority zone: the zone that tightened the threshold, its factor and the rule's own value. */
  readonly zone?: ZoneEvidence;
  /** When cleared: the value or count that cleared it. */
  readonly clearedBy?: { readonly ts: EpochMs; readonly value: number };
}

/** Which zone tightened a threshold: `threshold` in the evidence is `ruleValue × factor`. */
export interface ZoneEvidence {
  readonly id: string;
  readonly tag: string;
  readonly name: string;
  readonly factor: number;
  readonly ruleValue: number;
}

/** A rule firing for a cell, with its evidence. */
export interface Alert {
  readonly id: AlertId;
  readonly rule: RuleId;
  readonly ruleKind: 'threshold' | 'count';
  readonly title: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly cell: CellId;
  /** The leaf area of the cell. */
  readonly area: AreaId;
  readonly sensor: SensorId | undefined;
  readonly metric: string | undefined;
  readonly category: ServiceCode | undefined;
  readonly raisedAt: EpochMs;
  readonly clearedAt: EpochMs | undefined;
  readonly evidence: AlertEvidence;
  readonly caseId: CaseId | undefined;
}

export interface AlertFilter {
  state?: AlertState | undefined;
  cell?: CellId | undefined;
  /** Any area: matches alerts whose leaf area lies in its subtree (the caller expands it to leaf ids). */
  areas?: readonly AreaId[] | undefined;
  rule?: RuleId | undefined;
  severity?: Severity | undefined;
  limit: number;
  /** Newest first; page with the id of the last alert seen. */
  before?: AlertId | undefined;
}
