import { Worker } from 'node:worker_threads';
import type { ParsedLines } from '../ingest/parse-ahead.ts';
import type { ParseAheadSetup, ToWorker } from './parse-ahead-worker.ts';

/** A batch of lines the worker parsed: bytes [start, end) of the file. */
export interface ParsedBatch {
  readonly start: number;
  readonly end: number;
  readonly parsed: ParsedLines;
}

type FromWorker = { type: 'ready' } | ({ type: 'batch' } & ParsedBatch) | { type: 'end' };

/**
 * The worker thread that parses an NDJSON readings import ahead of the writer, on the machine's other core. It starts
 * at once but reads nothing until `start`: the import parses its first lines itself while the worker loads (a fifth of
 * a second), then hands over at a line boundary once `ready`.
 */
export interface ParseAhead {
  readonly ready: boolean;
  /** Resolves once the worker is ready; rejects if it failed first. */
  whenReady(): Promise<void>;
  /** Tells the worker to read from `offset` (a line start) on; it starts parsing at once. */
  start(offset: number): void;
  /** The batches from the start offset to the file's end; a worker failure ends them with its error. */
  batches(): AsyncGenerator<ParsedBatch>;
  close(): Promise<void>;
}

// tsx's loader does not reach worker threads on Node 20, so the worker loads its TypeScript through tsx's API.
const SHIM = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.module, workerData.module));`;

export function startParseAhead(setup: ParseAheadSetup): ParseAhead {
  const worker = new Worker(SHIM, {
    eval: true,
    workerData: {
      ...setup,
      tsx: import.meta.resolve('tsx/esm/api'),
      module: new URL('./parse-ahead-worker.ts', import.meta.url).href,
    },
  });
  const queue: FromWorker[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let ready = false;
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'ready') ready = true;
    else queue.push(m);
    wake?.();
  });
  const fail = (e: Error) => {
    failure ??= e;
    wake?.();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the parse-ahead worker exited with code ${code}`)));
  const post = (m: ToWorker) => worker.postMessage(m);
  return {
    get ready() {
      return ready && failure === undefined;
    },
    async whenReady() {
      while (!ready) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
      }
    },
    start(offset) {
      post({ type: 'start', offset });
    },
    async *batches() {
      for (;;) {
        const m = queue.shift();
        if (m === undefined) {
          if (failure) throw failure;
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        if (m.type === 'end') return;
        if (m.type === 'batch') {
          post({ type: 'taken' });
          yield m;
        }
      }
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
