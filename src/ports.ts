import type { AuditLog } from './access/audit-types.ts';
import type { AccessStore } from './access/ports.ts';
import type { ContactStore } from './access/vault.ts';
import type { CaseStore } from './cases/ports.ts';
import type { QuarantineStore, ReadingStore, ReportStore } from './ingest/ports.ts';
import type { AlertStore } from './watch/ports.ts';

/** Every store port, as one adapter (SQLite now, PostgreSQL later) provides them. */
export interface Stores {
  readonly readings: ReadingStore;
  readonly reports: ReportStore;
  readonly quarantine: QuarantineStore;
  readonly alerts: AlertStore;
  readonly cases: CaseStore;
  readonly access: AccessStore;
  readonly audit: AuditLog;
  readonly contacts: ContactStore;
  close(): Promise<void>;
}
