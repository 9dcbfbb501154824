import type { Case, CaseHistoryEntry } from '../cases/types.ts';
import { toIso } from '../shared/clock.ts';
import type { Alert } from '../watch/types.ts';

/** The API's JSON forms: epoch ms inside, ISO 8601 UTC at the edge (DESIGN.md §5). */
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : toIso(ms));

export function alertJson(a: Alert) {
  return {
    id: a.id,
    rule: a.rule,
    ruleKind: a.ruleKind,
    title: a.title,
    severity: a.severity,
    state: a.state,
    cell: a.cell,
    area: a.area,
    sensor: a.sensor,
    metric: a.metric,
    category: a.category,
    raisedAt: iso(a.raisedAt),
    clearedAt: iso(a.clearedAt),
    evidence: a.evidence,
    caseId: a.caseId,
  };
}

export function caseJson(c: Case) {
  return {
    id: c.id,
    state: c.state,
    category: c.category,
    priority: c.priority,
    title: c.title,
    description: c.description,
    cell: c.cell,
    areaPath: c.areaPath,
    team: c.team,
    source: c.source,
    alertId: c.alertId,
    reportId: c.reportId,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    dueStage: c.dueStage,
    dueAt: iso(c.dueAt),
    overdue: c.overdue,
    reworkCount: c.reworkCount,
  };
}

export function historyJson(h: CaseHistoryEntry) {
  return {
    seq: h.seq,
    at: iso(h.at),
    type: h.type,
    from: h.from,
    to: h.to,
    actor: h.actor,
    note: h.note,
    team: h.team,
  };
}
