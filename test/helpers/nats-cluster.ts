import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = '/usr/sbin/nats-server';

/** True when something accepts TCP connections on host:port within a second. */
export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** A free TCP port on 127.0.0.1 (closed again, so the caller can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  proc: ChildProcess;
}

export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** All client URLs, comma-separated, for `--nats`. */
  readonly servers: string[];
  kill(name: string): void;
  stop(): Promise<void>;
}

/**
 * Starts `size` nats-server nodes as one JetStream cluster on loopback (one node: a standalone server), on free ports with temporary store folders,
 * and waits until every node accepts clients. stop() kills them and removes the folders.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gridloop-nats-'));
  const ports = await Promise.all(Array.from({ length: size * 2 }, () => freePort()));
  const routes = Array.from({ length: size }, (_, i) => `nats://127.0.0.1:${ports[size + i]}`).join(',');
  const nodes: NatsNode[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i + 1}`;
    const port = ports[i] as number;
    const args = ['-a', '127.0.0.1', '-p', String(port), '-n', name, '-js', '-sd', join(dir, name)];
    // One node runs standalone; more form a cluster.
    if (size > 1) {
      args.push(
        '--cluster_name',
        'gridloop-test',
        '-cluster',
        `nats://127.0.0.1:${ports[size + i]}`,
        '-routes',
        routes,
      );
    }
    const proc = spawn(NATS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.resume();
    nodes.push({ name, port, url: `nats://127.0.0.1:${port}`, proc });
  }
  const deadline = Date.now() + 15_000;
  for (const n of nodes) {
    while (!(await tcpOpen('127.0.0.1', n.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server ${n.name} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    nodes,
    servers: nodes.map((n) => n.url),
    kill(name) {
      nodes.find((n) => n.name === name)?.proc.kill('SIGKILL');
    },
    async stop() {
      await Promise.all(
        nodes.map(
          (n) =>
            new Promise<void>((resolve) => {
              if (n.proc.exitCode !== null || n.proc.signalCode !== null) return resolve();
              n.proc.once('exit', () => resolve());
              n.proc.kill('SIGKILL');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A probe for test/helpers/services.ts requireService: throws unless the nats-server binary is installed. */
export async function natsServerInstalled(): Promise<void> {
  if (!existsSync(NATS_SERVER)) throw new Error(`${NATS_SERVER} is missing (Debian package nats-server)`);
}

/** A probe for requireService: throws unless something accepts TCP connections on host:port. */
export async function tcpProbe(host: string, port: number): Promise<void> {
  if (!(await tcpOpen(host, port))) throw new Error(`nothing answers on ${host}:${port}`);
}
