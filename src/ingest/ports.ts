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
  /**
   * The rollups of one cell and metric whose bucket starts in [from, to), oldest first. Rollups are maintained in the
   * write's transaction from newly stored readings only (never duplicates), and outlive the raw readings.
   */
  rollups(cell: CellId, metric: string, from: EpochMs, to: EpochMs): Promise<Rollup[]>;
  /** Retention: deletes raw readings with ts < `ts` (rollups stay); returns how many were deleted. */
  deleteReadingsBefore(ts: EpochMs): Promise<number>;
}

/** The length of a rollup bucket: 5 minutes. Buckets start at multiples of it since the epoch (UTC). */
export const ROLLUP_BUCKET_MS = 300_000;

/** The start of the rollup bucket holding `ts`. */
export const bucketOf = (ts: EpochMs): EpochMs =>
  ts - (((ts % ROLLUP_BUCKET_MS) + ROLLUP_BUCKET_MS) % ROLLUP_BUCKET_MS);

/** Aggregates of the readings of one cell and metric in one bucket. */
export interface Rollup {
  /** The bucket's start, epoch ms. */
  readonly bucket: EpochMs;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
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
  /**
   * Entries with id > afterId (default 0), oldest first, at most `limit`; only those with the given code and/or among
   * the given ids when those are set (an empty `ids` matches nothing). For `gridloop quarantine list|show|replay`.
   */
  findQuarantine(filter: QuarantineFilter): Promise<StoredQuarantineEntry[]>;
  /** Deletes entries by id (a replay re-stored or re-quarantined them); returns how many existed and were deleted. */
  deleteQuarantine(ids: readonly number[]): Promise<number>;
}

export interface QuarantineFilter {
  readonly limit: number;
  readonly afterId?: number;
  readonly code?: string;
  readonly ids?: readonly number[];
}
