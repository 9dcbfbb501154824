import type { Statement } from 'better-sqlite3';
import type { ReportStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, Report } from '../../ingest/types.ts';
import type { CellId, EpochMs, ReportId, ServiceCode } from '../../shared/brand.ts';
import { type ReportRow, toReport } from '../rows/reports.ts';
import type { Db } from './db.ts';
import { insertQuarantineStatement, writeQuarantine } from './quarantine.ts';

/** Citizen reports, deduplicated on (source, external_id). */
export class SqliteReportStore implements ReportStore {
  readonly #insert: Statement;
  readonly #insertQuarantine: Statement;
  readonly #get: Statement<[string], ReportRow>;
  readonly #find: Statement<[string, string], { id: string }>;
  readonly #count: Statement<[string, string, number, number], { n: number }>;
  readonly #list: Statement<[number], ReportRow>;
  readonly #listAfter: Statement<[string, number], ReportRow>;
  readonly #writeTx: (reports: readonly Report[], quarantine: readonly QuarantineEntry[]) => Uint8Array;

  constructor(db: Db) {
    // Only the duplicate key is ignored: a clash of generated ids must fail loudly, not pass for a duplicate.
    this.#insert = db.prepare(
      `INSERT INTO reports (id, source, external_id, service_code, lon, lat, cell, area, description, address,
         media_url, requested_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, external_id) DO NOTHING`,
    );
    this.#insertQuarantine = insertQuarantineStatement(db);
    this.#get = db.prepare('SELECT * FROM reports WHERE id = ?');
    this.#find = db.prepare('SELECT id FROM reports WHERE source = ? AND external_id = ?');
    this.#count = db.prepare(
      'SELECT count(*) AS n FROM reports WHERE cell = ? AND service_code = ? AND requested_at >= ? AND requested_at < ?',
    );
    this.#list = db.prepare('SELECT * FROM reports ORDER BY id LIMIT ?');
    this.#listAfter = db.prepare('SELECT * FROM reports WHERE id > ? ORDER BY id LIMIT ?');
    this.#writeTx = db.transaction((reports: readonly Report[], quarantine: readonly QuarantineEntry[]) => {
      const flags = new Uint8Array(reports.length);
      for (let i = 0; i < reports.length; i++) {
        const r = reports[i] as Report;
        flags[i] = this.#insert.run(
          r.id,
          r.source,
          r.externalId ?? null,
          r.serviceCode,
          r.lon,
          r.lat,
          r.cell,
          r.area,
          r.description ?? null,
          r.address ?? null,
          r.mediaUrl ?? null,
          r.requestedAt,
          r.receivedAt,
        ).changes;
      }
      writeQuarantine(this.#insertQuarantine, quarantine);
      return flags;
    });
  }

  async writeReports(reports: readonly Report[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    return this.#writeTx(reports, quarantine);
  }

  async getReport(id: ReportId): Promise<Report | undefined> {
    const row = this.#get.get(id);
    return row === undefined ? undefined : toReport(row);
  }

  async findReportId(source: string, externalId: string): Promise<ReportId | undefined> {
    return this.#find.get(source, externalId)?.id as ReportId | undefined;
  }

  async countReports(cell: CellId, serviceCode: ServiceCode, from: EpochMs, to: EpochMs): Promise<number> {
    return (this.#count.get(cell, serviceCode, from, to) as { n: number }).n;
  }

  async listReports(filter: { limit: number; after?: ReportId }): Promise<Report[]> {
    const rows =
      filter.after === undefined ? this.#list.all(filter.limit) : this.#listAfter.all(filter.after, filter.limit);
    return rows.map(toReport);
  }
}
