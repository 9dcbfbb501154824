import type { Command } from 'commander';
import { buildApp } from '../../http/app.ts';
import { createRuntime } from '../../runtime.ts';
import { HOUR } from '../../shared/clock.ts';
import { createSimulator } from '../../sim/simulator.ts';
import { DEMO_CITY_DIR, resolveCityDir, resolveDataDir } from '../paths.ts';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the API, Open311 and the command centre')
    .option('--port <n>', 'port to listen on (env PORT)', (v) => Number.parseInt(v, 10))
    .option('--host <addr>', 'address to bind (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .option('--city <dir>', 'city definition folder (env GRIDLOOP_CITY, default the demo city)')
    .option('--demo', 'serve the demo city and run the live simulator')
    .option('--no-simulate', 'with --demo: serve the demo city without the simulator')
    .action(
      async (o: { port?: number; host: string; data?: string; city?: string; demo?: boolean; simulate: boolean }) => {
        const port = o.port ?? Number.parseInt(process.env.PORT ?? '8080', 10);
        const rt = await createRuntime({
          cityDir: o.demo ? DEMO_CITY_DIR : resolveCityDir(o.city),
          dataDir: resolveDataDir(o.data),
        });
        const app = await buildApp(rt, { logger: false });
        await app.listen({ port, host: o.host });
        const shown = o.host === '0.0.0.0' || o.host === '127.0.0.1' ? 'localhost' : o.host;
        console.log(`gridloop: ${rt.city.name} (${rt.grid.cellCount} cells, ${rt.city.sensors.size} sensors)`);
        console.log(`gridloop: command centre at http://${shown}:${port}/`);

        let sim: ReturnType<typeof createSimulator> | undefined;
        if (o.demo && o.simulate) {
          sim = createSimulator({
            city: rt.city,
            grid: rt.grid,
            clock: rt.clock,
            ingestReadings: (records) => rt.ingest.ingestRecords(records, 'sim'),
            fileReports: (records) => rt.ingest.fileReports(records, 'sim'),
          });
          const now = rt.clock();
          await sim.backfill(now - 2 * HOUR, now);
          await rt.runJobs();
          sim.start();
          console.log('gridloop: demo simulator running (2 h of history backfilled)');
        }

        const shutdown = async () => {
          sim?.stop();
          await app.close();
          await rt.close();
          process.exit(0);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      },
    );
}
