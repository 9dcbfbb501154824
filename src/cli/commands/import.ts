import type { Command } from 'commander';
import { importNdjsonFile } from '../../adapters/import-file.ts';
import { createRuntime } from '../../runtime.ts';
import { resolveCityDir, resolveDataDir } from '../paths.ts';

export function importCommand(program: Command): void {
  program
    .command('import')
    .description('import readings from an NDJSON file (one reading per line)')
    .argument('<file>', 'the NDJSON file')
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .option('--city <dir>', 'city definition folder (env GRIDLOOP_CITY, default the demo city)')
    .action(async (file: string, o: { data?: string; city?: string }) => {
      const rt = await createRuntime({
        cityDir: resolveCityDir(o.city),
        dataDir: resolveDataDir(o.data),
        jobIntervalMs: 0,
      });
      const started = performance.now();
      try {
        const summary = await importNdjsonFile(file, rt.ingest, { source: `import:${file}` });
        const seconds = (performance.now() - started) / 1000;
        console.log(JSON.stringify({ file, ...summary, errors: summary.errors.slice(0, 10), seconds }));
        process.exitCode = summary.quarantined > 0 ? 2 : 0;
      } finally {
        await rt.close();
      }
    });
}
