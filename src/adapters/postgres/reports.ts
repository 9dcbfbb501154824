import type { ReportStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, Report } from '../../ingest/types.ts';
import type { CellId, EpochMs, ReportId, ServiceCode } from '../../shared/brand.ts';
import { type ReportRow, toReport } from '../rows/reports.ts';
import { inTx, type Pool } from './db.ts';
import { writeQuarantine } from './quarantine.ts';

// Rows go in input order (WITH ORDINALITY), so the first of two reports with one (source, external_id) is the one kept.
// Only that key is the conflict arbiter: a clash of generated ids fails the whole batch instead of passing for a duplicate.
const INSERT = `INSERT INTO reports (id, source, external_id, service_code, lon, lat, cell, area, description, address,
    media_url, requested_at, received_at)
  SELECT id, source, external_id, service_code, lon, lat, cell, area, description, address, media_url, requested_at,
    received_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[]) WITH ORDINALITY
    AS x (id, source, external_id, service_code, lon, lat, cell, area, description, address, media_url, requested_at,
      received_at, n)
  ORDER BY n
  ON CONFLICT (source, external_id) DO NOTHING RETURNING id`;

/** Citizen reports on PostgreSQL, deduplicated on (source, external_id). */
export class PgReportStore implements ReportStore {
  readonly #pool: Pool;
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async writeReports(reports: readonly Report[], quarantine: readonly QuarantineEntry[]): Promise<Uint8Array> {
    const flags = new Uint8Array(reports.length);
    await inTx(this.#pool, async (c) => {
      if (reports.length > 0) {
        const col = <T>(f: (r: Report) => T) => reports.map(f);
        const { rows } = await c.query<{ id: string }>(INSERT, [
          col((r) => r.id),
          col((r) => r.source),
          col((r) => r.externalId ?? null),
          col((r) => r.serviceCode),
          col((r) => r.lon),
          col((r) => r.lat),
          col((r) => r.cell),
          col((r) => r.area),
          col((r) => r.description ?? null),
          col((r) => r.address ?? null),
          col((r) => r.mediaUrl ?? null),
          col((r) => r.requestedAt),
          col((r) => r.receivedAt),
        ]);
        const stored = new Set(rows.map((r) => r.id));
        reports.forEach((r, i) => {
          if (stored.has(r.id)) flags[i] = 1;
        });
      }
      await writeQuarantine(c, quarantine);
    });
    return flags;
  }

  async getReport(id: ReportId): Promise<Report | undefined> {
    const { rows } = await this.#pool.query<ReportRow>('SELECT * FROM reports WHERE id = $1', [id]);
    return rows[0] && toReport(rows[0]);
  }

  async findReportId(source: string, externalId: string): Promise<ReportId | undefined> {
    const { rows } = await this.#pool.query<{ id: string }>(
      'SELECT id FROM reports WHERE source = $1 AND external_id = $2',
      [source, externalId],
    );
    return rows[0]?.id as ReportId | undefined;
  }

  async countReports(cell: CellId, serviceCode: ServiceCode, from: EpochMs, to: EpochMs): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM reports WHERE cell = $1 AND service_code = $2 AND requested_at >= $3 AND requested_at < $4',
      [cell, serviceCode, from, to],
    );
    return rows[0]?.n ?? 0;
  }

  async listReports(filter: { limit: number; after?: ReportId }): Promise<Report[]> {
    const { rows } =
      filter.after === undefined
        ? await this.#pool.query<ReportRow>('SELECT * FROM reports ORDER BY id LIMIT $1', [filter.limit])
        : await this.#pool.query<ReportRow>('SELECT * FROM reports WHERE id > $1 ORDER BY id LIMIT $2', [
            filter.after,
            filter.limit,
          ]);
    return rows.map(toReport);
  }
}
