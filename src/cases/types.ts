import type { Priority, Stage } from '../city/schema.ts';
import type { AlertId, AreaId, CaseId, CellId, EpochMs, ReportId, ServiceCode, TeamId } from '../shared/brand.ts';

export const CASE_STATES = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'rejected',
  'merged',
  'rework',
  'reopened',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_EVENTS = [
  'register',
  'dispatch',
  'start',
  'resolve',
  'verify',
  'fail_verification',
  'close',
  'reject',
  'merge',
  'reopen',
] as const;
export type CaseEventType = (typeof CASE_EVENTS)[number];

/** The unit of work. Every change is an entry in its history. */
export interface Case {
  readonly id: CaseId;
  readonly state: CaseState;
  readonly category: ServiceCode;
  readonly priority: Priority;
  readonly title: string;
  readonly description: string | undefined;
  readonly cell: CellId;
  /** Root to leaf, e.g. [city, district, community]. */
  readonly areaPath: readonly AreaId[];
  readonly team: TeamId | undefined;
  readonly source: 'alert' | 'report';
  readonly alertId: AlertId | undefined;
  readonly reportId: ReportId | undefined;
  readonly createdAt: EpochMs;
  readonly updatedAt: EpochMs;
  /** The stage now running and when it is due; undefined in terminal states. */
  readonly dueStage: Stage | undefined;
  readonly dueAt: EpochMs | undefined;
  readonly overdue: boolean;
  /** Times verification failed (rework). */
  readonly reworkCount: number;
  /** Optimistic concurrency: bumped on every change. */
  readonly version: number;
}

export interface CaseHistoryEntry {
  readonly seq: number;
  readonly at: EpochMs;
  /** A workflow event, or `opened` for the first entry, or `overdue` when a deadline passes. */
  readonly type: CaseEventType | 'opened' | 'overdue';
  readonly from: CaseState | undefined;
  readonly to: CaseState;
  /** `system`, `sim`, or a staff user's id. */
  readonly actor: string;
  readonly note: string | undefined;
  readonly team: TeamId | undefined;
}

export interface CaseFilter {
  states?: readonly CaseState[] | undefined;
  /** Cases whose area path contains this area. */
  area?: AreaId | undefined;
  cell?: CellId | undefined;
  team?: TeamId | undefined;
  category?: ServiceCode | undefined;
  overdue?: boolean | undefined;
  /** The case(s) opened for this citizen report. */
  reportId?: ReportId | undefined;
  limit: number;
  /** Newest first; page with the id of the last case seen. */
  before?: CaseId | undefined;
}
