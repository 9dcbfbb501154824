import type { Command } from 'commander';
import { connectNats, setupReadingsStream } from '../../adapters/nats/stream.ts';
import { startNatsWorker } from '../../adapters/nats/worker.ts';
import { createRuntime } from '../../runtime.ts';
import { resolveCityDir, resolveDataDir } from '../paths.ts';

interface WorkerOptions {
  nats: string;
  data?: string;
  city?: string;
  replicas: number;
  maxMessages: number;
}

const int = (v: string) => Number.parseInt(v, 10);

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('write readings from the NATS JetStream stream GRIDLOOP_READINGS to the store (ack after commit)')
    .requiredOption(
      '--nats <urls>',
      'NATS server URL(s), comma-separated (env GRIDLOOP_NATS)',
      process.env.GRIDLOOP_NATS,
    )
    .option('--data <dir>', 'data folder for the embedded store (env GRIDLOOP_DATA; GRIDLOOP_DATABASE_URL wins)')
    .option('--city <dir>', 'city definition folder (env GRIDLOOP_CITY, default the demo city)')
    .option('--replicas <n>', 'replicas of the stream, if this worker creates it', int, 1)
    .option('--max-messages <n>', 'messages per pull (each at most 1 MB)', int, 16)
    .action(async (o: WorkerOptions) => {
      const rt = await createRuntime({ cityDir: resolveCityDir(o.city), dataDir: resolveDataDir(o.data) });
      const nc = await connectNats(o.nats, `gridloop-worker-${process.pid}`);
      await setupReadingsStream(nc, { replicas: o.replicas });
      const worker = startNatsWorker({
        nc,
        ingestFor: (scope) => (scope === undefined ? rt.ingest : rt.ingestFor(scope)),
        maxMessages: o.maxMessages,
      });
      console.log(`gridloop: worker ${process.pid} writing ${rt.city.name} readings from ${o.nats}`);
      // A graceful drain: stop pulling, write and ack the batch in hand, then say what was done (exit 0). The last
      // line is the counters as JSON, for operators and tests; received = stored + quarantined + duplicate.
      const shutdown = async () => {
        let code = 0;
        try {
          await worker.stop();
          await nc.drain();
          await rt.close();
        } catch (e) {
          console.error('gridloop: worker: shutdown failed:', e);
          code = 1;
        }
        console.log(`gridloop: worker stopped: ${JSON.stringify(worker.counters)}`);
        process.exit(code);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
