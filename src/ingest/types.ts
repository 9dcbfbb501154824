import type { AreaId, CellId, EpochMs, ReportId, ServiceCode } from '../shared/brand.ts';
import type { ErrorCode } from '../shared/errors.ts';

/** A record that could not be stored, kept with its raw input and the reason, so that nothing is lost. */
export interface QuarantineEntry {
  /** Where it came from: `http`, `import:<file>`, `open311`, `sim` … */
  readonly source: string;
  readonly raw: string;
  readonly code: ErrorCode;
  readonly reason: string;
  /** JSON pointer-like path of the offending field, e.g. `/ts`. */
  readonly path: string | undefined;
  readonly receivedAt: EpochMs;
}

export interface StoredQuarantineEntry extends QuarantineEntry {
  readonly id: number;
}

/** What one ingest call did with the records it received. stored + quarantined + duplicate = received, always. */
export interface IngestSummary {
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
  /** The first (at most 100) per-record problems, with the record's 0-based index in the input. */
  errors: { index: number; code: ErrorCode; reason: string; path?: string }[];
}

/** A citizen's service request (Open311), pinned to its cell. Contact details are never part of it. */
export interface Report {
  readonly id: ReportId;
  /** `open311`, `import`, `sim` … together with externalId, the duplicate key. */
  readonly source: string;
  readonly externalId: string | undefined;
  readonly serviceCode: ServiceCode;
  readonly lon: number;
  readonly lat: number;
  readonly cell: CellId;
  /** The leaf area holding the cell. */
  readonly area: AreaId;
  readonly description: string | undefined;
  readonly address: string | undefined;
  readonly mediaUrl: string | undefined;
  readonly requestedAt: EpochMs;
  readonly receivedAt: EpochMs;
}
