import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { splitLines } from '../ingest/ndjson.ts';
import { type Ingest, MAX_BATCH, MAX_ERRORS } from '../ingest/pipeline.ts';
import type { IngestSummary } from '../ingest/types.ts';

/** A line longer than this is no reading: it is quarantined cut short rather than held whole in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface ImportOptions {
  /** The source recorded with quarantined lines; default `import:<file name>`. */
  readonly source?: string;
  /** Lines per pipeline call (one transaction); at most, and by default, 10,000. */
  readonly batchLines?: number;
  /** Longest line kept whole; default MAX_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** Called after each batch with the running totals and the bytes read so far (for a progress bar). */
  readonly onBatch?: (total: Readonly<IngestSummary>, bytesRead: number) => void;
}

/**
 * Streams an NDJSON file of readings through the pipeline in batches, without holding the file in memory, and returns
 * the summed summary. An error's index is the line's 0-based number in the file. Importing the same file again stores
 * nothing twice: its readings count as duplicates.
 */
export async function importNdjsonFile(path: string, ingest: Ingest, opts: ImportOptions = {}): Promise<IngestSummary> {
  const source = opts.source ?? `import:${basename(path)}`;
  const batchLines = Math.max(1, Math.min(opts.batchLines ?? MAX_BATCH, MAX_BATCH));
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const total: IngestSummary = { received: 0, stored: 0, quarantined: 0, duplicate: 0, errors: [] };
  let pending: string[] = [];
  let firstLine = 0;
  let bytesRead = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;

  const flush = async (lines: string[]): Promise<void> => {
    const s = await ingest.ingestLines(lines, source, firstLine);
    firstLine += lines.length;
    total.received += s.received;
    total.stored += s.stored;
    total.quarantined += s.quarantined;
    total.duplicate += s.duplicate;
    for (const e of s.errors) if (total.errors.length < MAX_ERRORS) total.errors.push(e);
    opts.onBatch?.(total, bytesRead);
  };
  const take = async (lines: string[]): Promise<void> => {
    for (const line of lines) pending.push(line);
    while (pending.length >= batchLines) {
      const batch = pending.length === batchLines ? pending : pending.slice(0, batchLines);
      pending = pending.length === batchLines ? [] : pending.slice(batchLines);
      await flush(batch);
    }
  };

  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let body = chunk;
    if (skipping) {
      // The rest of an over-long line, already quarantined: drop bytes up to its newline.
      const nl = chunk.indexOf(10);
      if (nl < 0) continue;
      skipping = false;
      body = chunk.subarray(nl + 1);
    }
    const last = body.lastIndexOf(10);
    if (last < 0) {
      carry.push(body);
      carryBytes += body.length;
      if (carryBytes > maxLine) {
        await take([overlong(Buffer.concat(carry), maxLine)]);
        carry = [];
        carryBytes = 0;
        skipping = true;
      }
      continue;
    }
    // Cut at a newline byte, which never falls inside a multi-byte UTF-8 character, so decoding here is safe.
    const head = body.subarray(0, last + 1);
    const text = (carryBytes > 0 ? Buffer.concat([...carry, head]) : head).toString('utf8');
    carry = last + 1 < body.length ? [body.subarray(last + 1)] : [];
    carryBytes = carry[0]?.length ?? 0;
    await take(splitLines(text));
  }
  if (carryBytes > 0) await take(splitLines(Buffer.concat(carry).toString('utf8')));
  if (pending.length > 0) await flush(pending);
  return total;
}

/** The start of an over-long line, marked so that it cannot parse as JSON and is quarantined as malformed. */
function overlong(start: Buffer, limit: number): string {
  return `${start.subarray(0, 1024).toString('utf8')}… [cut: the line is longer than ${limit} bytes]`;
}
