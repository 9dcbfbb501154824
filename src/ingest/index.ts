/** Ingest (DESIGN.md §2): parse → validate → pin to a cell → store in batches → emit; quarantine for the rest. */
export { fastReading } from './fast-reading.ts';
export { parseIsoTs, tsProblem } from './iso-time.ts';
export { isBlank, parseNdjson, splitLines } from './ndjson.ts';
export { createIngest, type Ingest, type IngestDeps, MAX_BATCH, MAX_ERRORS } from './pipeline.ts';
export type { QuarantineStore, ReadingStore, ReportStore } from './ports.ts';
export { Problem } from './problem.ts';
export type { ReportInput } from './report-input.ts';
export type { IngestSummary, QuarantineEntry, Report, StoredQuarantineEntry } from './types.ts';
export { validateReading } from './validate-reading.ts';
export { MAX_ADDRESS, MAX_DESCRIPTION, validateReport } from './validate-report.ts';
