import type { Command } from 'commander';
import { ephemeralCipher } from '../../adapters/node-crypto.ts';
import { nodeSecrets } from '../../adapters/secrets.ts';
import { buildApp } from '../../http/app.ts';
import { createRuntime } from '../../runtime.ts';
import { ensureDemoUsers, startDemoActivity } from '../demo.ts';
import { DEMO_CITY_DIR, resolveCityDir, resolveDataDir } from '../paths.ts';

interface ServeOptions {
  port?: number;
  host: string;
  data?: string;
  city?: string;
  demo?: boolean;
  simulate: boolean;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the API, Open311 and the command centre')
    .option('--port <n>', 'port to listen on (env PORT)', (v) => Number.parseInt(v, 10))
    .option('--host <addr>', 'address to bind (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data folder (env GRIDLOOP_DATA, default ./data)')
    .option('--city <dir>', 'city definition folder (env GRIDLOOP_CITY, default the demo city)')
    .option('--demo', 'serve the demo city with demo users, and run the live simulator')
    .option('--no-simulate', 'with --demo: serve the demo city without the simulator')
    .action(async (o: ServeOptions) => {
      const port = o.port ?? Number.parseInt(process.env.PORT ?? '8080', 10);
      const vaultFromEnv = Boolean(process.env.GRIDLOOP_VAULT_KEYS);
      const rt = await createRuntime({
        cityDir: o.demo ? DEMO_CITY_DIR : resolveCityDir(o.city),
        dataDir: resolveDataDir(o.data),
        // The demo without configured keys encrypts contacts under a key that dies with the process.
        ...(o.demo && !vaultFromEnv ? { cipher: ephemeralCipher() } : {}),
      });
      const local = o.host === '127.0.0.1' || o.host === 'localhost' || o.host === '::1';
      // Over plain http on this machine a Secure cookie would never be sent back; anywhere else it must be Secure.
      const app = await buildApp(rt, {
        secureCookies: !(o.demo && local) && process.env.GRIDLOOP_INSECURE_COOKIES !== '1',
      });
      await app.listen({ port, host: o.host });
      const shown = o.host === '0.0.0.0' || local ? 'localhost' : o.host;
      console.log(`gridloop: ${rt.city.name} (${rt.grid.cellCount} cells, ${rt.city.sensors.size} sensors)`);
      if (!rt.contactsEnabled)
        console.log("gridloop: GRIDLOOP_VAULT_KEYS is not set: reporters' contact details will not be stored");

      let demo: { stop(): void } | undefined;
      if (o.demo) {
        if (!vaultFromEnv)
          console.log('gridloop: demo vault key is temporary: contact details stored now die with this process');
        const { users, integrationToken } = await ensureDemoUsers(rt, () => nodeSecrets.randomToken(12));
        console.log('gridloop: demo users (passwords are new on every start):');
        for (const u of users) console.log(`  ${u.username.padEnd(18)} ${u.role.padEnd(13)} ${u.password}`);
        console.log(`gridloop: demo integration token: ${integrationToken}`);
        if (o.simulate) {
          demo = await startDemoActivity(rt);
          console.log('gridloop: demo simulator running (2 h of history backfilled)');
        }
      }
      console.log(`gridloop: command centre at http://${shown}:${port}/`);

      const shutdown = async () => {
        demo?.stop();
        await app.close();
        await rt.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
