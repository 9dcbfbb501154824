import { readFile } from 'node:fs/promises';
import { DomainError } from '../shared/errors.ts';

/** One GeoJSON feature as the importer sees it: its point (if it is one) and its properties. */
export interface GeoFeature {
  readonly lon: number | undefined;
  readonly lat: number | undefined;
  readonly properties: Readonly<Record<string, unknown>>;
  /** The feature as it came, for a record that cannot be mapped. */
  readonly raw: unknown;
}

/**
 * The features of a GeoJSON FeatureCollection (or a single Feature). A GeoJSON document is one JSON value, so it is
 * read whole; record numbers are feature indexes, which is what a checkpoint resumes from. Features that are not
 * points keep lon/lat undefined, so that a report made of one is quarantined for its missing coordinates.
 */
export async function readGeoJsonFeatures(path: string): Promise<GeoFeature[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DomainError('INGEST_MALFORMED_JSON', `${path} is not valid JSON: ${(e as Error).message}`);
  }
  const d = doc as { type?: unknown; features?: unknown };
  const features =
    d?.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features : d?.type === 'Feature' ? [d] : undefined;
  if (features === undefined) {
    throw new DomainError('INGEST_NOT_AN_OBJECT', `${path} is not a GeoJSON FeatureCollection or Feature`);
  }
  return features.map((f: unknown) => {
    const g = (f as { geometry?: { type?: unknown; coordinates?: unknown } } | null)?.geometry;
    const props = (f as { properties?: unknown } | null)?.properties;
    const c = g?.type === 'Point' && Array.isArray(g.coordinates) ? g.coordinates : undefined;
    const lon = typeof c?.[0] === 'number' ? c[0] : undefined;
    const lat = typeof c?.[1] === 'number' ? c[1] : undefined;
    const properties =
      typeof props === 'object' && props !== null && !Array.isArray(props) ? (props as Record<string, unknown>) : {};
    return { lon, lat, properties, raw: f };
  });
}

/** A property as text, as a CSV column would give it. */
export function propertyText(p: Readonly<Record<string, unknown>>, key: string): string {
  const v = p[key];
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
