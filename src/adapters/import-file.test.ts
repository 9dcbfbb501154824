import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { GridloopEvents } from '../events.ts';
import { tinyIngestCity } from '../ingest/fixtures.ts';
import { createIngest } from '../ingest/pipeline.ts';
import { EventBus } from '../shared/bus.ts';
import { importNdjsonFile } from './import-file.ts';
import { openSqliteStore } from './sqlite/index.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
const dir = mkdtempSync(join(tmpdir(), 'gridloop-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  const { city, grid, sensors } = tinyIngestCity();
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const batches: number[] = [];
  bus.on('ReadingsStored', (e) => void batches.push(e.readings.length));
  return { ingest: createIngest({ city, grid, sensors, stores, bus, clock: () => NOW }), stores, batches };
}

/** About 3 MB of lines, so that chunk boundaries fall inside lines and inside multi-byte characters. */
function bigFile(name: string): { path: string; lines: string[] } {
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    if (i % 1000 === 999) lines.push(`{"sensor":"aq-1","note":"ünïcödé ✓ 😀 ${'é'.repeat(i % 37)}"`);
    else if (i % 5000 === 3) lines.push('');
    else
      lines.push(
        JSON.stringify({
          sensor: i % 2 ? 'aq-1' : 'aq-2',
          metric: 'pm25',
          value: i % 500,
          ts: new Date(NOW - i * 1000).toISOString(),
        }),
      );
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join(name.includes('crlf') ? '\r\n' : '\n')}`);
  return { path, lines };
}

describe('importNdjsonFile', () => {
  for (const name of ['lf.ndjson', 'crlf.ndjson']) {
    test(`streams a file in batches and sums the summaries (${name})`, async () => {
      const { ingest, stores, batches } = setup();
      const { path, lines } = bigFile(name);
      let progress = 0;
      const s = await importNdjsonFile(path, ingest, { batchLines: 7000, onBatch: () => void progress++ });
      const bad = lines.filter((l) => l.includes('note'));
      const blank = lines.filter((l) => l === '').length;
      assert.equal(s.received, lines.length - blank);
      assert.equal(s.quarantined, bad.length);
      assert.equal(s.stored, lines.length - blank - bad.length);
      assert.equal(s.stored + s.quarantined + s.duplicate, s.received);
      assert.deepEqual(
        s.errors.slice(0, 3).map((e) => [e.index, e.code]),
        [
          [999, 'INGEST_MALFORMED_JSON'],
          [1999, 'INGEST_MALFORMED_JSON'],
          [2999, 'INGEST_MALFORMED_JSON'],
        ],
      );
      assert.ok(batches.every((n) => n <= 7000));
      assert.equal(progress, Math.ceil(lines.length / 7000));
      const q = await stores.quarantine.listQuarantine({ limit: 100, offset: 0 });
      assert.deepEqual(
        q.map((e) => e.raw),
        bad,
      );
      assert.equal(q[0]?.source, `import:${name}`);
      assert.equal(await stores.readings.countReadings(), s.stored);

      const again = await importNdjsonFile(path, ingest, { source: 'again' });
      assert.equal(again.duplicate, s.stored);
      assert.equal(again.stored, 0);
    });
  }

  test('quarantines an over-long line cut short and goes on with the next line', async () => {
    const { ingest, stores } = setup();
    const path = join(dir, 'long.ndjson');
    const good = JSON.stringify({ sensor: 'aq-1', metric: 'pm25', value: 1, ts: new Date(NOW).toISOString() });
    writeFileSync(
      path,
      `${good}\n{"sensor":"${'x'.repeat(3 * 1024 * 1024)}"}\n${good.replace('"value":1', '"value":2').replace(':00.000Z', ':01.000Z')}`,
    );
    const s = await importNdjsonFile(path, ingest, { maxLineBytes: 1024 * 1024 });
    assert.deepEqual(
      { ...s, errors: s.errors.map((e) => [e.index, e.code]) },
      {
        received: 3,
        stored: 2,
        quarantined: 1,
        duplicate: 0,
        errors: [[1, 'INGEST_MALFORMED_JSON']],
      },
    );
    const [q] = await stores.quarantine.listQuarantine({ limit: 1, offset: 0 });
    assert.ok(q && q.raw.length < 2000 && q.raw.startsWith('{"sensor":"xxx'));
  });

  test('an empty file imports nothing', async () => {
    const { ingest } = setup();
    const path = join(dir, 'empty.ndjson');
    writeFileSync(path, '');
    assert.deepEqual(await importNdjsonFile(path, ingest), {
      received: 0,
      stored: 0,
      quarantined: 0,
      duplicate: 0,
      errors: [],
    });
  });
});
