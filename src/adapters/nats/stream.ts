import {
  AckPolicy,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';

/** The stream that carries accepted ingest input from `gridloop serve` to `gridloop worker` (DESIGN.md §7). */
export const READINGS_STREAM = 'GRIDLOOP_READINGS';
export const READINGS_SUBJECT = 'gridloop.readings';
/** The durable pull consumer all workers share. */
export const WRITERS_CONSUMER = 'gridloop-writers';
/** Header naming the ingest source of a message (`http`, `open311` …). */
export const SOURCE_HEADER = 'Gridloop-Source';
/** Header naming the area a scoped token may feed; the worker writes through that scope's pipeline. */
export const SCOPE_HEADER = 'Gridloop-Scope';
/** Largest payload we publish; the server's default max_payload is 1 MB and headers need room. */
export const MAX_CHUNK_BYTES = 1_000_000;

/** Connects to one or more comma-separated NATS URLs, reconnecting without limit. */
export function connectNats(url: string | readonly string[], name: string): Promise<NatsConnection> {
  const servers = typeof url === 'string' ? url.split(',').map((s) => s.trim()) : [...url];
  return connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
}

export interface StreamSetup {
  /** Stream and consumer replicas: 3 on a cluster, 1 on a single server. Default 1. */
  readonly replicas?: number;
  /** How long a delivered message may stay unacked before redelivery. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Messages delivered and not yet acked, over all workers. Default 100 000. */
  readonly maxAckPending?: number;
}

/**
 * Creates the work-queue stream and the shared durable pull consumer if they are missing (both `serve --nats` and
 * `worker` call it; whoever comes first creates them).
 */
export async function ensureReadingsStream(jsm: JetStreamManager, setup: StreamSetup = {}): Promise<void> {
  const replicas = setup.replicas ?? 1;
  try {
    await jsm.streams.info(READINGS_STREAM);
  } catch (e) {
    if (!(e instanceof JetStreamApiError)) throw e;
    await jsm.streams.add({
      name: READINGS_STREAM,
      subjects: [READINGS_SUBJECT],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: replicas,
    });
  }
  try {
    await jsm.consumers.info(READINGS_STREAM, WRITERS_CONSUMER);
  } catch (e) {
    if (!(e instanceof JetStreamApiError)) throw e;
    await jsm.consumers.add(READINGS_STREAM, {
      durable_name: WRITERS_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(setup.ackWaitMs ?? 30_000),
      max_ack_pending: setup.maxAckPending ?? 100_000,
      num_replicas: replicas,
    });
  }
}

/** Opens the JetStream manager and makes sure stream and consumer exist. */
export async function setupReadingsStream(nc: NatsConnection, setup: StreamSetup = {}): Promise<void> {
  await ensureReadingsStream(await jetstreamManager(nc), setup);
}
