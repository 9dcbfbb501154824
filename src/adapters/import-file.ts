import type { ImportKind, ImportWarning, Mapping } from '../ingest/mapping.ts';
import { sensorList } from '../ingest/parse-ahead.ts';
import { createIngest, type IngestDeps, MAX_ERRORS } from '../ingest/pipeline.ts';
import type { IngestSummary, QuarantineEntry } from '../ingest/types.ts';
import type { Checkpoint, CheckpointFile } from './import-checkpoint.ts';
import { linesAt, MAX_LINE_BYTES } from './import-ndjson.ts';
import { type Item, openUnits, type UnitOptions } from './import-units.ts';
import { startParseAhead } from './parse-ahead-thread.ts';

export type FileFormat = UnitOptions['format'];

export interface FileImportOptions {
  readonly format: FileFormat;
  readonly kind: ImportKind;
  /** Column mapping for CSV and GeoJSON; without one, columns (properties) carry the target field names. */
  readonly mapping?: Mapping;
  /** The source recorded with the records; for reports, part of the duplicate key. */
  readonly source: string;
  /** Records per batch (one transaction, one checkpoint); at most, and by default, IMPORT_BATCH. */
  readonly batchSize?: number;
  /** NDJSON: the longest line kept whole; a longer one is quarantined as malformed, cut short. Default MAX_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /**
   * NDJSON readings: parse in a worker thread, one batch ahead of the writer. 'auto' (the default): for the rest of a
   * file of at least PARSE_AHEAD_MIN_BYTES, taking over at the end of the first 1 MB chunk after the worker has loaded;
   * 'always': the worker parses from the start. Whichever, the import stores, counts and checkpoints the same.
   */
  readonly parseAhead?: 'auto' | 'always' | 'never';
  /** Resume from it if present, write it after each committed batch, remove it at the end. */
  readonly checkpoint?: CheckpointFile;
  /** After each batch: work done and work in all (bytes, or features for GeoJSON), and the counts so far. */
  readonly onProgress?: (done: number, total: number, counts: FileImportSummary) => void;
  /** Called once when a checkpoint was found, before the import goes on from it. */
  readonly onResume?: (cp: Checkpoint) => void;
}

/** What a file import did. stored + quarantined + duplicate = received. */
export interface FileImportSummary {
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
  /** The most frequent quarantine reasons, most frequent first (at most 5). */
  reasons: { code: string; count: number }[];
  /** Rows imported but odd (e.g. closed before they were created): name → count. */
  warnings: { code: string; count: number }[];
  /**
   * The first MAX_ERRORS records this run refused, each at its 0-based record number (for NDJSON, its line number in
   * the file, blank lines and all). A resumed run lists only its own.
   */
  errors: IngestSummary['errors'];
  /** The record number the import resumed from, when it did. */
  resumedAt?: number;
}

/**
 * Records per batch of a file import: one transaction and one checkpoint each. Five times the pipeline's MAX_BATCH
 * for live sources: a batch of readings from many series touches one B-tree page per series whatever its size, so
 * a larger batch writes fewer pages per reading (SQLite's WAL, PostgreSQL's merge); an import has no live latency to
 * keep short. 50,000 readings and their lines hold about 15 MB.
 */
export const IMPORT_BATCH = 50_000;

/** 'auto' parses ahead in a worker from this many bytes to read: below, its start-up (a fifth of a second) outweighs it. */
export const PARSE_AHEAD_MIN_BYTES = 16 * 1024 * 1024;

const wantsParseAhead = (mode: 'auto' | 'always' | 'never', bytes: number): boolean =>
  mode === 'always' || (mode === 'auto' && bytes >= PARSE_AHEAD_MIN_BYTES);

/**
 * Imports a file of readings or reports through the pipeline in batches: NDJSON lines, CSV rows or GeoJSON point
 * features (the last two through a column mapping). Each batch is one transaction; after it commits the checkpoint
 * moves past it, so a killed import goes on exactly where it stopped and ends with the counts of an unbroken run.
 */
