import type { Reading } from '../sensors/types.ts';
import type { CellId, EpochMs, ReportId, ServiceCode } from '../shared/brand.ts';
import type { QuarantineEntry, Report, StoredQuarantineEntry } from './types.ts';

/**
 * Writes one batch of readings and the batch's quarantined records in one transaction. Returns one flag per reading:
 * 1 if it was stored, 0 if a reading with the same (sensor, metric, ts) was already stored (a duplicate), including
 * earlier in the same batch. If any row fails (a non-finite value, say), it throws and writes nothing of the batch.
 */
export interface ReadingStore {
  writeReadings(readings: readonly Reading[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array>;
  countReadings(): Promise<number>;
  /** Readings of one sensor and metric in [from, to), oldest first. */
  readingsOf(sensor: string, metric: string, from: EpochMs, to: EpochMs): Promise<Reading[]>;
}

/** Reports, deduplicated on (source, externalId) when externalId is given. Flags as for readings. */
export interface ReportStore {
  writeReports(reports: readonly Report[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array>;
  getReport(id: ReportId): Promise<Report | undefined>;
  /** The id of the report stored under (source, externalId), to answer a duplicate with the original's id. */
  findReportId(source: string, externalId: string): Promise<ReportId | undefined>;
  /** Reports of a category in a cell with requestedAt in [from, to). */
  countReports(cell: CellId, serviceCode: ServiceCode, from: EpochMs, to: EpochMs): Promise<number>;
  /** Oldest first (ids sort by creation time); page with the id of the last report seen. */
  listReports(filter: { limit: number; after?: ReportId }): Promise<Report[]>;
}

export interface QuarantineStore {
  /** Oldest first. */
  listQuarantine(filter: { limit: number; offset: number }): Promise<StoredQuarantineEntry[]>;
  countQuarantine(): Promise<number>;
}
