/** How to start each local service the tests use (the machine's own start commands). */
export const START_COMMANDS: Readonly<Record<string, string>> = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  Mosquitto: 'mosquitto -d -c /etc/mosquitto/mosquitto.conf',
  NATS: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
};

/**
 * Probes a local service. When it answers, returns true. When it does not, skips the test with a visible notice that
 * says how to start it and returns false — except under CI (CI=true), where a missing service fails the test.
 */
export async function requireService(
  t: { skip(message?: string): void },
  name: string,
  probe: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (e) {
    const how = START_COMMANDS[name];
    const msg = `${name} is not running${how ? `: start it with ${how}` : ''} (${(e as Error).message ?? e})`;
    if (process.env.CI === 'true') throw new Error(msg);
    t.skip(msg);
    return false;
  }
}
