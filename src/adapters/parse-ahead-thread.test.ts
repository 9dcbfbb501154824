import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tinyIngestCity } from '../ingest/fixtures.ts';
import { aheadParser, sensorList } from '../ingest/parse-ahead.ts';
import { type ParsedBatch, startParseAhead } from './parse-ahead-thread.ts';

const dir = mkdtempSync(join(tmpdir(), 'gridloop-parse-ahead-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sensors = sensorList(tinyIngestCity().sensors);

const line = (i: number) =>
  i % 7 === 3
    ? '{"bad"'
    : JSON.stringify({
        sensor: i % 2 ? 'aq-1' : 'aq-2',
        metric: 'pm25',
        value: i % 500,
        ts: new Date(1.7e12 + i * 1000).toISOString(),
      });

test('the worker sends the file from an offset in batches of whole lines, parsed as parseAhead parses them', async () => {
  const lines = Array.from({ length: 2500 }, (_, i) => line(i));
  const path = join(dir, 'lines.ndjson');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const from = 1000;
  const offset = Buffer.byteLength(lines.slice(0, from).join('\n')) + 1;
  const ahead = startParseAhead({ path, maxLine: 1 << 20, batchSize: 600, sensors });
  try {
    await ahead.whenReady();
    ahead.start(offset);
    const batches: ParsedBatch[] = [];
    for await (const b of ahead.batches()) batches.push(b);
    assert.deepEqual(
      batches.map((b) => b.parsed.count),
      [600, 600, 300],
    );
    // Contiguous byte ranges from the offset to the end of the file.
    assert.equal(batches[0]?.start, offset);
    for (let k = 1; k < batches.length; k++) assert.equal(batches[k]?.start, batches[k - 1]?.end);
    assert.equal(batches.at(-1)?.end, statSync(path).size);
    const parse = aheadParser(sensors);
    batches.forEach((b, k) => {
      const expected = parse(lines.slice(from + 600 * k, from + 600 * (k + 1)));
      assert.deepEqual({ ...b.parsed }, { ...expected });
    });
  } finally {
    await ahead.close();
  }
});

test('a worker that cannot read its file ends the batches with its error', async () => {
  const ahead = startParseAhead({ path: join(dir, 'missing.ndjson'), maxLine: 1 << 20, batchSize: 10, sensors });
  try {
    await ahead.whenReady();
    ahead.start(0);
    await assert.rejects(
      (async () => {
        for await (const _ of ahead.batches()) assert.fail('no batch expected');
      })(),
      /ENOENT/,
    );
    assert.equal(ahead.ready, false);
  } finally {
    await ahead.close();
  }
});
