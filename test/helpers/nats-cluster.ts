import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NatsWorkerCounters } from '../../src/adapters/nats/worker.ts';
import { PROJECT_ROOT } from '../../src/cli/paths.ts';

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

/** How a `gridloop worker` process ended: after SIGTERM a graceful drain exits 0 and prints its counters last. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly counters: NatsWorkerCounters | undefined;
  readonly output: readonly string[];
}

export interface WorkerProcess {
  readonly proc: ChildProcess;
  /** Its stdout and stderr lines so far. */
  readonly output: readonly string[];
  /** Resolves when the worker says it is writing; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** SIGTERM, then the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<WorkerExit>;
  /** SIGKILL, for cleanup after a failure. */
  kill(): void;
}

const STOPPED = /^gridloop: worker stopped: (\{.*\})$/;

/** Starts `gridloop worker --nats servers` (bin/gridloop.js) as a child process, with `env` added to this one's. */
export function startWorkerProcess(
  servers: readonly string[],
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
): WorkerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Set by node:test for its own children; a worker is not one.
  delete childEnv.NODE_TEST_CONTEXT;
  const proc = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'gridloop.js'), 'worker', '--nats', servers.join(','), ...args],
    { cwd: PROJECT_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  let counters: NatsWorkerCounters | undefined;
  let onReady: () => void = () => {};
  const collect = (stream: NodeJS.ReadableStream | null) => {
    if (stream === null) return Promise.resolve();
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      output.push(line);
      if (line.startsWith('gridloop: worker ') && line.includes(' writing ')) onReady();
      const m = STOPPED.exec(line);
      if (m) counters = JSON.parse(m[1] as string) as NatsWorkerCounters;
    });
    return new Promise<void>((resolve) => lines.once('close', resolve));
  };
  const streams = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    exited.then((e) => reject(new Error(`gridloop worker exited (${JSON.stringify(e)}): ${output.join('\n')}`)));
  });
  ready.catch(() => {});
  const running = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    output,
    ready,
    async stop(graceMs = 30_000) {
      if (running()) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const e = await exited;
      clearTimeout(timer);
      await streams;
      return { ...e, counters, output };
    },
    kill() {
      if (running()) proc.kill('SIGKILL');
    },
  };
}
