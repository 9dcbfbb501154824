import type { City } from '../city/city.ts';
import type { Bus } from '../events.ts';
import type { Grid } from '../grid/types.ts';
import type { Stores } from '../ports.ts';
import type { MetricRange, RegisteredSensor, SensorRegistry } from '../sensors/registry.ts';
import type { Reading } from '../sensors/types.ts';
import type { ReportId } from '../shared/brand.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { fastReading } from './fast-reading.ts';
import { isBlank, MALFORMED, malformedEntry, parseLine, splitLines } from './ndjson.ts';
import { BLANK, type ParsedLines, SLOW } from './parse-ahead.ts';
import { Problem } from './problem.ts';
import type { IngestSummary, QuarantineEntry, Report } from './types.ts';
import { validateReading } from './validate-reading.ts';
import { validateReport } from './validate-report.ts';

/** The most records one store call (one transaction) takes. */
export const MAX_BATCH = 10_000;
/** The most per-record problems a summary lists; the counts always cover every record. */
export const MAX_ERRORS = 100;

export interface IngestDeps {
  readonly city: City;
  readonly grid: Grid;
  readonly sensors: SensorRegistry;
  readonly stores: Pick<Stores, 'readings' | 'reports'>;
  readonly bus: Bus;
  readonly clock: Clock;
}

/** The ingest pipeline (DESIGN.md §2): parse → validate → pin to a cell → store in batches → emit. */
export interface Ingest {
  /** Readings as NDJSON, one a line; an error's index is the line's 0-based number. */
  ingestNdjson(text: string | Buffer, source: string): Promise<IngestSummary>;
  /**
   * Readings as NDJSON lines already split; an error's index is `firstIndex` + the line's index in `lines`. A line's
   * quarantine entry names `sources[i]` when given (e.g. each MQTT message's topic in one batch), else `source`.
   */
  ingestLines(
    lines: readonly string[],
    source: string,
    firstIndex?: number,
    sources?: readonly string[],
  ): Promise<IngestSummary>;
  /**
   * Readings parsed ahead (`aheadParser`, whose sensor indices point into `list`); an error's index is the line's index
   * in the batch. Undefined, with nothing stored, when the batch's latest timestamp is beyond the future-skew bound at
   * the pipeline's clock: the caller then sends those lines as text, which the slow path explains line by line.
   */
  ingestParsed(
    batch: ParsedLines,
    list: readonly RegisteredSensor[],
    source: string,
  ): Promise<IngestSummary | undefined>;
  /** Readings already parsed from JSON (an array body, MQTT messages, the simulator); `sources` as for ingestLines. */
  ingestRecords(records: readonly unknown[], source: string, sources?: readonly string[]): Promise<IngestSummary>;
  /** Reports (Open311 field names); ids[i] is the stored or earlier report's id for input i, undefined if refused. */
  fileReports(records: readonly unknown[], source: string): Promise<IngestSummary & { ids: (ReportId | undefined)[] }>;
}

const emptySummary = (): IngestSummary => ({ received: 0, stored: 0, quarantined: 0, duplicate: 0, errors: [] });

/** Per pipeline: the most records one store call takes (MAX_BATCH unless a bulk import asks for more). */
export interface IngestLimits {
  readonly maxBatch?: number;
}

