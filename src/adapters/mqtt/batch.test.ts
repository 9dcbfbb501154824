import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import type { Ingest } from '../../ingest/pipeline.ts';
import type { IngestSummary } from '../../ingest/types.ts';
import { ingestMessages } from './batch.ts';

type Call = { kind: 'lines' | 'records'; items: readonly unknown[]; source: string; sources?: readonly string[] };

/** Records the calls and answers as if every item were stored. */
function recorder(calls: Call[]): Pick<Ingest, 'ingestLines' | 'ingestRecords'> {
  const stored = (n: number): IngestSummary => ({ received: n, stored: n, quarantined: 0, duplicate: 0, errors: [] });
  return {
    ingestLines: async (lines, source, _first, sources) => {
      calls.push({ kind: 'lines', items: lines, source, ...(sources ? { sources } : {}) });
      return stored(lines.length);
    },
    ingestRecords: async (records, source, sources) => {
      calls.push({ kind: 'records', items: records, source, ...(sources ? { sources } : {}) });
      return stored(records.length);
    },
  };
}

test('a batch from many topics is one records call and one lines call, each item naming its topic', async () => {
  const calls: Call[] = [];
  const counters = { received: 0, stored: 0, quarantined: 0, duplicate: 0 };
  const msg = (topic: string, payload: string) => ({ topic, payload: Buffer.from(payload) });
  await ingestMessages(
    recorder(calls),
    [
      msg('s/a', '{"sensor":"a"}'),
      msg('s/b', '[{"sensor":"b1"},{"sensor":"b2"}]'),
      msg('s/c', 'garbage\n{"sensor":"c"}'),
      msg('s/a', '{"sensor":"a2"}'),
      msg('s/d', 'more garbage'),
    ],
    counters,
  );
  assert.deepEqual(
    calls.map((c) => [c.kind, c.source, c.items.length, c.sources]),
    [
      ['records', 'mqtt', 4, ['mqtt:s/a', 'mqtt:s/b', 'mqtt:s/b', 'mqtt:s/a']],
      ['lines', 'mqtt', 3, ['mqtt:s/c', 'mqtt:s/c', 'mqtt:s/d']],
    ],
  );
  assert.deepEqual(counters, { received: 7, stored: 7, quarantined: 0, duplicate: 0 });
});
