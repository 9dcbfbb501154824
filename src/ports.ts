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
  close(): Promise<void>;
}
