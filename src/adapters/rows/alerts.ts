import type { AlertId, AreaId, CaseId, CellId, RuleId, SensorId, ServiceCode } from '../../shared/brand.ts';
import type { Alert, AlertEvidence } from '../../watch/types.ts';

/** An alerts row, the same in both databases (evidence is JSON text). */
export interface AlertRow {
  id: string;
  rule: string;
  rule_kind: Alert['ruleKind'];
  title: string;
  severity: Alert['severity'];
  state: Alert['state'];
  cell: string;
  area: string;
  sensor: string | null;
  metric: string | null;
  category: string | null;
  raised_at: number;
  cleared_at: number | null;
  evidence: string;
  case_id: string | null;
}

/** The alert a row holds. */
export const alertFromRow = (r: AlertRow): Alert => ({
  id: r.id as AlertId,
  rule: r.rule as RuleId,
  ruleKind: r.rule_kind,
  title: r.title,
  severity: r.severity,
  state: r.state,
  cell: r.cell as CellId,
  area: r.area as AreaId,
  sensor: (r.sensor ?? undefined) as SensorId | undefined,
  metric: r.metric ?? undefined,
  category: (r.category ?? undefined) as ServiceCode | undefined,
  raisedAt: r.raised_at,
  clearedAt: r.cleared_at ?? undefined,
  evidence: JSON.parse(r.evidence) as AlertEvidence,
  caseId: (r.case_id ?? undefined) as CaseId | undefined,
});

/** An alert as the row its stores keep (the inverse of alertFromRow). */
export const alertToRow = (a: Alert): AlertRow => ({
  id: a.id,
  rule: a.rule,
  rule_kind: a.ruleKind,
  title: a.title,
  severity: a.severity,
  state: a.state,
  cell: a.cell,
  area: a.area,
  sensor: a.sensor ?? null,
  metric: a.metric ?? null,
  category: a.category ?? null,
  raised_at: a.raisedAt,
  cleared_at: a.clearedAt ?? null,
  // Kept as JSON text: what reads back is a fresh copy that nobody else holds.
  evidence: JSON.stringify(a.evidence),
  case_id: a.caseId ?? null,
});
