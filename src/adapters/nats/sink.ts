import { Buffer } from 'node:buffer';
import { jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { isBlank, splitLines } from '../../ingest/ndjson.ts';
import type { Ingest } from '../../ingest/pipeline.ts';
import type { IngestSummary } from '../../ingest/types.ts';
import type { AreaId } from '../../shared/brand.ts';
import { DomainError } from '../../shared/errors.ts';
import { MAX_CHUNK_BYTES, READINGS_SUBJECT, SCOPE_HEADER, SOURCE_HEADER } from './stream.ts';

/**
 * Where accepted ingest input goes: straight into the pipeline (one process), or onto a stream that workers drain
 * (a cluster). Accepting only counts the records; storing, quarantining and deduplicating happen where it is written.
 */
export interface IngestSink {
  /** `scope`: the area the sender may feed (sensors elsewhere look unknown); undefined means the whole city. */
  acceptNdjson(text: string | Buffer, source: string, scope?: AreaId): Promise<Accepted>;
  acceptRecords(records: readonly unknown[], source: string, scope?: AreaId): Promise<Accepted>;
  close(): Promise<void>;
}

/** Written now (with the summary), or queued on the stream (only the count is known yet: HTTP answers 202). */
export type Accepted =
  | { readonly queued: false; readonly summary: IngestSummary }
  | { readonly queued: true; readonly received: number };

/** The one-process sink: input goes straight through the pipeline of its scope (the runtime's `ingestFor`). */
export function directSink(
  ingestFor: (scope: AreaId | undefined) => Pick<Ingest, 'ingestNdjson' | 'ingestRecords'>,
): IngestSink {
  return {
    acceptNdjson: async (text, source, scope) => ({
      queued: false,
      summary: await ingestFor(scope).ingestNdjson(text, source),
    }),
    acceptRecords: async (records, source, scope) => ({
      queued: false,
      summary: await ingestFor(scope).ingestRecords(records, source),
    }),
    close: async () => {},
  };
}

/** Publishes accepted input to the GRIDLOOP_READINGS stream as NDJSON chunks of at most 1 MB, whole lines only. */
export function natsSink(nc: NatsConnection): IngestSink {
  const js = jetstream(nc);

  async function publishLines(lines: readonly string[], source: string, scope: AreaId | undefined): Promise<Accepted> {
    const chunks: string[][] = [];
    let chunk: string[] = [];
    let bytes = 0;
    let received = 0;
    for (const line of lines) {
      if (isBlank(line)) continue;
      received++;
      const size = Buffer.byteLength(line) + 1;
      if (size > MAX_CHUNK_BYTES) {
        throw new DomainError('INGEST_BODY_TOO_LARGE', `One record is longer than ${MAX_CHUNK_BYTES} bytes.`);
      }
      if (bytes + size > MAX_CHUNK_BYTES) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(line);
      bytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    const h = headers();
    h.set(SOURCE_HEADER, source);
    if (scope !== undefined) h.set(SCOPE_HEADER, scope);
    // Answer only when the stream holds every chunk: then the input survives any one process.
    await Promise.all(chunks.map((c) => js.publish(READINGS_SUBJECT, `${c.join('\n')}\n`, { headers: h })));
    return { queued: true, received };
  }

  return {
    acceptNdjson: (text, source, scope) => publishLines(splitLines(text), source, scope),
    acceptRecords: (records, source, scope) => publishLines(records.map(stringifyRecord), source, scope),
    close: () => nc.drain(),
  };
}

/** One record as one NDJSON line; what JSON cannot say becomes a line the worker quarantines as malformed. */
function stringifyRecord(record: unknown): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch {
    return String(record);
  }
}
