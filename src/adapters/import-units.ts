import { stat } from 'node:fs/promises';
import { createMapper, type ImportKind, type ImportWarning, type Mapping } from '../ingest/mapping.ts';
import { type Chunk, readCsvHeader, readCsvRecords } from './import-csv.ts';
import { propertyText, readGeoJsonFeatures } from './import-geojson.ts';
import { readNdjsonLines } from './import-ndjson.ts';

/** One record of a file as the pipeline takes it: a raw line or a mapped record, with a mapping warning if any. */
export type Item = { readonly raw: unknown; readonly warning?: ImportWarning };

/** What reading a file needs to know of the import. */
export interface UnitOptions {
  readonly format: 'ndjson' | 'csv' | 'geojson';
  readonly kind: ImportKind;
  readonly mapping?: Mapping;
  readonly maxLineBytes?: number;
}

/** The file's records as batches of items (raw lines or mapped records), from a resume point. */
export async function openUnits(
  path: string,
  opts: UnitOptions,
  offset: number,
  record: number,
): Promise<{ units: AsyncIterable<Chunk<Item>> | Iterable<Chunk<Item>>; size: number }> {
  const size = (await stat(path)).size;
  if (opts.format === 'ndjson') {
    const lines = readNdjsonLines(path, offset, opts.maxLineBytes);
    if (opts.kind === 'readings') return { units: mapChunks(lines, (l) => ({ raw: l })), size };
    // Reports as NDJSON: a line that is not JSON goes on as its text, which the pipeline refuses (not an object).
    return { units: mapChunks(lines, (l) => ({ raw: l.trim() === '' ? l : parseJsonOr(l) })), size };
  }
  const mapping = opts.mapping ?? identityMapping(opts.kind);
  const mapper = createMapper(mapping);
  if (opts.format === 'csv') {
    const head = await readCsvHeader(path);
    if (!head) return { units: [], size };
    const index = new Map(head.header.map((h, k) => [h, k]));
    const rows = readCsvRecords(path, Math.max(offset, head.end));
    const units = mapChunks(rows, (row) => {
      const m = mapper((c) => {
        const k = index.get(c);
        return k === undefined ? '' : (row[k] ?? '');
      });
      return m.warning ? { raw: m.record, warning: m.warning } : { raw: m.record };
    });
    return { units, size };
  }
  const features = await readGeoJsonFeatures(path);
  const items: Item[] = features.slice(record).map((f) => {
    const m = mapper((c) => propertyText(f.properties, c));
    if (opts.kind === 'reports' && f.lon !== undefined && f.lat !== undefined && mapping.columns.lat === undefined) {
      m.record.lat = f.lat;
      m.record.long = f.lon;
    }
    return m.warning ? { raw: m.record, warning: m.warning } : { raw: m.record };
  });
  return { units: [{ items, ends: items.map(() => 0) }], size: features.length };
}

async function* mapChunks<T>(src: AsyncIterable<Chunk<T>>, f: (t: T) => Item): AsyncGenerator<Chunk<Item>> {
  for await (const c of src) yield { items: c.items.map(f), ends: c.ends };
}

function parseJsonOr(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

/** Without a mapping, each target field is read from a column (property) of its own name. */
function identityMapping(kind: ImportKind): Mapping {
  const fields =
    kind === 'readings'
      ? ['sensor', 'metric', 'value', 'ts']
      : ['id', 'service_code', 'lat', 'long', 'description', 'address_string', 'requested_datetime', 'media_url'];
  return { kind, columns: Object.fromEntries(fields.map((f) => [f, f])) };
}
