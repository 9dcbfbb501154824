import type { MqttClient } from 'mqtt';
import type { Ingest } from '../../ingest/pipeline.ts';
import { type SplitPayload, splitPayload } from './payload.ts';

type Counts = { received: number; stored: number; quarantined: number; duplicate: number };

/**
 * Writes one batch of messages through the pipeline, and adds what happened to `counters`: all parsed records in one
 * call and all NDJSON lines in another, so that a batch from many topics is one transaction each, not one per topic.
 * A quarantine entry still names its message's source, `mqtt:<topic>`. It resolves only when everything is
 * committed; it throws if the store failed.
 */
export async function ingestMessages(
  ingest: Pick<Ingest, 'ingestLines' | 'ingestRecords'>,
  batch: readonly { readonly topic: string; readonly payload: Buffer }[],
  counters: Counts,
): Promise<void> {
  const split: SplitPayload = { records: [], lines: [] };
  const recordSources: string[] = [];
  const lineSources: string[] = [];
  for (const m of batch) {
    splitPayload(m.payload, split);
    const source = `mqtt:${m.topic}`;
    while (recordSources.length < split.records.length) recordSources.push(source);
    while (lineSources.length < split.lines.length) lineSources.push(source);
  }
  const add = (s: Counts) => {
    counters.received += s.received;
    counters.stored += s.stored;
    counters.quarantined += s.quarantined;
    counters.duplicate += s.duplicate;
  };
  if (split.records.length > 0) add(await ingest.ingestRecords(split.records, 'mqtt', recordSources));
  if (split.lines.length > 0) add(await ingest.ingestLines(split.lines, 'mqtt', 0, lineSources));
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
