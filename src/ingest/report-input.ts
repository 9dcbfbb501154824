/** The wire form of a citizen's report, with Open311 GeoReport v2 field names. Unknown fields are rejected. */
export interface ReportInput {
  service_code: string;
  lat: number;
  long: number;
  description?: string;
  address_string?: string;
  /** ISO 8601 with a zone; defaults to the time it was received. */
  requested_datetime?: string;
  media_url?: string;
  /** The sender's own id for the report, used with the source to count duplicates. */
  id?: string;
}
