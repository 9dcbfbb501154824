import type { Report } from '../../ingest/types.ts';
import type { AreaId, CellId, ReportId, ServiceCode } from '../../shared/brand.ts';

/** A reports row, the same in both databases. */
export interface ReportRow {
  id: string;
  source: string;
  external_id: string | null;
  service_code: string;
  lon: number;
  lat: number;
  cell: string;
  area: string;
  description: string | null;
  address: string | null;
  media_url: string | null;
  requested_at: number;
  received_at: number;
}

/** The report a row holds. */
export const toReport = (r: ReportRow): Report => ({
  id: r.id as ReportId,
  source: r.source,
  externalId: r.external_id ?? undefined,
  serviceCode: r.service_code as ServiceCode,
  lon: r.lon,
  lat: r.lat,
  cell: r.cell as CellId,
  area: r.area as AreaId,
  description: r.description ?? undefined,
  address: r.address ?? undefined,
  mediaUrl: r.media_url ?? undefined,
  requestedAt: r.requested_at,
  receivedAt: r.received_at,
});
