import { createReadStream } from 'node:fs';
import type { Chunk } from './import-csv.ts';

/** A line longer than this is no reading: it is quarantined cut short rather than held whole in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/** The start of an over-long line, marked so that it cannot parse as JSON and is quarantined as malformed. */
function overlong(start: Buffer, limit: number): string {
  return `${start.subarray(0, 1024).toString('utf8')}… [cut: the line is longer than ${limit} bytes]`;
}

/**
 * The lines of an NDJSON file from byte `start` (a line start) on, in chunks, each with the byte offset past its line
 * break, so that a checkpoint can name the exact place to resume. Blank lines are included (a line's number is its
 * index in the file). A line longer than `maxLine` bytes (not counting its `\r\n`) is handed on cut short and marked,
 * so that it is quarantined as malformed; at most `maxLine` bytes of it and one chunk are ever held.
 */
export async function* readNdjsonLines(
  path: string,
  start = 0,
  maxLine = MAX_LINE_BYTES,
): AsyncGenerator<Chunk<string>> {
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = start;
  let skipping: Buffer | undefined;
  let bom = start === 0;
  for await (const data of createReadStream(path, { start, highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const items: string[] = [];
    const ends: number[] = [];
    let buf = carry.length > 0 ? Buffer.concat([carry, data]) : data;
    if (bom) {
      bom = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf = buf.subarray(3);
        carryStart += 3;
      }
    }
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(10, from);
      if (nl < 0) break;
      const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (skipping) {
        items.push(overlong(skipping, maxLine));
        skipping = undefined;
      } else
        items.push(end - from > maxLine ? overlong(buf.subarray(from, end), maxLine) : buf.toString('utf8', from, end));
      ends.push(carryStart + nl + 1);
      from = nl + 1;
    }
    carry = buf.subarray(from);
    carryStart += from;
    // One byte over the limit may still be the `\r` of a `\r\n` in the next chunk.
    if (carry.length > maxLine + 1) {
      // Keep only the start of an over-long line; its end comes with a later newline.
      skipping ??= Buffer.from(carry.subarray(0, 1024));
      carryStart += carry.length;
      carry = Buffer.alloc(0);
    }
    if (items.length > 0) yield { items, ends };
  }
  const end = carryStart + carry.length;
  if (skipping) yield { items: [overlong(skipping, maxLine)], ends: [end] };
  else if (carry.length > 0) {
    const line = carry.at(-1) === 13 ? carry.subarray(0, -1) : carry;
    yield { items: [line.length > maxLine ? overlong(line, maxLine) : line.toString('utf8')], ends: [end] };
  }
}

/** The `count` lines from byte `start` (a line start) on, as `readNdjsonLines` gives them. */
export async function linesAt(path: string, start: number, count: number, maxLine = MAX_LINE_BYTES): Promise<string[]> {
  const out: string[] = [];
  if (count === 0) return out;
  for await (const chunk of readNdjsonLines(path, start, maxLine)) {
    for (const line of chunk.items) {
      out.push(line);
      if (out.length === count) return out;
    }
  }
  return out;
}
