import type { EpochMs } from '../shared/brand.ts';
import type { QuarantineEntry } from './types.ts';

/**
 * The lines of an NDJSON text, without their `\n` or `\r\n`. A final line without a newline is kept; the empty string
 * after a final newline is not. Blank lines are kept, so that a line's index is its line number - 1.
 */
export function splitLines(input: string | Buffer): string[] {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const lines: string[] = [];
  // A byte order mark, which some editors write at the start of a UTF-8 file, is not part of the first record.
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    lines.push(text.slice(start, stop));
    start = end + 1;
  }
  return lines;
}

/** True for a line that holds no record: empty, or only spaces, tabs and carriage returns. */
export function isBlank(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === 123) return false; // `{`: the common case, decided without a scan
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Marks a line that JSON.parse refused; distinct from any value JSON can hold. */
export const MALFORMED: unique symbol = Symbol('malformed');

/** The parsed value of one line, or MALFORMED. */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return MALFORMED;
  }
}

/** The quarantine entry of a line that is not JSON, keeping the line as it came. */
export function malformedEntry(line: string, source: string, receivedAt: EpochMs): QuarantineEntry {
  return {
    source,
    raw: line,
    code: 'INGEST_MALFORMED_JSON',
    reason: 'the line is not valid JSON',
    path: undefined,
    receivedAt,
  };
}

/**
 * Parses a whole NDJSON text: every non-blank line becomes a record (with its line index) or a quarantine entry.
 * Never throws on bad input.
 */
export function parseNdjson(
  input: string | Buffer,
  source: string,
  receivedAt: EpochMs,
): { records: { index: number; value: unknown }[]; quarantine: QuarantineEntry[] } {
  const records: { index: number; value: unknown }[] = [];
  const quarantine: QuarantineEntry[] = [];
  const lines = splitLines(input);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isBlank(line)) continue;
    const value = parseLine(line);
    if (value === MALFORMED) quarantine.push(malformedEntry(line, source, receivedAt));
    else records.push({ index: i, value });
  }
  return { records, quarantine };
}
