// The worker thread of `startParseAhead` (parse-ahead-thread.ts): reads an NDJSON readings file from a byte offset and sends it back in
// batches of lines parsed by the fast path, at most AHEAD batches before the import has taken them.
import { parentPort, workerData } from 'node:worker_threads';
import { aheadParser } from '../ingest/parse-ahead.ts';
import type { RegisteredSensor } from '../sensors/registry.ts';
import { readNdjsonLines } from './import-ndjson.ts';

/** Batches sent and not yet taken: one being stored, one ready. */
export const AHEAD = 2;

export interface ParseAheadSetup {
  readonly path: string;
  readonly maxLine: number;
  readonly batchSize: number;
  /** The registry's `sensorList`, in that order. */
  readonly sensors: readonly RegisteredSensor[];
}

/** Main → worker: read from this offset on / one batch was taken. */
export type ToWorker = { readonly type: 'start'; readonly offset: number } | { readonly type: 'taken' };

async function run(port: NonNullable<typeof parentPort>, setup: ParseAheadSetup): Promise<void> {
  const parse = aheadParser(setup.sensors);
  let credit = AHEAD;
  let wake: (() => void) | undefined;
  const start = new Promise<number>((resolve) => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'start') resolve(m.offset);
      else {
        credit++;
        wake?.();
      }
    });
  });
  port.postMessage({ type: 'ready' });
  let from = await start;
  let lines: string[] = [];
  let end = from;
  const send = async () => {
    while (credit === 0) await new Promise<void>((r) => (wake = r));
    credit--;
    const parsed = parse(lines);
    port.postMessage({ type: 'batch', start: from, end, parsed }, [
      parsed.sensor.buffer,
      parsed.metric.buffer,
      parsed.ts.buffer,
      parsed.value.buffer,
    ] as ArrayBuffer[]);
    from = end;
    lines = [];
  };
  for await (const chunk of readNdjsonLines(setup.path, from, setup.maxLine)) {
    for (let i = 0; i < chunk.items.length; i++) {
      lines.push(chunk.items[i] as string);
      end = chunk.ends[i] as number;
      if (lines.length === setup.batchSize) await send();
    }
  }
  if (lines.length > 0) await send();
  port.postMessage({ type: 'end' });
}

if (parentPort) await run(parentPort, workerData as ParseAheadSetup);
