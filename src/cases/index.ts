/** Cases: the workflow table, dispatch, deadlines and the case service (DESIGN.md §3). */
export { type CoverageReport, type UncoveredArea, uncoveredCells, uncoveredReport } from './coverage.ts';
export {
  dueAt,
  isOverdue,
  NO_TIGHTENING,
  PRIORITY_FACTOR,
  raisePriority,
  stageAllowance,
  type ZoneTightening,
  zoneTightening,
} from './deadlines.ts';
export { findResponsible, type Responsible, responsibleTeam, teamExists } from './dispatch.ts';
export type { CaseStore } from './ports.ts';
export { type LocalTime, localTime, onDuty, rosterOnDuty } from './roster.ts';
export { type ApplyOptions, type CaseService, type CaseServiceDeps, createCaseService } from './service.ts';
export {
  CASE_EVENTS,
  CASE_STATES,
  type Case,
  type CaseEventType,
  type CaseFilter,
  type CaseHistoryEntry,
  type CaseState,
} from './types.ts';
export { eventsFrom, isCaseEvent, isTerminal, next, STAGE_DUE, TRANSITIONS } from './workflow.ts';
