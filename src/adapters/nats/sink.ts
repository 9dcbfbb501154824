import { Buffer } from 'node:buffer';
import { jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { isBlank, splitLines } from '../../ingest/ndjson.ts';
import { DomainError } from '../../shared/errors.ts';
import { MAX_CHUNK_BYTES, READINGS_SUBJECT, SOURCE_HEADER } from './stream.ts';

/**
 * Where accepted ingest input goes: straight into the pipeline (one process), or onto a stream that workers drain
 * (a cluster). Accepting only counts the records; storing, quarantining and deduplicating happen where it is written.
 */
export interface IngestSink {
  acceptNdjson(text: string | Buffer, source: string): Promise<{ received: number }>;
  acceptRecords(records: readonly unknown[], source: string): Promise<{ received: number }>;
  close(): Promise<void>;
}

/** Publishes accepted input to the GRIDLOOP_READINGS stream as NDJSON chunks of at most 1 MB, whole lines only. */
export function natsSink(nc: NatsConnection): IngestSink {
  const js = jetstream(nc);

  async function publishLines(lines: readonly string[], source: string): Promise<{ received: number }> {
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
    // Answer only when the stream holds every chunk: then the input survives any one process.
    await Promise.all(chunks.map((c) => js.publish(READINGS_SUBJECT, `${c.join('\n')}\n`, { headers: h })));
    return { received };
  }

  return {
    acceptNdjson: (text, source) => publishLines(splitLines(text), source),
    acceptRecords: (records, source) => publishLines(records.map(stringifyRecord), source),
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
