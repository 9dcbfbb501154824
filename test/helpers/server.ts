import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEMO_CITY_DIR } from '../../src/cli/paths.ts';
import { buildApp } from '../../src/http/app.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createSimulator } from '../../src/sim/simulator.ts';

export interface TestServer {
  readonly url: string;
  readonly rt: Runtime;
  readonly app: FastifyInstance;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real app on the demo city with a fresh temporary data folder, on 127.0.0.1 and a free port. With
 * `simulate`, the demo simulator backfills an hour and keeps feeding the city.
 */
export async function startServer(
  opts: { simulate?: boolean; clock?: Clock; listen?: boolean } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-test-'));
  const rt = await createRuntime({
    cityDir: DEMO_CITY_DIR,
    dataDir,
    jobIntervalMs: 0,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const app = await buildApp(rt);
  let url = '';
  if (opts.listen !== false) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    url = `http://127.0.0.1:${addr.port}`;
  } else {
    await app.ready();
  }
  let sim: ReturnType<typeof createSimulator> | undefined;
  if (opts.simulate) {
    sim = createSimulator({
      city: rt.city,
      grid: rt.grid,
      clock: rt.clock,
      ingestReadings: (r) => rt.ingest.ingestRecords(r, 'sim'),
      fileReports: (r) => rt.ingest.fileReports(r, 'sim'),
    });
    const now = rt.clock();
    await sim.backfill(now - 3_600_000, now);
    sim.start();
  }
  return {
    url,
    rt,
    app,
    dataDir,
    async stop() {
      sim?.stop();
      await app.close();
      await rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