/** Builds the pipeline. Every record received ends up stored, quarantined or counted as a duplicate. */
export function createIngest(deps: IngestDeps, limits: IngestLimits = {}): Ingest {
  const { sensors, stores, bus, clock } = deps;
  const maxBatch = Math.max(1, limits.maxBatch ?? MAX_BATCH);
  const skew = deps.city.ingest.maxFutureSkewMs;

  function refuse(summary: IngestSummary, batch: QuarantineEntry[], index: number, entry: QuarantineEntry): void {
    batch.push(entry);
    if (summary.errors.length < MAX_ERRORS) {
      const e: IngestSummary['errors'][number] = { index, code: entry.code, reason: entry.reason };
      if (entry.path !== undefined) e.path = entry.path;
      summary.errors.push(e);
    }
  }

  const entry = (p: Problem, raw: string, source: string, receivedAt: number): QuarantineEntry => ({
    source,
    raw,
    code: p.code,
    reason: p.reason,
    path: p.path,
    receivedAt,
  });

  async function storeReadings(
    summary: IngestSummary,
    readings: Reading[],
    quarantine: QuarantineEntry[],
    source: string,
  ): Promise<void> {
    if (readings.length === 0 && quarantine.length === 0) return;
    const flags = await stores.readings.writeReadings(readings, quarantine);
    let stored = 0;
    for (let i = 0; i < flags.length; i++) stored += flags[i] as number;
    summary.stored += stored;
    summary.duplicate += readings.length - stored;
    summary.quarantined += quarantine.length;
    if (stored === 0) return;
    const fresh = stored === readings.length ? readings : readings.filter((_, i) => flags[i] === 1);
    await bus.emit('ReadingsStored', { readings: fresh, source });
  }

  async function done(summary: IngestSummary, source: string, kind: 'readings' | 'reports'): Promise<void> {
    await bus.emit('IngestDone', { summary, source, kind });
  }

  /**
   * The line loop shared by text and parsed-ahead lines: `take(i, now)` gives line i as null (blank), a reading the
   * fast path took, or the text for the slow path. With `accept`, a batch whose clock reading it refuses is left
   * untouched (undefined), for the caller to send as text.
   */
  async function ingestEach(
    count: number,
    take: (i: number, now: number) => Reading | string | null,
    source: string,
    firstIndex: number,
    sources?: readonly string[],
    accept?: (now: number) => boolean,
  ): Promise<IngestSummary | undefined> {
    const summary = emptySummary();
    let now = clock();
    if (accept !== undefined && !accept(now)) return undefined;
    let readings: Reading[] = [];
    let quarantine: QuarantineEntry[] = [];
    let inBatch = 0;
    for (let i = 0; i < count; i++) {
      const item = take(i, now);
      if (item === null) continue;
      summary.received++;
      if (typeof item !== 'string') readings.push(item);
      else {
        // The slow path: anything but a plain valid reading, which it stores or explains.
        const value = parseLine(item);
        const r = value === MALFORMED ? undefined : validateReading(value, sensors, now, skew);
        const from = sources?.[i] ?? source;
        if (r === undefined) refuse(summary, quarantine, firstIndex + i, malformedEntry(item, from, now));
        else if (r instanceof Problem) refuse(summary, quarantine, firstIndex + i, entry(r, item, from, now));
        else readings.push(r);
      }
      if (++inBatch === maxBatch) {
        await storeReadings(summary, readings, quarantine, source);
        readings = [];
        quarantine = [];
        inBatch = 0;
        now = clock();
      }
    }
    await storeReadings(summary, readings, quarantine, source);
    await done(summary, source, 'readings');
    return summary;
  }

  async function ingestLines(
    lines: readonly string[],
    source: string,
    firstIndex = 0,
    sources?: readonly string[],
  ): Promise<IngestSummary> {
    const take = (i: number, now: number): Reading | string | null => {
      const line = lines[i] as string;
      if (isBlank(line)) return null;
      return fastReading(line, sensors, now, skew) ?? line;
    };
    return (await ingestEach(lines.length, take, source, firstIndex, sources)) as IngestSummary;
  }

  function ingestParsed(
    batch: ParsedLines,
    list: readonly RegisteredSensor[],
    source: string,
  ): Promise<IngestSummary | undefined> {
    let slow = 0;
    const take = (i: number): Reading | string | null => {
      const k = batch.sensor[i] as number;
      if (k === BLANK) return null;
      if (k === SLOW) return batch.slow[slow++] as string;
      const known = list[k] as RegisteredSensor;
      const metric = (known.metricList[batch.metric[i] as number] as MetricRange).name;
      return { sensor: known.id, metric, ts: batch.ts[i] as number, value: batch.value[i] as number, cell: known.cell };
    };
    return ingestEach(batch.count, take, source, 0, undefined, (now) => batch.maxTs <= now + skew);
  }

  async function ingestRecords(
    records: readonly unknown[],
    source: string,
    sources?: readonly string[],
  ): Promise<IngestSummary> {
    const summary = emptySummary();
    for (let start = 0; start < records.length; start += maxBatch) {
      const now = clock();
      const end = Math.min(records.length, start + maxBatch);
      const readings: Reading[] = [];
      const quarantine: QuarantineEntry[] = [];
      for (let i = start; i < end; i++) {
        const r = validateReading(records[i], sensors, now, skew);
        if (r instanceof Problem)
          refuse(summary, quarantine, i, entry(r, rawOf(records[i]), sources?.[i] ?? source, now));
        else readings.push(r);
      }
      summary.received += end - start;
      await storeReadings(summary, readings, quarantine, source);
    }
    await done(summary, source, 'readings');
    return summary;
  }

  async function fileReports(
    records: readonly unknown[],
    source: string,
  ): Promise<IngestSummary & { ids: (ReportId | undefined)[] }> {
    const summary = emptySummary();
    const ids: (ReportId | undefined)[] = new Array(records.length).fill(undefined);
    for (let start = 0; start < records.length; start += maxBatch) {
      const now = clock();
      const ctx = { city: deps.city, grid: deps.grid, source, now, newId: () => newId<ReportId>('report', now) };
      const end = Math.min(records.length, start + maxBatch);
      const reports: Report[] = [];
      const inputOf: number[] = [];
      const quarantine: QuarantineEntry[] = [];
      for (let i = start; i < end; i++) {
        const r = validateReport(records[i], ctx);
        if (r instanceof Problem) {
          refuse(summary, quarantine, i, entry(r, rawOf(records[i]), source, now));
        } else {
          reports.push(r);
          inputOf.push(i);
        }
      }
      summary.received += end - start;
      if (reports.length === 0 && quarantine.length === 0) continue;
      const flags = await stores.reports.writeReports(reports, quarantine);
      summary.quarantined += quarantine.length;
      const fresh: Report[] = [];
      for (let k = 0; k < reports.length; k++) {
        const report = reports[k] as Report;
        const i = inputOf[k] as number;
        if (flags[k] === 1) {
          fresh.push(report);
          ids[i] = report.id;
        } else {
          // Only a report with an external id can be a duplicate; answer with the id it was first stored under.
          ids[i] = await stores.reports.findReportId(source, report.externalId as string);
        }
      }
      summary.stored += fresh.length;
      summary.duplicate += reports.length - fresh.length;
      if (fresh.length > 0) await bus.emit('ReportFiled', { reports: fresh, source });
    }
    await done(summary, source, 'reports');
    return { ...summary, ids };
  }

  return {
    ingestNdjson: (text, source) => ingestLines(splitLines(text), source, 0),
    ingestLines,
    ingestParsed,
    ingestRecords,
    fileReports,
  };
}

/** The raw text of a parsed record, for its quarantine entry. */
function rawOf(record: unknown): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch {
    // A cycle or a BigInt: keep what can be said about it.
    try {
      return String(record);
    } catch {
      return Object.prototype.toString.call(record);
    }
  }
}