export async function importFile(path: string, deps: IngestDeps, opts: FileImportOptions): Promise<FileImportSummary> {
  const reasons = new Map<string, number>();
  const ingest = createIngest({ ...deps, stores: countingStores(deps.stores, reasons) }, { maxBatch: IMPORT_BATCH });
  const warnings = new Map<string, number>();
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? IMPORT_BATCH, IMPORT_BATCH));
  const total = { received: 0, stored: 0, quarantined: 0, duplicate: 0 };
  const errors: IngestSummary['errors'] = [];
  const cp = opts.checkpoint?.read();
  let record = 0;
  let offset = 0;
  if (cp) {
    ({ record, offset } = cp);
    Object.assign(total, {
      received: cp.received,
      stored: cp.stored,
      quarantined: cp.quarantined,
      duplicate: cp.duplicate,
    });
    for (const [k, v] of Object.entries(cp.reasons)) reasons.set(k, v);
    for (const [k, v] of Object.entries(cp.warnings)) warnings.set(k, v);
    opts.onResume?.(cp);
  }
  const summary = (): FileImportSummary => ({
    ...total,
    reasons: top(reasons, 5),
    warnings: top(warnings, 100),
    errors: [...errors],
    ...(cp ? { resumedAt: cp.record } : {}),
  });

  const { units, size } = await openUnits(path, opts, offset, record);
  let pending: unknown[] = [];
  // The record number of each pending item: blank lines and rows are not sent on, so an item's index may lag it.
  let pendingNumbers: number[] = [];
  let pendingWarnings: ImportWarning[] = [];
  let done = offset;
  const asLines = opts.format === 'ndjson' && opts.kind === 'readings';
  /** Adds a committed batch's summary (its item k is record `numberOf(k)`) and moves the checkpoint past it. */
  const account = (s: IngestSummary, numberOf: (k: number) => number, endOffset: number, endRecord: number) => {
    total.received += s.received;
    total.stored += s.stored;
    total.quarantined += s.quarantined;
    total.duplicate += s.duplicate;
    for (const e of s.errors) if (errors.length < MAX_ERRORS) errors.push({ ...e, index: numberOf(e.index) });
    for (const w of pendingWarnings) warnings.set(w, (warnings.get(w) ?? 0) + 1);
    pendingWarnings = [];
    record = endRecord;
    done = opts.format === 'geojson' ? endRecord : endOffset;
    opts.checkpoint?.write({ version: 1, file: path, offset: endOffset, record, ...total, ...maps(reasons, warnings) });
    opts.onProgress?.(done, size, summary());
  };
  const flush = async (endOffset: number, endRecord: number): Promise<void> => {
    const batch = pending;
    const numbers = pendingNumbers;
    pending = [];
    pendingNumbers = [];
    const s = asLines
      ? await ingest.ingestLines(batch as string[], opts.source)
      : opts.kind === 'readings'
        ? await ingest.ingestRecords(batch, opts.source)
        : await ingest.fileReports(batch, opts.source);
    account(s, (k) => numbers[k] as number, endOffset, endRecord);
  };

  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const list = asLines ? sensorList(deps.sensors) : [];
  const ahead =
    asLines && wantsParseAhead(opts.parseAhead ?? 'auto', size - offset)
      ? startParseAhead({ path, maxLine, batchSize, sensors: list })
      : undefined;
  try {
    let n = record;
    let lastEnd = offset;
    // 'always': the worker parses the whole file (the import waits the fifth of a second for it to load).
    let handedOver = false;
    if (opts.parseAhead === 'always' && ahead !== undefined) {
      await ahead.whenReady();
      ahead.start(offset);
      handedOver = true;
    }
    if (!handedOver)
      for await (const chunk of units) {
        for (let i = 0; i < chunk.items.length; i++) {
          const item = chunk.items[i] as Item;
          n++;
          lastEnd = chunk.ends[i] as number;
          // NDJSON readings go on as lines, blank ones too: the pipeline skips those itself.
          if (asLines || !(typeof item.raw === 'string' && item.raw.trim() === '')) {
            pending.push(item.raw);
            pendingNumbers.push(n - 1);
            if (item.warning) pendingWarnings.push(item.warning);
          }
          if (pending.length >= batchSize) await flush(lastEnd, n);
        }
        // Once the worker has loaded it reads on from here, while this thread stores the lines it already has as a
        // shorter batch (the counts do not depend on where batches end).
        if (ahead?.ready) {
          ahead.start(lastEnd);
          if (pending.length > 0) await flush(lastEnd, n);
          handedOver = true;
          break;
        }
      }
    if (ahead !== undefined && handedOver) {
      for await (const b of ahead.batches()) {
        const first = n;
        // A reading beyond the future-skew bound (rare) needs the text for its quarantine entry: read it again.
        const s =
          (await ingest.ingestParsed(b.parsed, list, opts.source)) ??
          (await ingest.ingestLines(await linesAt(path, b.start, b.parsed.count, maxLine), opts.source));
        n += b.parsed.count;
        account(s, (k) => first + k, b.end, n);
      }
    } else if (pending.length > 0 || n > record) await flush(lastEnd, n);
  } finally {
    await ahead?.close();
  }
  opts.checkpoint?.remove();
  opts.onProgress?.(size, size, summary());
  return summary();
}

/** The stores, with every quarantine entry of a committed batch counted by code. */
export function countingStores(stores: IngestDeps['stores'], reasons: Map<string, number>): IngestDeps['stores'] {
  const count = (q: readonly QuarantineEntry[]) => {
    for (const e of q) reasons.set(e.code, (reasons.get(e.code) ?? 0) + 1);
  };
  const wrap = <T extends object>(store: T, method: string): T =>
    new Proxy(store, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target) as unknown;
        if (typeof v !== 'function') return v;
        if (prop !== method) return v.bind(target);
        return async (items: unknown, q: readonly QuarantineEntry[]) => {
          const flags = await v.call(target, items, q);
          count(q);
          return flags;
        };
      },
    });
  return { readings: wrap(stores.readings, 'writeReadings'), reports: wrap(stores.reports, 'writeReports') };
}

function top(m: Map<string, number>, k: number): { code: string; count: number }[] {
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([code, count]) => ({ code, count }));
}

function maps(reasons: Map<string, number>, warnings: Map<string, number>) {
  return { reasons: Object.fromEntries(reasons), warnings: Object.fromEntries(warnings) };
}
