import { type Consumer, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Ingest } from '../../ingest/pipeline.ts';
import type { AreaId } from '../../shared/brand.ts';
import { READINGS_STREAM, SCOPE_HEADER, SOURCE_HEADER, WRITERS_CONSUMER } from './stream.ts';

export interface NatsWorkerOptions {
  readonly nc: NatsConnection;
  /** The pipeline for a message's scope header (undefined: the whole city); the runtime's `ingestFor`. */
  readonly ingestFor: (scope: AreaId | undefined) => Pick<Ingest, 'ingestLines'>;
  /** Messages asked for in one pull. Each holds at most 1 MB, so this bounds memory too. Default 16. */
  readonly maxMessages?: number;
  /** How long one pull waits for messages. Default 1 s. */
  readonly expiresMs?: number;
  readonly onError?: (e: unknown) => void;
}

/** received = stored + quarantined + duplicate; redelivered messages count again (and their readings as duplicates). */
export interface NatsWorkerCounters {
  messages: number;
  redelivered: number;
  received: number;
  stored: number;
  quarantined: number;
  duplicate: number;
  errors: number;
}

export interface NatsWorker {
  readonly counters: Readonly<NatsWorkerCounters>;
  /** Stops pulling, finishes the batch in hand and acks it. */
  stop(): Promise<void>;
}

/**
 * Drains GRIDLOOP_READINGS through the shared durable pull consumer: pulls a batch, writes it through the ingest
 * pipeline, and acks each message only after the write committed. At most two pulls are in hand at once (the one
 * being written and the next), so a slow store stops the pulling instead of growing memory. A crash between commit
 * and ack means a redelivery, which stores nothing new: readings dedupe on (sensor, metric, ts).
 */
export function startNatsWorker(opts: NatsWorkerOptions): NatsWorker {
  const maxMessages = opts.maxMessages ?? 16;
  const expires = opts.expiresMs ?? 1_000;
  const onError = opts.onError ?? ((e: unknown) => console.error('gridloop: worker:', e));
  const js = jetstream(opts.nc);
  const counters: NatsWorkerCounters = {
    messages: 0,
    redelivered: 0,
    received: 0,
    stored: 0,
    quarantined: 0,
    duplicate: 0,
    errors: 0,
  };
  let stopping = false;
  let consumer: Consumer | undefined;
  const decoder = new TextDecoder();

  async function pull(): Promise<JsMsg[]> {
    consumer ??= await js.consumers.get(READINGS_STREAM, WRITERS_CONSUMER);
    const msgs: JsMsg[] = [];
    const it = await consumer.fetch({ max_messages: maxMessages, expires });
    for await (const m of it) msgs.push(m);
    return msgs;
  }

  async function write(msgs: readonly JsMsg[]): Promise<void> {
    const groups = new Map<string, { source: string; scope: AreaId | undefined; lines: string[] }>();
    for (const m of msgs) {
      counters.messages++;
      if (m.info.deliveryCount > 1) counters.redelivered++;
      const source = m.headers?.get(SOURCE_HEADER) || 'nats';
      const scope = (m.headers?.get(SCOPE_HEADER) || undefined) as AreaId | undefined;
      const key = `${scope ?? ''}\u0000${source}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { source, scope, lines: [] };
        groups.set(key, group);
      }
      const lines = group.lines;
      const text = decoder.decode(m.data);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        lines.push(text.slice(start, end));
        start = end + 1;
      }
      if (start < text.length) lines.push(text.slice(start));
    }
    for (const { source, scope, lines } of groups.values()) {
      const s = await opts.ingestFor(scope).ingestLines(lines, source);
      counters.received += s.received;
      counters.stored += s.stored;
      counters.quarantined += s.quarantined;
      counters.duplicate += s.duplicate;
    }
    for (const m of msgs) m.ack();
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // A pull that failed (a node went away, a leader is being elected) is simply tried again.
  const safePull = (): Promise<JsMsg[] | Error> =>
    pull().catch((e: unknown) => {
      consumer = undefined;
      return e instanceof Error ? e : new Error(String(e));
    });

  async function run(): Promise<void> {
    let next = safePull();
    let delay = 100;
    while (!stopping) {
      const got = await next;
      if (got instanceof Error) {
        counters.errors++;
        if (!stopping) onError(got);
        await pause(delay);
        delay = Math.min(5_000, delay * 2);
        next = safePull();
        continue;
      }
      delay = 100;
      next = stopping ? Promise.resolve([]) : safePull();
      if (got.length === 0) continue;
      try {
        await write(got);
      } catch (e) {
        // Not acked: the server redelivers after ack_wait. Tell it now, so that it does not wait that long.
        counters.errors++;
        onError(e);
        for (const m of got) m.nak(1_000);
      }
    }
    const last = await next;
    if (!(last instanceof Error) && last.length > 0) await write(last).catch(onError);
  }

  const done = run();
  return {
    counters,
    async stop() {
      stopping = true;
      await done;
    },
  };
}
