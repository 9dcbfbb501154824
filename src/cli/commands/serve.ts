import type { Command } from 'commander';
import { DEFAULT_MQTT_TOPIC, type MqttSource, startMqttSource } from '../../adapters/mqtt/source.ts';
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
  mqtt?: string;
  mqttTopic?: string[];
  nats?: string;
  natsReplicas: number;
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
    .option('--mqtt <url>', 'take readings from this MQTT broker (env GRIDLOOP_MQTT)', process.env.GRIDLOOP_MQTT)
    .option('--mqtt-topic <filter...>', `MQTT topic filters to subscribe to (default ${DEFAULT_MQTT_TOPIC})`)
    .option(
      '--nats <urls>',
      'queue accepted input on NATS JetStream for `gridloop worker` (env GRIDLOOP_NATS)',
      process.env.GRIDLOOP_NATS,
    )
    .option(
      '--nats-replicas <n>',
      'replicas of the stream if serve creates it (3 on a cluster)',
      (v) => Number.parseInt(v, 10),
      1,
    )
    .action(async (o: ServeOptions) => {
      const port = o.port ?? Number.parseInt(process.env.PORT ?? '8080', 10);
      const vaultFromEnv = Boolean(process.env.GRIDLOOP_VAULT_KEYS);
      const rt = await createRuntime({
        cityDir: o.demo ? DEMO_CITY_DIR : resolveCityDir(o.city),
        dataDir: resolveDataDir(o.data),
        // The demo without configured keys encrypts contacts under a key that dies with the process.
        ...(o.demo && !vaultFromEnv ? { cipher: ephemeralCipher() } : {}),
        ...(o.nats ? { nats: o.nats, natsReplicas: o.natsReplicas } : {}),
      });
      const local = o.host === '127.0.0.1' || o.host === 'localhost' || o.host === '::1';
      // Over plain http on this machine a Secure cookie would never be sent back; anywhere else it must be Secure.
      const app = await buildApp(rt, {
        secureCookies: !(o.demo && local) && process.env.GRIDLOOP_INSECURE_COOKIES !== '1',
      });
      await app.listen({ port, host: o.host });
      const topics = o.mqttTopic ?? [DEFAULT_MQTT_TOPIC];
      const mqtt: MqttSource | undefined = o.mqtt
        ? startMqttSource({ url: o.mqtt, ingest: rt.ingest, topics })
        : undefined;
      if (mqtt) console.log(`gridloop: MQTT source on ${o.mqtt} (${topics.join(', ')})`);
      if (o.nats) console.log(`gridloop: ingest goes to NATS JetStream at ${o.nats}; run gridloop worker to store it`);
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
        await mqtt?.close();
        await app.close();
        await rt.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
