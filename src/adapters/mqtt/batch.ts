import type { MqttClient } from 'mqtt';
import type { Ingest } from '../../ingest/pipeline.ts';
import { type SplitPayload, splitPayload } from './payload.ts';

type Counts = { received: number; stored: number; quarantined: number; duplicate: number };

/**
 * Writes one batch of messages through the pipeline, one source `mqtt:<topic>` per topic, and adds what happened to
 * `counters`. It resolves only when everything is committed; it throws if the store failed.
 */
export async function ingestMessages(
  ingest: Pick<Ingest, 'ingestLines' | 'ingestRecords'>,
  batch: readonly { readonly topic: string; readonly payload: Buffer }[],
  counters: Counts,
): Promise<void> {
  const byTopic = new Map<string, SplitPayload>();
  for (const m of batch) {
    let split = byTopic.get(m.topic);
    if (split === undefined) {
      split = { records: [], lines: [] };
      byTopic.set(m.topic, split);
    }
    splitPayload(m.payload, split);
  }
  const add = (s: Counts) => {
    counters.received += s.received;
    counters.stored += s.stored;
    counters.quarantined += s.quarantined;
    counters.duplicate += s.duplicate;
  };
  for (const [topic, split] of byTopic) {
    const source = `mqtt:${topic}`;
    if (split.records.length > 0) add(await ingest.ingestRecords(split.records, source));
    if (split.lines.length > 0) add(await ingest.ingestLines(split.lines, source));
  }
}

type Send = (packet: { cmd: string; messageId?: number }, cb?: () => void) => void;

/**
 * MQTT.js sends a PUBACK as soon as handleMessage calls back, and takes no next packet before that. To batch and still
 * ack after the commit, this swallows the PUBACKs of the message ids in `held` (the client goes on to the next packet)
 * and returns the real send, for the caller to ack them once stored. Undefined if MQTT.js no longer has the hook.
 */
export function holdPubacks(client: MqttClient, held: ReadonlySet<number>): Send | undefined {
  const internal = client as unknown as { _sendPacket?: Send };
  const send = internal._sendPacket?.bind(client);
  if (send === undefined) return undefined;
  internal._sendPacket = (packet, cb) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined && held.has(packet.messageId)) cb?.();
    else send(packet, cb);
  };
  return send;
}
