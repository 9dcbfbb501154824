import type { AlertId, CaseId, EpochMs } from '../shared/brand.ts';
import type { Alert, AlertEvidence, AlertFilter } from './types.ts';

export interface AlertStore {
  insertAlert(alert: Alert): Promise<void>;
  clearAlert(id: AlertId, at: EpochMs, evidence: AlertEvidence): Promise<void>;
  linkCase(id: AlertId, caseId: CaseId): Promise<void>;
  getAlert(id: AlertId): Promise<Alert | undefined>;
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  /** Every alert not cleared, to rebuild the watcher's state at start-up. */
  openAlerts(): Promise<Alert[]>;
}
