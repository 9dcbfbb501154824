import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointFile } from '../src/adapters/import-checkpoint.ts';
import { importFile } from '../src/adapters/import-file.ts';
import { createRuntime } from '../src/runtime.ts';
import { DEMO_CITY, prepareFeed } from './ingest.ts';

export const description = 'peak RSS of `gridloop import` of 10M readings (BENCH_BIG_N) in a process of its own';

const log = (msg: string) => process.stderr.write(`[bench ingest-big] ${msg}\n`);
const SELF = fileURLToPath(import.meta.url);

/**
 * Writes BENCH_BIG_N (default 10,000,000) readings and imports them in a child process that does nothing else, so
 * that its `process.resourceUsage().maxRSS` is the import's own high-water mark. BENCH_PROF=DIR adds --cpu-prof.
 */
export async function benchBig(tmp: string): Promise<object> {
  const n = Number(process.env.BENCH_BIG_N ?? 10_000_000);
  const file = join(tmp, 'big.ndjson');
  const feed = await prepareFeed(file, n);
  const dataDir = join(tmp, 'big');
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  log(`importing ${n} readings in a child process`);
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', SELF, '--child', file, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    text += c;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`the import child exited with ${code}`);
  const r = JSON.parse(text) as { ms: number; stored: number; maxRssKb: number };
  if (r.stored !== feed.n) throw new Error(`stored ${r.stored} of ${feed.n}`);
  return {
    readings: n,
    readings_per_s: Math.round(n / (r.ms / 1000)),
    peak_rss_mb: Math.round(r.maxRssKb / 1024),
  };
}

/** The child: the runtime and `gridloop import` of one file, then its figures on stdout. */
async function child(file: string, dataDir: string): Promise<void> {
  const rt = await createRuntime({ cityDir: DEMO_CITY, dataDir, jobIntervalMs: 0 });
  const t0 = performance.now();
  // What `gridloop import FILE` runs: importFile with a checkpoint written after every batch.
  const checkpoint = new CheckpointFile(dataDir, file);
  const s = await importFile(file, rt, { format: 'ndjson', kind: 'readings', source: 'bench', checkpoint });
  const ms = performance.now() - t0;
  await rt.close();
  process.stdout.write(JSON.stringify({ ms, stored: s.stored, maxRssKb: process.resourceUsage().maxRSS }));
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  await child(process.argv[3] as string, process.argv[4] as string);
}

/** `npm run bench -- ingest-big`: this part alone. */
export async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-bench-'));
  try {
    console.log(JSON.stringify({ bench: 'ingest-big', big: await benchBig(tmp) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
