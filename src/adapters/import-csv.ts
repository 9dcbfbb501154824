import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseCsv } from '../ingest/csv.ts';

/** A run of records read from a file: `ends[i]` is the byte offset just past record i (its line break included). */
export interface Chunk<T> {
  readonly items: T[];
  readonly ends: number[];
}

const CHUNK_BYTES = 1024 * 1024;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Splitter states, byte by byte; quotes, commas and line breaks are ASCII, so UTF-8 never hides one. */
enum S {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/**
 * Finds where CSV records end in a byte stream, with the same rules as parseCsv (RFC 4180, lenient): a line break
 * ends a record unless it lies inside a quoted field. Feed it buffers; it keeps its state across them.
 */
export class CsvSplitter {
  #state = S.FieldStart;
  /** The last buffer ended in a CR that ends a record: whether an LF follows is known only with the next buffer. */
  #pendingCr = false;

  /** Offsets (within buf) just past each record's line break; 0 ends the record left open by the previous buffer. */
  scan(buf: Buffer): number[] {
    const ends: number[] = [];
    let state = this.#state;
    let i = 0;
    if (this.#pendingCr && buf.length > 0) {
      this.#pendingCr = false;
      i = buf[0] === LF ? 1 : 0;
      ends.push(i);
    }
    for (const n = buf.length; i < n; i++) {
      const c = buf[i] as number;
      if (state === S.Quoted) {
        // Skip to the next quote with native search: quoted fields can be long.
        const q = buf.indexOf(QUOTE, i);
        if (q < 0) {
          i = n;
          break;
        }
        i = q;
        state = S.QuoteInQuoted;
        continue;
      }
      if (state === S.QuoteInQuoted && c === QUOTE) {
        state = S.Quoted;
        continue;
      }
      if (c === COMMA) state = S.FieldStart;
      else if (c === LF || c === CR) {
        state = S.FieldStart;
        if (c === CR && i + 1 === n) {
          this.#pendingCr = true;
          continue;
        }
        if (c === CR && buf[i + 1] === LF) i++;
        ends.push(i + 1);
      } else if (c === QUOTE && state === S.FieldStart) state = S.Quoted;
      else state = S.Unquoted;
    }
    this.#state = state;
    return ends;
  }
}

/** True for a record that holds nothing: an empty line. */
const blank = (text: string): boolean => text === '' || text === '\r';

/**
 * Reads CSV records from `start` (a record boundary) on, in chunks, each record as its array of fields with the byte
 * offset past it. Empty lines are skipped. The header is not treated specially: read it with `readCsvHeader`.
 */
export async function* readCsvRecords(
  path: string,
  start = 0,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<Chunk<string[]>> {
  const splitter = new CsvSplitter();
  // A byte-order mark is no part of the first field (and would hide a quote that opens it).
  const from0 = start === 0 && (await startsWithBom(path)) ? 3 : start;
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = from0;
  for await (const data of createReadStream(path, {
    start: from0,
    highWaterMark: chunkBytes,
  }) as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, data]) : data;
    // Only the new bytes are scanned: the carried ones were scanned already, and the splitter kept their state.
    const offset = carry.length;
    const found = splitter.scan(data);
    const items: string[][] = [];
    const ends: number[] = [];
    let from = 0;
    for (const e of found) {
      const to = offset + e;
      const text = decodeRecord(buf, from, to);
      if (!blank(text)) {
        const row = parseCsv(text).rows[0] ?? [''];
        items.push(row);
        ends.push(carryStart + to);
      }
      from = to;
    }
    carry = buf.subarray(from);
    carryStart += from;
    if (items.length > 0) yield { items, ends };
  }
  if (carry.length > 0) {
    const text = decodeRecord(carry, 0, carry.length);
    if (!blank(text)) yield { items: [parseCsv(text).rows[0] ?? ['']], ends: [carryStart + carry.length] };
  }
}

/** The text of one record without its line break. */
function decodeRecord(buf: Buffer, from: number, to: number): string {
  let end = to;
  if (end > from && buf[end - 1] === LF) end--;
  if (end > from && buf[end - 1] === CR) end--;
  return buf.toString('utf8', from, end);
}

async function startsWithBom(path: string): Promise<boolean> {
  const f = await open(path, 'r');
  try {
    const b = Buffer.alloc(3);
    const { bytesRead } = await f.read(b, 0, 3, 0);
    return bytesRead === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  } finally {
    await f.close();
  }
}

/** The header row and the byte offset where the records after it start; undefined for an empty file. */
export async function readCsvHeader(path: string): Promise<{ header: string[]; end: number } | undefined> {
  for await (const chunk of readCsvRecords(path, 0)) {
    const header = chunk.items[0];
    if (header) return { header: header.map((h) => h.trim()), end: chunk.ends[0] as number };
  }
  return undefined;
}
