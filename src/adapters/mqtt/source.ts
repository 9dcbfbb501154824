import { hostname } from 'node:os';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Ingest } from '../../ingest/pipeline.ts';
import { holdPubacks, ingestMessages } from './batch.ts';
import { payloadBytes } from './payload.ts';

export const DEFAULT_MQTT_TOPIC = 'gridloop/readings/#';

/** The client id a restarted source comes back under, so that the broker hands it its session. */
export const defaultMqttClientId = (): string => process.env.GRIDLOOP_MQTT_CLIENT_ID ?? `gridloop-${hostname()}`;

export interface MqttSourceOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  readonly url: string;
  readonly ingest: Pick<Ingest, 'ingestLines' | 'ingestRecords'>;
  /** Topic filters; default `gridloop/readings/#`. */
  readonly topics?: readonly string[];
  /**
   * Stable client id: the broker keeps the session (subscriptions and unacked QoS 1 messages) under it. Default
   * env GRIDLOOP_MQTT_CLIENT_ID, else `gridloop-<hostname>`; replicas must each have their own.
   */
  readonly clientId?: string;
  /** Messages held in memory before the source stops reading the socket. Default 10 000. */
  readonly maxQueuedMessages?: number;
  /** Bytes held in memory before the source stops reading the socket. Default 64 MB. */
  readonly maxQueuedBytes?: number;
  /** First reconnect delay; it doubles up to `maxReconnectMs`. Default 250 ms and 10 s. */
  readonly reconnectMs?: number;
  readonly maxReconnectMs?: number;
  /** Where failures are reported; default console.error. */
  readonly onError?: (e: unknown) => void;
}

/** received = stored + quarantined + duplicate once `pending` is 0. Redelivered messages count again. */
export interface MqttCounters {
  messages: number;
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
  /** Messages received and not yet committed. */
  pending: number;
  /** Times the source stopped reading because its queue was full. */
  paused: number;
}

export interface MqttSource {
  readonly counters: Readonly<MqttCounters>;
  /** Resolves once connected and subscribed. */
  readonly ready: Promise<void>;
  /** Resolves when everything received so far is committed and acked. */
  drain(): Promise<void>;
  /** Graceful: drains, then disconnects. With `force`, drops the queue unacked (the broker redelivers it). */
  close(opts?: { force?: boolean }): Promise<void>;
}

interface Queued {
  readonly topic: string;
  readonly payload: Buffer;
  readonly messageId: number | undefined;
  readonly generation: number;
}

/**
 * Subscribes with QoS 1 on a persistent session and feeds each message to the ingest pipeline as `mqtt:<topic>`.
 * Messages are batched (whatever arrived while the previous batch was being written, at most 10 000 messages) and
 * acknowledged to the broker only after their batch committed, so a crash loses nothing: the broker redelivers, and
 * readings dedupe on (sensor, metric, ts). When the queue is full, the source stops taking packets off the socket
 * until the writer catches up; the broker holds the rest.
 */
export function startMqttSource(opts: MqttSourceOptions): MqttSource {
  const topics = opts.topics ?? [DEFAULT_MQTT_TOPIC];
  const maxMessages = opts.maxQueuedMessages ?? 10_000;
  const maxBytes = opts.maxQueuedBytes ?? 64 * 1024 * 1024;
  const baseDelay = opts.reconnectMs ?? 250;
  const maxDelay = opts.maxReconnectMs ?? 10_000;
  const onError = opts.onError ?? ((e: unknown) => console.error('gridloop: mqtt:', e));
  const counters: MqttCounters = {
    messages: 0,
    received: 0,
    stored: 0,
    quarantined: 0,
    duplicate: 0,
    pending: 0,
    paused: 0,
  };
  const options: IClientOptions = {
    clientId: opts.clientId ?? defaultMqttClientId(),
    clean: false,
    protocolVersion: 5,
    // A v5 session ends at disconnect unless it has an expiry; a day covers any restart.
    properties: { sessionExpiryInterval: 86_400, receiveMaximum: Math.min(65_535, maxMessages) },
    reconnectPeriod: baseDelay,
    connectTimeout: 10_000,
  };
  const client: MqttClient = connect(opts.url, options);
  let generation = 0;
  let queue: Queued[] = [];
  let queuedBytes = 0;
  /** Message ids of the current connection whose PUBACK waits for their batch's commit. */
  const held = new Set<number>();
  let resume: (() => void) | undefined;
  let writing: Promise<void> | undefined;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const send = holdPubacks(client, held);
  if (send === undefined) onError(new Error('MQTT.js internals changed: messages are acked on receipt, not on commit'));

  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => {
    readyResolve = r;
  });

  client.on('connect', (connack) => {
    generation++;
    held.clear();
    client.options.reconnectPeriod = baseDelay;
    const subscribed = connack.sessionPresent
      ? Promise.resolve()
      : client.subscribeAsync(topics as string[], { qos: 1 }).then(() => undefined);
    subscribed.then(readyResolve, onError);
  });
  client.on('close', () => {
    // Backoff: each failed attempt doubles the wait, up to the maximum.
    client.options.reconnectPeriod = Math.min(maxDelay, (client.options.reconnectPeriod ?? baseDelay) * 2);
  });
  client.on('error', onError);

  client.handleMessage = (packet: IPublishPacket, callback) => {
    if (closed) return; // A forced close: leave it unacked.
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const messageId = packet.qos > 0 ? packet.messageId : undefined;
    if (messageId !== undefined && send !== undefined) held.add(messageId);
    queue.push({ topic: packet.topic, payload, messageId, generation });
    queuedBytes += payloadBytes(payload);
    counters.messages++;
    counters.pending++;
    schedule();
    if (queue.length < maxMessages && queuedBytes < maxBytes) callback();
    else {
      counters.paused++;
      resume = callback;
    }
  };

  function schedule(): void {
    if (writing !== undefined || queue.length === 0) return;
    writing = new Promise<void>((r) => setImmediate(r)).then(writeLoop);
  }

  async function writeLoop(): Promise<void> {
    let delay = 100;
    while (queue.length > 0 && !closed) {
      const batch = queue;
      queue = [];
      queuedBytes = 0;
      if (resume) {
        const r = resume;
        resume = undefined;
        r();
      }
      for (;;) {
        try {
          await ingestMessages(opts.ingest, batch, counters);
          break;
        } catch (e) {
          // The store failed: nothing of the batch is acked; retry it after a growing pause.
          onError(e);
          if (closed) return;
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(5_000, delay * 2);
        }
      }
      counters.pending -= batch.length;
      for (const m of batch) {
        if (m.messageId === undefined || m.generation !== generation || send === undefined) continue;
        held.delete(m.messageId);
        if (client.connected) send({ cmd: 'puback', messageId: m.messageId });
      }
    }
    writing = undefined;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
    schedule();
  }

  const drain = (): Promise<void> =>
    writing === undefined && queue.length === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));

  return {
    counters,
    ready,
    drain,
    async close(o = {}) {
      if (o.force) {
        closed = true;
        await client.endAsync(true);
        await writing;
        queue = [];
        counters.pending = 0;
        return;
      }
      await drain();
      closed = true;
      await client.endAsync();
    },
  };
}
