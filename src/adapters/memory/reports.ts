import type { ReportStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, Report } from '../../ingest/types.ts';
import type { CellId, EpochMs, ReportId, ServiceCode } from '../../shared/brand.ts';
import { type ReportRow, toReport } from '../rows/reports.ts';
import { compareText, constraintError, type MemoryDb, take } from './db.ts';
import { checkQuarantine, writeQuarantine } from './quarantine.ts';

const REQUIRED = ['id', 'source', 'service_code', 'lon', 'lat', 'cell', 'area', 'requested_at', 'received_at'] as const;

const toRow = (r: Report): ReportRow => ({
  id: r.id,
  source: r.source,
  external_id: r.externalId ?? null,
  service_code: r.serviceCode,
  lon: r.lon,
  lat: r.lat,
  cell: r.cell,
  area: r.area,
  description: r.description ?? null,
  address: r.address ?? null,
  media_url: r.mediaUrl ?? null,
  requested_at: r.requestedAt,
  received_at: r.receivedAt,
});

/** The unique (source, external id) key; reports without an external id never clash, as NULLs never do in SQL. */
const dupKey = (row: ReportRow): string | undefined =>
  row.external_id === null ? undefined : JSON.stringify([row.source, row.external_id]);

/** Citizen reports, deduplicated on (source, external id). A batch is staged whole, then committed. */
export class MemoryReportStore implements ReportStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async writeReports(reports: readonly Report[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    checkQuarantine(quarantine);
    const db = this.#db;
    const flags = new Uint8Array(reports.length);
    const staged = new Map<string, ReportRow>();
    const stagedKeys = new Map<string, string>();
    for (let i = 0; i < reports.length; i++) {
      const row = toRow(reports[i] as Report);
      for (const f of REQUIRED) {
        if (row[f] == null || Number.isNaN(row[f])) throw constraintError(`reports.${f} is NOT NULL`);
      }
      const key = dupKey(row);
      if (key !== undefined && (db.reportKeys.has(key) || stagedKeys.has(key))) continue;
      // Only the duplicate key is skipped: a clash of generated ids fails the batch, as in SQL.
      if (db.reports.has(row.id) || staged.has(row.id)) throw constraintError(`reports.id ${row.id} is taken`);
      staged.set(row.id, row);
      if (key !== undefined) stagedKeys.set(key, row.id);
      flags[i] = 1;
    }
    for (const [id, row] of staged) db.reports.set(id, row);
    for (const [key, id] of stagedKeys) db.reportKeys.set(key, id);
    writeQuarantine(db, quarantine);
    return flags;
  }

  async getReport(id: ReportId): Promise<Report | undefined> {
    const row = this.#db.reports.get(id);
    return row === undefined ? undefined : toReport(row);
  }

  async findReportId(source: string, externalId: string): Promise<ReportId | undefined> {
    return this.#db.reportKeys.get(JSON.stringify([source, externalId])) as ReportId | undefined;
  }

  async countReports(cell: CellId, serviceCode: ServiceCode, from: EpochMs, to: EpochMs): Promise<number> {
    let n = 0;
    for (const r of this.#db.reports.values()) {
      if (r.cell === cell && r.service_code === serviceCode && r.requested_at >= from && r.requested_at < to) n++;
    }
    return n;
  }

  async listReports(filter: { limit: number; after?: ReportId }): Promise<Report[]> {
    const after = filter.after;
    const rows = [...this.#db.reports.values()].filter((r) => after === undefined || compareText(r.id, after) > 0);
    return take(
      rows.sort((a, b) => compareText(a.id, b.id)),
      filter.limit,
    ).map(toReport);
  }
}
