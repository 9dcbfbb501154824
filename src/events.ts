import type { Case, CaseHistoryEntry } from './cases/types.ts';
import type { IngestSummary, Report } from './ingest/types.ts';
import type { Reading } from './sensors/types.ts';
import type { EventBus } from './shared/bus.ts';
import type { Alert } from './watch/types.ts';

/** The events that capabilities exchange (DESIGN.md §2). Subscribers: watch, cases, the live page, later webhooks. */
export interface GridloopEvents extends Record<string, unknown> {
  /** Readings newly stored (duplicates and quarantined records are not in it). */
  ReadingsStored: { readonly readings: readonly Reading[]; readonly source: string };
  /** Reports newly stored. */
  ReportFiled: { readonly reports: readonly Report[]; readonly source: string };
  /** One ingest call finished: its counts. */
  IngestDone: { readonly summary: IngestSummary; readonly source: string; readonly kind: 'readings' | 'reports' };
  AlertRaised: { readonly alert: Alert };
  AlertCleared: { readonly alert: Alert };
  CaseChanged: { readonly case: Case; readonly entry: CaseHistoryEntry };
}

export type Bus = EventBus<GridloopEvents>;
