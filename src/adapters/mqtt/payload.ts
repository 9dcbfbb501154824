import { Buffer } from 'node:buffer';

/** One MQTT payload split into parsed records (a JSON object or array) and raw NDJSON lines (anything else). */
export interface SplitPayload {
  readonly records: unknown[];
  readonly lines: string[];
}

/**
 * Reads one payload: a reading object, a JSON array of readings, or NDJSON. What does not parse as one JSON value is
 * taken as NDJSON lines, so garbage reaches the pipeline as lines it quarantines, never dropped here.
 */
export function splitPayload(payload: Buffer | string, into: SplitPayload): void {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  const head = firstNonSpace(text);
  if (head === '{' || head === '[') {
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(text);
    } catch {
      // Several lines of NDJSON, or broken JSON: the line path keeps or explains each line.
      parsed = false;
    }
    if (parsed) {
      if (Array.isArray(value)) for (const v of value) into.records.push(v);
      else into.records.push(value);
      return;
    }
  }
  for (const line of text.split('\n')) {
    if (line.trim() !== '') into.lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\uFEFF') return c;
  }
  return '';
}

/** Payload size in bytes, for the queue's memory bound. */
export const payloadBytes = (payload: Buffer | string): number =>
  typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
