import type { Case, CaseHistoryEntry } from '../../cases/types.ts';
import type { Stage } from '../../city/schema.ts';
import type { AlertId, AreaId, CaseId, CellId, ReportId, ServiceCode, TeamId } from '../../shared/brand.ts';

/** A cases row as SQLite and PostgreSQL return it; only `overdue` differs (0/1 against a boolean). */
export interface CaseRow {
  id: string;
  state: Case['state'];
  category: string;
  priority: Case['priority'];
  title: string;
  description: string | null;
  cell: string;
  area_path: string;
  team: string | null;
  source: Case['source'];
  alert_id: string | null;
  report_id: string | null;
  created_at: number;
  updated_at: number;
  due_stage: string | null;
  due_at: number | null;
  overdue: number | boolean;
  rework_count: number;
  version: number;
}

/** A case_history row, the same in both databases. */
export interface HistoryRow {
  seq: number;
  at: number;
  type: CaseHistoryEntry['type'];
  from_state: Case['state'] | null;
  to_state: Case['state'];
  actor: string;
  note: string | null;
  team: string | null;
}

/** '/root/district/leaf/': area ids never contain '/', and the outer slashes make '/id/' match whole ids only. */
export const pathText = (path: readonly AreaId[]): string => `/${path.join('/')}/`;

/** The case a row holds. */
export const caseFromRow = (r: CaseRow): Case => ({
  id: r.id as CaseId,
  state: r.state,
  category: r.category as ServiceCode,
  priority: r.priority,
  title: r.title,
  description: r.description ?? undefined,
  cell: r.cell as CellId,
  areaPath: r.area_path.split('/').filter((s) => s !== '') as AreaId[],
  team: (r.team ?? undefined) as TeamId | undefined,
  source: r.source,
  alertId: (r.alert_id ?? undefined) as AlertId | undefined,
  reportId: (r.report_id ?? undefined) as ReportId | undefined,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  dueStage: (r.due_stage ?? undefined) as Stage | undefined,
  dueAt: r.due_at ?? undefined,
  overdue: r.overdue === true || r.overdue === 1,
  reworkCount: r.rework_count,
  version: r.version,
});

/** The history entry a row holds. */
export const historyFromRow = (r: HistoryRow): CaseHistoryEntry => ({
  seq: r.seq,
  at: r.at,
  type: r.type,
  from: r.from_state ?? undefined,
  to: r.to_state,
  actor: r.actor,
  note: r.note ?? undefined,
  team: (r.team ?? undefined) as TeamId | undefined,
});

/** A case as the row its stores keep (the inverse of caseFromRow). */
export const caseToRow = (c: Case): CaseRow => ({
  id: c.id,
  state: c.state,
  category: c.category,
  priority: c.priority,
  title: c.title,
  description: c.description ?? null,
  cell: c.cell,
  area_path: pathText(c.areaPath),
  team: c.team ?? null,
  source: c.source,
  alert_id: c.alertId ?? null,
  report_id: c.reportId ?? null,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  due_stage: c.dueStage ?? null,
  due_at: c.dueAt ?? null,
  overdue: c.overdue ? 1 : 0,
  rework_count: c.reworkCount,
  version: c.version,
});

/** A history entry as the row its stores keep, without its sequence number (the inverse of historyFromRow). */
export const historyToRow = (e: Omit<CaseHistoryEntry, 'seq'>): Omit<HistoryRow, 'seq'> => ({
  at: e.at,
  type: e.type,
  from_state: e.from ?? null,
  to_state: e.to,
  actor: e.actor,
  note: e.note ?? null,
  team: e.team ?? null,
});
